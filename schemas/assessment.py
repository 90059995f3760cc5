"""The ``assessment.completed`` event, schema_version 1 (topic ``assessments.completed``)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.framework import DIGCOMP, PIX, load_framework

LearnerStatus = Literal["jobseeker", "employee", "student", "self-employed", "retired", "other"]
Format = Literal["online", "in_person", "blended"]


class _Open(BaseModel):
    """Producers may add fields: unknown ones are kept, never rejected (forward compatibility)."""

    model_config = ConfigDict(extra="allow")


class Consent(_Open):
    share_with_counsellor: bool = Field(False, description="Without it no counsellor sees this learner.")


class Residence(_Open):
    country: str = Field(..., pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.", examples=["FR"])
    region: str | None = Field(
        None, max_length=128, description="Commune, canton, département, Land or province.", examples=["Moselle"]
    )


class Learner(_Open):
    id: str = Field(
        ..., min_length=1, max_length=128, description="Pseudonymous learner id.", examples=["lrn-7f3a9c"]
    )
    languages: list[str] = Field(
        default_factory=list, description="ISO 639-1 codes the learner can study in; empty = any."
    )
    status: LearnerStatus | None = None
    # the lengths are the store's columns (a longer id would be accepted here and refused by PostgreSQL)
    organisation_id: str | None = Field(None, max_length=128)
    counsellor_id: str | None = Field(None, max_length=128)
    consent: Consent = Field(default_factory=Consent)
    age: int | None = Field(None, ge=0, le=130, description="Optional: lets age-bound offers be matched.")
    residence: Residence | None = Field(
        None,
        description="Where the learner lives; absent: the deployment's home country. Decides which in-person "
        "offerings they can reach and which national schemes they may join.",
        examples=[{"country": "FR", "region": "Moselle"}],
    )

    @field_validator("languages")
    @classmethod
    def _normalise_languages(cls, v: list[str]) -> list[str]:
        out = []
        for code in v:
            c = code.strip().lower()
            if len(c) != 2 or not c.isalpha():
                raise ValueError(f"{code!r} is not an ISO 639-1 language code")
            out.append(c)
        return out


class AssessmentInfo(_Open):
    id: str = Field(..., min_length=1, max_length=128, description="Assessment / campaign-participation id.")
    framework: Literal["digcomp-2.2", "pix-16"] = Field(..., examples=[DIGCOMP, PIX])
    campaign: str | None = Field(None, max_length=128)


class Result(_Open):
    competence: str = Field(..., description="Competence code in the assessment's framework.", examples=["1.1"])
    level: int = Field(..., ge=0, le=8, description="0-8, 0 = not acquired.")
    mastery: float | None = Field(None, ge=0, le=1)
    pix: float | None = Field(None, ge=0)


class Target(_Open):
    role: str | None = Field(None, description="A role id of the shipped target profiles.")
    levels: dict[str, int] = Field(default_factory=dict, description="Explicit {competence: level} targets.")

    @field_validator("role")
    @classmethod
    def _known_role(cls, v: str | None) -> str | None:
        if v is not None:
            load_framework().role(v)
        return v

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, v: dict[str, int]) -> dict[str, int]:
        fw = load_framework()
        for code, level in v.items():
            fw.competence(code)
            if not 0 <= level <= 8:
                raise ValueError(f"target level for {code} must be 0-8, got {level}")
        return v


class Preferences(_Open):
    formats: list[Format] = Field(default_factory=list, description="Accepted formats; empty = any.")
    cost: Literal["free", "any"] = "any"
    max_hours: float | None = Field(None, gt=0)
    languages: list[str] = Field(default_factory=list, description="Narrows learner.languages.")
    location: str | None = None
    hours_per_week: float | None = Field(None, gt=0, description="Pace, for the path's duration in weeks.")


class AssessmentCompleted(_Open):
    """A learner finished a digital-skills assessment."""

    event_id: UUID = Field(..., description="Chosen by the producer; the same id twice is the same event.")
    event_type: Literal["assessment.completed"]
    schema_version: Literal[1]
    occurred_at: AwareDatetime = Field(..., description="RFC 3339 timestamp with zone.")
    source: str = Field(..., min_length=1, max_length=64, examples=["pix"])
    learner: Learner
    assessment: AssessmentInfo
    results: list[Result] = Field(..., min_length=1)
    target: Target | None = None
    preferences: Preferences | None = None

    @model_validator(mode="after")
    def _codes_exist_in_framework(self) -> AssessmentCompleted:
        valid = load_framework().codes(self.assessment.framework)
        seen: set[str] = set()
        for i, r in enumerate(self.results):
            if r.competence not in valid:
                raise ValueError(
                    f"results.{i}.competence: unknown {self.assessment.framework} competence {r.competence!r}"
                )
            if r.competence in seen:
                raise ValueError(f"results.{i}.competence: {r.competence} appears twice")
            seen.add(r.competence)
        return self
