"""``POST /v1/assessments``: validated, stored in the outbox in one transaction, then published by the relay."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from api.auth import Principal, current_principal
from api.metrics import ASSESSMENTS_ACCEPTED
from api.outbox import wake_relay
from api.people import may_submit_for
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
    """Accept an assessment for processing: a learner's own; a counsellor's for a learner of theirs or their
    team's (``learner.counsellor_id``) whom no other team follows; an admin's for anyone."""
    settings = request.app.state.settings
    store = request.app.state.store
    with store.session() as s:
        refused = may_submit_for(s, principal, event.learner.id, event.learner.counsellor_id)
        if refused:
            raise HTTPException(status.HTTP_403_FORBIDDEN, refused)
        store.enqueue(s, settings.kafka.topics.assessments, event.learner.id, event.model_dump_json())
    wake_relay(request)
    ASSESSMENTS_ACCEPTED.inc()
    return Accepted(event_id=str(event.event_id), learner_id=event.learner.id)
