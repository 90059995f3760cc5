"""Services made for the learner compete with courses; kinds that teach nothing by themselves stay in support; an
admission test is worth what it opens; help near home is near in the learner's own region."""

from __future__ import annotations

import pytest

from recommender import fitting
from recommender.evaluation import Score
from recommender.places import load_places
from tests.support.synthetic import event, offering, small_recommender

OWNER = {"languages": ["en"], "status": "self-employed"}
EMPLOYEE = {"languages": ["en"], "status": "employee"}


def _weak_courses(code: str) -> list:
    # on the gap, but above the learner's next level and made for other people: a service made for the learner
    # can beat them
    return [offering(f"course-{i}", competences=[code], level_min=3, level_max=6, audience=["citizens", "students"],
                     title=f"advanced course {i}") for i in range(2)]


def ids(out) -> list[str]:  # noqa: ANN001
    return [i.offering_id for i in out.items]


def test_a_diagnostic_made_for_an_sme_owner_takes_a_slot_a_generic_service_may_not() -> None:
    # the same offering twice over: as an organisation's diagnostic (made for owners) and as a guide (for anyone)
    check = offering("check", kind="diagnostic", competences=["4.1"], title="security check of your firm",
                     audience=["smes"])
    guide = offering("check", kind="guide", competences=["4.1"], title="security check of your firm",
                     audience=["smes"])
    owner = event({"4.1": 1}, OWNER)
    with_check = small_recommender([check, *_weak_courses("4.1")], max_items=2).recommend(owner)
    with_guide = small_recommender([guide, *_weak_courses("4.1")], max_items=2).recommend(owner)
    assert "check" in ids(with_check)
    assert with_check.items[ids(with_check).index("check")].score_breakdown["made_for"] == 1.0
    assert ids(with_guide) == ["course-0", "course-1"] or set(ids(with_guide)) == {"course-0", "course-1"}
    assert [s.offering_id for s in with_guide.support] == ["check"]
    assert "check" not in [s.offering_id for s in with_check.path.steps]  # a service is never a path step


def test_a_diagnostic_teaches_the_owner_it_is_made_for_as_much_as_a_course() -> None:
    # same text and levels: the diagnostic is the first step for an owner, worth as much of the gap as a course
    # (it stays less focused than one: the course still comes first)
    check = offering("check", kind="diagnostic", competences=["4.1"], title="security of your firm",
                     audience=["smes"])
    course = offering("course", competences=["4.1"], title="security of your firm", audience=["smes"])
    owner = small_recommender([check, course]).recommend(event({"4.1": 1}, OWNER))
    parts = {i.offering_id: i.score_breakdown for i in owner.items}
    assert parts["check"]["coverage"] == parts["course"]["coverage"] > 0
    assert parts["check"]["made_for"] == 1.0


def test_a_recommendation_holds_at_most_two_services_and_the_others_are_support() -> None:
    checks = [offering(f"check-{i}", kind="diagnostic", competences=["4.1", "4.2"], title=f"firm check {i}",
                       audience=["smes"]) for i in range(4)]
    courses = [offering(f"course-{i}", competences=["4.1", "4.2"], level_min=3, level_max=6,
                        title=f"advanced course {i}") for i in range(4)]
    out = small_recommender([*checks, *courses], max_items=5).recommend(event({"4.1": 1, "4.2": 1}, OWNER))
    kinds = [i.offering_id.split("-")[0] for i in out.items]
    assert kinds.count("check") == 2 and kinds[:2] == ["check", "check"]  # the best services, where they rank
    assert len(out.items) == 5  # courses take the other places
    assert {s.offering_id for s in out.support} == {f"check-{i}" for i in range(4)} - set(ids(out))


