"""The counsellor's review workflow: the queue, a recommendation's detail, approve / reject / edit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from api import people
from api.auth import Principal, current_principal
from api.outbox import wake_relay
from catalog_ingest.seed import load_offerings
from schemas.recommendation import RecommendationStatus

router = APIRouter(prefix="/v1", tags=["reviews"])
Caller = Annotated[Principal, Depends(current_principal)]
Id = Annotated[str, Field(min_length=1, max_length=128)]
ERRORS = {
    401: {"description": "No or unknown token"},
    403: {"description": "Not a counsellor or admin"},
    404: {"description": "No such recommendation, or not one of your learners'"},
}


class ReviewNote(BaseModel):
    """An optional note kept in the audit trail."""

    note: str | None = Field(None, max_length=2000, examples=["Agreed with the learner on 12 May."])


class PathEdit(ReviewNote):
    """The new path: offering ids of the recommendation, in order (adds, removes and reorders at once)."""

    steps: list[Id] = Field(..., max_length=50, examples=[["off-cyber-hygiene", "off-digcomp-4-2-basics"]])


def offering_lookup(request: Request) -> people.OfferingLookup:
    """Finds a catalogue offering by id (the configured catalogue file, read once), for edits that add one."""
    state = request.app.state
    if getattr(state, "offering_lookup", None) is None:
        by_id = {o.id: o for o in load_offerings(state.settings.catalog.path)}
        state.offering_lookup = by_id.get
    return state.offering_lookup  # type: ignore[no-any-return]


def _act(request: Request) -> dict[str, object]:
    return {"store": request.app.state.store, "topic": request.app.state.settings.kafka.topics.reviews}


def _done(request: Request, view: people.RecommendationView) -> people.RecommendationView:
    wake_relay(request)
    return view


@router.get("/reviews", response_model=list[people.ReviewSummary], summary="The review queue", responses=ERRORS)
def review_queue(
    request: Request,
    principal: Caller,
    status_: Annotated[RecommendationStatus | None, Query(alias="status")] = None,
    campaign: Annotated[str | None, Query(max_length=128)] = None,
    gap: Annotated[str | None, Query(max_length=16, description="A DigComp code, e.g. 4.2")] = None,
) -> list[people.ReviewSummary]:
    """Recommendations of the learners you may see, oldest first, filtered by status, campaign and gap."""
    return people.review_queue(request.app.state.store, principal, status_, campaign, gap)


@router.get(
    "/recommendations/{recommendation_id}", response_model=people.RecommendationView,
    summary="A recommendation with its explanations, original version and audit trail", responses=ERRORS,
)
def recommendation_detail(recommendation_id: str, request: Request, principal: Caller) -> people.RecommendationView:
    view = people.recommendation_view(request.app.state.store, principal, recommendation_id)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such recommendation")
    return view


@router.post("/recommendations/{recommendation_id}/approve", response_model=people.RecommendationView,
             summary="Approve as it stands", responses=ERRORS)
def approve(
    recommendation_id: str, request: Request, principal: Caller, body: ReviewNote | None = None
) -> people.RecommendationView:
    note = body.note if body else None
    return _done(request, people.approve(principal=principal, recommendation_id=recommendation_id, note=note,
                                         **_act(request)))  # type: ignore[arg-type]


@router.post("/recommendations/{recommendation_id}/reject", response_model=people.RecommendationView,
             summary="Reject (say why in the note)", responses=ERRORS)
def reject(
    recommendation_id: str, request: Request, principal: Caller, body: ReviewNote | None = None
) -> people.RecommendationView:
    note = body.note if body else None
    return _done(request, people.reject(principal=principal, recommendation_id=recommendation_id, note=note,
                                        **_act(request)))  # type: ignore[arg-type]


@router.post("/recommendations/{recommendation_id}/edit", response_model=people.RecommendationView,
             summary="Replace the path: add, remove, reorder steps", responses=ERRORS | {
                 422: {"description": "Invalid body, or a step that is not an offering of this recommendation"}})
def edit(recommendation_id: str, body: PathEdit, request: Request, principal: Caller) -> people.RecommendationView:
    """Steps may be offerings of the recommendation or of the catalogue (to add one it did not propose)."""
    return _done(request, people.edit(principal=principal, recommendation_id=recommendation_id, steps=body.steps,
                                      note=body.note, lookup=offering_lookup(request), **_act(request)))  # type: ignore[arg-type]
