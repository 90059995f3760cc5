"""Ranking adjustments learnt from people: counsellor reviews and learner feedback, per (offering, gap).

Each signal adds a weight to the (offering, competence) pairs it is about, competences being the gaps the
offering addresses in that recommendation:

- a counsellor removes the offering from a path: -1; adds it: +1; rejects a recommendation: -0.5 for each
  offering of its path; approves one: +0.25 for each;
- a learner marks an item not relevant: -1; relevant: +0.5; enrolled: +1; completed: +1; their latest word
  counts once per offering and gap, however many recommendations they mark it in.

The net weight ``w`` becomes a factor ``1 + 0.75 * tanh(w / 3)``: within (0.25, 1.75), about 0.79 after one
removal and 0.3 after many, so people demote an offering for a gap without ever erasing it from the catalogue.

A learner's own word weighs more in their own next recommendation (:func:`own_words`, :func:`personal`): what
they called not relevant is demoted for them as if many had said so, and what they completed is not proposed to
them again (it meets the prerequisites it is for).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import Store
from store.models import FeedbackRow, ReviewRow

FEEDBACK_WEIGHTS = {"not_relevant": -1.0, "relevant": 0.5, "enrolled": 1.0, "completed": 1.0}
REVIEW_WEIGHTS = {"removed": -1.0, "added": 1.0, "reject": -0.5, "approve": 0.25}
SPAN, SCALE = 0.75, 3.0
OWN_WORD = 3.0  # a learner's own word (not completed) weighs this many times more for them than for others


def factor(weight: float) -> float:
    """The ranking factor of a net weight (1 when there is no signal)."""
    return 1.0 + SPAN * math.tanh(weight / SCALE)


def _addresses(body: dict) -> dict[str, list[str]]:
    """Offering id -> the gap competences it addresses in a stored recommendation body."""
    gaps = {g["competence"] for g in body.get("gaps", [])}
    out: dict[str, list[str]] = {}
    for part in (body.get("items", []), body.get("path", {}).get("steps", [])):
        for entry in part:
            out.setdefault(entry["offering_id"], [c for c in entry.get("addresses", []) if c in gaps])
    return out


def _review_signals(rows: Iterable[ReviewRow]) -> Iterable[tuple[str, str, float]]:
    for r in rows:
        addresses = _addresses(r.body)
        if r.action == "edit":
            for key in ("removed", "added"):
                for oid in r.changes.get(key, []):
                    for comp in addresses.get(oid) or _gap_codes(r.body):
                        yield oid, comp, REVIEW_WEIGHTS[key]
        elif r.action in REVIEW_WEIGHTS:
            for step in r.body.get("path", {}).get("steps", []):
                for comp in addresses.get(step["offering_id"], []):
                    yield step["offering_id"], comp, REVIEW_WEIGHTS[r.action]


def _gap_codes(body: dict) -> list[str]:
    return [g["competence"] for g in body.get("gaps", [])]


def feedback_adjustments(store: Store) -> dict[tuple[str, str], float]:
    """``{(offering_id, competence): factor}`` from every review and feedback in the store.

    The result is what :meth:`recommender.Recommender.recommend` takes as ``adjustments``: below 1 for an
    offering people often reject, remove or call not relevant for that gap, above 1 when they add it or
    learners enrol in it and complete it.
    """
    weights: dict[tuple[str, str], float] = defaultdict(float)
    with store.session() as s:
        for oid, comp, w in _review_signals(s.scalars(select(ReviewRow))):
            weights[oid, comp] += w
        for (_, oid, comp), value in _latest_words(s).items():
            weights[oid, comp] += FEEDBACK_WEIGHTS.get(value, 0.0)
    return {key: factor(w) for key, w in weights.items() if w != 0}


def _latest_words(session: Session, learner_ids: set[str] | None = None) -> dict[tuple[str, str, str], str]:
    """``{(learner, offering, competence): value}``: a learner's word counts once per offering and gap, however
    many of their recommendations carry it: the latest one. Of every learner, or of ``learner_ids``."""
    query = select(FeedbackRow).order_by(FeedbackRow.at, FeedbackRow.id)
    if learner_ids is not None:
        query = query.where(FeedbackRow.learner_id.in_(learner_ids))
    latest: dict[tuple[str, str, str], str] = {}
    for fb in session.scalars(query):
        for comp in fb.competences:
            latest[fb.learner_id, fb.offering_id, comp] = fb.value
    return latest


class CachedAdjustments:
    """:func:`feedback_adjustments`, recomputed at most every ``max_age_s`` (for a worker's hot path)."""

    def __init__(self, store: Store, max_age_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.max_age_s = max_age_s
        self.clock = clock
        self._value: dict[tuple[str, str], float] = {}
        self._at: float | None = None

    def __call__(self) -> dict[tuple[str, str], float]:
        """The current adjustments (at most ``max_age_s`` old)."""
        now = self.clock()
        if self._at is None or now - self._at >= self.max_age_s:
            self._value, self._at = feedback_adjustments(self.store), now
        return self._value


@dataclass(frozen=True)
class OwnWords:
    """What one learner said of the offerings of their recommendations, their latest word per offering and gap."""

    weights: dict[tuple[str, str], float]  # (offering, gap) -> FEEDBACK_WEIGHTS of their word, completed aside
    completed: frozenset[str]  # the offerings they said they completed


def own_words(store: Store, learner_ids: Iterable[str]) -> dict[str, OwnWords]:
    """Per learner among ``learner_ids`` who gave feedback, their own words (one query for the batch)."""
    ids = set(learner_ids)
    if not ids:
        return {}
    with store.session() as s:
        latest = _latest_words(s, ids)
    weights: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    completed: dict[str, set[str]] = defaultdict(set)
    for (learner, oid, comp), value in latest.items():
        if value == "completed":
            completed[learner].add(oid)
        elif FEEDBACK_WEIGHTS.get(value):
            weights[learner][oid, comp] = FEEDBACK_WEIGHTS[value]
    return {learner: OwnWords(weights.get(learner, {}), frozenset(completed.get(learner, ())))
            for learner in weights.keys() | completed.keys()}


def personal(own: OwnWords) -> dict[tuple[str, str], float]:
    """A learner's own words as factors on top of everyone's adjustments (``Recommender.recommend``'s ``own``):
    each counts ``OWN_WORD`` times again for them."""
    return {key: factor(OWN_WORD * w) for key, w in own.weights.items()}
