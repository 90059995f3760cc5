"""Engine set-up, migrations and the store of assessments and recommendations."""

from __future__ import annotations

import fcntl
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from schemas.assessment import AssessmentCompleted
from schemas.recommendation import RecommendationGenerated
from store.models import AssessmentRow, ConsentRow, OutboxRow, RecommendationRow

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


class RawJSON(str):
    """A value already serialised to JSON: a JSON column stores it as it is (no second serialisation)."""

    __slots__ = ()


def _json_serializer(obj: Any) -> str:
    return str(obj) if isinstance(obj, RawJSON) else json.dumps(obj)


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so a worker and the API can share the file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30}, json_serializer=_json_serializer)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, json_serializer=_json_serializer)


@contextmanager
def _one_migration_at_a_time(engine: Engine) -> Iterator[None]:
    """Hold a lock between processes on this machine while an SQLite file is migrated.

    Workers of one group (and an API) start together; two running the first migration at once both tried to
    create the tables and one died. PostgreSQL is serialised inside the transaction instead (see migrate).
    """
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if not db or db == ":memory:" or db.startswith("file:"):
        yield
        return
    with open(f"{db}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (safe to call from every process at start, at once)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with _one_migration_at_a_time(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # the others wait here, then find the schema at head
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('upskill-migrate:' || current_schema()))"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _assessment_row(event: AssessmentCompleted, now: datetime) -> dict[str, Any]:
    return dict(
        event_id=str(event.event_id),
        learner_id=event.learner.id,
        assessment_id=event.assessment.id,
        framework=event.assessment.framework,
        campaign=event.assessment.campaign,
        source=event.source,
        counsellor_id=event.learner.counsellor_id,
        organisation_id=event.learner.organisation_id,
        share_with_counsellor=event.learner.consent.share_with_counsellor,
        occurred_at=event.occurred_at,
        received_at=now,
        body=RawJSON(event.model_dump_json()),
    )


def aware(at: datetime) -> datetime:
    """A time read from the store, with its zone: SQLite gives timestamps back without one (they are UTC)."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _consents_from(s: Session, assessments: list[dict[str, Any]]) -> None:
    """Each learner's consent from their newest of these assessments, unless a later word is stored already."""
    newest: dict[str, dict[str, Any]] = {}
    for a in assessments:
        if a["learner_id"] not in newest or a["occurred_at"] > newest[a["learner_id"]]["occurred_at"]:
            newest[a["learner_id"]] = a
    stored = {row.learner_id: row for row in s.scalars(select(ConsentRow).where(ConsentRow.learner_id.in_(newest)))}
    for learner, a in newest.items():
        row = stored.get(learner)
        if row is None:
            s.add(ConsentRow(learner_id=learner, share_with_counsellor=a["share_with_counsellor"], at=a["occurred_at"]))
        elif aware(row.at) < a["occurred_at"]:
            row.share_with_counsellor, row.at = a["share_with_counsellor"], a["occurred_at"]


def set_consent(s: Session, learner_id: str, share: bool, at: datetime) -> None:
    """Record a learner's own word on sharing with their counsellor (it is the latest)."""
    row = s.get(ConsentRow, learner_id)
    if row is None:
        s.add(ConsentRow(learner_id=learner_id, share_with_counsellor=share, at=at))
    else:
        row.share_with_counsellor, row.at = share, at


def _recommendation_row(rec: RecommendationGenerated, body: str | None) -> dict[str, Any]:
    return dict(
        recommendation_id=str(rec.recommendation_id),
        event_id=str(rec.event_id),
        learner_id=rec.learner_id,
        generated_at=rec.generated_at,
        status=rec.status,
        catalog_version=rec.catalog_version,
        item_count=len(rec.items),
        body=RawJSON(body if body is not None else rec.model_dump_json()),
        published=False,
    )


