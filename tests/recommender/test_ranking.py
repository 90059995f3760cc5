"""Ranking on synthetic catalogues: level fit, whole-and-part, diversity across gaps, and adjustments."""

from __future__ import annotations

import numpy as np

from recommender.signals import level_quality
from tests.support import synthetic
from tests.support.synthetic import event, offering, small_recommender

EMPLOYEE = {"languages": ["en"], "status": "employee"}


def ids(rec, ev, **kw) -> list[str]:  # noqa: ANN001
    return [i.offering_id for i in rec.recommend(ev, **kw).items]


def test_an_offering_around_the_next_level_beats_one_far_above_or_below() -> None:
    q = level_quality(np.array([[2.0], [5.0], [1.0], [1.0]]), np.array([[4.0], [7.0], [2.0], [1.0]]),
                      np.array([2.0]))
    around, above, at_level, below = q[:, 0]
    assert around > above and around > at_level > 0.0  # stopping at the learner's level consolidates it
    assert below == 0.0  # stays below what the learner has


def test_level_fit_orders_the_list() -> None:
    rec = small_recommender([
        offering("basics", level_min=1, level_max=2),
        offering("next-step", level_min=3, level_max=4),
        offering("expert", level_min=5, level_max=6),
    ])
    out = ids(rec, event({"4.2": 2}, EMPLOYEE, target={"levels": {"4.2": 5}}))
    assert out == ["next-step", "basics"]  # basics ends at the learner's level 2: worth less than the next step
    assert "expert" not in out  # starts 3 levels above the learner
    assert ids(rec, event({"4.2": 3}, EMPLOYEE, target={"levels": {"4.2": 5}}))[0] == "next-step"
    assert "basics" not in ids(rec, event({"4.2": 3}, EMPLOYEE, target={"levels": {"4.2": 5}}))  # all below


def test_never_a_whole_and_its_part() -> None:
    rec = small_recommender([
        offering("course", competences=["4.2", "4.1"]),
        offering("chapter-1", competences=["4.2"], part_of="course"),
        offering("chapter-2", competences=["4.1"], part_of="course", prerequisites=[["chapter-1"]]),
        offering("other", competences=["4.1"]),
    ])
    out = ids(rec, event({"4.2": 1, "4.1": 1}, EMPLOYEE))
    assert "course" in out or "chapter-1" in out
    assert not ("course" in out and ({"chapter-1", "chapter-2"} & set(out)))


def test_part_of_rule_holds_on_the_shipped_catalogue(recommender) -> None:  # noqa: ANN001
    from tests.recommender.test_evaluation import DEV, OWN, cases

    parent = {oid: o.part_of for oid, o in recommender.catalog.offerings.items() if o.part_of}
    for case in (*cases(DEV), *cases(OWN)):
        out = set(ids(recommender, case.event))
        for oid in out:
            up = parent.get(oid)
            while up:
                assert up not in out, f"{case.case}: {oid} and its whole {up}"
                up = parent.get(up)


def test_one_gap_does_not_fill_the_list() -> None:
    # same text for all: the fake embedder gives them the same vector, so only the gaps tell them apart
    many = [offering(f"privacy-{i}", title="A course", competences=["4.2"], level_min=2, level_max=4)
            for i in range(6)]
    security = offering("security", title="A course", competences=["4.1"], level_min=2, level_max=4)
    rec = small_recommender([*many, security])
    out = ids(rec, event({"4.2": 1, "4.1": 1}, EMPLOYEE))
    assert "security" in out[:2] and any(o.startswith("privacy") for o in out[:2])


def test_an_event_ranks_below_a_course_on_the_same_gap() -> None:
    # same text (same vector): only the kind tells the annual event from the course (ties go by id)
    rec = small_recommender([
        offering("annual-day", title="Privacy", kind="event", level_min=2, level_max=4),
        offering("privacy-course", title="Privacy", kind="course", level_min=2, level_max=4),
    ])
    assert ids(rec, event({"4.2": 1}, EMPLOYEE)) == ["privacy-course", "annual-day"]


