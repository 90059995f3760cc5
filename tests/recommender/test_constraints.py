"""Each hard constraint rejects what it must, says why, and the vectorised check agrees with the explanation."""

from __future__ import annotations

import pytest

from catalog_ingest.seed import load_offerings
from recommender.constraints import LearnerProfile, OfferingFacts, rejected_mask, violations
from tests.support.synthetic import offering


def profile(**kw: object) -> LearnerProfile:
    base: dict[str, object] = {
        "languages": frozenset({"en"}), "status": "employee", "age": None, "formats": frozenset(),
        "free_only": False, "max_hours": None, "has_organisation": False,
    }
    base.update(kw)
    return LearnerProfile(**base)  # type: ignore[arg-type]


def rules(off, p) -> list[str]:  # noqa: ANN001
    return [name for name, _ in violations(off, p)]


@pytest.mark.parametrize(
    ("off_kw", "prof_kw", "rule", "words"),
    [
        ({"status": "ended"}, {}, "status", "status is ended"),
        ({"status": "planned"}, {}, "status", "planned"),
        ({"languages": ["fr"]}, {"languages": frozenset({"de", "lb"})}, "language", "taught in fr"),
        ({"cost": {"free": False}}, {"free_only": True}, "cost", "not free"),
        ({"format": "in_person"}, {"formats": frozenset({"online"})}, "format", "in_person"),
        ({"duration_hours": 45}, {"max_hours": 40.0}, "max_hours", "45 h is above"),
        ({"audience": ["youth"]}, {"status": "employee"}, "audience", "reserved for youth"),
        ({"audience": ["youth"]}, {"status": "student", "age": 20}, "audience", "reserved for youth"),
        ({"audience": ["jobseekers"]}, {"status": "employee"}, "audience", "jobseekers"),
        ({"audience": ["seniors"]}, {"status": "self-employed", "age": 40}, "audience", "seniors"),
        ({"audience": ["teachers"]}, {"status": "employee"}, "audience", "teachers"),
        ({"audience": ["seniors", "youth"]}, {"status": "employee", "age": 40}, "audience", "seniors, youth"),
        ({"requirements": ["referral, e.g. by the public prosecutor"]}, {}, "requirement", "referral"),
        ({"requirements": ["primary school teacher"]}, {}, "requirement", "teacher"),
        ({"requirements": ["registered jobseeker (ADEM)"]}, {"status": "employee"}, "requirement", "ADEM"),
        ({"requirements": ["aged 12-14"]}, {"status": "jobseeker"}, "requirement", "aged 12-14"),
        ({"requirements": ["aged 30+"]}, {"status": "jobseeker", "age": 24}, "requirement", "aged 30+"),
        ({"requirements": ["team of ~8 employees"]}, {"status": "retired"}, "requirement", "team"),
        # seniors-only offers go by status, youth-only ones to known minors, workforce trainings to people in work
        ({"audience": ["seniors"]}, {"status": "employee", "age": 63}, "audience", "seniors"),
        ({"audience": ["youth"]}, {"status": "student", "age": None}, "audience", "youth"),
        ({"audience": ["smes", "employees"]}, {"status": "jobseeker"}, "audience", "employees, smes"),
        ({"audience": ["employees", "it_staff"]}, {"status": "student"}, "audience", "employees, it_staff"),
        ({"audience": ["employees", "managers"]}, {"status": "other"}, "audience", "employees, managers"),
        ({"requirements": ["aged 12-14"]}, {"status": "student", "age": None}, "requirement", "aged 12-14"),
        # an age group the offering's own text states is a condition as much as a listed requirement
        ({"description": "Event for children aged 8 to 12 from maisons relais."}, {"status": "student", "age": 15},
         "requirement", "aged 8-12, stated in its description"),
        ({"title": "Creative programming for 12-14 year olds"}, {"status": "student", "age": 16}, "requirement",
         "aged 12-14"),
        ({"description": "For children aged 8 to 12."}, {"status": "jobseeker"}, "requirement", "aged 8-12"),
        ({"description": "Free modular programme for people aged 50+."}, {"status": "student", "age": 16},
         "requirement", "aged 50+, stated in its description"),
    ],
)
def test_each_hard_constraint_rejects_with_a_reason(off_kw, prof_kw, rule, words) -> None:  # noqa: ANN001
    off, p = offering("x", **off_kw), profile(**prof_kw)
    found = violations(off, p)
    assert rule in [name for name, _ in found]
    assert any(words in reason for _, reason in found)


