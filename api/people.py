"""Who sees which recommendation, and the counsellor's review workflow (service layer, no web framework).

Access rules: an admin sees everything; a learner only their own recommendations; a counsellor only learners
whose consent to ``share_with_counsellor`` stands now (their latest word: a withdrawal hides their earlier
recommendations too) and who are assigned to them or to their team (the team's name, or any
counsellor of the team); a provider no learner at all. Whatever a principal may not see is reported exactly like
what does not exist (None / :class:`NotFound`), so nothing leaks existence; a role that can never do something
gets :class:`NotAllowed`.

Every approve / reject / edit appends an audit row holding the version it produced (the learner's view from
then on) and queues a ``recommendation.reviewed`` event in the outbox, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.auth import Principal
from config.settings import TopicNames
from schemas.errors import UpskillError
from schemas.offering import Offering
from schemas.recommendation import PathStep, RecommendationGenerated
from schemas.review import RecommendationReviewed, ReviewAction
from store import Store
from store.db import aware
from store.models import AssessmentRow, ConsentRow, RecommendationRow, ReviewRow, UserRow

REVIEWS_TOPIC = TopicNames().reviews
OfferingLookup = Callable[[str], Offering | None]
_STATUS_AFTER: dict[str, Literal["approved", "rejected", "edited"]] = {
    "approve": "approved", "reject": "rejected", "edit": "edited",
}


class NotAllowed(UpskillError, PermissionError):
    """The principal's role may never do this (HTTP 403)."""


class NotFound(UpskillError, LookupError):
    """No such thing, or not the principal's to see (HTTP 404: the two are not told apart)."""


class InvalidEdit(UpskillError, ValueError):
    """An edit that names an offering twice or one the recommendation does not hold (HTTP 422)."""


class ReviewSummary(BaseModel):
    """One line of the review queue or of a learner's history."""

    recommendation_id: str
    learner_id: str
    campaign: str | None
    generated_at: datetime
    status: str
    gaps: list[str]
    item_count: int


class AuditEntry(BaseModel):
    """Who did what to a recommendation, and when."""

    at: datetime
    actor: str
    role: str
    action: str
    note: str | None
    changes: dict[str, Any]


class RecommendationView(BaseModel):
    """A recommendation as it stands (``recommendation``), as generated (``original``), and its audit trail."""

    recommendation: RecommendationGenerated
    original: RecommendationGenerated
    status: str
    audit: list[AuditEntry]


def _joined() -> Select[tuple[RecommendationRow, AssessmentRow]]:
    return select(RecommendationRow, AssessmentRow).join(
        AssessmentRow, AssessmentRow.event_id == RecommendationRow.event_id
    )


def assigned_to(s: Session, principal: Principal) -> set[str]:
    """The ``counsellor_id`` values a counsellor answers for: their own, their team's name and every counsellor
    of their team."""
    assigned = {principal.counsellor_id} - {None}
    if principal.team:
        assigned.add(principal.team)
        assigned |= set(s.scalars(select(UserRow.counsellor_id).where(
            UserRow.role == "counsellor", UserRow.team == principal.team, UserRow.counsellor_id.is_not(None))))
    return assigned  # type: ignore[return-value]


def may_submit_for(s: Session, principal: Principal, learner_id: str, counsellor_id: str | None) -> str | None:
    """Why this caller may not submit an assessment for this learner, or None when they may: an admin may;
    a learner for themselves; a counsellor for a learner the event assigns to them or their team and whom no
    counsellor outside it follows already."""
    if principal.role == "admin":
        return None
    if principal.role == "learner":
        return None if principal.learner_id == learner_id else "a learner may only submit their own assessment"
    if principal.role != "counsellor":
        return "only learners, their counsellors and admins submit assessments"
    assigned = assigned_to(s, principal)
    if counsellor_id not in assigned:
        return "a counsellor submits only for learners assigned to them or their team (learner.counsellor_id)"
    followed = set(s.scalars(select(AssessmentRow.counsellor_id).where(
        AssessmentRow.learner_id == learner_id, AssessmentRow.counsellor_id.is_not(None)).distinct()))
    if followed - assigned:
        return "this learner is followed by a counsellor of another team"
    return None


def _scoped(s: Session, principal: Principal, query: Select[Any]) -> Select[Any] | None:
    """Narrow a recommendations-and-assessments query to what the principal may see (None: nothing)."""
    if principal.role == "admin":
        return query
    if principal.role == "learner":
        return query.where(AssessmentRow.learner_id == principal.learner_id) if principal.learner_id else None
    if principal.role != "counsellor":
        return None
    assigned = assigned_to(s, principal)
    if not assigned:
        return None
    # consent as it stands now (the learner's latest word), not as it was in this assessment
    consenting = select(ConsentRow.learner_id).where(ConsentRow.share_with_counsellor.is_(True))
    return query.where(AssessmentRow.learner_id.in_(consenting), AssessmentRow.counsellor_id.in_(assigned))