class Store:
    """Assessments and recommendations, idempotent by assessment ``event_id``."""

    def __init__(self, url: str, echo: bool = False, run_migrations: bool = True) -> None:
        self.engine = make_engine(url, echo)
        if run_migrations:
            migrate(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction, committed on success, rolled back on error."""
        with self.sessions.begin() as s:
            yield s

    def known_events(self, event_ids: Iterable[str]) -> dict[str, bool]:
        """For each event id already stored, whether its recommendation was published."""
        ids = list(event_ids)
        if not ids:
            return {}
        with self.session() as s:
            rows = s.execute(
                select(RecommendationRow.event_id, RecommendationRow.published).where(
                    RecommendationRow.event_id.in_(ids)
                )
            )
            return {eid: bool(pub) for eid, pub in rows}

    def save(
        self, pairs: Sequence[tuple[AssessmentCompleted, RecommendationGenerated]],
        bodies: Sequence[str] | None = None,
    ) -> list[str]:
        """Store new (assessment, recommendation) pairs in one transaction; returns the event ids inserted.

        Pairs whose event is already stored are skipped, so a redelivered event never adds a second row.

        Args:
            bodies: each recommendation already serialised to JSON (what the worker publishes), stored as is.
        """
        now = datetime.now(UTC)
        texts: Sequence[str | None] = bodies if bodies is not None else [None] * len(pairs)
        with self.session() as s:
            wanted = [str(a.event_id) for a, _ in pairs]
            existing = set(s.scalars(select(AssessmentRow.event_id).where(AssessmentRow.event_id.in_(wanted))))
            inserted: list[str] = []
            assessments, recommendations = [], []
            for (event, rec), body in zip(pairs, texts, strict=True):
                eid = str(event.event_id)
                if eid in existing or eid in inserted:
                    continue
                assessments.append(_assessment_row(event, now))
                recommendations.append(_recommendation_row(rec, body))
                inserted.append(eid)
            if inserted:  # one Core executemany per table: no ORM flush or bulk-persistence bookkeeping per row
                s.execute(AssessmentRow.__table__.insert(), assessments)
                s.execute(RecommendationRow.__table__.insert(), recommendations)
                _consents_from(s, assessments)
            return inserted

    def mark_published(self, event_ids: Iterable[str]) -> None:
        """Note that these events' recommendations reached the recommendations topic."""
        ids = list(event_ids)
        if ids:
            with self.session() as s:
                s.execute(update(RecommendationRow).where(RecommendationRow.event_id.in_(ids)).values(published=True))

    def unpublished(self, limit: int = 1000) -> list[RecommendationGenerated]:
        """Stored recommendations not yet marked published, oldest first (what a crash may have left unsent)."""
        with self.session() as s:
            bodies = s.scalars(
                select(RecommendationRow.body).where(RecommendationRow.published.is_(False))
                .order_by(RecommendationRow.generated_at).limit(limit)
            ).all()
        return [RecommendationGenerated.model_validate(body) for body in bodies]

    def recommendation_for_event(self, event_id: str) -> RecommendationGenerated | None:
        """The stored recommendation of an assessment event."""
        with self.session() as s:
            row = s.scalar(select(RecommendationRow).where(RecommendationRow.event_id == event_id))
            return RecommendationGenerated.model_validate(row.body) if row else None

    def latest_for_learner(self, learner_id: str) -> RecommendationGenerated | None:
        """The learner's most recent recommendation."""
        with self.session() as s:
            row = s.scalar(
                select(RecommendationRow)
                .where(RecommendationRow.learner_id == learner_id)
                .order_by(RecommendationRow.generated_at.desc())
                .limit(1)
            )
            return RecommendationGenerated.model_validate(row.body) if row else None

    def count_recommendations(self) -> int:
        """How many recommendations are stored."""
        from sqlalchemy import func

        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(RecommendationRow)) or 0)

    def enqueue(self, s: Session, topic: str, key: str | None, value: str | None) -> None:
        """Add a record to the outbox inside the caller's transaction."""
        s.add(OutboxRow(topic=topic, key=key, value=value, created_at=datetime.now(UTC)))

    def dispose(self) -> None:
        self.engine.dispose()
