"""Operator control facts (internal, on `ptfc.ops.replay`): a replay of back-dated history is open.

`ptfc replay begin` and `ptfc replay end` publish them; every service reads them through the kit
(ptfc/kit/replay.py). While a replay is open no timer fires: back-dated history arrives faster than
programme time passed, so a timer due long ago must wait until the facts before it have been read.
"""
from __future__ import annotations

from pydantic import Field

from contracts.envelope import WireModel
from contracts.text import Id

REPLAY_BEGAN = "ptfc.ops.replay-began.v1"
REPLAY_ENDED = "ptfc.ops.replay-ended.v1"


class ReplayBegan(WireModel):
    """From now on no timer fires, until this replay ends (one `replay_id` per replay)."""

    replay_id: Id = Field(description="Names the replay; its ending names it again.")


class ReplayEnded(WireModel):
    """Every service had read the replayed history: timers fire again, in due order."""

    replay_id: Id
