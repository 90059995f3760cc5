"""The feedback loop: what counsellors and learners say about an offering changes how it ranks for that gap."""

from __future__ import annotations

import pytest

from api import people
from api.auth import Principal
from api.feedback import give_feedback
from schemas.assessment import AssessmentCompleted
from store import Store
from store.adjustments import CachedAdjustments, factor, feedback_adjustments, own_words, personal
from tests.conftest import example_event
from tests.support.people_data import pair

ADMIN = Principal(role="admin", name="admin")


def _learner_event(n: int) -> AssessmentCompleted:
    raw = example_event("digcomp")
    raw["event_id"] = f"6a0f1c2e-3b4d-4e5f-8a9b-{n:012d}"
    raw["learner"]["id"] = f"lrn-{n}"
    return AssessmentCompleted.model_validate(raw)


def test_no_signal_means_no_adjustment(store_url):
    store = Store(store_url)
    store.save([pair("ana", "c1", True)])
    assert feedback_adjustments(store) == {}
    assert factor(0) == 1.0


def test_learner_feedback_moves_the_factor_both_ways(store_url):
    store = Store(store_url)
    _, rec = pair("ana", "c1", True)
    store.save([pair("ana", "c1", True)])
    ana = Principal(role="learner", name="ana", learner_id="ana")
    give_feedback(store, ana, str(rec.recommendation_id), "off-safe", "not_relevant")
    give_feedback(store, ana, str(rec.recommendation_id), "off-collab", "completed")
    adj = feedback_adjustments(store)
    assert adj[("off-safe", "4.2")] < 1 and adj[("off-safe", "1.2")] < 1
    assert adj[("off-collab", "2.4")] > 1
    assert ("off-collab", "4.2") not in adj  # only the gaps the item addresses


@pytest.mark.hostile
def test_one_learner_counts_once_per_offering_and_gap_however_many_recommendations_they_mark(store_url):
    store = Store(store_url)
    pairs = [pair("ana", "c1", True, n=n) for n in range(20)]
    store.save(pairs)
    ana = Principal(role="learner", name="ana", learner_id="ana")
    for _, rec in pairs:  # the same word on each of twenty assessments
        give_feedback(store, ana, str(rec.recommendation_id), "off-safe", "not_relevant")
    assert feedback_adjustments(store)[("off-safe", "4.2")] == pytest.approx(factor(-1.0))
    give_feedback(store, ana, str(pairs[0][1].recommendation_id), "off-safe", "relevant")  # the latest word wins
    assert feedback_adjustments(store)[("off-safe", "4.2")] == pytest.approx(factor(0.5))
    bob = Principal(role="learner", name="bob", learner_id="bob")
    _, other = pair("bob", "c1", True)
    store.save([(_, other)])
    give_feedback(store, bob, str(other.recommendation_id), "off-safe", "not_relevant")
    assert feedback_adjustments(store)[("off-safe", "4.2")] == pytest.approx(factor(-0.5))  # two learners


def test_cached_adjustments_follow_new_feedback_after_their_max_age(store_url):
    store = Store(store_url)
    _, rec = pair("ana", "c1", True)
    store.save([pair("ana", "c1", True)])
    now = [0.0]
    cached = CachedAdjustments(store, max_age_s=30, clock=lambda: now[0])
    assert cached() == {}
    give_feedback(store, Principal(role="learner", name="ana", learner_id="ana"), str(rec.recommendation_id),
                  "off-collab", "not_relevant")
    now[0] = 29.0
    assert cached() == {}
    now[0] = 30.0
    assert cached()[("off-collab", "2.4")] < 1


def test_often_removed_offering_ranks_lower_for_that_gap(tmp_path, recommender):
    store = Store(f"sqlite:///{tmp_path / 'fb.db'}")
    first = recommender.recommend(_learner_event(0))
    ranked = [i.offering_id for i in first.items]
    target = first.path.steps[0].offering_id  # the offering the recommender likes best for its gaps
    kept = [s.offering_id for s in first.path.steps if s.offering_id != target]
    for n in range(1, 7):  # six counsellors' reviews each take it out of the path
        event = _learner_event(n)
        rec = recommender.recommend(event)
        store.save([(event, rec)])
        steps = [s.offering_id for s in rec.path.steps if s.offering_id != target]
        assert steps == kept
        people.edit(store, ADMIN, str(rec.recommendation_id), steps, note="not for our jobseekers")

    adj = feedback_adjustments(store)
    item = next(i for i in first.items if i.offering_id == target)
    assert all(adj[(target, comp)] < 0.5 for comp in item.addresses)

    after = recommender.recommend(_learner_event(99), adjustments=adj)
    reranked = [i.offering_id for i in after.items]
    assert target not in reranked or reranked.index(target) > ranked.index(target)
    assert [s.offering_id for s in after.path.steps][:1] != [target]
    without = recommender.recommend(_learner_event(99))
    assert [i.offering_id for i in without.items] == ranked  # nothing else changed the ranking


@pytest.mark.parametrize("value", ["enrolled", "completed"])
def test_positive_feedback_never_demotes(tmp_path, recommender, value):
    store = Store(f"sqlite:///{tmp_path / 'fb.db'}")
    event = _learner_event(1)
    rec = recommender.recommend(event)
    store.save([(event, rec)])
    last = rec.items[-1]
    learner = Principal(role="learner", name="l", learner_id=event.learner.id)
    give_feedback(store, learner, str(rec.recommendation_id), last.offering_id, value)
    adj = feedback_adjustments(store)
    after = [i.offering_id for i in recommender.recommend(_learner_event(2), adjustments=adj).items]
    before = [i.offering_id for i in rec.items]
    assert last.offering_id in after and after.index(last.offering_id) <= before.index(last.offering_id)


def test_a_learners_own_words_weigh_more_for_them_and_what_they_completed_is_not_proposed_again(
    tmp_path, recommender,
):
    store = Store(f"sqlite:///{tmp_path / 'fb.db'}")
    event = _learner_event(1)
    first = recommender.recommend(event)
    store.save([(event, first)])
    top, done = first.items[0], first.items[1]
    learner = Principal(role="learner", name="l", learner_id=event.learner.id)
    give_feedback(store, learner, str(first.recommendation_id), top.offering_id, "not_relevant")
    give_feedback(store, learner, str(first.recommendation_id), done.offering_id, "completed")
    own = own_words(store, [event.learner.id, "lrn-silent"])
    assert set(own) == {event.learner.id}  # a learner who said nothing has no words of their own
    mine = own[event.learner.id]
    assert mine.completed == {done.offering_id}
    assert set(mine.weights) == {(top.offering_id, c) for c in top.addresses}
    everyone = feedback_adjustments(store)
    for_them = personal(mine)
    assert all(for_them[k] < everyone[k] < 1 for k in mine.weights)  # their word counts again, for them
    assert everyone[done.offering_id, done.addresses[0]] > 1  # others see it promoted: someone completed it

    again = recommender.recommend(_learner_event(1), adjustments=everyone, own=for_them,
                                  completed=set(mine.completed))
    ranked = [i.offering_id for i in again.items]
    assert done.offering_id not in ranked  # they completed it
    assert top.offering_id not in ranked[:1]  # what they called not relevant no longer leads their path
    other = [i.offering_id for i in recommender.recommend(_learner_event(2), adjustments=everyone).items]
    assert done.offering_id in other  # another learner is still offered what this one completed
