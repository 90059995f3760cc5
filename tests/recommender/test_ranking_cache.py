"""A ranking served from the cache (same profile, same gaps) is the one the recommender would compute afresh."""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.workload import assessment_events
from recommender import Recommender
from schemas.assessment import AssessmentCompleted

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _twin(event: AssessmentCompleted, n: int) -> AssessmentCompleted:
    """Another learner with the same profile and results: what the cache is keyed on, nothing else shared."""
    raw = event.model_dump(mode="json")
    raw["learner"]["id"] = f"{raw['learner']['id']}-twin-{n}"
    raw["event_id"] = f"00000000-0000-4000-8000-{n:012d}"
    return AssessmentCompleted.model_validate(raw)


def _cached_rankings(rec: Recommender) -> int:
    return sum(len(view.ranked) for view in rec._views.values())


def test_cached_rankings_equal_fresh_ones(recommender, embedder):
    events = assessment_events(40, seed=31)
    for e in events:  # fill the cache of the shared recommender
        recommender.recommend(e, now=NOW)
    before = _cached_rankings(recommender)
    fresh = Recommender(recommender.catalog, embedder, funding=recommender.funding)
    with_items = 0
    for n, e in enumerate(events):
        twin = _twin(e, n)
        cached = recommender.recommend(twin, now=NOW)
        assert cached.model_dump(mode="json") == fresh.recommend(twin, now=NOW).model_dump(mode="json")
        with_items += bool(cached.items)
    assert _cached_rankings(recommender) == before, "every twin was served from the cache"
    assert with_items >= 30


def test_a_recommender_that_served_many_learners_answers_a_new_one_as_a_fresh_one_would(recommender, embedder):
    """Masks, reasons, item cards and funding hints are kept across learners: none may leak one learner's
    answer into another's."""
    for e in assessment_events(150, seed=32):  # warm every per-catalogue cache with other learners
        recommender.recommend(e, now=NOW)
    for e in assessment_events(25, seed=33):
        fresh = Recommender(recommender.catalog, embedder, funding=recommender.funding)
        assert recommender.recommend(e, now=NOW).model_dump(mode="json") == \
            fresh.recommend(e, now=NOW).model_dump(mode="json")
