"""Gaps: size and role need in the priority, unassessed competences are no gaps, Pix-16 mapped to DigComp."""

from __future__ import annotations

from recommender.gaps import compute_gaps
from schemas.framework import load_framework
from tests.support.synthetic import event, offering, small_recommender

FW = load_framework()


def test_priority_weighs_gap_size_and_role_need() -> None:
    gaps = compute_gaps(event({"3.4": 1, "1.3": 3, "2.1": 2}, target={"role": "software-developer"}), FW)
    by = {g.competence: g for g in gaps}
    assert (by["3.4"].target, by["1.3"].target, by["2.1"].target) == (7, 5, 3)
    assert gaps[0].competence == "3.4"  # six levels short of a level the role needs at 7
    assert by["1.3"].priority > by["2.1"].priority  # same size (2, 1), but the role needs 1.3 at level 5


def test_unassessed_competences_are_not_gaps() -> None:
    gaps = compute_gaps(event({"4.2": 1}, target={"role": "bank-client-advisor"}), FW)
    assert [g.competence for g in gaps] == ["4.2"]


def test_without_target_one_level_up_and_at_least_the_baseline() -> None:
    gaps = {g.competence: g.target for g in compute_gaps(event({"4.2": 1, "1.1": 5}), FW)}
    assert gaps == {"4.2": 3, "1.1": 6}


def test_pix16_results_are_mapped_to_digcomp() -> None:
    ev = event({"1.1": 2, "2.1": 1, "3.2": 1, "3.1": 2}, framework="pix-16")
    gaps = {g.competence: g for g in compute_gaps(ev, FW)}
    # Pix 1.1 informs DigComp 1.1 and 1.2; Pix 2.1 informs 2.1 and 2.5; DigComp 3.1 = floor(mean(Pix 3.1, 3.2))
    assert {"1.1", "1.2", "2.1", "2.5", "3.1", "3.2"} <= gaps.keys()
    assert gaps["3.1"].current == 1 and sorted(gaps["3.1"].assessed_as) == ["3.1", "3.2"]
    assert gaps["1.2"].assessed_as == ["1.1"]


def test_a_learner_with_no_gap_gets_no_items_and_an_empty_path() -> None:
    rec = small_recommender([offering("privacy", competences=["4.2"], level_min=4, level_max=6)])
    out = rec.recommend(event({"4.2": 6, "4.1": 4}, target={"levels": {"4.2": 5, "4.1": 3}}))
    assert out.gaps == [] and out.items == [] and out.path.steps == []