def test_help_near_home_is_made_for_a_senior_or_a_beginner_not_for_everyone() -> None:
    desk = offering("desk", kind="advice", format="in_person", location={"country": "BE", "region": "Wallonia"},
                    competences=["2.1"], languages=["fr"], title="espace public numerique")
    rec = small_recommender([desk, *_weak_courses("2.1")], max_items=2)
    arlon = {"country": "BE", "region": "Arlon"}
    senior = rec.recommend(event({"2.1": 1}, {"languages": ["fr", "en"], "status": "retired", "residence": arlon}))
    # a 35-year-old past the first steps on another gap: the desk could help with 2.1 but is not made for them
    versed = rec.recommend(event({"2.1": 2, "4.2": 3}, {"languages": ["fr", "en"], "status": "employee", "age": 35,
                                                        "residence": arlon}))
    assert senior.items[ids(senior).index("desk")].score_breakdown["made_for"] == 1.0
    assert "desk" in ids(versed) + [s.offering_id for s in versed.support]
    assert "desk" not in ids(versed) or versed.items[ids(versed).index("desk")].score_breakdown["made_for"] == 0.0


def test_help_near_home_needs_to_know_where_home_is() -> None:
    desk = offering("desk", kind="advice", format="in_person", location={"country": "LU", "region": "Differdange"},
                    competences=["2.1"], languages=["fr"], title="smartphone drop-in desk")
    rec = small_recommender([desk, *_weak_courses("2.1")], max_items=3)

    def made_for(residence: dict | None) -> float | None:
        out = rec.recommend(event({"2.1": 1}, {"languages": ["fr", "en"], "status": "retired",
                                               **({"residence": residence} if residence else {})}))
        return out.items[ids(out).index("desk")].score_breakdown["made_for"] if "desk" in ids(out) else None

    assert made_for({"country": "LU", "region": "Esch-sur-Alzette"}) == 1.0  # the same canton
    assert made_for({"country": "LU", "region": "Ettelbruck"}) in (None, 0.0)  # another canton: not near
    # a learner who may live anywhere in the country: one town's desk is no nearer to them than another's
    assert made_for({"country": "LU"}) in (None, 0.0)
    assert made_for(None) in (None, 0.0)


def test_a_beginner_learns_online_before_travelling_beyond_their_region_and_near_home_before_online() -> None:
    def course(oid: str, **where: object) -> object:
        return offering(oid, competences=["2.1"], languages=["de"], title="tablet course for beginners", **where)

    away = course("away", format="in_person", location={"country": "LU"})  # reachable from Saarland, not near
    online = course("online", format="online")
    near = course("near", format="in_person", location={"country": "DE", "region": "Saarland"})
    rec = small_recommender([away, online, near], max_items=3)
    saarland = {"country": "DE", "region": "Saarland"}
    senior = rec.recommend(event({"2.1": 1}, {"languages": ["de"], "status": "retired", "residence": saarland}))
    assert ids(senior) == ["near", "online", "away"]
    parts = {i.offering_id: i.score_breakdown["nearby"] for i in senior.items}
    assert parts["near"] > parts["online"] > 0 > parts["away"]
    # past the first steps and of working age, where the sessions are is theirs to weigh: the part is neutral
    versed = rec.recommend(event({"2.1": 3, "4.2": 3}, {"languages": ["de"], "status": "employee", "age": 35,
                                                        "residence": saarland}))
    assert {i.score_breakdown["nearby"] for i in versed.items} == {0.5}


def test_sessions_in_luxembourg_are_on_a_cross_border_workers_way_not_a_retired_neighbours() -> None:
    course = offering("in-lu", competences=["2.1"], languages=["de"], format="in_person", location={"country": "LU"},
                      title="tablet course for beginners")
    online = offering("online", competences=["2.1"], languages=["de"], format="online",
                      title="tablet course for beginners")
    rec = small_recommender([course, online], max_items=2)
    saarland = {"country": "DE", "region": "Saarland"}

    def nearby(status: str) -> dict[str, float]:
        out = rec.recommend(event({"2.1": 1}, {"languages": ["de"], "status": status, "residence": saarland}))
        return {i.offering_id: i.score_breakdown["nearby"] for i in out.items}

    assert nearby("employee") == {"in-lu": 1.0, "online": 0.5}  # they commute to Luxembourg
    assert nearby("retired")["in-lu"] < 0 < nearby("retired")["online"]