def test_an_offering_named_for_other_groups_ranks_below_one_for_everyone() -> None:
    rec = small_recommender([
        offering("aimed-at-seniors", title="Privacy", audience=["citizens", "seniors"]),
        offering("for-all", title="Privacy", audience=["citizens"]),
    ])
    employee = ids(rec, event({"4.2": 1}, EMPLOYEE))
    assert employee == ["for-all", "aimed-at-seniors"]  # still proposed: anyone may come
    retired = {"languages": ["en"], "status": "retired"}
    assert ids(rec, event({"4.2": 1}, retired)) == ["aimed-at-seniors", "for-all"]


def test_an_offering_for_people_in_work_or_past_it_is_for_adults_even_when_the_public_may_come() -> None:
    rec = small_recommender([
        offering("for-the-workforce", title="Privacy", audience=["employees", "smes", "citizens"]),
        offering("aimed-at-seniors", title="Privacy", audience=["citizens", "seniors"]),
        offering("for-all", title="Privacy", audience=["citizens"]),
        offering("for-youth", title="Privacy", audience=["youth"]),
    ])
    pupil = rec.recommend(event({"4.2": 1}, {"languages": ["en"], "status": "student", "age": 15}))
    audience = {i.offering_id: i.score_breakdown["audience"] for i in pupil.items}
    assert [i.offering_id for i in pupil.items][:2] == ["for-youth", "for-all"]
    assert audience["for-the-workforce"] == audience["aimed-at-seniors"] < 0 < audience["for-all"]
    # the same student of unknown age is not known to be at school: people in work named beside the public are
    # welcome too, and the student with them; seniors named beside it set the pace of a room of older people
    student = rec.recommend(event({"4.2": 1}, {"languages": ["en"], "status": "student"}))
    audience = {i.offering_id: i.score_breakdown["audience"] for i in student.items}
    assert audience["aimed-at-seniors"] < audience["for-the-workforce"] == audience["for-all"]


def test_a_fee_ranks_a_paid_course_below_a_free_one_most_when_the_learner_pays_it() -> None:
    # same text: only the fee tells them apart
    rec = small_recommender([
        offering("paid", title="Privacy", cost={"free": False, "amount_eur": 250}),
        offering("token-fee", title="Privacy", cost={"free": False, "amount_eur": 3}),
        offering("free", title="Privacy"),
    ])

    def scores(status: str | None) -> dict[str, float]:
        learner = {"languages": ["en"], **({"status": status} if status else {})}
        return {i.offering_id: i.score for i in rec.recommend(event({"4.2": 1}, learner)).items}

    own = {status: scores(status) for status in ("student", "retired", "other")}  # no employer or ADEM pays
    paid_for = {status: scores(status) for status in ("employee", "self-employed", "jobseeker", None)}
    for status, got in (own | paid_for).items():
        assert got["paid"] < got["token-fee"] == got["free"], status  # a symbolic fee is no obstacle
    # whoever pays, the free course is the better advice; most when the money is the learner's own
    least_own = min(got["free"] - got["paid"] for got in own.values())
    assert all(got["free"] - got["paid"] < least_own for got in paid_for.values())
    student = rec.recommend(event({"4.2": 1}, {"languages": ["en"], "status": "student"})).items
    assert student[-1].offering_id == "paid"
    assert "or no fee" in student[-2].why  # why the one above it is above it


def test_conditions_of_admission_the_profile_does_not_show_rank_an_offering_lower() -> None:
    # same text: one admits anyone, the other only learners receiving benefits, with a diploma, aged 30+
    rec = small_recommender([
        offering("a-selective", title="Office", competences=["3.1"],
                 requirements=["registered jobseeker receiving benefits", "secondary-school diploma", "aged 30+"]),
        offering("b-open", title="Office", competences=["3.1"]),
        offering("c-bring-a-laptop", title="Office", competences=["3.1"], requirements=["bring own laptop"]),
    ])
    jobseeker = {"languages": ["en"], "status": "jobseeker"}
    # ties go by id: the selective course would be first if its conditions cost nothing
    assert ids(rec, event({"3.1": 1}, jobseeker)) == ["b-open", "c-bring-a-laptop", "a-selective"]
    scores = {i.offering_id: i.score for i in rec.recommend(event({"3.1": 1}, jobseeker)).items}
    known_age = {i.offering_id: i.score for i in rec.recommend(event({"3.1": 1}, {**jobseeker, "age": 45})).items}
    assert known_age["a-selective"] > scores["a-selective"]  # an age the learner is known to have costs nothing
    assert known_age["b-open"] == scores["b-open"]


