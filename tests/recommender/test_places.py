"""Where a learner can go, who may join an employment service's programme, and who multiplier trainings and
organisation diagnostics are for: each rule rejects with a reason that says why."""

from __future__ import annotations

import pytest

from recommender.constraints import LearnerProfile, violations
from recommender.places import load_places
from tests.support.synthetic import event, offering

GREATER_REGION = [
    ("FR", "Moselle"), ("FR", "Meurthe-et-Moselle"), ("BE", "Province de Luxembourg"), ("BE", "Liège"),
    ("DE", "Saarland"), ("DE", "Rhineland-Palatinate"),
]


def lives(country: str, region: str | None = None, **kw: object) -> LearnerProfile:
    base: dict[str, object] = {
        "languages": frozenset(), "status": "employee", "age": None, "formats": frozenset(), "free_only": False,
        "max_hours": None, "has_organisation": False, "country": country,
        "reach": load_places().reach(country, region),
    }
    base.update(kw)
    return LearnerProfile(**base)  # type: ignore[arg-type]


def held_in(country: str, fmt: str = "in_person", region: str | None = None, **kw: object):  # noqa: ANN201
    return offering("x", format=fmt, location={"country": country, "region": region}, **kw)


def rules(off, p) -> dict[str, str]:  # noqa: ANN001
    return dict(violations(off, p))


@pytest.mark.parametrize(("country", "region"), GREATER_REGION)
def test_a_border_area_resident_reaches_home_and_luxembourg_only(country: str, region: str) -> None:
    p = lives(country, region)
    assert p.reach == {country, "LU"}
    assert "place" not in rules(held_in(country), p)
    assert "place" not in rules(held_in("LU", "blended"), p)
    other = next(c for c in ("FR", "BE", "DE") if c != country)
    reason = rules(held_in(other, region="Somewhere"), p)["place"]
    assert reason == f"in person in Somewhere ({other}); the learner lives in {country}"


def test_region_names_match_without_case_or_accents_and_by_their_usual_aliases() -> None:
    places = load_places()
    assert places.reach("BE", "liege") == places.reach("BE", "Province de Liège") == {"BE", "LU"}
    assert places.reach("DE", "Rheinland-Pfalz") == {"DE", "LU"}


def test_outside_the_border_areas_only_home_is_reached() -> None:
    p = lives("FR", "Île-de-France")
    assert p.reach == {"FR"}
    assert rules(held_in("LU", "blended"), p)["place"] == "blended, with sessions in LU; the learner lives in FR"


def test_a_luxembourg_resident_does_not_reach_namur_but_every_online_offering() -> None:
    p = lives("LU")
    assert rules(held_in("BE", region="Namur"), p)["place"] == "in person in Namur (BE); the learner lives in LU"
    assert "place" not in rules(held_in("BE", "online", region="Namur"), p)
    assert "place" not in rules(offering("x", format="in_person", location=None), p)  # no place known


def test_adem_programmes_are_for_jobseekers_living_in_luxembourg() -> None:
    adem = offering("x", provider="adem", audience=["jobseekers"])
    assert "registration" not in rules(adem, lives("LU", status="jobseeker"))
    commuter = rules(adem, lives("FR", "Moselle", status="jobseeker"))["registration"]
    assert commuter == ("for jobseekers registered with ADEM; the learner lives in FR "
                        "(they register with France Travail)")
    assert "not a jobseeker" in rules(adem, lives("LU", status="employee"))["registration"]
    by_words = offering("y", provider="lllc", requirements=["registered with ADEM"])
    assert "registration" in rules(by_words, lives("BE", "Liège", status="jobseeker"))


def test_a_learner_of_unknown_age_never_gets_a_childrens_age_group() -> None:
    kids = offering("x", requirements=["aged 12-14"])
    for status in ("student", None, "jobseeker"):
        assert "requirement" in rules(kids, lives("LU", status=status))
    assert "requirement" not in rules(kids, lives("LU", status="student", age=13))