def test_where_a_learner_asks_to_attend_is_where_sessions_are_near() -> None:
    def course(oid: str, town: str) -> object:
        return offering(oid, competences=["3.1"], languages=["fr"], format="in_person",
                        location={"country": "LU", "region": town}, title="office software evening course")

    north, south = course("north", "Clervaux"), course("south", "Esch-sur-Alzette")
    rec = small_recommender([north, south], max_items=2)
    employee = {"languages": ["fr"], "status": "employee", "age": 40}  # past the first steps: travels as needed

    def ranked(location: str | None) -> list[tuple[str, float]]:
        prefs = {"preferences": {"location": location}} if location else {}
        out = rec.recommend(event({"3.1": 3, "1.3": 3}, employee, **prefs))
        return [(i.offering_id, i.score_breakdown["nearby"]) for i in out.items]

    assert {part for _, part in ranked(None)} == {0.5}  # nothing said: where the sessions are is theirs to weigh
    assert ranked("Troisvierges") == [("north", 1.0), ("south", -3.0)]  # in the canton of Clervaux
    assert ranked("Dudelange") == [("south", 1.0), ("north", -3.0)]  # the canton of Esch
    assert {part for _, part in ranked("Atlantis")} == {0.5}  # a place the table does not know says nothing
    out = rec.recommend(event({"3.1": 3, "1.3": 3}, employee, preferences={"location": "Dudelange"}))
    assert "nearer to Dudelange, where the learner asked to attend" in out.items[0].why


def test_a_cross_border_commuter_may_ask_for_sessions_near_work() -> None:
    def course(oid: str, country: str, town: str) -> object:
        return offering(oid, competences=["3.1"], languages=["fr"], format="in_person",
                        location={"country": country, "region": town}, title="office software evening course")

    rec = small_recommender([course("metz", "FR", "Moselle"), course("esch", "LU", "Esch-sur-Alzette")], max_items=2)
    learner = {"languages": ["fr"], "status": "employee", "residence": {"country": "FR", "region": "Moselle"}}
    out = rec.recommend(event({"3.1": 3}, learner, preferences={"location": "Esch-sur-Alzette"}))
    assert out.items[0].offering_id == "esch"  # Esch is in Luxembourg, which they reach: not a French place


def test_a_certification_or_a_generic_catalogue_is_support_never_an_item() -> None:
    pix = offering("certify", kind="assessment", competences=["4.2"], title="certification test")
    area = offering("area", kind="catalogue_area", competences=["4.2"], title="privacy courses of a chamber",
                    audience=["smes"])
    course = offering("course", competences=["4.2"])
    rec = small_recommender([pix, area, course])
    employee = rec.recommend(event({"4.2": 1}, EMPLOYEE))
    owner = rec.recommend(event({"4.2": 1}, OWNER))
    assert ids(employee) == ["course"]
    assert {s.offering_id for s in employee.support} == {"certify", "area"}
    assert "area" in ids(owner)  # a chamber's catalogue for its own members is an item
    assert "certify" not in ids(owner)


def test_an_admission_test_is_worth_what_it_opens_for_this_learner() -> None:
    test = offering("admission", kind="admission", competences=["5.3"], level_min=None, level_max=None,
                    title="online admission games")
    school = offering("school", kind="programme", competences=["3.4"], format="in_person",
                      location={"country": "LU"}, prerequisites=[["admission"]], title="coding school")
    rec = small_recommender([test, school])
    anyone = rec.recommend(event({"3.4": 1}, {"languages": ["en"], "status": "jobseeker"}))
    online = rec.recommend(event({"3.4": 1}, {"languages": ["en"], "status": "jobseeker"},
                                 preferences={"formats": ["online"]}))
    assert set(ids(anyone)) == {"admission", "school"}
    assert [s.offering_id for s in anyone.path.steps] == ["admission", "school"]
    assert ids(online) == []  # the school is out of reach for this learner, so the way in is worth nothing


