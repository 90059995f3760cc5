"""Learners, recommendations and users for the people tests, built by hand (no model needed)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api.keys import create_user
from recommender.engine import recommendation_id
from schemas.assessment import AssessmentCompleted
from schemas.recommendation import Gap, Item, ModelInfo, Path, PathStep, RecommendationGenerated
from store import Store
from tests.conftest import example_event

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OFFERS = {  # offering id -> gaps it addresses
    "off-safe": ["4.2", "1.2"], "off-search": ["1.1", "1.2"], "off-collab": ["2.4"], "off-extra": ["4.2"],
}


def pair(
    learner: str, counsellor: str | None, share: bool, campaign: str = "NTAC-2025", n: int = 0,
    gaps: tuple[str, ...] = ("4.2", "1.2", "2.4"),
) -> tuple[AssessmentCompleted, RecommendationGenerated]:
    """An assessment of ``learner`` and a recommendation with path off-safe, off-search, off-collab."""
    raw = example_event("digcomp")
    raw["event_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{learner}/{n}"))
    raw["learner"].update(id=learner, counsellor_id=counsellor, consent={"share_with_counsellor": share})
    raw["assessment"]["campaign"] = campaign
    event = AssessmentCompleted.model_validate(raw)
    items = [Item(offering_id=o, title=o.upper(), provider="prov-a", score=1 - i / 10,
                  addresses=[c for c in OFFERS[o] if c in gaps], why="because", duration_hours=4.0 + i)
             for i, o in enumerate(OFFERS)]
    steps = [PathStep(offering_id=o, order=i + 1, title=o.upper(), addresses=OFFERS[o], duration_hours=4.0 + i)
             for i, o in enumerate(("off-safe", "off-search", "off-collab"))]
    rec = RecommendationGenerated(
        recommendation_id=recommendation_id(event.event_id), event_id=event.event_id, learner_id=learner,
        assessment_id=event.assessment.id, generated_at=T0 + timedelta(hours=n),
        gaps=[Gap(competence=c, current=1, target=3, priority=1.0) for c in gaps], items=items,
        path=Path(steps=steps, total_hours=15.0, weeks=3.0), model=ModelInfo(embedding_model="m", ranker="r"),
        catalog_version="v1",
    )
    return event, rec


@dataclass
class World:
    """Who is who: learners of counsellors c1 (team east) and c2 (team east) and c3 (team west), and keys."""

    store: Store
    keys: dict[str, str]
    recs: dict[str, str]


def build_world(store: Store) -> World:
    """Five learners and one key per role-holder.

    - ana: c1, consented; bob: c1, no consent; cyd: c2 (same team as c1), consented;
      dan: c3 (other team), consented; eve: assigned to the team "east" itself, consented.
    """
    pairs = {
        "ana": pair("ana", "c1", True), "bob": pair("bob", "c1", False), "cyd": pair("cyd", "c2", True, "OTHER-1"),
        "dan": pair("dan", "c3", True), "eve": pair("eve", "east", True, gaps=("2.4", "1.1")),
    }
    store.save(list(pairs.values()))
    users = {
        "c1": dict(role="counsellor", counsellor_id="c1", team="east"),
        "c2": dict(role="counsellor", counsellor_id="c2", team="east"),
        "c3": dict(role="counsellor", counsellor_id="c3", team="west"),
        "ana": dict(role="learner", learner_id="ana"), "bob": dict(role="learner", learner_id="bob"),
        "prov": dict(role="provider", provider="prov-a"), "root": dict(role="admin"),
    }
    keys = {who: create_user(store, name=f"user {who}", **spec).token for who, spec in users.items()}
    return World(store, keys, {who: str(rec.recommendation_id) for who, (_, rec) in pairs.items()})
