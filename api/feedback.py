"""Learners' feedback on the items of their recommendation (service layer, no web framework).

The latest word per item is kept; :func:`store.adjustments.feedback_adjustments` turns all of it, with
the counsellors' reviews, into ranking adjustments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select

from api.auth import Principal
from api.people import NotAllowed, NotFound, recommendation_view
from store import Store
from store.db import aware
from store.models import FeedbackRow

FeedbackValue = Literal["relevant", "not_relevant", "enrolled", "completed"]


class FeedbackIn(BaseModel):
    """What the learner says about one item."""

    value: FeedbackValue = Field(..., examples=["enrolled"])


class FeedbackEntry(BaseModel):
    """A stored piece of feedback."""

    recommendation_id: str
    offering_id: str
    value: FeedbackValue
    competences: list[str] = Field(..., description="The gaps this item addresses in that recommendation.")
    at: datetime


def _entry(row: FeedbackRow) -> FeedbackEntry:
    at = aware(row.at)
    return FeedbackEntry(recommendation_id=row.recommendation_id, offering_id=row.offering_id,
                         value=row.value, competences=row.competences, at=at)  # type: ignore[arg-type]


def give_feedback(
    store: Store, principal: Principal, recommendation_id: str, offering_id: str, value: FeedbackValue
) -> FeedbackEntry:
    """Record a learner's feedback on an item of one of their recommendations (replacing an earlier one).

    Raises:
        NotAllowed: the caller is not a learner.
        NotFound: not their recommendation, or no such item in it (as they see it now).
    """
    if principal.role != "learner" or not principal.learner_id:
        raise NotAllowed("only learners give feedback on their recommendations")
    view = recommendation_view(store, principal, recommendation_id)
    if view is None:
        raise NotFound("no such recommendation")
    rec = view.recommendation
    gaps = {g.competence for g in rec.gaps}
    entries = [*rec.path.steps, *rec.items]
    addresses = {e.offering_id: [c for c in e.addresses if c in gaps] for e in entries}
    if offering_id not in addresses:
        raise NotFound("no such item in this recommendation")
    with store.session() as s:
        row = s.scalar(select(FeedbackRow).where(
            FeedbackRow.recommendation_id == recommendation_id, FeedbackRow.offering_id == offering_id))
        if row is None:
            row = FeedbackRow(recommendation_id=recommendation_id, learner_id=principal.learner_id,
                              offering_id=offering_id, competences=[], value=value, at=datetime.now(UTC))
            s.add(row)
        row.value, row.competences, row.at = value, list(addresses[offering_id]), datetime.now(UTC)
        s.flush()
        return _entry(row)


def feedback_of(store: Store, principal: Principal) -> list[FeedbackEntry]:
    """The feedback a learner has given, newest first."""
    if principal.role != "learner" or not principal.learner_id:
        raise NotAllowed("only learners have feedback")
    with store.session() as s:
        rows = s.scalars(select(FeedbackRow).where(FeedbackRow.learner_id == principal.learner_id)
                         .order_by(FeedbackRow.at.desc()))
        return [_entry(r) for r in rows]
