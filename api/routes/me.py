"""What a caller sees of themselves; for learners, their current recommendation, history and feedback."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from api import people
from api.auth import Principal, current_principal, require_role
from api.feedback import FeedbackEntry, feedback_of

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
