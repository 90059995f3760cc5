"""Services (advice desks, guides, helplines, diagnostics, ...) go beside the path, never in a course's place."""

from __future__ import annotations

from recommender.kinds import kind_of, kinds
from schemas.offering import LEARNING_KINDS, SERVICE_KINDS
from tests.support.synthetic import event, offering, small_recommender


def test_the_kinds_table_knows_every_kind_of_the_catalogue_readme() -> None:
    assert set(kinds()) == set(LEARNING_KINDS) | set(SERVICE_KINDS)
    assert all(kind_of(k).service for k in SERVICE_KINDS)
    assert not any(kind_of(k).service for k in LEARNING_KINDS)
    assert all(kind_of(k).reason for k in SERVICE_KINDS)  # the support list says why
    assert kind_of("something-new") == kind_of("course")  # a kind the table does not list counts as a course


def test_a_service_never_displaces_a_course_on_the_same_gap() -> None:
    # the advice desk matches the gap better than either course, and the list has room for two items only
    desk = offering("desk", kind="advice", title="data protection help desk", competences=["4.2"])
    courses = [offering(f"course-{i}", competences=["4.2"], title=f"privacy course {i}") for i in range(2)]
    rec = small_recommender([desk, *courses], max_items=2)
    out = rec.recommend(event({"4.2": 1}, {"languages": ["en"], "status": "employee"}))
    assert [i.offering_id for i in out.items] == ["course-0", "course-1"] or \
        {i.offering_id for i in out.items} == {"course-0", "course-1"}
    assert [(s.offering_id, s.kind, s.reason, s.addresses) for s in out.support] == [
        ("desk", "advice", "help nearby", ["4.2"])]
    assert "desk" not in [s.offering_id for s in out.path.steps]


def test_a_service_may_fill_a_slot_no_course_could_and_stays_off_the_path() -> None:
    guide = offering("guide", kind="guide", competences=["2.3"], title="e-government pages")
    course = offering("course", competences=["4.2"], title="privacy course")
    rec = small_recommender([guide, course])
    out = rec.recommend(event({"4.2": 1, "2.3": 1}, {"languages": ["en"], "status": "employee"}))
    assert {i.offering_id for i in out.items} == {"course", "guide"}
    assert [s.offering_id for s in out.path.steps] == ["course"]


def test_a_self_assessment_is_never_proposed_for_what_was_just_assessed() -> None:
    test = offering("self-test", kind="self_assessment", competences=["4.2"], title="test your skills")
    course = offering("course", competences=["4.2"])
    rec = small_recommender([test, course])
    out = rec.recommend(event({"4.2": 1}, {"languages": ["en"], "status": "jobseeker"}))
    assert [i.offering_id for i in out.items] == ["course"]
    assert out.support == []


def test_an_organisations_diagnostic_is_for_the_sme_owner_not_the_employee() -> None:
    diagnostic = offering("check", kind="diagnostic", competences=["4.1"], title="security check of your firm")
    rec = small_recommender([diagnostic])
    employee = rec.recommend(event({"4.1": 1}, {"languages": ["en"], "status": "employee"}))
    owner = rec.recommend(event({"4.1": 1}, {"languages": ["en"], "status": "self-employed"}))
    assert employee.items == [] and [r.rule for r in employee.rejected] == ["kind"]
    assert [i.offering_id for i in owner.items] == ["check"]