def _summary(rec: RecommendationRow, assessment: AssessmentRow) -> ReviewSummary:
    return ReviewSummary(
        recommendation_id=rec.recommendation_id, learner_id=rec.learner_id, campaign=assessment.campaign,
        generated_at=aware(rec.generated_at), status=rec.status,
        gaps=[g["competence"] for g in rec.body.get("gaps", [])], item_count=rec.item_count,
    )


def _view(s: Session, rec: RecommendationRow) -> RecommendationView:
    reviews = s.scalars(
        select(ReviewRow).where(ReviewRow.recommendation_id == rec.recommendation_id).order_by(ReviewRow.id)
    ).all()
    original = RecommendationGenerated.model_validate(rec.body)
    current = RecommendationGenerated.model_validate(reviews[-1].body) if reviews else original
    audit = [AuditEntry(at=aware(r.at), actor=r.actor, role=r.role, action=r.action, note=r.note,
                        changes=r.changes) for r in reviews]
    return RecommendationView(recommendation=current, original=original, status=rec.status, audit=audit)


def _find(s: Session, principal: Principal, recommendation_id: str) -> RecommendationRow | None:
    query = _scoped(s, principal, _joined().where(RecommendationRow.recommendation_id == recommendation_id))
    found = s.execute(query).first() if query is not None else None
    return found[0] if found else None


def review_queue(
    store: Store, principal: Principal, status: str | None = None, campaign: str | None = None,
    gap: str | None = None,
) -> list[ReviewSummary]:
    """The recommendations a counsellor (or admin) may review, oldest first, filtered by status, campaign, gap.

    Raises:
        NotAllowed: for learners and providers.
    """
    if principal.role not in ("counsellor", "admin"):
        raise NotAllowed("the review queue is for counsellors")
    with store.session() as s:
        query = _scoped(s, principal, _joined().order_by(RecommendationRow.generated_at, RecommendationRow.learner_id))
        if query is None:
            return []
        if status:
            query = query.where(RecommendationRow.status == status)
        if campaign:
            query = query.where(AssessmentRow.campaign == campaign)
        rows = [_summary(rec, a) for rec, a in s.execute(query)]
    return [r for r in rows if gap is None or gap in r.gaps]


def recommendation_view(store: Store, principal: Principal, recommendation_id: str) -> RecommendationView | None:
    """A recommendation with its original and audit trail; None if it does not exist or is not the caller's.

    Raises:
        NotAllowed: for providers.
    """
    if principal.role == "provider":
        raise NotAllowed("providers do not see learners' recommendations")
    with store.session() as s:
        rec = _find(s, principal, recommendation_id)
        return _view(s, rec) if rec else None


def learner_view(store: Store, principal: Principal, learner_id: str) -> RecommendationView | None:
    """What the learner sees now: their latest recommendation, as reviewed once a counsellor acted.

    Until then it is the generated one with status ``pending_review``. None when there is none or the caller
    may not see this learner.
    """
    if principal.role == "provider":
        raise NotAllowed("providers do not see learners' recommendations")
    with store.session() as s:
        query = _scoped(s, principal, _joined().where(RecommendationRow.learner_id == learner_id))
        if query is None:
            return None
        found = s.execute(query.order_by(RecommendationRow.generated_at.desc()).limit(1)).first()
        return _view(s, found[0]) if found else None


def history(store: Store, principal: Principal, learner_id: str) -> list[ReviewSummary]:
    """Every recommendation of a learner that the caller may see, newest first (empty: none or not theirs)."""
    if principal.role == "provider":
        raise NotAllowed("providers do not see learners' recommendations")
    with store.session() as s:
        query = _scoped(s, principal, _joined().where(RecommendationRow.learner_id == learner_id))
        if query is None:
            return []
        rows = s.execute(query.order_by(RecommendationRow.generated_at.desc()))
        return [_summary(rec, a) for rec, a in rows]


def _step(rec: RecommendationGenerated, oid: str, n: int, lookup: OfferingLookup | None) -> PathStep:
    """Step ``n`` of an edited path: from the path, the ranked items, or else the catalogue."""
    known = next((st for st in rec.path.steps if st.offering_id == oid), None)
    if known is not None:
        return known
    item = next((i for i in rec.items if i.offering_id == oid), None)
    if item is not None:
        return PathStep(offering_id=oid, order=n, title=item.title, addresses=item.addresses,
                        duration_hours=item.duration_hours)
    off = lookup(oid) if lookup is not None else None
    if off is None:
        raise InvalidEdit(f"steps.{n - 1}: {oid!r} is not an offering of this recommendation or the catalogue")
    gaps = {g.competence for g in rec.gaps}
    return PathStep(offering_id=oid, order=n, title=off.title, duration_hours=off.duration_hours,
                    addresses=[c for c in off.competences if c in gaps])


