"""The agent's logic without a broker: decode, dedupe, recommend, store, and what goes out."""

from __future__ import annotations

import json

import pytest

from schemas.assessment import AssessmentCompleted
from store import Store
from streams.processor import AssessmentProcessor, InRecord
from tests.conftest import example_event
from tests.support.postgres import store_url  # noqa: F401 - a fixture


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'p.db'}")


def rec(value: bytes | None, offset: int = 0) -> InRecord:
    return InRecord(b"k", value, "assessments.completed", 0, offset)


def test_bad_records_become_dead_letters_and_good_ones_recommendations(recommender, store):
    good = json.dumps(example_event("digcomp")).encode()
    out = AssessmentProcessor(recommender, store).process([rec(b"", 0), rec(b"[1]", 1), rec(good, 2), rec(good, 3),
                                                           rec(None, 4)])
    assert [dict(d.headers)["error_type"] for d in out.dead_letters] == [b"empty", b"schema"]
    assert [dict(d.headers)["original_offset"] for d in out.dead_letters] == [b"0", b"1"]
    assert len(out.recommendations) == 1 and out.duplicates == 1
    assert out.tombstones == 1  # an erasure's tombstone is no bad input: not dead-lettered
    assert store.count_recommendations() == 1


@pytest.mark.hostile
def test_an_oversized_record_is_dead_lettered_with_the_reason_not_parsed_nor_copied(recommender, store):
    good = json.dumps(example_event("digcomp")).encode()
    huge = good[:-1] + b', "padding": "' + b"x" * 300_000 + b'"}'
    out = AssessmentProcessor(recommender, store, max_event_bytes=256 * 1024).process([rec(huge, 0), rec(good, 1)])
    (letter,) = out.dead_letters
    headers = dict(letter.headers)
    assert headers["error_type"] == b"too_large" and letter.value == b""
    assert headers["error"] == f"a record of {len(huge)} bytes, above the limit of 262144 bytes".encode()
    assert len(out.recommendations) == 1  # the next event is not held up


@pytest.mark.hostile
def test_overlong_ids_are_dead_lettered_and_the_partition_keeps_moving(recommender, store_url):  # noqa: F811
    """On PostgreSQL a value longer than its column made the store raise and the batch come back for ever."""
    overlong = example_event("digcomp")
    overlong["event_id"] = "6a0f1c2e-3b4d-4e5f-8a9b-00000000cafe"
    overlong["assessment"]["campaign"] = "c" * 500
    overlong["learner"]["counsellor_id"] = "x" * 300
    good = example_event("pix")
    db = Store(store_url)
    out = AssessmentProcessor(recommender, db).process([rec(json.dumps(overlong).encode(), 0),
                                                        rec(json.dumps(good).encode(), 1)])
    (letter,) = out.dead_letters
    assert dict(letter.headers)["error_type"] == b"schema" and b"campaign" in dict(letter.headers)["error"]
    assert len(out.recommendations) == 1 and db.count_recommendations() == 1
    db.dispose()


def test_stored_but_unpublished_recommendation_is_resent_unchanged(recommender, store):
    good = json.dumps(example_event("pix")).encode()
    proc = AssessmentProcessor(recommender, store)
    first = proc.process([rec(good)])
    # The worker died before marking it published: the redelivery sends the stored one again.
    again = proc.process([rec(good, 1)])
    assert again.republished == 1 and again.recommendations[0].value == first.recommendations[0].value
    store.mark_published([first.recommendations[0].event_id])
    assert proc.process([rec(good, 2)]).recommendations == []
    assert store.count_recommendations() == 1


def test_feedback_adjustments_reach_the_ranking(recommender, tmp_path):
    event = example_event("digcomp")
    plain = recommender.recommend(AssessmentCompleted.model_validate(event))
    top = plain.items[0]
    demoted = {(top.offering_id, code): 0.0 for code in top.addresses}
    out = AssessmentProcessor(recommender, Store(f"sqlite:///{tmp_path / 'a.db'}"), lambda: demoted).process(
        [rec(json.dumps(event).encode())]
    )
    ranked = [i["offering_id"] for i in json.loads(out.recommendations[0].value)["items"]]
    assert ranked and ranked[0] != top.offering_id
