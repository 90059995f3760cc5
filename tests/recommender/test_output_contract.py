"""What the recommender returns is a valid ``recommendation.generated`` message for every kind of learner.

Checked once serialised, as a consumer of the topic would read it; and its id is the one earlier releases
derived from the event (stored recommendations and redeliveries rely on it).
"""

from __future__ import annotations

import uuid

from benchmarks.workload import assessment_events
from recommender.engine import RECOMMENDATION_NS
from schemas.recommendation import RecommendationGenerated


def test_every_recommendation_validates_against_the_contract(recommender):
    for event in assessment_events(150, seed=12):
        rec = recommender.recommend(event)
        again = RecommendationGenerated.model_validate_json(rec.model_dump_json())
        assert again.model_dump(mode="json") == rec.model_dump(mode="json")


def test_the_recommendation_id_is_the_uuid5_of_the_event_id(recommender):
    for event in assessment_events(20, seed=13):
        assert recommender.recommend(event).recommendation_id == uuid.uuid5(RECOMMENDATION_NS, str(event.event_id))
