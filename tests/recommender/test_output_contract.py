"""What the recommender returns is a valid ``recommendation.generated`` message for every kind of learner.

Items are constructed without re-validation for speed; this checks that what they hold still passes the
contract (types, ranges) once serialised, as a consumer of the topic would read it.
"""

from __future__ import annotations

from benchmarks.workload import assessment_events
from schemas.recommendation import RecommendationGenerated


def test_every_recommendation_validates_against_the_contract(recommender):
    for event in assessment_events(150, seed=12):
        rec = recommender.recommend(event)
        again = RecommendationGenerated.model_validate_json(rec.model_dump_json())
        assert again.model_dump(mode="json") == rec.model_dump(mode="json")
