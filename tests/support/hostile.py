"""Hostile partner messages: one builder per class the system must refuse at the door.

Every personal or sender-chosen value carries MARK, so a test can prove no reason repeats it."""
from __future__ import annotations

import json

from ptfc.corpus.generate import DEAD, Hostile, judge
from ptfc.corpus.mutations import MARK

GOOD_TIME = "2026-11-02T10:15:00+00:00"


def envelope(data: dict, *, type_: str = "ptfc.referral.requested.v1", **over) -> dict:
    env = {"specversion": "1.0", "id": f"id-{MARK}", "source": "/partners/cafcass", "type": type_,
           "time": GOOD_TIME, "subject": "C-1", "datacontenttype": "application/json", "data": data}
    env.update(over)
    return env


def referral_data(**over) -> dict:
    data = {"referral_id": "R-1", "case_number": "C-1", "route": "court_order", "programme": "ptfc",
            "cafcass_area": "A1", "court": "Leeds Family Court", "ordered_on": "2026-11-02",
            "parent": {"person_id": "P-1", "given_name": f"Alex{MARK}", "family_name": "Example",
                       "email": "alex@parents.example", "needs": {"in_person": False}},
            "co_parent_person_ids": [], "fca": {"name": "Fay", "email": "fca@cafcass.example"},
            "plan_suitable": True}
    data.update(over)
    return data


def _with(path: str, value) -> bytes:
    """A good referral with one field (dotted path into the envelope) replaced."""
    env = envelope(referral_data())
    node = env
    *parents, last = path.split(".")
    for p in parents:
        node = node[p]
    node[last] = value
    return json.dumps(env).encode()


def _without(path: str) -> bytes:
    env = envelope(referral_data())
    node = env
    *parents, last = path.split(".")
    for p in parents:
        node = node[p]
    del node[last]
    return json.dumps(env).encode()


def classes() -> dict[str, bytes]:
    """name -> message value. Each must be refused with a reason; none may stall a partition."""
    deep = b'{"specversion":"1.0","data":' + b"[" * 20000 + b"]" * 20000 + b"}"
    out = {
        "deep_nesting": deep,
        "deep_nesting_in_extra_field": _with("data.extra", json.loads("[" * 250 + "]" * 250)),
        "nul_in_id": _with("id", f"a\u0000{MARK}"),
        "nul_in_source": _with("source", f"/partners/\u0000{MARK}"),
        "nul_in_subject": _with("subject", f"C\u0000{MARK}"),
        "nul_in_given_name": _with("data.parent.given_name", f"Al\u0000ex{MARK}"),
        "crlf_in_id": _with("id", f"a\r\n{MARK}"),
        "bidi_control_c1_in_name": _with("data.parent.family_name", f"Ex\u0085{MARK}"),
        "lone_surrogate_in_name": json.dumps(envelope(referral_data())).replace(
            f"Alex{MARK}", "Al\\ud800ex").encode(),
        "time_year_9999": _with("time", "9999-12-31T23:59:59Z"),
        "ordered_on_year_9999": _with("data.ordered_on", "9999-12-31"),
        "time_as_unix_integer": _with("time", 1_700_000_000),
        "time_as_unix_string": _with("time", "1700000000"),
        "ordered_on_as_unix_string": _with("data.ordered_on", "1762041600"),
        "impossible_date": _with("data.ordered_on", "2026-02-30"),
        "time_without_offset": _with("time", "2026-11-02T10:15:00"),
        "bool_as_string": _with("data.plan_suitable", "yes"),
        "bool_as_integer": _with("data.plan_suitable", 1),
        "missing_co_parents": _without("data.co_parent_person_ids"),
        "missing_in_person": _with("data.parent.needs", {"interpreter": "Polish"}),
        "source_not_uri_reference": _with("source", f"not a uri {MARK}"),
        "unknown_type_html": _with("type", f"<script>{MARK}</script>"),
        "nan": _with("data.plan_suitable", "NaN").replace(b'"NaN"', b"NaN"),
        "utf16": json.dumps(envelope(referral_data())).encode("utf-16"),
        "latin1_bytes": json.dumps(envelope(referral_data()), ensure_ascii=False).replace(
            MARK, f"{MARK}é").encode("latin-1"),
        "not_json": f"<xml>{MARK}</xml>".encode(),
        "json_array": b"[1, 2, 3]",
        "empty": b"",
        "huge_string": _with("data.court", MARK + "x" * 2_000_000),
        "huge_array": _with("data.co_parent_person_ids", [f"P-{i}" for i in range(100_000)]),
        "name_too_long": _with("data.parent.given_name", MARK + "x" * 300),
    }
    return out


def plan_shared(email: str) -> bytes:
    return json.dumps(envelope({"person_id": "P-1", "with": "mediator", "email": email},
                               type_="ptfc.plan.shared.v1", source="/partners/parent-hub/plans")).encode()


def session_scheduled(**trainer_over) -> bytes:
    trainer = {"trainer_id": "T-1", "name": "Sam", "email": "sam@lot.example", **trainer_over}
    data = {"session_id": "S-1", "parts": [{"starts_at": "2026-12-01T10:00:00+00:00", "minutes": 150}],
            "mode": "online", "join_url": "https://meet.example/s1", "trainer": trainer}
    return json.dumps(envelope(data, type_="ptfc.workshop.session-scheduled.v1",
                               source="/partners/lot-north")).encode()


def good_referral(referral_id: str, person_id: str, case: str) -> bytes:
    data = referral_data(referral_id=referral_id, case_number=case)
    data["parent"] = {**data["parent"], "person_id": person_id, "given_name": "Alex",
                      "email": f"{person_id.lower()}@parents.example"}
    return json.dumps(envelope(data, id=f"ok-{referral_id}", subject=case)).encode()




def named(topic: str) -> list[Hostile]:
    """The named classes as corpus entries on `topic` (the referrals topic, namespaced), each with
    the reason the decoder gives it: sent by the corpus runner before its generated messages."""
    return [Hostile(-1, topic, "ptfc.referral.requested.v1", f"named: {name}", "(message)", value, b"C-hostile",
                    expect=DEAD, reason=judge(topic, "referrals", value)) for name, value in classes().items()]
