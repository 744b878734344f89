"""The learning service's HTTP routes: invitation links, certificates, satisfaction figures.

- GET /certificates/check/<number>: public; says only whether the number is genuine.
- GET /certificates/<number>[.pdf]: the certificate PDF, for callers holding the bearer token.
- GET /reports/satisfaction[?lot=<lot>]: counts and percentages from workshop feedback.
"""
from __future__ import annotations

import hmac

from ptfc.kit.http import HttpServer, Reply, Request
from services.learning import certificate_store, certificates, domain, feedback, invitations, store

CHECK, CERTIFICATES = "/certificates/check/", "/certificates/"


def api_token(settings) -> str | None:
    return settings.certificate_api_token or None


def authorised(req: Request, token: str) -> bool:
    scheme, _, given = req.headers.get("authorization", "").partition(" ")
    # compare_digest: how much of a wrong token matched must not show in the response time.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def add_routes(svc, http: HttpServer) -> None:
    invitations.add_routes(svc, http)

    async def check(req: Request) -> Reply:
        """True or false and nothing else: not whose it is, not when, not whether it looked close."""
        number = domain.normalised_number(req.path[len(CHECK):])
        genuine = number is not None and await certificate_store.exists(svc.pool, number)
        return Reply.json({"genuine": genuine})

    async def download(req: Request) -> Reply:
        token = api_token(svc.settings)
        if token is None:
            return Reply.json({"error": "certificate downloads are not configured"}, 503)
        if not authorised(req, token):
            return Reply.json({"error": "a valid bearer token is required"}, 401)
        number = domain.normalised_number(req.path[len(CERTIFICATES):].removesuffix(".pdf"))
        cert = await certificate_store.by_number(svc.pool, number) if number else None
        if cert is None:
            return Reply.json({"error": "no such certificate"}, 404)
        name = await certificate_store.name(svc.pool, cert.person_id)
        return Reply(200, certificates.certificate_pdf(cert, name), "application/pdf")

    async def satisfaction(req: Request) -> Reply:
        lot = req.query.get("lot") or None
        row = await store.satisfaction_counts(svc.pool, lot, feedback.HIGH_SATISFACTION)
        figures = feedback.satisfaction_figures(row["responses"], row["clearer"], row["child_at_centre"],
                                                row["high"])
        return Reply.json({"survey": feedback.WORKSHOP_FEEDBACK, "lot": lot, **figures})

    http.add("GET", CHECK, check)
    http.add("GET", CERTIFICATES, download)
    http.add("GET", "/reports/satisfaction", satisfaction)
