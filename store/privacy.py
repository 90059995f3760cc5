"""GDPR: export everything the store holds about a learner, and erase it (with Kafka tombstones).

Erasure deletes the learner's rows from every table (assessments, recommendations, reviews, feedback, their
user accounts and keys, and outbox records keyed by them, published or not) and, in the same transaction,
enters them in the register of erased learners and queues a tombstone (key = learner id, value null) for each
topic keyed by learner id, the dead-letter topic included. Those topics are compacted (``compact,delete``, see
``kafka_io.client.topic_specs``), so the broker drops the learner's records once the outbox relay has published
the tombstones, within ``max.compaction.lag.ms``. The register keeps anything made before the erasure (a
replay, an offset reset, a dead letter) from re-creating them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, select

from store import Store
from store.db import aware
from store.models import (
    ApiKeyRow,
    AssessmentRow,
    ConsentRow,
    ErasedLearnerRow,
    FeedbackRow,
    LearnerLinkRow,
    OutboxRow,
    RecommendationRow,
    ReviewRow,
    UserRow,
)

logger = logging.getLogger(__name__)


class ErasureReport(BaseModel):
    """What an erasure removed, per table, and where tombstones were queued."""

    learner_id: str
    deleted: dict[str, int] = Field(..., description="Rows deleted per table.")
    tombstones: list[str] = Field(..., description="Topics that get a tombstone for this learner's key.")


class LearnerExport(BaseModel):
    """Everything the store holds about one learner (GDPR access / portability)."""

    learner_id: str
    exported_at: datetime
    assessments: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    accounts: list[dict[str, Any]] = Field(..., description="API users bound to this learner (never a key).")
    consent: dict[str, Any] | None = Field(None, description="Their consent to share with their counsellor, as it "
                                           "stands, and when they last said so.")
    links: list[dict[str, Any]] = Field(default_factory=list, description="Links to their page: who issued them, "
                                        "when, until when, revoked when (the link itself is not kept).")


def _iso(dt: datetime) -> str:
    return aware(dt).isoformat()


def export_learner(store: Store, learner_id: str) -> LearnerExport | None:
    """The learner's data as one JSON-ready document, or None when the store holds nothing about them."""
    with store.session() as s:
        assessments = s.scalars(select(AssessmentRow).where(AssessmentRow.learner_id == learner_id)
                                .order_by(AssessmentRow.occurred_at)).all()
        recs = s.scalars(select(RecommendationRow).where(RecommendationRow.learner_id == learner_id)
                         .order_by(RecommendationRow.generated_at)).all()
        reviews = s.scalars(select(ReviewRow).where(ReviewRow.learner_id == learner_id).order_by(ReviewRow.id)).all()
        feedback = s.scalars(select(FeedbackRow).where(FeedbackRow.learner_id == learner_id)
                             .order_by(FeedbackRow.id)).all()
        users = s.scalars(select(UserRow).where(UserRow.learner_id == learner_id)).all()
        consent = s.get(ConsentRow, learner_id)
        links = s.scalars(select(LearnerLinkRow).where(LearnerLinkRow.learner_id == learner_id)
                          .order_by(LearnerLinkRow.issued_at)).all()
        if not (assessments or recs or feedback or users):
            return None
        return LearnerExport(
            learner_id=learner_id,
            exported_at=datetime.now(UTC),
            assessments=[a.body for a in assessments],
            recommendations=[{"status": r.status, "recommendation": r.body} for r in recs],
            reviews=[{"recommendation_id": r.recommendation_id, "at": _iso(r.at), "action": r.action,
                      "role": r.role, "note": r.note, "changes": r.changes} for r in reviews],
            feedback=[{"recommendation_id": f.recommendation_id, "offering_id": f.offering_id,
                       "value": f.value, "at": _iso(f.at)} for f in feedback],
            accounts=[{"name": u.name, "role": u.role, "created_at": _iso(u.created_at)} for u in users],
            consent={"share_with_counsellor": consent.share_with_counsellor, "at": _iso(consent.at)} if consent
            else None,
            links=[{"issued_by": k.issued_by, "issued_at": _iso(k.issued_at), "expires_at": _iso(k.expires_at),
                    "revoked_at": _iso(k.revoked_at) if k.revoked_at else None} for k in links],
        )


def learner_hash(learner_id: str) -> str:
    """How the register of erased learners names one: the SHA-256 of their pseudonym."""
    return hashlib.sha256(learner_id.encode("utf-8")).hexdigest()


def erased_since(store: Store, learner_ids: Iterable[str]) -> dict[str, datetime]:
    """For each of these learners who was erased, when (timezone-aware)."""
    by_hash = {learner_hash(i): i for i in set(learner_ids)}
    if not by_hash:
        return {}
    with store.session() as s:
        rows = s.execute(select(ErasedLearnerRow.learner_hash, ErasedLearnerRow.erased_at)
                         .where(ErasedLearnerRow.learner_hash.in_(list(by_hash)))).all()
    return {by_hash[h]: aware(at) for h, at in rows}


def erase_learner(store: Store, learner_id: str, topics: Sequence[str]) -> ErasureReport:
    """Delete every row about the learner, enter them in the register of erased learners and queue a tombstone
    on each of ``topics``, in one transaction."""
    deleted: dict[str, int] = {}
    with store.session() as s:
        s.merge(ErasedLearnerRow(learner_hash=learner_hash(learner_id), erased_at=datetime.now(UTC)))
        user_ids = list(s.scalars(select(UserRow.id).where(UserRow.learner_id == learner_id)))
        steps: list[tuple[str, Any]] = [
            ("feedback", delete(FeedbackRow).where(FeedbackRow.learner_id == learner_id)),
            ("reviews", delete(ReviewRow).where(ReviewRow.learner_id == learner_id)),
            ("recommendations", delete(RecommendationRow).where(RecommendationRow.learner_id == learner_id)),
            ("assessments", delete(AssessmentRow).where(AssessmentRow.learner_id == learner_id)),
            ("api_keys", delete(ApiKeyRow).where(ApiKeyRow.user_id.in_(user_ids))),
            ("users", delete(UserRow).where(UserRow.id.in_(user_ids))),
            ("outbox", delete(OutboxRow).where(OutboxRow.key == learner_id)),
            ("consents", delete(ConsentRow).where(ConsentRow.learner_id == learner_id)),
            ("learner_links", delete(LearnerLinkRow).where(LearnerLinkRow.learner_id == learner_id)),
        ]
        for table, stmt in steps:
            deleted[table] = int(s.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]
        for topic in topics:
            store.enqueue(s, topic, learner_id, None)
    logger.info("erased a learner: %s rows, %d tombstones queued", sum(deleted.values()), len(topics))
    return ErasureReport(learner_id=learner_id, deleted=deleted, tombstones=list(topics))
