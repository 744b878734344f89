"""Who may look at the operator console: whoever holds `OPERATOR_API_TOKEN`.

A browser cannot easily send a bearer header, so the console signs a person in with a cookie:
- `POST /console/sign-in` with the token (a form field) compares it in constant time with the
  configured one; if right, sets the cookie `ptfc_console`;
- the cookie's value is HMAC-SHA256(per-process random key, token): never the token itself, so a
  leaked cookie does not reveal the token, a cookie from an earlier process or for an earlier
  token stops working (restart or change the token to sign everyone out), and nothing is stored;
- HttpOnly (no script can read it), SameSite=Strict (not sent with a request another site starts,
  so no cross-site request forgery), Path=/console, 8 hours; Secure when the request came by HTTPS.
Each page checks the cookie again against the token configured now. With several replicas each
has its own key: sign in again after being sent to another one (a console is one operator's tab).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs

from fastapi import Request, Response

COOKIE = "ptfc_console"
MAX_AGE = 8 * 3600
_KEY = secrets.token_bytes(32)  # per process: never written anywhere


def cookie_for(token: str) -> str:
    return hmac.new(_KEY, token.encode(), hashlib.sha256).hexdigest()


def signed_in(request: Request, token: str | None) -> bool:
    given = request.cookies.get(COOKIE, "")
    return bool(token) and hmac.compare_digest(given.encode(), cookie_for(token).encode())


def token_matches(given: str, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


async def form_token(request: Request) -> str:
    """The `token` field of an urlencoded form (the kit limits the body to 1 MiB)."""
    body = (await request.body()).decode("utf-8", "replace")
    return (parse_qs(body, max_num_fields=10).get("token") or [""])[0].strip()


def set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, cookie_for(token), max_age=MAX_AGE, path="/console", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="strict")
