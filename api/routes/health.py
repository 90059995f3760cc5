"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the store answers; reports the outbox relay and its backlog")
def readyz(request: Request, response: Response) -> dict[str, object]:
    store = request.app.state.store
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means not ready
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unavailable", "database": str(exc)[:200]}
    relay = request.app.state.relay
    return {"status": "ok", "database": "ok", "broker": "ok" if relay.healthy else "retrying",
            "outbox_pending": relay.pending()}