def test_a_session_booked_for_a_team_is_less_certain_for_a_learner_than_one_they_join_alone() -> None:
    rec = small_recommender([
        offering("a-team", title="Crisis drill", competences=["4.1"], requirements=["team of ~8 employees"]),
        offering("b-alone", title="Crisis drill", competences=["4.1"]),
    ])
    for learner in ({"languages": ["en"], "status": "employee"}, {"languages": ["en"], "status": "self-employed"}):
        out = rec.recommend(event({"4.1": 1}, learner))
        assert [i.offering_id for i in out.items] == ["b-alone", "a-team"]  # ties go by id
        parts = {i.offering_id: i.score_breakdown["certainty"] for i in out.items}
        assert parts["a-team"] < parts["b-alone"] == 0
    # no employer to book it: ruled out, with the reason
    out = rec.recommend(event({"4.1": 1}, {"languages": ["en"], "status": "jobseeker"}))
    assert [i.offering_id for i in out.items] == ["b-alone"]
    assert "a-team" in {r.offering_id for r in out.rejected}


def test_a_senior_age_condition_is_met_by_a_retired_learner() -> None:
    rec = small_recommender([
        offering("a-for-60-plus", title="Tablet", competences=["1.1"], requirements=["aged 60+"]),
        offering("b-open", title="Tablet", competences=["1.1"]),
    ])
    assert ids(rec, event({"1.1": 1}, {"languages": ["en"], "status": "retired"}))[0] == "a-for-60-plus"
    assert ids(rec, event({"1.1": 1}, {"languages": ["en"], "status": "other"}))[0] == "b-open"


def test_a_follow_up_is_not_listed_above_the_course_it_recommends_first() -> None:
    # the follow-up is more focused on the gap (one tag, not two), so it scores higher; its provider recommends
    # the basics first
    rec = small_recommender([
        offering("basics", title="Data Protection Basics", competences=["4.2", "2.6"], level_min=1, level_max=3),
        offering("follow-up", title="Data Protection and AI", competences=["4.2"], level_min=1, level_max=3,
                 requirements=["Data Protection Basics recommended"]),
    ])
    out = rec.recommend(event({"4.2": 1}, EMPLOYEE))
    scores = {i.offering_id: i.score for i in out.items}
    assert scores["follow-up"] > scores["basics"]
    assert [i.offering_id for i in out.items] == ["basics", "follow-up"]
    assert "Comes before “Data Protection and AI”, which recommends taking it first." in out.items[0].why


def test_an_offering_mainly_about_the_most_pressing_gap_ranks_first() -> None:
    # same text and the same two competences: only which one each lists first (its main subject) differs
    rec = small_recommender([
        offering("a-security-first", title="Safety", competences=["4.1", "4.2"], level_min=1, level_max=5),
        offering("b-privacy-first", title="Safety", competences=["4.2", "4.1"], level_min=1, level_max=5),
    ])
    out = rec.recommend(event({"4.2": 1, "4.1": 2}, EMPLOYEE, target={"levels": {"4.2": 5, "4.1": 3}}))
    assert [i.offering_id for i in out.items] == ["b-privacy-first", "a-security-first"]
    assert "because it is mainly about a more pressing gap" in out.items[0].why


