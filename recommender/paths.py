"""Ordering recommended offerings into a path a learner can follow.

The path takes the ranked items in turn and keeps those that move some gap further than the steps already
kept (an alternative for a gap already served adds nothing). Each kept offering brings the prerequisites it
still needs (only offerings the learner may take); one whose prerequisites cannot be met is left out. Steps are
then ordered so that every prerequisite comes before the offering that needs it, and otherwise lower levels
come first. Gaps that no step addresses are named as uncovered.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import cast

from recommender.catalog import Catalog
from schemas.offering import Offering
from schemas.recommendation import Gap, Path

MAX_STEPS = 6


def resolve(
    off: Offering,
    catalog: Catalog,
    allowed: Callable[[Offering], bool],
    have: set[str],
    visiting: frozenset[str] = frozenset(),
) -> list[Offering] | None:
    """``off`` preceded by the prerequisites it still needs, or None when a group cannot be met.

    Args:
        have: ids already completed or already in the path.
    """
    if off.id in have:
        return []
    if off.id in visiting:
        return None  # a prerequisite cycle in the data
    added: list[Offering] = []
    for group in off.prerequisites:
        if any(g in have or g in {a.id for a in added} for g in group):
            continue
        for pid in group:
            pre = catalog.get(pid)
            if pre is None or not allowed(pre):
                continue
            sub = resolve(pre, catalog, allowed, have | {a.id for a in added}, visiting | {off.id})
            if sub is not None:
                added.extend(sub)
                break
        else:
            return None
    return [*added, off]


def _reach(off: Offering, gaps: dict[str, Gap]) -> dict[str, int]:
    """The level each gap competence reaches with this offering (its level_max, or one level up if unknown)."""
    out = {}
    for code in off.competences:
        g = gaps.get(code)
        if g is not None:
            top = off.level_max if off.level_max is not None else g.current + 1
            out[code] = min(top, g.target)
    return out


def _order(offerings: list[Offering]) -> list[Offering]:
    """Topological order (prerequisites first), lower levels first among what is ready."""
    by_id = {o.id: o for o in offerings}
    needs = {o.id: {p for grp in o.prerequisites for p in grp if p in by_id} for o in offerings}
    if not any(needs.values()):  # the usual path: nothing to take first, lower levels first (a stable sort)
        return sorted(offerings, key=lambda o: (o.level_min or 0, o.level_max or 0))
    heap = [((o.level_min or 0, o.level_max or 0, i), o.id) for i, o in enumerate(offerings) if not needs[o.id]]
    heapq.heapify(heap)
    rank = {o.id: i for i, o in enumerate(offerings)}
    out: list[Offering] = []
    while heap:
        _, oid = heapq.heappop(heap)
        out.append(by_id[oid])
        for other, deps in needs.items():
            if oid in deps:
                deps.discard(oid)
                if not deps:
                    o = by_id[other]
                    heapq.heappush(heap, ((o.level_min or 0, o.level_max or 0, rank[other]), other))
    return out


def build_path(
    chosen: Sequence[Offering],
    gaps: list[Gap],
    catalog: Catalog,
    allowed: Callable[[Offering], bool],
    completed: set[str] | None = None,
    hours_per_week: float | None = None,
) -> tuple[Path, set[str]]:
    """The ordered path and the ids of chosen offerings left out because their prerequisites cannot be met."""
    completed = set(completed or ())
    by_code = {g.competence: g for g in gaps}
    reached = {g.competence: g.current for g in gaps}
    kept: list[Offering] = []
    blocked: set[str] = set()
    for off in chosen:
        if len(kept) >= MAX_STEPS:
            break
        reach = _reach(off, by_code)
        if not any(lv > reached[c] for c, lv in reach.items()):
            continue
        seq = resolve(off, catalog, allowed, completed | {o.id for o in kept})
        if seq is None:
            blocked.add(off.id)
            continue
        kept.extend(seq)
        for c, lv in reach.items():
            reached[c] = max(reached[c], lv)
    ordered = _order(kept)
    return _as_path(ordered, gaps, hours_per_week), blocked


def _as_path(ordered: list[Offering], gaps: list[Gap], hours_per_week: float | None) -> Path:
    gap_codes = {g.competence for g in gaps}
    ids = {o.id for o in ordered}
    steps = [
        {
            "offering_id": o.id,
            "order": i,
            "title": o.title,
            "addresses": [c for c in o.competences if c in gap_codes],
            "duration_hours": o.duration_hours,
            "after": [p for grp in o.prerequisites for p in grp if p in ids],
        }
        for i, o in enumerate(ordered, start=1)
    ]
    covered = {c for s in steps for c in cast(list[str], s["addresses"])}
    total = sum(o.duration_hours or 0 for o in ordered)
    return Path.model_validate({  # validated once, steps included
        "steps": steps,
        "total_hours": round(total, 1),
        "steps_without_hours": sum(1 for o in ordered if o.duration_hours is None),
        "weeks": round(total / hours_per_week, 1) if hours_per_week and total else None,
        "uncovered": [g.competence for g in gaps if g.competence not in covered],
    })