def test_a_way_in_comes_with_what_it_opens() -> None:
    # the online games are worth the coding school they open, so they rank with it; the courses in between cover
    # the other gap better, and would push the school out of a short list if the two did not go together
    test = offering("admission", kind="admission", competences=["5.3"], level_min=None, level_max=None,
                    title="online admission games")
    school = offering("school", kind="admission", competences=["3.4", "5.1"], format="in_person",
                      location={"country": "LU"}, prerequisites=[["admission"]], title="coding school")
    others = [offering(f"course-{i}", competences=["3.4", "1.3"], title=f"course {i}") for i in range(3)]
    rec = small_recommender([test, school, *others], max_items=3).recommend(
        event({"3.4": 1, "1.3": 1, "5.1": 1}, {"languages": ["en"], "status": "jobseeker"}))
    out = ids(rec)
    assert "admission" in out
    assert out[out.index("admission") + 1] == "school"
    assert len(out) == 3
    # the explanation says why they are side by side, not that one beat the other
    why = {i.offering_id: i.why for i in rec.items}
    assert why["admission"].endswith("The way in to “coding school”, which follows it.")
    assert why["school"].endswith("Follows “online admission games”, its way in.")


def test_an_admission_test_teaches_nothing_of_its_own() -> None:
    # the online games are tagged with the gap itself; the school they open is out of reach for an online learner
    test = offering("admission", kind="admission", competences=["5.3"], level_min=None, level_max=None,
                    title="online admission games")
    school = offering("school", kind="programme", competences=["3.4", "5.3"], format="in_person",
                      location={"country": "LU"}, prerequisites=[["admission"]], title="coding school")
    rec = small_recommender([test, school])
    jobseeker = {"languages": ["en"], "status": "jobseeker"}
    online = rec.recommend(event({"5.3": 1}, jobseeker, preferences={"formats": ["online"]}))
    assert ids(online) == []
    assert set(ids(rec.recommend(event({"5.3": 1}, jobseeker)))) == {"admission", "school"}


def test_services_not_made_for_the_learner_fill_at_most_one_place_no_course_is_left_for() -> None:
    guides = [offering(f"guide-{i}", kind="guide", competences=["4.2"], title=f"privacy pages {i}")
              for i in range(3)]
    out = small_recommender([*guides, offering("course", competences=["4.2"])]).recommend(
        event({"4.2": 1}, EMPLOYEE))
    assert ids(out)[0] == "course" and len(ids(out)) == 2  # one guide beside the only course
    assert {s.offering_id for s in out.support} == {f"guide-{i}" for i in range(3)} - set(ids(out))


def test_a_service_not_made_for_the_learner_comes_after_every_course_whatever_its_score() -> None:
    # the guide is closer to the need than the courses (broad, above the learner, named for seniors): it still
    # only holds a place no course is left for
    guide = offering("guide", kind="guide", competences=["4.2"], title="privacy pages", audience=["youth"])
    courses = [offering(f"course-{i}", competences=["4.2", "1.1", "3.1"], level_min=4, level_max=7,
                        title=f"advanced course {i}", audience=["citizens", "seniors"]) for i in range(2)]
    out = small_recommender([guide, *courses], max_items=3).recommend(
        event({"4.2": 2}, {"languages": ["en"], "status": "student", "age": 16}))
    scores = {i.offering_id: i.score for i in out.items}
    assert ids(out) == ["course-0", "course-1", "guide"] or ids(out) == ["course-1", "course-0", "guide"]
    assert scores["guide"] > max(scores["course-0"], scores["course-1"])


