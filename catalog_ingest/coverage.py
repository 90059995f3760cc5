"""Coverage: for each DigComp competence and level band, how many active offerings serve it, by language
and format, so providers and ADEM see where learners' gaps meet no offer.

An offering serves a band when its level range overlaps the band's levels; one without a known level range
is counted under every band it might serve (and flagged in ``unknown_level``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from schemas.framework import Framework, load_framework
from schemas.offering import Offering

UNKNOWN = "unknown"


@dataclass
class Cell:
    """One competence at one level band."""

    competence: str
    name: str
    band: str
    levels: tuple[int, int]
    offerings: int = 0
    unknown_level: int = 0
    by_language: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)


@dataclass
class CoverageReport:
    """Every (competence, band) cell, in framework order."""

    cells: list[Cell]
    active_offerings: int

    @property
    def empty(self) -> list[Cell]:
        """Cells no active offering serves."""
        return [c for c in self.cells if c.offerings == 0]

    def to_dict(self) -> dict:
        """A JSON-ready dict (what ``--json`` and the API return)."""
        return {
            "active_offerings": self.active_offerings,
            "cells": [asdict(c) for c in self.cells],
            "empty": [{"competence": c.competence, "band": c.band} for c in self.empty],
        }


def _bands(fw: Framework) -> list[tuple[str, tuple[int, int]]]:
    levels: dict[str, list[int]] = {}
    for level, band in sorted(fw.level_bands.items()):
        levels.setdefault(band, []).append(level)
    return [(band, (min(lv), max(lv))) for band, lv in levels.items()]


def coverage(offerings: Iterable[Offering], framework: Framework | None = None) -> CoverageReport:
    """Count active offerings per competence and level band, by teaching language and format."""
    fw = framework or load_framework()
    bands = _bands(fw)
    cells = {
        (code, band): Cell(code, comp.name, band, levels)
        for code, comp in fw.competences.items()
        for band, levels in bands
    }
    langs: dict[tuple[str, str], Counter[str]] = {key: Counter() for key in cells}
    formats: dict[tuple[str, str], Counter[str]] = {key: Counter() for key in cells}
    active = 0
    for off in offerings:
        if off.status != "active":
            continue
        active += 1
        lo, hi = off.level_min or 1, off.level_max or 8
        unknown = off.level_min is None or off.level_max is None
        for code in off.competences:
            for band, (b_lo, b_hi) in bands:
                if lo > b_hi or hi < b_lo or (code, band) not in cells:
                    continue
                cell = cells[(code, band)]
                cell.offerings += 1
                cell.unknown_level += unknown
                langs[(code, band)].update(off.languages or [UNKNOWN])
                formats[(code, band)][off.format or UNKNOWN] += 1
    for key, cell in cells.items():
        cell.by_language = dict(langs[key].most_common())
        cell.by_format = dict(formats[key].most_common())
    return CoverageReport(list(cells.values()), active)
