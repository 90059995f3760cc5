"""The ``recommendation.generated`` event, schema_version 1 (topic ``recommendations.generated``)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

RecommendationStatus = Literal["pending_review", "approved", "rejected", "edited"]


class Gap(BaseModel):
    competence: str = Field(..., description="DigComp 2.2 code.", examples=["4.2"])
    name: str = Field("", description="The competence's official title.")
    current: int = Field(..., ge=0, le=8)
    target: int = Field(..., ge=1, le=8)
    priority: float = Field(..., ge=0, description="Higher = more urgent; weighs gap size and role need.")
    assessed_as: list[str] = Field(
        default_factory=list, description="Source codes behind `current` (Pix-16 codes when mapped)."
    )


class FundingHint(BaseModel):
    id: str
    title: str
    condition: str = Field(..., description="Who may use it and on what condition.")


class Item(BaseModel):
    offering_id: str
    title: str = ""
    provider: str = ""
    score: float
    addresses: list[str] = Field(..., description="Gap competences this offering works on.")
    level_from: int | None = None
    level_to: int | None = None
    why: str = Field(..., description="In plain words, for the learner and their counsellor.")
    score_breakdown: dict[str, float] = Field(default_factory=dict)
    url: str | None = None
    format: str | None = None
    languages: list[str] = Field(default_factory=list)
    duration_hours: float | None = None
    free: bool | None = None
    funding: list[FundingHint] = Field(default_factory=list)


class SupportItem(BaseModel):
    """A service beside the training path: help nearby, pages to read first, a check of one's organisation."""

    offering_id: str
    title: str = ""
    provider: str = ""
    kind: str = Field(..., description="The offering's kind (a service: advice, helpline, guide, ...).",
                      examples=["advice", "guide", "diagnostic"])
    reason: str = Field(..., description="Why it is proposed, in plain words.", examples=["help nearby"])
    addresses: list[str] = Field(default_factory=list, description="Gap competences it helps with.")
    url: str | None = None
    format: str | None = None
    languages: list[str] = Field(default_factory=list)
    free: bool | None = None


class PathStep(BaseModel):
    offering_id: str
    order: int = Field(..., ge=1)
    title: str = ""
    addresses: list[str] = Field(default_factory=list)
    duration_hours: float | None = None
    after: list[str] = Field(default_factory=list, description="Earlier steps this one needs.")


class Path(BaseModel):
    steps: list[PathStep] = Field(default_factory=list)
    total_hours: float = Field(0, ge=0, description="Sum of the known durations.")
    steps_without_hours: int = Field(0, ge=0, description="Steps whose duration the catalogue does not give.")
    weeks: float | None = Field(None, description="At the learner's pace (preferences.hours_per_week).")
    uncovered: list[str] = Field(
        default_factory=list, description="Gap competences no offering in the path addresses."
    )


class Rejection(BaseModel):
    """An offering that works on a gap of the learner but breaks a hard constraint."""

    offering_id: str
    rule: str = Field(..., description="The constraint it breaks.", examples=["language", "audience", "level"])
    reason: str = Field(
        ..., description="In plain words.", examples=["taught in fr, not in a language of the learner (de)"]
    )


class ModelInfo(BaseModel):
    embedding_model: str
    ranker: str


class RecommendationGenerated(BaseModel):
    """A ranked list of offerings and an ordered path for one assessment."""

    event_type: Literal["recommendation.generated"] = "recommendation.generated"
    schema_version: Literal[1] = 1
    recommendation_id: UUID = Field(..., description="Derived from event_id: the same event, the same id.")
    event_id: UUID = Field(..., description="The assessment event that caused it.")
    learner_id: str
    assessment_id: str
    generated_at: AwareDatetime
    gaps: list[Gap] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list, description="Ranked best first.")
    path: Path = Field(default_factory=Path)
    status: RecommendationStatus = "pending_review"
    model: ModelInfo
    catalog_version: str = Field(..., description="Version of the catalogue the ranking used.")
    support: list[SupportItem] = Field(
        default_factory=list,
        description="Services beside the path (advice desks, helplines, guides, diagnostics), each with its reason; "
        "they never take a training slot.",
    )
    notes: list[str] = Field(default_factory=list, description="What the learner should know, in words.")
    rejected: list[Rejection] = Field(
        default_factory=list,
        description="Offerings tagged with the learner's gap competences (the most gap priority first, at most 10) "
        "that a hard constraint rules out, and why.",
    )
