"""Learning's settings: the programme's numbers it applies, the Parent Hub's address and its own token."""
from __future__ import annotations

from services.programme import ParentHub, Programme


class LearningSettings(Programme, ParentHub):
    # Bearer token for GET /certificates/<number>; unset: the endpoint answers 503.
    certificate_api_token: str | None = None
