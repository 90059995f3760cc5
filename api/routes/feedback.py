"""``PUT /v1/recommendations/{id}/items/{offering_id}/feedback``: a learner's word on one item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.auth import Principal, current_principal
from api.feedback import FeedbackEntry, FeedbackIn, give_feedback

router = APIRouter(prefix="/v1", tags=["me"])


@router.put(
    "/recommendations/{recommendation_id}/items/{offering_id}/feedback",
    response_model=FeedbackEntry,
    summary="Say whether an item is relevant, or that you enrolled in or completed it",
    responses={401: {"description": "No or unknown token"}, 403: {"description": "Not a learner"},
               404: {"description": "Not your recommendation, or no such item in it"}},
)
def put_feedback(
    recommendation_id: str, offering_id: str, body: FeedbackIn, request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
) -> FeedbackEntry:
    """Replaces any earlier feedback on the same item; it feeds the ranking of later recommendations."""
    return give_feedback(request.app.state.store, principal, recommendation_id, offering_id, body.value)
