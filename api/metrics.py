"""Prometheus metrics of the API: requests by route and status, their latency, and the outbox backlog."""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import Counter, Histogram
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

REQUESTS = Counter("upskill_api_requests_total", "HTTP requests.", ["method", "route", "status"])
LATENCY = Histogram(
    "upskill_api_request_seconds", "HTTP request latency.", ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ASSESSMENTS_ACCEPTED = Counter("upskill_api_assessments_accepted_total", "Assessments stored in the outbox.")


def guarded(metrics_app: ASGIApp, tokens: list[str]) -> ASGIApp:
    """The Prometheus endpoint behind a bearer token (any of ``tokens``); 401 without one."""
    accepted = [f"Bearer {t}".encode() for t in tokens if t]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not any(hmac.compare_digest(given, token) for token in accepted):
                await PlainTextResponse("/metrics needs the metrics token", status_code=401,
                                        headers={"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        await metrics_app(scope, receive, send)

    return app


def instrument(app: FastAPI) -> None:
    """Count and time every request, labelled by its route template (not the raw path: ids stay out)."""

    @app.middleware("http")
    async def _measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        LATENCY.labels(request.method, template).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, template, str(response.status_code)).inc()
        return response
