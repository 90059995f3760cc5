"""The recommender's memos (profile views, rule masks, item cards...) never change an answer: a recommender that
served many learners, with or without people's adjustments, answers as a fresh one would."""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.workload import assessment_events
from recommender import Recommender
from recommender.memo import Memo, counts, switched_off
from schemas.assessment import AssessmentCompleted

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _twin(event: AssessmentCompleted, n: int) -> AssessmentCompleted:
    """Another learner with the same profile and results: what the cache is keyed on, nothing else shared."""
    raw = event.model_dump(mode="json")
    raw["learner"]["id"] = f"{raw['learner']['id']}-twin-{n}"
    raw["event_id"] = f"00000000-0000-4000-8000-{n:012d}"
    return AssessmentCompleted.model_validate(raw)


def test_new_adjustments_show_in_the_next_recommendation_of_a_profile_already_seen(recommender, embedder):
    """A worker passes people's adjustments, refreshed as feedback arrives: what its memos keep of a profile
    must never hide the change."""
    event = next(e for e in assessment_events(40, seed=34) if recommender.recommend(e, now=NOW).items)
    top = recommender.recommend(event, now=NOW).items[0]
    demoted = {(top.offering_id, c): 0.0 for c in top.addresses}
    fresh = Recommender(recommender.catalog, embedder, funding=recommender.funding)

    for n, adjustments in enumerate([{}, demoted, dict(demoted), {}]):
        twin = _twin(event, 100 + n)
        kept = recommender.recommend(twin, now=NOW, adjustments=adjustments)
        expected = fresh.recommend(twin, now=NOW, adjustments=adjustments)
        assert kept.model_dump(mode="json") == expected.model_dump(mode="json")
        assert (top.offering_id in [i.offering_id for i in kept.items]) == (adjustments != demoted)


def test_a_recommender_that_served_many_learners_answers_a_new_one_as_a_fresh_one_would(recommender, embedder):
    """Profile views, rule masks, spread affinities and item cards are kept across learners: none may leak one learner's
    answer into another's."""
    for e in assessment_events(150, seed=32):  # warm every per-catalogue cache with other learners
        recommender.recommend(e, now=NOW)
    for e in assessment_events(25, seed=33):
        fresh = Recommender(recommender.catalog, embedder, funding=recommender.funding)
        assert recommender.recommend(e, now=NOW).model_dump(mode="json") == \
            fresh.recommend(e, now=NOW).model_dump(mode="json")


def test_a_memo_stays_within_its_limit_counts_what_it_does_and_can_be_switched_off():
    calls: list[int] = []

    def square(x: int) -> int:
        calls.append(x)
        return x * x

    memo: Memo[int, int] = Memo("test_squares", 2)
    assert [memo.get(x, lambda x=x: square(x)) for x in (1, 2, 1, 3, 1)] == [1, 4, 1, 9, 1]
    assert calls == [1, 2, 3, 1]  # full at 3: emptied, so 1 is computed again
    assert len(memo) <= 2
    assert counts()["test_squares"] == (1, 4, 1)  # hits, misses, emptyings
    with switched_off(["test_squares"]):
        assert memo.get(1, lambda: square(1)) == 1
    assert calls[-1] == 1 and len(calls) == 5
