"""The contracts: events and entities, the single source of truth for every topic and route."""

from schemas.assessment import AssessmentCompleted
from schemas.errors import UnknownCompetenceError, UnknownRoleError, UpskillError
from schemas.offering import Offering
from schemas.recommendation import RecommendationGenerated

__all__ = [
    "AssessmentCompleted",
    "Offering",
    "RecommendationGenerated",
    "UnknownCompetenceError",
    "UnknownRoleError",
    "UpskillError",
]