def _edited(rec: RecommendationGenerated, steps: list[str], lookup: OfferingLookup | None) -> RecommendationGenerated:
    """The recommendation with its path replaced by these offerings, in this order.

    A step may be any offering of the recommendation (path, ranked items) or, through ``lookup``, of the catalogue.
    """
    dupes = sorted({o for o in steps if steps.count(o) > 1})
    if dupes:
        raise InvalidEdit(f"steps: {', '.join(dupes)} appear more than once")
    new_steps = []
    for n, oid in enumerate(steps, start=1):
        base = _step(rec, oid, n, lookup)
        new_steps.append(base.model_copy(update={"order": n, "after": [a for a in base.after if a in steps[: n - 1]]}))
    hours = [st.duration_hours for st in new_steps if st.duration_hours is not None]
    total = round(sum(hours), 1)
    old = rec.path
    pace = old.total_hours / old.weeks if old.weeks and old.total_hours else None
    covered = {c for st in new_steps for c in st.addresses}
    path = old.model_copy(update={
        "steps": new_steps, "total_hours": total, "steps_without_hours": len(new_steps) - len(hours),
        "weeks": round(total / pace, 1) if pace and total else None,
        "uncovered": [g.competence for g in rec.gaps if g.competence not in covered],
    })
    return rec.model_copy(update={"path": path})


def _act(
    store: Store, principal: Principal, recommendation_id: str, action: ReviewAction, note: str | None,
    steps: list[str] | None, topic: str, lookup: OfferingLookup | None = None,
) -> RecommendationView:
    if principal.role not in ("counsellor", "admin"):
        raise NotAllowed("only counsellors review recommendations")
    now = datetime.now(UTC)
    with store.session() as s:
        row = _find(s, principal, recommendation_id)
        if row is None:
            raise NotFound("no such recommendation")
        current = _view(s, row).recommendation
        before = [st.offering_id for st in current.path.steps]
        after_rec = _edited(current, steps, lookup) if steps is not None else current
        status = _STATUS_AFTER[action]
        after_rec = after_rec.model_copy(update={"status": status})
        after = [st.offering_id for st in after_rec.path.steps]
        changes: dict[str, Any] = {"status": [row.status, status]}
        if action == "edit":
            changes |= {"added": [o for o in after if o not in before],
                        "removed": [o for o in before if o not in after], "before": before, "after": after}
        s.add(ReviewRow(recommendation_id=row.recommendation_id, learner_id=row.learner_id, at=now,
                        actor=principal.name, role=principal.role, action=action, note=note, changes=changes,
                        body=after_rec.model_dump(mode="json")))
        row.status = status
        event = RecommendationReviewed(
            event_id=uuid.uuid4(), recommendation_id=uuid.UUID(row.recommendation_id), learner_id=row.learner_id,
            action=action, status=status, reviewed_at=now, reviewer_role=principal.role,  # type: ignore[arg-type]
            note=note, steps=after, added=changes.get("added", []), removed=changes.get("removed", []),
        )
        store.enqueue(s, topic, row.learner_id, event.model_dump_json())
        s.flush()
        return _view(s, row)


def approve(
    store: Store, principal: Principal, recommendation_id: str, note: str | None = None, topic: str = REVIEWS_TOPIC
) -> RecommendationView:
    """Approve the recommendation as it stands: the learner sees it as approved.

    Raises:
        NotAllowed: the caller is not a counsellor or admin.
        NotFound: no such recommendation, or not this counsellor's learner.
    """
    return _act(store, principal, recommendation_id, "approve", note, None, topic)


def reject(
    store: Store, principal: Principal, recommendation_id: str, note: str | None = None, topic: str = REVIEWS_TOPIC
) -> RecommendationView:
    """Reject the recommendation (the note says why). Raises like :func:`approve`."""
    return _act(store, principal, recommendation_id, "reject", note, None, topic)


def edit(
    store: Store, principal: Principal, recommendation_id: str, steps: list[str], note: str | None = None,
    topic: str = REVIEWS_TOPIC, lookup: OfferingLookup | None = None,
) -> RecommendationView:
    """Replace the path by ``steps`` (offering ids, in order): adds, removes and reorders in one call.

    Args:
        lookup: finds a catalogue offering by id, so that a step may be an offering the recommendation did not
            propose; without it only the recommendation's own offerings may be steps.

    Raises like :func:`approve`, and :class:`InvalidEdit` for an id twice or one that cannot be found.
    """
    return _act(store, principal, recommendation_id, "edit", note, steps, topic, lookup)
