"""The FastAPI app of a service, its error answers, and the bearer-token check for protected routes.

A service adds routes as an `APIRouter` (`ServiceSpec.http_routes`); the kit adds health and
metrics (`kit.health`) and serves the whole with its limits (`kit.http`). Every error answer is
JSON `{"error": "..."}`; invalid input also lists `problems` by field, without the value sent.
"""
from __future__ import annotations

import hmac
import os
from typing import Any, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ptfc.kit.http_guards import problem


class Problem(BaseModel):
    """An error answer."""
    error: str
    problems: list[str] | None = None


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for error answers, e.g. `responses=errors(401, 404)`."""
    return {status: {"model": Problem} for status in statuses}


async def _http_error(_: Request, exc: Exception) -> Any:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), exc.headers)


async def _invalid(_: Request, exc: Exception) -> Any:
    assert isinstance(exc, RequestValidationError)
    # Where and what, never the input: a parameter or body field can hold personal data.
    found = [f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
    return problem(422, "the request is invalid", problems=found)


async def _crash(_: Request, exc: Exception) -> Any:
    return problem(500, "internal error")  # logged by kit.http_guards.Guard, by type only


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with our answer to invalid input (`Problem`) in place of its own."""
    if app.openapi_schema is None:
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for operation in (op for path in doc.get("paths", {}).values() for op in path.values()):
            if "422" in operation.get("responses", {}):
                operation["responses"]["422"] = {"description": "Invalid request", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                schemas.setdefault("Problem", Problem.model_json_schema())
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        if not schemas:
            doc["components"].pop("schemas")
        app.openapi_schema = doc
    return app.openapi_schema


def make_app(title: str, version: str, description: str) -> FastAPI:
    """No /docs or /openapi.json routes: the documents are committed (contracts/openapi/)."""
    app = FastAPI(title=title, version=version, description=description, docs_url=None, redoc_url=None,
                  openapi_url=None, redirect_slashes=False)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crash)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def operator_token() -> str | None:
    """OPERATOR_API_TOKEN, for every service's operator routes (reporting, plans' links). Read at
    each request, not held in settings: a service reads it from its environment (README "Tokens")."""
    return os.environ.get("OPERATOR_API_TOKEN") or None


def bearer_token(expected: Callable[[], str | None], *, scheme: str, unset: str) -> Any:
    """A route dependency: 503 `unset` while `expected()` gives no token, 401 unless the request
    carries `Authorization: Bearer <that token>`. Use as `dependencies=[bearer_token(...)]`;
    `scheme` names the security scheme in the OpenAPI document."""
    bearer = HTTPBearer(auto_error=False, scheme_name=scheme)

    async def check(given: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        token = expected()
        if not token:
            raise HTTPException(503, unset)
        # compare_digest: how much of a wrong token matched must not show in the response time.
        if given is None or not hmac.compare_digest(given.credentials.encode(), token.encode()):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    return Depends(check)
