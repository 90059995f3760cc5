"""Skill gaps: where an assessed level falls short of the learner's target.

Rules (contracts README): Pix-16 results are mapped to DigComp 2.2 first; a competence absent from the
results was not assessed and is neither gap nor strength; with no target the goal is one level above each
assessed level (capped at 8) and at least the citizen baseline; explicit target levels override the role's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import NamedTuple

from pydantic import TypeAdapter

from schemas.assessment import AssessmentCompleted
from schemas.framework import BASELINE_ROLE, MAX_LEVEL, PIX, Framework
from schemas.recommendation import Gap

_GAPS = TypeAdapter(list[Gap])


class Assessed(NamedTuple):
    """A DigComp competence's current level and the source codes it was derived from (a tuple: one is made per
    result of every event, several times faster than a frozen dataclass)."""

    level: int
    sources: tuple[str, ...]


def digcomp_levels(event: AssessmentCompleted, fw: Framework) -> dict[str, Assessed]:
    """Current DigComp levels from the results, mapping Pix-16 codes first.

    Where several Pix competences inform one DigComp competence, its level is the floor of their mean: each
    Pix competence covers a part of it, and one strong part does not make up for a weak one.
    """
    if event.assessment.framework != PIX:
        return {r.competence: Assessed(r.level, (r.competence,)) for r in event.results}
    informed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in event.results:
        for code in fw.pix[r.competence].digcomp:
            informed[code].append((r.competence, r.level))
    return {
        code: Assessed(math.floor(sum(lv for _, lv in pairs) / len(pairs)), tuple(p for p, _ in pairs))
        for code, pairs in informed.items()
    }


def target_levels(event: AssessmentCompleted, fw: Framework, current: dict[str, Assessed]) -> dict[str, int]:
    """The level to reach per assessed competence."""
    target = event.target
    if target is not None and (target.role or target.levels):
        levels = dict(fw.role(target.role).targets) if target.role else {}
        levels.update(target.levels)
        return {code: lv for code, lv in levels.items() if code in current}
    baseline = fw.role(BASELINE_ROLE).targets
    return {
        code: max(min(MAX_LEVEL, a.level + 1), baseline.get(code, 0)) for code, a in current.items()
    }


def gap_priority(current: int, target: int, role_need: int, explicit: bool) -> float:
    """Urgency of a gap: its size, weighted by how much the target needs the competence.

    A gap of one level on a competence the role needs at baseline weighs 1.0; each level of gap adds one,
    a role that needs the competence above the citizen baseline (level 3) adds a fifth per level, and an
    explicit target set by the learner or their employer weighs half again.
    """
    size = target - current
    need = 1.0 + max(0, role_need - 3) / 5.0
    weight = 1.5 if explicit else 1.0
    # A competence not acquired at all (0) is the most basic need: reaching level 1 unlocks the rest.
    foundation = 0.25 if current == 0 else 0.0
    return round((size + foundation) * need * weight, 3)


def compute_gaps(event: AssessmentCompleted, fw: Framework) -> list[Gap]:
    """Gaps sorted by priority (highest first), then competence code."""
    current = digcomp_levels(event, fw)
    targets = target_levels(event, fw, current)
    explicit = set(event.target.levels) if event.target else set()
    pix = event.assessment.framework == PIX
    gaps = _GAPS.validate_python([  # one validation for the list
        {
            "competence": code,
            "name": fw.competence(code).name,
            "current": current[code].level,
            "target": tgt,
            "priority": gap_priority(current[code].level, tgt, tgt, code in explicit),
            "assessed_as": list(current[code].sources) if pix else [],
        }
        for code, tgt in targets.items()
        if tgt > current[code].level
    ])
    return sorted(gaps, key=lambda g: (-g.priority, g.competence))
