"""A learner's recommendations, read from the store (never from Kafka), under the access rules of api.people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from api import people
from api.auth import Principal, current_principal
from schemas.recommendation import RecommendationGenerated

router = APIRouter(prefix="/v1", tags=["learners"])
Caller = Annotated[Principal, Depends(current_principal)]
ERRORS = {
    401: {"description": "No or unknown token"},
    403: {"description": "Providers do not see learners"},
    404: {"description": "No recommendation for this learner (or not yours to see)"},
}


def _view(request: Request, principal: Principal, learner_id: str) -> people.RecommendationView:
    # Callers who may not see the learner get the same 404 as a learner with nothing yet: no existence leaks.
    view = people.learner_view(request.app.state.store, principal, learner_id)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no recommendation for this learner")
    return view


@router.get(
    "/learners/{learner_id}/recommendations/latest",
    response_model=RecommendationGenerated,
    summary="The learner's latest recommendation, as reviewed once a counsellor acted",
    responses=ERRORS,
)
def latest_recommendation(learner_id: str, request: Request, principal: Caller) -> RecommendationGenerated:
    return _view(request, principal, learner_id).recommendation


@router.get(
    "/learners/{learner_id}/recommendation",
    response_model=people.RecommendationView,
    summary="The learner's current recommendation with its original and audit trail",
    responses=ERRORS,
)
def current_view(learner_id: str, request: Request, principal: Caller) -> people.RecommendationView:
    return _view(request, principal, learner_id)


@router.get(
    "/learners/{learner_id}/history",
    response_model=list[people.ReviewSummary],
    summary="Every recommendation of the learner, newest first",
    responses=ERRORS,
)
def learner_history(learner_id: str, request: Request, principal: Caller) -> list[people.ReviewSummary]:
    return people.history(request.app.state.store, principal, learner_id)