@pytest.mark.parametrize(
    ("off_kw", "prof_kw"),
    [
        ({"languages": []}, {"languages": frozenset({"de"})}),  # unknown language does not reject
        ({"cost": {"free": None}}, {"free_only": True}),  # unknown cost does not reject
        ({"format": None}, {"formats": frozenset({"online"})}),
        ({"duration_hours": None}, {"max_hours": 2.0}),
        ({"audience": ["seniors"]}, {"status": "retired"}),
        ({"audience": ["youth"]}, {"status": "student", "age": 16}),
        ({"audience": ["jobseekers"]}, {"status": "jobseeker"}),
        ({"audience": ["citizens", "seniors"]}, {"status": "employee"}),  # open to citizens
        ({"audience": ["smes", "employees"]}, {"status": None}),  # status unknown: not visibly out of work
        ({"audience": ["managers", "smes"]}, {"status": "self-employed"}),
        ({"requirements": ["registered with ADEM"]}, {"status": "jobseeker"}),
        ({"requirements": ["aged 30+"]}, {"status": "jobseeker", "age": None}),  # age unknown
        ({"requirements": ["skill: basic Python programming"]}, {}),  # prior skill: a ranking matter
        ({"languages": ["fr", "en"]}, {"languages": frozenset()}),  # learner reads any language
        ({"description": "Event for children aged 8 to 12."}, {"status": "student", "age": 11}),
        ({"description": "Up to 25 people aged 18+; 3 to 4 sessions."}, {"status": "jobseeker", "age": 30}),
    ],
)
def test_what_is_unknown_or_met_is_not_rejected(off_kw, prof_kw) -> None:  # noqa: ANN001
    assert violations(offering("x", **off_kw), profile(**prof_kw)) == []


@pytest.mark.parametrize(
    "prof_kw",
    [
        {},
        {"languages": frozenset({"de", "lb"}), "status": "jobseeker"},
        {"languages": frozenset({"fr"}), "status": "retired", "formats": frozenset({"online"}), "free_only": True},
        {"languages": frozenset(), "status": "student", "age": 16, "max_hours": 10.0},
        {"languages": frozenset({"pt"}), "status": None},
    ],
)
def test_catalogue_mask_agrees_with_the_explanations(prof_kw) -> None:  # noqa: ANN001
    offs = load_offerings()
    p = profile(**prof_kw)
    mask, _ = rejected_mask(OfferingFacts.build(offs), p)
    assert [bool(violations(o, p)) for o in offs] == mask.tolist()
    assert 0 < mask.sum() < len(offs)


def test_rule_masks_and_reasons_kept_per_reading_equal_fresh_ones() -> None:
    """Learners share a rule's mask and reasons when the rule reads them alike; what they get is what a fresh
    check of the whole catalogue gives each of them (ages around every threshold, every status, preferences)."""
    from benchmarks.workload import assessment_events
    from recommender.constraints import RULES, rule_out

    offs = load_offerings()
    shared = OfferingFacts.build(offs)
    learners = [LearnerProfile.from_event(e) for e in assessment_events(120, seed=21)]
    learners += [profile(status=s, age=a) for s in ("jobseeker", "employee", "student", "retired", None)
                 for a in (None, 15, 16, 17, 18, 25, 29, 30, 59, 60, 70)]
    for p in learners:
        kept, fresh = rule_out(shared, p), rule_out(OfferingFacts.build(offs), p)
        assert (kept.rejected == fresh.rejected).all()
        assert kept.per_rule.keys() == fresh.per_rule.keys()
        assert all((kept.per_rule[n] == fresh.per_rule[n]).all() for n in kept.per_rule)
        for row in kept.rejected.nonzero()[0].tolist():
            name, reason = kept.reason(shared, row, p)
            first = next(n for n, mask in fresh.per_rule.items() if mask[row])
            assert (name, reason) == (first, RULES[first].reason(offs[row], p))
    assert len(shared.masks) < 3 * len(learners)  # shared, not one set per learner
