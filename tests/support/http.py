from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request


def _call(method: str, url: str, body: dict | None) -> tuple[int, dict | bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            raw, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raw, status, ctype = e.read(), e.code, e.headers.get("Content-Type", "")
    return status, json.loads(raw) if "json" in ctype and raw else raw


async def call(method: str, url: str, body: dict | None = None) -> tuple[int, dict | bytes]:
    return await asyncio.to_thread(_call, method, url, body)
