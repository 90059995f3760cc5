"""Paths: prerequisites first, lower levels first, hours and weeks, and the gaps left uncovered."""

from __future__ import annotations

from recommender.paths import build_path
from schemas.recommendation import Gap
from tests.support.synthetic import event, offering, small_recommender


def gap(code: str, current: int, target: int) -> Gap:
    return Gap(competence=code, current=current, target=target, priority=float(target - current))


def _catalogue():
    return [
        offering("intro", competences=["3.4"], level_min=1, level_max=2, duration_hours=10),
        offering("advanced", competences=["3.4"], level_min=3, level_max=5, duration_hours=30,
                 prerequisites=[["intro"]]),
        offering("privacy", competences=["4.2"], level_min=2, level_max=4, duration_hours=None),
        offering("needs-ended", competences=["5.1"], level_min=1, level_max=3, prerequisites=[["gone"]]),
        offering("gone", competences=["5.1"], status="ended"),
    ]


def test_prerequisites_come_first_and_are_pulled_in() -> None:
    rec = small_recommender(_catalogue())
    allowed = rec._allowed(rec_profile())
    path, blocked = build_path([rec.catalog.offerings["advanced"]], [gap("3.4", 1, 5)], rec.catalog, allowed)
    assert [s.offering_id for s in path.steps] == ["intro", "advanced"]
    assert path.steps[1].after == ["intro"]
    assert blocked == set()


def test_lower_levels_first_total_hours_weeks_and_uncovered() -> None:
    rec = small_recommender(_catalogue())
    offs = rec.catalog.offerings
    gaps = [gap("4.2", 1, 4), gap("3.4", 0, 2), gap("2.1", 1, 3)]
    path, _ = build_path([offs["privacy"], offs["intro"]], gaps, rec.catalog, rec._allowed(rec_profile()),
                         hours_per_week=4)
    assert [s.offering_id for s in path.steps] == ["intro", "privacy"]  # level 1 before level 2
    assert path.total_hours == 10 and path.steps_without_hours == 1
    assert path.weeks == 2.5
    assert path.uncovered == ["2.1"]


def test_an_offering_whose_prerequisites_cannot_be_met_is_left_out() -> None:
    rec = small_recommender(_catalogue())
    offs = rec.catalog.offerings
    path, blocked = build_path([offs["needs-ended"]], [gap("5.1", 0, 3)], rec.catalog, rec._allowed(rec_profile()))
    assert path.steps == [] and blocked == {"needs-ended"}
    assert path.uncovered == ["5.1"]


def test_completed_offerings_meet_prerequisites() -> None:
    rec = small_recommender(_catalogue())
    path, _ = build_path([rec.catalog.offerings["advanced"]], [gap("3.4", 2, 5)], rec.catalog,
                         rec._allowed(rec_profile()), completed={"intro"})
    assert [s.offering_id for s in path.steps] == ["advanced"]


def test_recommend_never_proposes_an_offering_it_cannot_place() -> None:
    rec = small_recommender(_catalogue())
    out = rec.recommend(event({"5.1": 0, "3.4": 1}, {"languages": ["en"], "status": "employee"}))
    ids = [i.offering_id for i in out.items]
    assert "needs-ended" not in ids and "gone" not in ids
    steps = [s.offering_id for s in out.path.steps]
    assert steps.index("intro") < steps.index("advanced")


def rec_profile():  # noqa: ANN201
    from recommender.constraints import LearnerProfile

    return LearnerProfile.from_event(event({"3.4": 1}, {"languages": ["en"], "status": "employee"}))
