"""``POST /v1/assessments``: validated, stored in the outbox in one transaction, then published by the relay."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from api.auth import Principal, current_principal
from api.metrics import ASSESSMENTS_ACCEPTED
from schemas.assessment import AssessmentCompleted

router = APIRouter(prefix="/v1", tags=["assessments"])


class Accepted(BaseModel):
    event_id: str
    learner_id: str
    status: str = Field("accepted", description="Stored durably; the worker will publish a recommendation.")


@router.post(
    "/assessments",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    summary="Submit an assessment.completed event",
    responses={401: {"description": "No or unknown token"}, 403: {"description": "Not yours to submit"}},
)
def submit_assessment(
    event: AssessmentCompleted,
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
) -> Accepted:
    """Accept an assessment for processing. A learner may only submit their own."""
    if principal.role == "learner" and principal.learner_id != event.learner.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a learner may only submit their own assessment")
    if principal.role == "provider":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "providers do not submit assessments")
    settings = request.app.state.settings
    store = request.app.state.store
    with store.session() as s:
        store.enqueue(s, settings.kafka.topics.assessments, event.learner.id, event.model_dump_json())
    request.app.state.relay.wakeup.set()
    ASSESSMENTS_ACCEPTED.inc()
    return Accepted(event_id=str(event.event_id), learner_id=event.learner.id)