def test_multiplier_trainings_only_for_learners_who_train_others() -> None:
    multiplier = offering("x", audience=["trainers", "it_staff"])
    found = rules(multiplier, lives("LU"))["multiplier"]
    assert found == "a training for trainers (multipliers); the learner's target does not say they train others"
    assert "multiplier" not in rules(multiplier, lives("LU", trains_others=True))


def test_an_organisations_diagnostic_fits_an_sme_owner_not_an_employee() -> None:
    diagnostic = offering("x", kind="diagnostic")
    assert rules(diagnostic, lives("LU"))["kind"].endswith("nothing says the learner leads one")
    assert "kind" not in rules(diagnostic, lives("LU", status="self-employed", leads_organisation=True))


@pytest.mark.parametrize("kind", ["academy", "bootcamp"])
def test_an_academy_for_a_digital_occupation_is_for_learners_heading_for_one(kind: str) -> None:
    academy = offering("x", kind=kind)

    def heading_for(role: str | None, status: str = "employee") -> dict[str, str]:
        target = {"target": {"role": role}} if role else {}
        return rules(academy, LearnerProfile.from_event(event({"4.1": 2}, {"status": status}, **target)))

    assert heading_for("bank-client-advisor")["career"] == (
        f"{'an' if kind == 'academy' else 'a'} {kind} that trains for a digital occupation; the learner's target is "
        "“Bank client advisor”, not one")
    assert "career" in heading_for("jobseeker-employability", "jobseeker")
    assert "career" in heading_for("citizen-baseline", "retired")
    for role in ("cybersecurity-analyst", "software-developer", "cloud-devops-engineer", None):
        assert "career" not in heading_for(role, "jobseeker"), role
    assert "career" not in rules(offering("y", kind="course"), LearnerProfile.from_event(
        event({"4.1": 2}, {"status": "employee"}, target={"role": "bank-client-advisor"})))


def test_an_integration_scheme_for_refugees_is_for_those_who_live_in_its_country() -> None:
    scheme = held_in("LU", description="Workshops helping refugees and third-country nationals use digital tools "
                     "to present themselves and set up a business in Luxembourg.", audience=["refugees", "jobseekers"])
    assert "integration" not in rules(scheme, lives("LU", status="jobseeker"))
    reason = rules(scheme, lives("BE", "Province de Luxembourg", status="jobseeker"))["integration"]
    assert reason == ("an integration scheme in LU for refugees and third-country nationals who live there; "
                      "the learner lives in BE")
    online = offering("y", format="online", location={"country": "LU"}, description=scheme.description)
    assert "integration" not in rules(online, lives("BE", "Liège"))  # online: for anyone it admits
    open_to_all = held_in("LU", description="Repair workshops open to everyone, refugees among them.")
    assert "integration" not in rules(open_to_all, lives("FR", "Moselle"))


def test_trainings_on_luxembourgs_online_public_services_are_for_its_residents() -> None:
    egov = offering("x", provider="dil", title="Help with MyGuichet.lu and free computer courses")
    assert "residence" not in rules(egov, lives("LU"))
    reason = rules(egov, lives("FR", "Moselle", status="jobseeker"))["residence"]
    assert reason == "teaches Luxembourg's online public services (Guichet.lu); the learner lives in FR"
    assert "residence" in rules(offering("y", provider="ctie"), lives("BE", "Liège"))
    assert "residence" not in rules(offering("z", title="Filing taxes online"), lives("DE", "Saarland"))


def test_trainings_on_online_public_services_are_for_adults_whose_procedures_they_are() -> None:
    egov = offering("x", provider="dil", title="Help with MyGuichet.lu and free computer courses")
    reason = rules(egov, lives("LU", status="student", age=15))["adults"]
    assert reason == ("teaches Luxembourg's online public services (Guichet.lu), whose procedures adults carry out; "
                      "the learner is under 18")
    assert "adults" not in rules(egov, lives("LU", status="student"))  # age unknown: an adult
    assert "adults" not in rules(egov, lives("LU", status="student", age=18))
    assert "adults" not in rules(offering("y", title="Filing taxes online"), lives("LU", status="student", age=15))


