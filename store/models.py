"""Tables of the store (SQLAlchemy 2, typed mappings). Schema changes go through Alembic revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class AssessmentRow(Base):
    """The summary of an assessment event that produced a recommendation (no names: learner ids are pseudonyms)."""

    __tablename__ = "assessments"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(128), index=True)
    assessment_id: Mapped[str] = mapped_column(String(128))
    framework: Mapped[str] = mapped_column(String(32))
    campaign: Mapped[str | None] = mapped_column(String(128), index=True)
    source: Mapped[str] = mapped_column(String(64))
    counsellor_id: Mapped[str | None] = mapped_column(String(128), index=True)
    organisation_id: Mapped[str | None] = mapped_column(String(128))
    share_with_counsellor: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class RecommendationRow(Base):
    """One recommendation per assessment event (``event_id`` unique: redelivery cannot add a second)."""

    __tablename__ = "recommendations"

    recommendation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("assessments.event_id", ondelete="CASCADE"), unique=True
    )
    learner_id: Mapped[str] = mapped_column(String(128))
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(32), default="pending_review")
    catalog_version: Mapped[str] = mapped_column(String(32))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_recommendations_learner_generated", "learner_id", "generated_at"),)


class OutboxRow(Base):
    """Records to publish, written in the same transaction as the change they announce."""

    __tablename__ = "outbox"
    # ids only grow (SQLite would reuse a deleted max id): the relay marks rows published by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(255))
    key: Mapped[str | None] = mapped_column(String(255))
    value: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # the broker refused the record for what it is (too large, invalid): set aside until retried, with the reason
    # in last_error; the relay goes on with the records behind it
    parked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class UserRow(Base):
    """A person or system that calls the API, with one role and what that role is scoped to."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), index=True)
    provider: Mapped[str | None] = mapped_column(String(128))
    learner_id: Mapped[str | None] = mapped_column(String(128), index=True)
    counsellor_id: Mapped[str | None] = mapped_column(String(128), index=True)
    team: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiKeyRow(Base):
    """An API key, kept only as the SHA-256 of a 256-bit random token (the token is shown once)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewRow(Base):
    """One counsellor action on a recommendation (the audit trail); ``body`` is the version it produced."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("recommendations.recommendation_id", ondelete="CASCADE"), index=True
    )
    learner_id: Mapped[str] = mapped_column(String(128), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class FeedbackRow(Base):
    """A learner's word on one item of their recommendation (the latest word per item is kept)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("recommendations.recommendation_id", ondelete="CASCADE")
    )
    learner_id: Mapped[str] = mapped_column(String(128), index=True)
    offering_id: Mapped[str] = mapped_column(String(128))
    competences: Mapped[list[Any]] = mapped_column(JSON)
    value: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("recommendation_id", "offering_id", name="uq_feedback_item"),)


class ErasedLearnerRow(Base):
    """A learner erased on request: their pseudonym's SHA-256 (not the pseudonym) and when.

    The worker and ``upskill dlq replay`` consult it, so a replay, an offset reset or a dead letter never
    re-creates the learner from an assessment made before the erasure; a later assessment (they came back)
    is processed.
    """

    __tablename__ = "erased_learners"

    learner_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsentRow(Base):
    """A learner's consent to share with their counsellor, as it stands: the latest word wins, from an assessment
    event (its ``occurred_at``) or from the learner themselves (``PUT /v1/me/consent``)."""

    __tablename__ = "consents"

    learner_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    share_with_counsellor: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSessionRow(Base):
    """A signed-in session of the counsellor page: the browser holds only an opaque id, whose SHA-256 is kept
    here with the hash of the key it signed in with; signing out deletes the row, revoking the key ends it."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # a counsellor's session
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # a learner's session, opened by a link: it lasts while the link does (revoking the link ends it)
    link_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("learner_links.id", ondelete="CASCADE"), index=True
    )


class LearnerLinkRow(Base):
    """A link that opens one learner's page: the URL carries only this random id, signed; never who they are.

    Expiry is checked here, on the server; revoking sets ``revoked_at`` and ends the sessions it opened.
    """

    __tablename__ = "learner_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(128), index=True)
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(128))
