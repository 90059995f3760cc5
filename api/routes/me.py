"""What a caller sees of themselves; for learners, their current recommendation, history, feedback and consent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from api import people
from api.auth import Principal, current_principal, require_role
from api.feedback import FeedbackEntry, feedback_of
from store.db import set_consent
from store.models import ConsentRow

router = APIRouter(prefix="/v1/me", tags=["me"])
Learner = Annotated[Principal, Depends(require_role("learner"))]
ERRORS = {401: {"description": "No or unknown token"}, 403: {"description": "Not a learner"}}


@router.get("", response_model=Principal, summary="Who the token stands for", responses={401: ERRORS[401]})
def me(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    return principal


@router.get("/recommendation", response_model=people.RecommendationView, summary="My current recommendation",
            responses=ERRORS | {404: {"description": "No recommendation yet"}})
def my_recommendation(request: Request, principal: Learner) -> people.RecommendationView:
    """The latest recommendation and path, as the counsellor approved or edited it (else pending review)."""
    view = people.learner_view(request.app.state.store, principal, principal.learner_id or "")
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no recommendation yet")
    return view


@router.get("/history", response_model=list[people.ReviewSummary], summary="All my recommendations",
            responses=ERRORS)
def my_history(request: Request, principal: Learner) -> list[people.ReviewSummary]:
    return people.history(request.app.state.store, principal, principal.learner_id or "")


@router.get("/feedback", response_model=list[FeedbackEntry], summary="The feedback I gave", responses=ERRORS)
def my_feedback(request: Request, principal: Learner) -> list[FeedbackEntry]:
    return feedback_of(request.app.state.store, principal)


class ConsentState(BaseModel):
    """Whether the learner shares their recommendations with their counsellor, as it stands."""

    share_with_counsellor: bool = Field(..., description="False hides every recommendation of theirs from "
                                        "counsellors, earlier ones included, until they share again.")
    at: datetime | None = Field(None, description="When they last said so (in an assessment or here).")


@router.get("/consent", response_model=ConsentState, summary="My consent to share with my counsellor",
            responses=ERRORS)
def my_consent(request: Request, principal: Learner) -> ConsentState:
    with request.app.state.store.session() as s:
        row = s.get(ConsentRow, principal.learner_id or "")
        if row is None:
            return ConsentState(share_with_counsellor=False)
        return ConsentState(share_with_counsellor=row.share_with_counsellor, at=row.at)


@router.put("/consent", response_model=ConsentState, summary="Give or withdraw my consent to share",
            responses=ERRORS)
def set_my_consent(body: ConsentState, request: Request, principal: Learner) -> ConsentState:
    """The latest word wins: withdrawing hides all my recommendations from counsellors at once."""
    now = datetime.now(UTC)
    with request.app.state.store.session() as s:
        set_consent(s, principal.learner_id or "", body.share_with_counsellor, now)
    return ConsentState(share_with_counsellor=body.share_with_counsellor, at=now)
