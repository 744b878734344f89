"""Learning's HTTP answers that come before any database read, on a real socket: a malformed
invitation check is a 400 with one fixed message, certificate downloads need the bearer token.
(The answers that read the database are in test_invitation_email and test_learning_programme.)"""
from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from ptfc.kit.health import service_app
from ptfc.kit.http import HttpServer
from ptfc.kit.service import Service
from ptfc.kit.settings import Settings
from services.learning.app import SPEC as LEARNING
from services.learning.settings import LearningSettings
from tests.support.builders import uid
from tests.support.http import exchange

BAD_BODY = {"error": 'body must be {"token": "..."}'}


@asynccontextmanager
async def learning_http(token: str | None):
    """The learning app alone (no database, no broker): what it answers without them."""
    server = HttpServer()
    svc = Service(LEARNING, Settings(), config=LearningSettings(certificate_api_token=token))
    svc.started = True  # served as a started service's: the answers below need no database
    port = await server.start(service_app(svc), "127.0.0.1", 0)
    try:
        yield port
    finally:
        await server.stop()


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"token": 5}', b'{"token": ""}',
                                  b'{"other": "x"}', b'{"token": "' + b"a" * 200 + b'"}'])
async def test_malformed_invitation_check_is_400_without_the_value(body):
    async with learning_http(None) as port:
        answer = await exchange(port, "POST", "/invitations/verify", [("Content-Type", "application/json"),
                                                                     ("Content-Length", str(len(body)))], [body])
        assert (answer.status, answer.json()) == (400, BAD_BODY)


async def test_certificate_download_is_503_while_no_token_is_configured():
    async with learning_http(None) as port:
        answer = await exchange(port, "GET", "/certificates/PTFC-0000-0000-0000-0000.pdf",
                                [("Authorization", "Bearer anything")])
        assert (answer.status, answer.json()) == (503, {"error": "certificate downloads are not configured"})


async def test_certificate_download_needs_the_right_bearer_token():
    token = "s3cret-" + uid("t")
    async with learning_http(token) as port:
        for given in ([], [("Authorization", "Bearer wrong")], [("Authorization", f"Basic {token}")],
                      [("Authorization", token)]):
            answer = await exchange(port, "GET", "/certificates/PTFC-0000-0000-0000-0000", given)
            assert (answer.status, answer.json()) == (401, {"error": "a valid bearer token is required"}), given


async def test_malformed_certificate_number_is_not_genuine():
    async with learning_http(None) as port:
        answer = await exchange(port, "GET", "/certificates/check/not-a-number")
        assert (answer.status, answer.json()) == (200, {"genuine": False})
