"""GDPR requests, for admins: erase a learner (store rows and Kafka tombstones), export their data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from api.auth import Principal, require_role
from api.outbox import wake_relay
from store.privacy import ErasureReport, LearnerExport, erase_learner, export_learner

router = APIRouter(prefix="/v1/learners", tags=["gdpr"])
Admin = Annotated[Principal, Depends(require_role("admin"))]
ERRORS = {401: {"description": "No or unknown token"}, 403: {"description": "Not an admin"}}


@router.delete("/{learner_id}", response_model=ErasureReport, summary="Erase a learner", responses=ERRORS)
def erase(learner_id: str, request: Request, _: Admin) -> ErasureReport:
    """Delete every stored row about the learner and publish tombstones for their key (idempotent)."""
    topics = request.app.state.settings.kafka.topics
    report = erase_learner(request.app.state.store, learner_id, topics.learner_keyed())
    wake_relay(request)
    return report


@router.get("/{learner_id}/export", response_model=LearnerExport, summary="Export a learner's data",
            responses=ERRORS | {404: {"description": "Nothing stored about this learner"}})
def export(learner_id: str, request: Request, _: Admin) -> LearnerExport:
    found = export_learner(request.app.state.store, learner_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "nothing stored about this learner")
    return found
