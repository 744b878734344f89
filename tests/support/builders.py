"""Partner payloads with unique ids per test (no shared fixtures, no table truncation)."""
from __future__ import annotations

import uuid


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def referral(case: str | None = None, person: str | None = None, **over) -> dict:
    person = person or uid("P")
    data = {
        "referral_id": uid("R"), "case_number": case or uid("C"), "route": "court_order",
        "programme": "ptfc", "cafcass_area": "A1", "court": "Leeds Family Court",
        "ordered_on": "2026-11-02",
        "parent": {"person_id": person, "given_name": "Alex", "family_name": "Example",
                   "email": f"{person.lower()}@parents.example", "phone": "+44 7700 900123"},
        "co_parent_person_ids": [], "fca": {"name": "Fay Adviser", "email": "fca@cafcass.example"},
        "court_email": "court@justice.example", "plan_suitable": True,
    }
    for k, v in over.items():
        data[k] = v
    return data
