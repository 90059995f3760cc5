"""Funding schemes a learner or their employer may use for an offering, with the condition that applies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recommender.constraints import LearnerProfile
from schemas.offering import Offering
from schemas.recommendation import FundingHint


@dataclass(frozen=True)
class FundingRule:
    """Who a scheme is for, in terms the recommender can check."""

    scheme_id: str
    statuses: frozenset[str]
    needs_organisation: bool
    paid_only: bool
    digital_transformation: bool
    condition: str
    # the employment service (its provider id) whose aid this is: only jobseekers registered with it, who live in
    # its country, get it (a cross-border jobseeker registers where they live)
    employment_service: str | None = None


RULES = (
    FundingRule(
        "adem-training-aid",
        frozenset({"jobseeker"}),
        needs_organisation=False,
        paid_only=True,
        digital_transformation=False,
        condition="registered jobseekers: ADEM reimburses 75% of the fee (attendance >= 80%); apply through "
        "your ADEM counsellor at least 8 weeks before the start",
        employment_service="adem",
    ),
    FundingRule(
        "fit4digital",
        frozenset({"employee", "self-employed"}),
        needs_organisation=False,
        paid_only=False,
        digital_transformation=True,
        condition="your employer, if a Luxembourg SME (< 250 staff), can have a Fit 4 Digital diagnosis "
        "co-financed (EUR 5,000 flat grant) and up to 50% of the follow-up",
    ),
    FundingRule(
        "fit4ai",
        frozenset({"employee", "self-employed"}),
        needs_organisation=False,
        paid_only=False,
        digital_transformation=True,
        condition="a Luxembourg SME exploring AI can have an expert analysis subsidised by Fit 4 AI",
    ),
)

_STATUSES = frozenset().union(*(r.statuses for r in RULES))
# Competences an organisation's digital-transformation programme works on.
_TRANSFORMATION = {"5.2", "5.3", "5.4", "4.1", "2.4"}
_AI_WORDS = ("machine learning", "artificial intelligence", " ai ", "ai-", "intelligence artificielle")


def is_sme_staff(profile: LearnerProfile) -> bool:
    """Visibly works in (or runs) an SME: self-employed, or an employee of an organisation targeting the SME role."""
    return profile.status == "self-employed" or (
        profile.status == "employee" and profile.role == "sme-manager"
    )


def _about_ai(off: Offering) -> bool:
    text = f" {off.title} {off.description} ".lower()
    return any(w in text for w in _AI_WORDS)


def funding_for(off: Offering, profile: LearnerProfile, schemes: Sequence[Offering]) -> list[FundingHint]:
    """The schemes that may pay for ``off`` for this learner, each with the condition that applies."""
    if profile.status not in _STATUSES:
        return []
    by_id = {s.id: s for s in schemes if s.status == "active"}
    hints = []
    for rule in RULES:
        scheme = by_id.get(rule.scheme_id)
        if scheme is None or profile.status not in rule.statuses:
            continue
        if rule.paid_only and off.cost.free is not False:
            continue
        if rule.employment_service and not profile.registered_with(rule.employment_service):
            continue
        if rule.digital_transformation:
            if not is_sme_staff(profile) or not (set(off.competences) & _TRANSFORMATION):
                continue
            if rule.scheme_id == "fit4ai" and "5.3" not in off.competences and not _about_ai(off):
                continue
        hints.append(FundingHint(id=scheme.id, title=scheme.title, condition=rule.condition))
    return hints
