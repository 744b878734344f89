"""ASGI middleware around every service's app: body size, time per request, and no stack traces.

Plain ASGI rather than Starlette's BaseHTTPMiddleware, which buffers and runs the app in another
task; these wrap the whole FastAPI app (outside its own error handling), so they hold for any
route a service adds.
"""
from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse

from ptfc.kit.logging import get_logger

log = get_logger()
TOO_LARGE = "the request body is too large"
CLOSE = {"Connection": "close"}  # the rest of an unread body must not be taken for the next request


def problem(status: int, message: str, headers: dict[str, str] | None = None,
            problems: list[str] | None = None) -> JSONResponse:
    """Every error answer: {"error": ...} (and "problems" for invalid input), never a value sent in."""
    doc: dict[str, Any] = {"error": message}
    if problems:
        doc["problems"] = problems
    return JSONResponse(doc, status, headers=headers)


def _tracking(send: Any) -> tuple[Any, dict[str, bool]]:
    state = {"started": False}

    async def tracked(message: dict) -> None:
        if message["type"] == "http.response.start":
            state["started"] = True
        await send(message)
    return tracked, state


class SizeLimit:
    """431 for headers over `max_header_bytes` (h11's own limit holds only while a head is still
    arriving: one that comes in a single read is parsed whatever its size). 413 for a declared
    Content-Length over `max_bytes` at once; for a chunked body, as soon as the bytes read pass it
    (raised from `receive`, which FastAPI turns into the answer)."""

    def __init__(self, app: Any, max_header_bytes: int, max_bytes: int) -> None:
        self.app, self.max_header_bytes, self.max_bytes = app, max_header_bytes, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if sum(len(k) + len(v) + 4 for k, v in scope["headers"]) > self.max_header_bytes:
            return await problem(431, "the request headers are too large", CLOSE)(scope, receive, send)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await problem(413, TOO_LARGE, CLOSE)(scope, receive, send)
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, TOO_LARGE, headers=CLOSE)
            return message
        await self.app(scope, limited, send)


class Deadline:
    """A route slower than `seconds` is cancelled and answered 503 (if it had not begun answering)."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        tracked, state = _tracking(send)
        try:
            async with asyncio.timeout(self.seconds) as cm:
                await self.app(scope, receive, tracked)
        except TimeoutError:
            if not cm.expired():
                raise  # the route's own timeout, not ours: a failure like any other
            log.warning("http.handler_too_slow", method=scope["method"], seconds=self.seconds)
            if not state["started"]:
                await problem(503, "the request took too long", CLOSE)(scope, receive, send)


class Guard:
    """Last line: whatever escapes is logged by type only (an exception's text can hold input) and
    answered 500 with a JSON error, never a traceback."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        tracked, state = _tracking(send)
        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:
            pass  # the client went away (or was cut off): nobody to answer
        except Exception as exc:
            log.error("http.error", method=scope.get("method"), error=type(exc).__name__)
            if not state["started"] and scope["type"] == "http":
                await problem(500, "internal error")(scope, receive, send)


def guarded(app: Any, max_header_bytes: int, max_body_bytes: int, handler_seconds: float) -> Any:
    return Guard(Deadline(SizeLimit(app, max_header_bytes, max_body_bytes), handler_seconds))