def test_an_offering_for_adults_is_not_for_a_known_minor_but_for_one_of_unknown_age() -> None:
    adults = offering("x", title="Internet safety sessions for adults")
    assert rules(adults, lives("LU", status="student", age=15))["adults"] == "for adults; the learner is under 18"
    assert "adults" not in rules(adults, lives("LU", status="student"))
    assert "adults" not in rules(adults, lives("LU", status="student", age=18))
    # other ways a text says whom it is for
    for text in ("Awareness sessions aimed at adults.", "A cycle that familiarises adults with e-government.",
                 "Adult courses organised by communes.", "Adult basic-skills provision at the university."):
        assert "adults" in rules(offering("y", description=text), lives("LU", status="student", age=16)), text
    # where it is taught is not whom for, and young adults may be 16
    for text in ("Seminars held mainly at adult-education centres.", "Coding club for teenagers and young adults."):
        assert "adults" not in rules(offering("z", description=text), lives("LU", status="student", age=16)), text


def test_a_training_of_teachers_is_not_for_the_pupils_its_audience_also_names() -> None:
    workshops = offering("x", audience=["teachers", "youth"], title="Democracy in the digital world",
                         description="Training workshops for schools and educators on disinformation.")
    reason = rules(workshops, lives("LU", status="student", age=16))["adults"]
    assert reason == "trains teachers and educators; the learner is under 18"
    press_week = offering("y", audience=["youth", "teachers"], title="Press week for school classes",
                          description="Participating classes spend one lesson a day on the news.")
    assert "adults" not in rules(press_week, lives("LU", status="student", age=16))


def test_an_offering_for_one_school_grade_is_for_pupils_of_about_that_age() -> None:
    seventh = offering("x", audience=["youth"], title="Online-safety session for all 7th-grade classes")
    assert rules(seventh, lives("LU", status="student", age=16))["grade"] == \
        "for pupils of grade 7 (aged about 12); the learner is 16"
    for age in (12, 13, 14):
        assert "grade" not in rules(seventh, lives("LU", status="student", age=age))
    assert "grade" not in rules(seventh, lives("LU", status="student"))  # age unknown: the audience rule decides
    assert "grade" not in rules(offering("y", title="Safer internet for grades 5 to 9"),
                                lives("LU", status="student", age=16))


@pytest.mark.parametrize("workplace", [["smes"], ["public_servants", "smes"]])
def test_a_training_for_managers_of_an_organisation_needs_a_learner_who_may_lead(workplace: list[str]) -> None:
    leaders = offering("x", audience=["managers", *workplace])
    office = lives("LU", role="office-administrator")
    assert rules(leaders, office)["audience"].startswith("reserved for")
    assert "audience" not in rules(leaders, lives("LU", role="sme-manager", leads_organisation=True))
    assert "audience" not in rules(leaders, lives("LU", status="self-employed", leads_organisation=True))
    assert "audience" not in rules(leaders, lives("LU"))  # in work, nothing says what they do
    assert "audience" in rules(leaders, lives("LU", status="jobseeker"))
    # a workplace alone admits everyone who works there
    assert "audience" not in rules(offering("y", audience=workplace), office)


@pytest.mark.parametrize(("status", "admitted"), [("jobseeker", True), ("other", True), (None, True),
                                                  ("employee", False), ("self-employed", False), ("retired", False),
                                                  ("student", False)])
def test_a_programme_for_refugees_and_jobseekers_is_for_those_not_in_work_school_or_retirement(
    status: str | None, admitted: bool,
) -> None:
    newcomers = offering("x", audience=["refugees", "jobseekers"])
    assert ("audience" not in rules(newcomers, lives("LU", status=status))) is admitted
    assert "audience" not in rules(offering("y", audience=["refugees", "citizens"]), lives("LU", status=status))


