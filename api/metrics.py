"""Prometheus metrics of the API: requests by route and status, their latency, and the outbox backlog."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import Counter, Histogram

REQUESTS = Counter("upskill_api_requests_total", "HTTP requests.", ["method", "route", "status"])
LATENCY = Histogram(
    "upskill_api_request_seconds", "HTTP request latency.", ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ASSESSMENTS_ACCEPTED = Counter("upskill_api_assessments_accepted_total", "Assessments stored in the outbox.")


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
