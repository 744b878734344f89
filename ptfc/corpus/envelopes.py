"""A partner message to break, and the ways to break one as a whole. Pure: no I/O."""
from __future__ import annotations

import copy
import json
from random import Random
from typing import Any

from contracts import referral as R
from contracts.registry import DATA_MODELS, PARTNER_TYPES
from ptfc.corpus import mutations as M
from ptfc.corpus import raw as B
from ptfc.corpus.schema import GOOD_TIME, PartnerType
from ptfc.kit.decode import MAX_MESSAGE_BYTES

SPLICE = "@@corpus-splice@@"
# `ptfc topics` sets max.message.bytes to 4 MiB on every topic: the broker's limit here.
TOPIC_LIMIT = 4 * 1024 * 1024
# At the decoder's limit (refused for its content), one byte over, at the topic's limit, over it.
SIZE_LIMITS = [MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES, TOPIC_LIMIT - 1024, TOPIC_LIMIT + 1024]
# A referral the programme would accept, so that junk in a programme-checked field is the reason
# for its rejection; every other type's example is valid as the schema gives it.
VALID_REFERRAL = {("route",): "court_order", ("cafcass_area",): "A1", ("programme",): "cppp",
                  ("cppp", "proceedings"): "rule_16_4"}
KEYS = [b"C\x00" + M.MARK.encode(), b"C\r\nBcc: victim@evil.example", b"\xff\xfe\xfd", b"K" * 10_000, b"", None]
HEADERS = [("ptfc-reason", b"accepted"), ("ptfc-origin-topic", b"elsewhere"), ("ptfc-service", M.MARK.encode()),
           ("ptfc-withheld", b"no"), ("x-big", b"x" * 100_000), ("ce_type", R.REQUESTED.encode()),
           ("x-crlf\r\nBcc", b"\xff\r\n")]


def _unique(value: Any, uid: str) -> Any:
    if isinstance(value, dict):
        return {k: _unique(v, uid) for k, v in value.items()}
    if isinstance(value, list):
        return [_unique(v, uid) for v in value]
    return uid if value == "ok-1" else value


def base(pt: PartnerType, uid: str, case: str) -> dict:
    """A valid message of this type with ids of its own (so that no two are repeats)."""
    data = _unique(copy.deepcopy(pt.data), uid)
    if pt.type == R.REQUESTED:
        for path, value in VALID_REFERRAL.items():
            set_at(data, path, value)
        for node in (data["parent"], data["fca"], data["cppp"]["guardian"]):
            node["email"] = "someone@partner.example"
        data["court_email"] = "court@partner.example"
    return {"specversion": "1.0", "id": f"hx-{uid}", "source": f"/partners/corpus/{pt.topic_kind}",
            "type": pt.type, "time": GOOD_TIME, "subject": case, "datacontenttype": "application/json",
            "data": data}


def set_at(node: Any, path: tuple, value: Any) -> None:
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def encode(env: Any) -> bytes:
    return json.dumps(env, ensure_ascii=False).encode()


def apply(env: dict, path: tuple, change: M.Change) -> bytes:
    if change.delete:
        node = env
        for p in path[:-1]:
            node = node[p]
        del node[path[-1]]
        return encode(env)
    set_at(env, path, SPLICE if change.raw is not None else change.value)
    raw = encode(env)
    return raw.replace(f'"{SPLICE}"'.encode(), change.raw, 1) if change.raw is not None else raw


def at_size(env: dict, size: int) -> bytes:
    """Exactly `size` bytes: the type's first data text field (or the subject) padded with junk."""
    text = next((k for k, v in env["data"].items() if isinstance(v, str) and k not in ("module", "survey")), None)
    node, name = (env["data"], text) if text else (env, "subject")
    node[name] = SPLICE
    raw = encode(env)
    pad = size - (len(raw) - len(SPLICE))
    return raw.replace(SPLICE.encode(), (M.MARK + "x" * (pad - len(M.MARK))).encode(), 1)


def unknown_type(rng: Random, env: dict, topic: str) -> bytes:
    own = PARTNER_TYPES[env["source"].rsplit("/", 1)[1]]
    env["type"] = rng.choice([t for t in DATA_MODELS if t not in own] + [
        env["type"].replace(".v1", ".v2"), "ptfc.x", f"<script>{M.MARK}</script>", env["type"].upper(),
        env["type"] + " ", ""])
    return encode(env)


def not_an_envelope(rng: Random, env: dict, topic: str) -> bytes:
    way = rng.randrange(8)
    if way == 0:
        return encode(rng.choice([[env], "a string", 42, None, True]))
    if way == 1:
        env["data"] = rng.choice(["a string", [], None, 42, [env["data"]]])
    elif way == 2:
        env["specversion"] = rng.choice(["0.3", 1.0, None, "1.0 ", "2.0"])
    elif way == 3:
        env["datacontenttype"] = rng.choice(["text/xml", "application/json; charset=utf-16", ""])
    elif way == 4:
        del env[rng.choice(["data", "id", "source", "type", "time", "subject", "specversion"])]
    elif way == 5:
        env["source"] = rng.choice([f"not a uri {M.MARK}", "", "/p\"a", "/" + "p" * 600])
    elif way == 6:  # an extension attribute nested past the decoder's depth
        env["ext"] = SPLICE
        return encode(env).replace(f'"{SPLICE}"'.encode(), b"[" * 250 + b"]" * 250)
    else:
        return encode(env)[:-1] + f', "data": {{"shadow": "{M.MARK}"}}}}'.encode()  # a duplicate key
    return encode(env)


MESSAGE_MUTATIONS = {
    "broken JSON": lambda rng, env, topic: B.broken_json(rng, encode(env)),
    "wrong encoding": lambda rng, env, topic: B.wrong_encoding(rng, encode(env)),
    "not JSON": lambda rng, env, topic: B.not_json(rng, encode(env)),
    "unknown type": unknown_type,
    "not a CloudEvents envelope": not_an_envelope,
}


def hostile_key_and_headers(rng: Random, case: str) -> tuple[bytes | None, list]:
    key = rng.choice(KEYS) if rng.random() < 0.06 else case.encode()
    headers = rng.sample(HEADERS, rng.randrange(1, 4)) if rng.random() < 0.06 else []
    return key, headers
