"""Liveness and readiness."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import text

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the store answers; reports the outbox relay, its backlog and parked records")
def readyz(request: Request, response: Response) -> dict[str, object]:
    store = request.app.state.store
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any database failure means not ready; the details go to the log, not to callers
        logger.exception("readiness: the store does not answer")
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unavailable", "database": "unavailable"}
    relay = request.app.state.relay
    return {"status": "ok", "database": "ok", "broker": "ok" if relay.healthy else "retrying",
            "outbox_pending": relay.pending(), "outbox_parked": relay.parked()}
