"""The recommender: an assessment in, a ranked, explained list and an ordered path out.

Plain Python: no event loop, broker or web framework. The stream agent and the API call :meth:`recommend`.
The model is used once, when the recommender starts (competence descriptors); a request only reads arrays.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from embeddings import Embedder
from recommender import weights
from recommender.catalog import Catalog
from recommender.constraints import LearnerProfile
from recommender.explain import about, gap_text, rivals, routes, why
from recommender.features import CatalogFeatures
from recommender.funding import funding_for, is_sme_staff
from recommender.gaps import compute_gaps
from recommender.kinds import kind_of
from recommender.memo import Memo
from recommender.paths import build_path, resolve
from recommender.places import DEFAULT_HOME
from recommender.ranking import (
    PARTS,
    AdjustmentColumns,
    Adjustments,
    Candidate,
    GapArrays,
    Scored,
    StackedAdjustments,
    Who,
    score_all,
    select,
    starting_out,
    support,
)
from recommender.shortlist import EXHAUSTIVE_UP_TO, Shortlists
from recommender.signals import Tables
from recommender.views import FactCodes, ProfileView, build_view
from schemas.assessment import AssessmentCompleted
from schemas.framework import Framework, load_framework
from schemas.offering import Offering
from schemas.recommendation import Gap, ModelInfo, RecommendationGenerated

logger = logging.getLogger(__name__)

RANKER_VERSION = "hybrid-v2"
# uuid5 namespace: recommendation_id = uuid5(NS, event_id) so a redelivered event maps to the same id.
RECOMMENDATION_NS = uuid.UUID("8c0b7f0e-2f0d-4b8e-9d2a-6f1c3e5a7b90")
_PROFILE_CACHE = 4096
_PROFILE_CACHE_BYTES = 64 << 20  # a view holds 9-16 bytes per offering: 40-70 learner profiles at 100k
_CARDS_KEPT = 4096  # offerings whose item fields are kept (about 1 KB each): all of a catalogue's usual picks
MAX_REJECTIONS = 10  # the ruled-out offerings that matter most for the gaps, with the reason


_NS_SHA1 = hashlib.sha1(RECOMMENDATION_NS.bytes, usedforsecurity=False)


def recommendation_id(event_id: uuid.UUID) -> uuid.UUID:
    """The id of the recommendation an assessment event yields (stable across redeliveries): what
    ``uuid.uuid5(RECOMMENDATION_NS, str(event_id))`` gives, from a hash already fed the namespace."""
    digest = _NS_SHA1.copy()
    digest.update(str(event_id).encode())
    return uuid.UUID(bytes=digest.digest()[:16], version=5)


Ruled = tuple[str, str, str]  # a ruled-out offering: (offering id, rule, reason)
Helping = tuple[str, tuple[int, ...]]  # a service of the support list: (offering id, positions of its gaps)
MAX_SUPPORT = 3


SET_ASIDE = 0.5  # an offering counsellors and learners demoted below this for every gap it serves is no path step


def _set_aside(oid: str, codes: list[str], adjustments: Adjustments | None, own: Adjustments | None = None) -> bool:
    """Whether reviews and feedback (everyone's, then the learner's own on top) demoted the offering, for every gap
    it works on, out of the path."""
    if not adjustments and not own:
        return False
    every, mine = adjustments or {}, own or {}
    return all(every.get((oid, c), 1.0) * mine.get((oid, c), 1.0) < SET_ASIDE for c in codes)


class Recommender:
    """Gaps, candidates, hard constraints, ranking, path and explanations.

    Args:
        catalog: the live catalogue (shared with whoever updates it).
        embedder: used once here for the competence descriptors; never in :meth:`recommend`.
        funding: the funding schemes.
        max_items: how many ranked items a recommendation carries.
        semantic_k: how many FAISS neighbours of each competence descriptor are candidates.
        shortlist_above: catalogues larger than this are ranked through a shortlist
            (:mod:`recommender.shortlist`); smaller ones, every offering is scored.
        on_built: called after each build of the ranking tables (the runtime gives the build's freed
            temporaries back to the system: ``runtime.heap.release_free_heap``).
    """

    def __init__(
        self,
        catalog: Catalog,
        embedder: Embedder,
        funding: Sequence[Offering] = (),
        framework: Framework | None = None,
        max_items: int = 10,
        semantic_k: int = 30,
        shortlist_above: int = EXHAUSTIVE_UP_TO,
        home: str = DEFAULT_HOME,
        on_built: Callable[[], object] | None = None,
    ) -> None:
        self.catalog = catalog
        self.on_built = on_built
        self.framework = framework or load_framework()
        self.funding = list(funding)
        self.max_items = max_items
        self.semantic_k = semantic_k
        self.shortlist_above = shortlist_above
        self.home = home
        self.model_info = ModelInfo(embedding_model=embedder.name, ranker=RANKER_VERSION)
        codes = sorted(self.framework.competences)
        vecs = embedder.encode([self.framework.competences[c].descriptor for c in codes])
        self.gap_vectors: dict[str, np.ndarray] = dict(zip(codes, vecs, strict=True))
        self._features: CatalogFeatures | None = None
        self._weighed = -1  # the weights version the tables were built with
        self._shortlists = Shortlists(None)
        self._tables: Tables | None = None
        self._codes = FactCodes(np.zeros(0, np.int64), np.zeros(0, np.intp))
        self._views: Memo[LearnerProfile, ProfileView] = Memo("profile_views", _PROFILE_CACHE)
        # per catalogue version: what an item says of an offering whoever the learner (its fields and levels
        # sentence)
        self._cards: Memo[str, tuple[dict[str, Any], str]] = Memo("item_cards", _CARDS_KEPT)
        # per catalogue version: an offering's funding hints per what funding_for reads of the learner (their
        # status, whether they visibly work in an SME, the country whose employment service a jobseeker is
        # registered with), as plain values the validation turns into new models
        self._funding: Memo[tuple[str, str | None, bool, str], tuple[dict[str, str], ...]] = Memo(
            "funding_hints", _CARDS_KEPT)
        self._adjustment_columns: AdjustmentColumns | None = None  # of the adjustments last passed

    def features(self) -> CatalogFeatures:
        """The catalogue's arrays, rebuilt when the catalogue's content version changes; the ranking tables
        also when the weights change (:func:`recommender.weights.use`)."""
        if self._features is None or self._features.version != self.catalog.version:
            self._features = CatalogFeatures.build(self.catalog, self.gap_vectors, self.semantic_k)
            self._weighed = -1
            logger.info("ranking features built for catalogue version %s", self._features.version)
        if self._weighed != weights.VERSION[0]:
            self._tables = Tables.build(self._features)
            self._shortlists = Shortlists.build(self._features, self._tables, self.shortlist_above)
            self._codes = FactCodes.build(self._features)
            self._views.clear()
            self._cards.clear()
            self._funding.clear()
            self._weighed = weights.VERSION[0]
            if self.on_built is not None:
                self.on_built()
        return self._features

    def _view(self, f: CatalogFeatures, profile: LearnerProfile) -> ProfileView:
        def build() -> ProfileView:
            view = build_view(f, self._codes, profile, self.framework)
            self._views.limit = min(_PROFILE_CACHE, max(16, _PROFILE_CACHE_BYTES // view.nbytes))
            return view

        return self._views.get(profile, build)

    def _adjusted(self, f: CatalogFeatures, adjustments: Adjustments | None) -> AdjustmentColumns | None:
        """``adjustments`` spread over the catalogue, rebuilt when the mapping or the catalogue changes (a worker
        passes the same mapping until it refreshes it)."""
        if not adjustments:
            return None
        last = self._adjustment_columns
        if last is None or last.source is not adjustments or last.version != f.version:
            last = self._adjustment_columns = AdjustmentColumns(f, adjustments)
        return last

    def recommend(
        self,
        event: AssessmentCompleted,
        now: datetime | None = None,
        completed: set[str] | None = None,
        adjustments: Adjustments | None = None,
        own: Adjustments | None = None,
    ) -> RecommendationGenerated:
        """The recommendation for one assessment event.

        Args:
            now: the generation time (default: the clock).
            completed: offering ids the learner has completed (they meet prerequisites, are not proposed).
            adjustments: ``{(offering_id, competence): factor}`` from counsellor reviews and learner feedback;
                multiplies what the offering is worth for that gap (0 removes it for that gap, 2 doubles it).
                Read once per mapping: pass a new mapping when they change (as the worker's refresh does).
            own: the learner's own words as factors on top of ``adjustments`` (a few pairs, spread per request, so
                the shared mapping's spread stays kept).
        """
        gaps = compute_gaps(event, self.framework)
        profile = LearnerProfile.from_event(event, self.home)
        chosen: list[Candidate] = []
        rejected: list[Ruled] = []
        helping: list[Helping] = []
        notes: list[str] = []
        if gaps:
            chosen, rejected, helping = self._rank(gaps, profile, completed or set(), adjustments, own)
        texts = [gap_text(g) for g in gaps]
        asked = event.preferences.location.strip() if profile.wants and event.preferences and \
            event.preferences.location else ""
        items = [self._item(c, rival, gaps, profile, texts, route, asked)
                 for c, rival, route in zip(chosen, rivals(chosen), routes(chosen, self._opens, self.catalog),
                                            strict=True)]
        allowed = self._allowed(profile)
        training = [off for c in chosen if not kind_of((off := self.catalog.offerings[c.offering_id]).kind).service
                    and not _set_aside(off.id, [gaps[j].competence for j in c.gaps], adjustments, own)]
        path, blocked = build_path(
            training, gaps, self.catalog, allowed,
            completed=completed, hours_per_week=event.preferences.hours_per_week if event.preferences else None,
        )
        notes += [f"{oid}: its prerequisites cannot be met, so it is not in the path" for oid in sorted(blocked)]
        if gaps and not items:
            notes.append("No offering in the catalogue fits this learner's gaps and constraints.")
        if path.uncovered:
            notes.append("No recommended offering works on " + ", ".join(path.uncovered) + " yet.")
        # validated once, from plain values: several times faster than building each item, step and rejection
        # as a model first
        return RecommendationGenerated.model_validate({
            "recommendation_id": recommendation_id(event.event_id),
            "event_id": event.event_id,
            "learner_id": event.learner.id,
            "assessment_id": event.assessment.id,
            "generated_at": now or datetime.now(UTC),
            "gaps": gaps,
            "items": items,
            "path": path,
            "model": self.model_info,
            "catalog_version": self.catalog.version,
            "notes": notes,
            "rejected": [{"offering_id": oid, "rule": rule, "reason": reason} for oid, rule, reason in rejected],
            "support": [self._support(oid, at, gaps) for oid, at in helping],
        })

    def _allowed(self, profile: LearnerProfile) -> Callable[[Offering], bool]:
        f = self.features()
        view = self._view(f, profile)
        return lambda off: off.id in f.row and not view.rejected[f.row[off.id]]

    def _rank(
        self, gaps: list[Gap], profile: LearnerProfile, completed: set[str], adjustments: Adjustments | None,
        own: Adjustments | None = None,
    ) -> tuple[list[Candidate], list[Ruled], list[Helping]]:
        f = self.features()
        view = self._view(f, profile)
        rejected = view.rejected
        if completed:  # not proposed again
            rejected = rejected.copy()
            rejected[[f.row[c] for c in completed if c in f.row]] = True
        arrays = GapArrays.of(f, gaps)
        scored, considered = self._score(f, gaps, arrays, rejected, view, adjustments, profile.wants is not None,
                                         own)
        is_allowed = self._allowed(profile)
        have = set(completed)

        def feasible(row: int) -> bool:
            if row not in f.needs_first:
                return True
            off = self.catalog.offerings[f.ids[row]]
            if have:
                return resolve(off, self.catalog, is_allowed, have) is not None
            return view.reachable.get(row, lambda: resolve(off, self.catalog, is_allowed, have) is not None)

        chosen = select(scored, f, self.max_items, feasible)
        helping = support(scored, f, chosen, MAX_SUPPORT)
        return chosen, self._rejections(f, view, arrays, profile, scored, considered), helping

    def _score(
        self, f: CatalogFeatures, gaps: list[Gap], arrays: GapArrays, rejected: np.ndarray, view: ProfileView,
        adjustments: Adjustments | None, asked_where: bool = False, own: Adjustments | None = None,
    ) -> tuple[Scored, np.ndarray | None]:
        """Score the learner's shortlist (a large catalogue) or every offering not ``rejected``; returns the
        scores and the rows considered, admitted or not (None: all). ``asked_where``: the learner said where they
        want to attend in-person sessions."""
        shortlist = self._shortlists.candidates(arrays.cols, arrays.levels, arrays.pri, rejected, view.affinity,
                                                view.certainty)
        if self._tables is None:
            raise RuntimeError("ranking tables are built with the features")
        who = Who(view.senior, view.mine, view.placed)
        # help near home matters to a learner starting out or a senior, and where sessions are to anyone who said
        # where they want them; others travel or learn online
        nearby = view.nearby if asked_where or starting_out(arrays, who) else None
        everyone = self._adjusted(f, adjustments)
        adjusted = StackedAdjustments(everyone, AdjustmentColumns(f, own)) if own else everyone
        scored = score_all(f, self._tables, gaps, rejected, view.affinity, view.certainty, adjusted, shortlist,
                           arrays, nearby, who)
        return scored, shortlist

    def _rejections(
        self, f: CatalogFeatures, view: ProfileView, arrays: GapArrays, profile: LearnerProfile, scored: Scored,
        considered: np.ndarray | None,
    ) -> list[Ruled]:
        """The ruled-out offerings among those considered (None: all) that matter most for the gaps, with the
        reason."""
        rows = view.rejected_rows if considered is None else considered[view.rejected[considered]]
        weight = f.tags.take(rows, axis=0)[:, arrays.cols] @ arrays.pri  # gap priority served
        top = [int(rows[k]) for k in (-weight).argsort(kind="stable")[:MAX_REJECTIONS].tolist() if weight[k] > 0]
        out = [(f.ids[row], *view.rules.reason(f.facts, row, profile)) for row in top]
        room = max(0, MAX_REJECTIONS - len(out))  # the whole list stays small: it travels in every message
        out += [(f.ids[r], "level", text) for r, text in scored.too_advanced[:room]]
        return out

    def _item(self, cand: Candidate, rival: Candidate | None, gaps: list[Gap], profile: LearnerProfile,
              texts: list[str], route: str = "", asked_place: str = "") -> dict[str, Any]:
        """An item's fields (validated with the whole recommendation); ``asked_place``: where the learner asked to
        attend in-person sessions, as they wrote it ("" if they did not)."""
        off = self.catalog.offerings[cand.offering_id]
        fields, about_it = self._cards.get(off.id, lambda: (self._fields(off), about(off)))
        funding = self._funding.get(
            (off.id, profile.status, is_sme_staff(profile), profile.country),
            lambda: tuple(hint.model_dump() for hint in funding_for(off, profile, self.funding)))
        return fields | {
            "score": cand.score,
            "addresses": [gaps[j].competence for j in cand.gaps],
            "why": why(cand, about_it, rival, texts, self.catalog,
                       rival is not None and self._recommends_first(rival, cand), route, asked_place),
            "score_breakdown": dict(zip(PARTS, cand.parts, strict=True)),
            "funding": list(funding),  # made models by validation
        }

    def _opens(self, way_in: str, then: str) -> bool:
        """Whether offering ``way_in`` is the admission step (``features.gate``) of offering ``then``."""
        f = self._features
        return f is not None and int(f.gate[f.row[then]]) == f.row[way_in]

    def _recommends_first(self, later: Candidate, first: Candidate) -> bool:
        """Whether ``later``'s requirements recommend taking ``first`` before it."""
        f = self._features
        if f is None:
            return False
        row = f.row[later.offering_id]
        return row in f.recommends_first and f.row[first.offering_id] in f.recommended_first[row]

    def _support(self, oid: str, at: tuple[int, ...], gaps: list[Gap]) -> dict[str, Any]:
        """A support-list entry: the service, and why (its kind's reason, and where when it is nearby)."""
        off = self.catalog.offerings[oid]
        reason = kind_of(off.kind).reason or "a service beside the path"
        if off.format in ("in_person", "blended") and off.location and off.location.region:
            reason += f" ({off.location.region})"
        return {
            "offering_id": oid, "title": off.title, "provider": off.provider_name, "kind": off.kind,
            "reason": reason, "addresses": [gaps[j].competence for j in at], "url": off.url, "format": off.format,
            "languages": list(off.languages), "free": off.cost.free,
        }

    @staticmethod
    def _fields(off: Offering) -> dict[str, Any]:
        """The fields of an item that depend on the offering only."""
        return {
            "offering_id": off.id,
            "title": off.title,
            "provider": off.provider_name,
            "level_from": off.level_min,
            "level_to": off.level_max,
            "url": off.url,
            "format": off.format,
            "languages": list(off.languages),  # copied by validation
            "duration_hours": off.duration_hours,
            "free": off.cost.free,
        }
