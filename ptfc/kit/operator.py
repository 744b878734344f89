"""An operator's command sends what a partner would: one event, to the partner topic, once.

One path for both, so the operator's request is deduplicated, checked and dead-lettered exactly as
the partner's would be (used by `ptfc learning reissue` and `ptfc erase`)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from pydantic import BaseModel

from contracts import topics as T
from contracts.envelope import event_dict
from ptfc.kit.outbox import make_producer
from ptfc.kit.settings import Settings

SOURCE = "/ptfc/operator"


async def publish_as_operator(settings: Settings, topic: str, type_: str, data: BaseModel, case: str) -> str:
    """Publishes the event keyed by its case; returns its id."""
    event_id = str(uuid.uuid4())
    doc = event_dict(id=event_id, source=SOURCE, type=type_, time=datetime.now(timezone.utc), subject=case,
                     data=data)
    producer = make_producer(settings, "ptfc-cli")
    await producer.start()
    try:
        await producer.send_and_wait(T.namespaced(settings.topic_namespace, topic),
                                     json.dumps(doc, separators=(",", ":")).encode(), key=case.encode())
    finally:
        await producer.stop()
    return event_id