def test_audience_tags_restrict_no_one_when_the_text_says_anyone_may_come() -> None:
    tags = {"audience": ["jobseekers", "refugees", "seniors"]}
    closed = offering("x", description="Repair workshops where participants learn hardware maintenance.", **tags)
    open_ = offering("y", description="Afternoon repair workshops open to everyone, where participants learn "
                     "hardware maintenance.", **tags)
    employee = lives("LU", status="employee")
    assert rules(closed, employee)["audience"] == "reserved for jobseekers, refugees, seniors, which the learner " \
        "visibly is not"
    assert "audience" not in rules(open_, employee)


def test_a_coding_skill_an_offering_requires_rules_out_learners_assessed_below_it() -> None:
    basic = offering("x", requirements=["skill: basic Python programming"])  # DigComp 3.4 at level 2
    solid = offering("y", requirements=["skill: solid TypeScript"])  # level 4
    assert "requirement" in rules(basic, lives("LU", programming=1))
    assert "requirement" not in rules(basic, lives("LU", programming=2))
    assert "requirement" not in rules(basic, lives("LU"))  # not assessed: not shown either way
    assert "requirement" in rules(solid, lives("LU", programming=3))
    assert "requirement" not in rules(solid, lives("LU", programming=4))
    assessed = event({"3.4": 1, "1.3": 2}, {"languages": ["en"], "status": "student"})
    assert LearnerProfile.from_event(assessed).programming == 1
    assert LearnerProfile.from_event(event({"1.3": 2})).programming is None


def test_a_training_for_employees_and_managers_admits_any_employee() -> None:
    # leading a team is a responsibility any employee may hold, not a trade: the employees it names are admitted
    both = offering("x", audience=["employees", "managers", "smes"])
    office = lives("LU", role="office-administrator")
    assert "audience" not in rules(both, office)
    assert "audience" in rules(both, lives("LU", status="jobseeker"))  # still a training for people in work
    # without "employees" it is for those who lead (directors, decision-makers), as above
    assert "audience" in rules(offering("y", audience=["managers", "smes", "public_servants"]), office)


def test_a_training_for_it_staff_needs_a_learner_in_work_whose_target_is_an_it_job() -> None:
    it = offering("x", audience=["employees", "it_staff"])
    assert "audience" in rules(it, lives("LU", role="office-administrator"))
    assert "audience" not in rules(it, lives("LU", role="cloud-devops-engineer", works_in_it=True))
    assert "audience" in rules(it, lives("LU", status="jobseeker", role="cloud-devops-engineer", works_in_it=True))


def test_a_local_scheme_for_residents_of_the_north_is_for_them_and_for_learners_whose_commune_is_unknown() -> None:
    local = held_in("LU", title="Tablets and individual support for older people in northern communes",
                    description="Coaching for elderly residents of northern Luxembourg municipalities.")

    def at(residence: dict[str, str] | None) -> dict[str, str]:
        learner = {"languages": ["lb"], "status": "retired", **({"residence": residence} if residence else {})}
        return rules(local, LearnerProfile.from_event(event({"2.1": 1}, learner)))

    assert at({"country": "LU", "region": "Differdange"})["local"] == (
        "for residents of the north of LU only; the learner lives in Differdange (LU)")
    assert "local" in at({"country": "BE", "region": "Arlon"})  # reaches Luxembourg, but does not live there
    for home in ({"country": "LU", "region": "Clervaux"}, {"country": "LU", "region": "Ettelbruck"},
                 {"country": "LU"}, None, {"country": "LU", "region": "a hamlet nobody knows"}):
        assert "local" not in at(home), home
    south = held_in("LU", title="Smartphone help", description="Drop-in help for the residents of the Minett.")
    assert "local" in rules(south, LearnerProfile.from_event(
        event({"2.1": 1}, {"residence": {"country": "LU", "region": "Clervaux"}})))
    # naming a part of the country as where the sessions are is no rule on who may come
    held = held_in("LU", title="Computer courses", description="Courses held in the north of Luxembourg.")
    assert "local" not in rules(held, LearnerProfile.from_event(
        event({"2.1": 1}, {"residence": {"country": "LU", "region": "Differdange"}})))
