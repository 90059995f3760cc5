"""Coverage: which competence and level band active offerings serve, by language and format."""

from __future__ import annotations

from catalog_ingest.coverage import coverage
from schemas.framework import load_framework
from schemas.offering import Offering


def _off(oid, codes, lo, hi, **extra) -> Offering:
    return Offering(id=oid, provider="acme", provider_name="ACME", title=oid, competences=codes,
                    level_min=lo, level_max=hi, **extra)


def test_offerings_are_counted_in_every_band_their_levels_reach():
    report = coverage([
        _off("a", ["1.1"], 2, 3, languages=["fr", "de"], format="online"),
        _off("b", ["1.1"], 1, 1, languages=["fr"], format="in_person"),
        _off("c", ["1.1"], 1, 8, status="ended"),
    ])
    cells = {(c.competence, c.band): c for c in report.cells}
    assert report.active_offerings == 2
    assert len(report.cells) == len(load_framework().competences) * 4
    foundation = cells[("1.1", "Foundation")]
    assert (foundation.offerings, foundation.by_language, foundation.by_format) == (
        2, {"fr": 2, "de": 1}, {"online": 1, "in_person": 1})
    assert cells[("1.1", "Intermediate")].offerings == 1
    assert cells[("1.1", "Advanced")].offerings == 0
    assert {"competence": "1.1", "band": "Advanced"} in report.to_dict()["empty"]


def test_unknown_levels_and_languages_are_counted_and_flagged():
    cell = next(c for c in coverage([_off("u", ["2.1"], None, None)]).cells if c.competence == "2.1")
    assert (cell.offerings, cell.unknown_level, cell.by_language, cell.by_format) == (
        1, 1, {"unknown": 1}, {"unknown": 1})
