"""The ``recommendation.reviewed`` event, schema_version 1 (topic ``recommendations.reviewed``, keyed by learner id)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from schemas.recommendation import RecommendationStatus

ReviewAction = Literal["approve", "reject", "edit"]


class RecommendationReviewed(BaseModel):
    """A counsellor approved, rejected or edited a recommendation; ``steps`` is the path the learner now sees."""

    event_type: Literal["recommendation.reviewed"] = "recommendation.reviewed"
    schema_version: Literal[1] = 1
    event_id: UUID = Field(..., description="Unique per review action.")
    recommendation_id: UUID = Field(..., description="The recommendation.generated this review is about.")
    learner_id: str = Field(..., description="Pseudonymous learner id (also the record key).")
    action: ReviewAction = Field(..., examples=["edit"])
    status: RecommendationStatus = Field(..., description="The recommendation's status after the action.")
    reviewed_at: AwareDatetime
    reviewer_role: Literal["counsellor", "admin"]
    note: str | None = Field(None, description="The counsellor's note, if any.")
    steps: list[str] = Field(
        default_factory=list, description="Offering ids of the path after the action, in order.",
        examples=[["off-digcomp-4-2-basics", "off-cyber-hygiene"]],
    )
    added: list[str] = Field(default_factory=list, description="Offering ids the action put into the path.")
    removed: list[str] = Field(default_factory=list, description="Offering ids the action took out of the path.")
