"""A training offering (topic ``catalog.offerings``, value) and a funding scheme."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.framework import load_framework

OfferingStatus = Literal["active", "ended", "planned", "pilot", "announced"]
Audience = Literal[
    "citizens", "jobseekers", "employees", "seniors", "youth", "parents", "smes", "public_servants",
    "teachers", "refugees", "managers", "it_staff", "students", "volunteers", "people_with_disabilities", "trainers",
]
# What the learner gets (``../shared/catalog/README.md``): training, or a service that is not a course.
LEARNING_KINDS = (
    "course", "module", "project", "programme", "academy", "bootcamp", "workshop", "learning_track",
    "course_stream", "admission",
)
SERVICE_KINDS = (
    "self_assessment", "assessment", "diagnostic", "advice", "helpline", "guide", "event", "talk", "catalogue_area",
)
OFFERING_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,127}$"


class Cost(BaseModel):
    model_config = ConfigDict(extra="allow")

    free: bool | None = Field(None, description="true / false / null (unknown).")
    amount_eur: float | None = Field(None, ge=0)
    note: str | None = None


class Location(BaseModel):
    model_config = ConfigDict(extra="allow")

    country: str = Field(..., pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.", examples=["LU"])
    region: str | None = Field(None, max_length=128, description="Commune, canton, département, Land or province.")


class Offering(BaseModel):
    """One training offering as providers publish it (the field set of the seed catalogue)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(..., pattern=OFFERING_ID_PATTERN, description="Stable id.", examples=["dlh-intro-ml"])
    provider: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Provider code.")
    provider_name: str = Field(..., min_length=1)
    title: str = Field(..., min_length=1, max_length=300)
    url: str | None = None
    description: str = Field("", max_length=10_000)
    kind: str = Field(
        "course", min_length=1, max_length=64, examples=["course", "module", "programme", "advice", "guide"],
        description="Learning: " + ", ".join(LEARNING_KINDS) + ". Not a course: " + ", ".join(SERVICE_KINDS) + ".",
    )
    status: OfferingStatus = "active"
    competences: list[str] = Field(default_factory=list, description="DigComp 2.2 codes developed, main subject first.")
    level_min: int | None = Field(None, ge=1, le=8)
    level_max: int | None = Field(None, ge=1, le=8)
    format: Literal["online", "in_person", "blended"] | None = None
    self_paced: bool | None = None
    format_note: str | None = None
    location: Location | None = Field(
        None, description="Where in-person and blended sessions take place; online: the provider's base; "
        "null: not tied to a place."
    )
    duration_hours: float | None = Field(None, gt=0, le=10_000)
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 teaching languages.")
    cost: Cost = Field(default_factory=Cost)
    prerequisites: list[list[str]] = Field(
        default_factory=list, description="Groups of offering ids; every group met by any one id in it."
    )
    requirements: list[str] = Field(default_factory=list)
    part_of: str | None = None
    certificate: str | None = None
    audience: list[Audience] = Field(default_factory=list, description="Empty: anyone.")
    source: str | list[str] | None = Field(None, description="Where the facts come from (text or URLs).")
    confidence: str | None = None
    inferred_fields: list[str] = Field(default_factory=list)

    @field_validator("competences")
    @classmethod
    def _known_competences(cls, v: list[str]) -> list[str]:
        fw = load_framework()
        for code in v:
            fw.competence(code)
        return list(dict.fromkeys(v))

    @field_validator("languages")
    @classmethod
    def _iso_languages(cls, v: list[str]) -> list[str]:
        for code in v:
            if len(code) != 2 or not code.isalpha() or not code.islower():
                raise ValueError(f"{code!r} is not a lower-case ISO 639-1 code")
        return v

    @model_validator(mode="after")
    def _levels_ordered(self) -> Offering:
        if self.level_min is not None and self.level_max is not None and self.level_min > self.level_max:
            raise ValueError(f"level_min {self.level_min} is above level_max {self.level_max}")
        if self.part_of == self.id:
            raise ValueError("an offering cannot be part_of itself")
        return self

    def embedding_text(self) -> str:
        """The text that represents this offering in the vector index."""
        return f"{self.title}. {self.description}".strip()