def test_adjustments_demote_and_promote_an_offering_for_a_gap() -> None:
    rec = small_recommender([
        offering("alpha", competences=["4.2"], level_min=2, level_max=4),
        offering("beta", competences=["4.2"], level_min=2, level_max=3),
    ])
    ev = event({"4.2": 1}, EMPLOYEE)
    assert ids(rec, ev)[0] == "alpha"
    assert ids(rec, ev, adjustments={("alpha", "4.2"): 0.2})[0] == "beta"
    assert ids(rec, ev, adjustments={("beta", "4.2"): 3.0})[0] == "beta"
    assert "alpha" not in ids(rec, ev, adjustments={("alpha", "4.2"): 0.0})
    assert ids(rec, ev, adjustments={("alpha", "1.1"): 0.0})[0] == "alpha"  # another gap: no effect


def test_items_explain_gaps_levels_and_the_alternative() -> None:
    rec = small_recommender([
        offering("alpha", competences=["4.2"], level_min=2, level_max=4),
        offering("beta", competences=["4.2"], level_min=1, level_max=2),
    ])
    first = rec.recommend(event({"4.2": 1}, EMPLOYEE)).items[0]
    assert "4.2, level 1 → 3" in first.why and "from level 2 to 4" in first.why
    assert "Ranked above “beta” because" in first.why
    assert {"coverage", "level_fit", "similarity", "focus", "audience"} <= first.score_breakdown.keys()


def test_rejected_offerings_for_the_gaps_are_listed_with_their_rule() -> None:
    rec = small_recommender([
        offering("german", languages=["de"]),
        offering("french", languages=["fr"]),
        offering("expert", level_min=6, level_max=7, languages=["de"]),
    ])
    out = rec.recommend(event({"4.2": 1}, {"languages": ["de"], "status": "employee"}))
    assert [i.offering_id for i in out.items] == ["german"]
    why_not = {r.offering_id: (r.rule, r.reason) for r in out.rejected}
    assert why_not["french"] == ("language", "taught in fr, not in a language of the learner (de)")
    assert why_not["expert"][0] == "level" and "starts at level 6" in why_not["expert"][1]


def test_recommend_never_calls_the_model() -> None:
    rec = small_recommender([offering("alpha"), offering("beta", competences=["4.1"])])
    calls: list[int] = []
    original = synthetic.HashEmbedder.encode
    synthetic.HashEmbedder.encode = lambda self, texts: calls.append(1)  # the model is only used at start
    try:
        out = rec.recommend(event({"4.2": 1, "4.1": 1}, EMPLOYEE))
    finally:
        synthetic.HashEmbedder.encode = original
    assert out.items and calls == []


def test_rejections_stay_a_short_list_however_many_offerings_are_ruled_out():
    from recommender.engine import MAX_REJECTIONS
    from tests.support.synthetic import event, offering, small_recommender

    offs = [offering(f"far-{i}", level_min=7, level_max=8) for i in range(60)]
    offs += [offering(f"lang-{i}", languages=["pt"]) for i in range(60)]
    offs += [offering("fits")]
    rec = small_recommender(offs).recommend(event({"4.2": 1}, {"languages": ["en"]}, target={"levels": {"4.2": 3}}))
    assert [i.offering_id for i in rec.items] == ["fits"]
    assert 0 < len(rec.rejected) <= MAX_REJECTIONS
    assert len(rec.model_dump_json()) < 20_000


def test_content_in_an_area_where_the_learner_has_no_gap_makes_an_offering_less_focused() -> None:
    # same text, the gap and one other competence each: the other is in the gap's own area (4, safety) for one,
    # in an area the learner has no gap in (5, problem solving) for the other
    rec = small_recommender([
        offering("a-far", title="Privacy", competences=["4.2", "5.3"], level_min=1, level_max=3),
        offering("b-near", title="Privacy", competences=["4.2", "4.3"], level_min=1, level_max=3),
    ])
    out = rec.recommend(event({"4.2": 1, "2.1": 1}, EMPLOYEE))
    focus = {i.offering_id: i.score_breakdown["focus"] for i in out.items}
    assert focus["b-near"] > focus["a-far"]
    assert [i.offering_id for i in out.items] == ["b-near", "a-far"]