def test_a_service_named_only_for_others_fills_no_place() -> None:
    talk = offering("talk", kind="talk", competences=["4.3"], audience=["parents"], title="evening for parents")
    guide = offering("guide", kind="guide", competences=["4.3"], title="screen time pages")
    course = offering("course", competences=["4.3"])
    out = small_recommender([talk, course]).recommend(event({"4.3": 1}, EMPLOYEE))
    assert ids(out) == ["course"]  # the talk for parents is not for this learner, as far as anyone knows
    assert [s.offering_id for s in out.support] == ["talk"]
    out = small_recommender([talk, guide, course]).recommend(event({"4.3": 1}, EMPLOYEE))
    assert ids(out) == ["course", "guide"]  # a service for anyone still fills the place


def test_a_project_inside_a_programme_behind_an_admission_is_taken_within_the_programme() -> None:
    test = offering("admission", kind="admission", competences=["3.4"], level_min=None, level_max=None)
    school = offering("school", kind="programme", competences=["3.4", "5.1", "5.3", "2.4", "4.1"],
                      format="in_person", location={"country": "LU"}, prerequisites=[["admission"]], level_min=3,
                      level_max=6)
    project = offering("project", kind="project", competences=["3.4"], format="in_person",
                       location={"country": "LU"}, prerequisites=[["admission"]], part_of="school", level_min=3,
                       level_max=4)
    out = ids(small_recommender([test, school, project]).recommend(
        event({"3.4": 2}, {"languages": ["en"], "status": "jobseeker"}, target={"levels": {"3.4": 5}})))
    assert "project" not in out  # its way in is the programme's: the programme stands for it
    assert set(out) == {"admission", "school"}


@pytest.mark.parametrize(("home", "site", "near"), [
    (("LU", "Esch-sur-Alzette"), ("LU", "Differdange"), True),  # the same canton
    (("LU", "Clervaux"), ("LU", "Differdange"), False),  # the far north and the south-west
    (("LU", "Tuntange"), ("LU", "Mersch"), True),  # a former commune's name (Helperknapp since 2018)
    (("LU", "Habscht"), ("LU", "Steinfort"), True),  # merged in 2018 (Hobscheid and Septfontaines), Capellen
    (("LU", "Grosbous-Wahl"), ("LU", "Redange"), True),  # merged in 2023
    (("LU", "Wellenstein"), ("LU", "Esch-sur-Alzette"), False),  # Schengen since 2012: Remich, not Esch
    (("LU", "Hosingen"), ("LU", "Wiltz"), False),  # Parc Hosingen, in Clervaux canton
    (("LU", "Ettelbruck"), ("LU", "Esch-sur-Alzette, Ettelbruck, Luxembourg"), True),  # one of the sites
    (("LU", None), ("LU", "Grevenmacher"), True),  # nothing says where in Luxembourg: one area
    (("LU", "Clervaux"), ("LU", "somewhere unlisted"), True),
    (("DE", "Saarland"), ("DE", "Saarland"), True),
    (("DE", "Saarland"), ("DE", "Rhineland-Palatinate"), False),
    (("BE", "Arlon"), ("BE", "Province de Luxembourg"), True),  # an alias of the region
    (("BE", "Arlon"), ("BE", "Wallonia"), True),  # a network across a larger region that contains it
    (("BE", "Arlon"), ("BE", "Namur"), False),
    (("FR", "Moselle"), ("LU", None), False),  # reachable across the border, but not near
    (("DE", None), ("DE", "Saarland"), True),  # nothing says where in the country: taken as near
])
def test_sessions_near_home(home: tuple[str, str | None], site: tuple[str, str | None], near: bool) -> None:
    assert load_places().near(home, site) is near


def test_fitting_pays_for_services_above_a_tenth_of_the_top_fives() -> None:
    at_cap = Score("m", ndcg5=0.8, shown5=100, services5=10)
    above = Score("m", ndcg5=0.8, shown5=100, services5=20)
    assert fitting.objective(at_cap, 20) == pytest.approx(0.8)
    assert fitting.objective(above, 20) == pytest.approx(0.8 - fitting.SERVICE_COST * 0.10)
