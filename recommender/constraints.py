"""Hard constraints: what a learner can never be offered, each rejection with a reason a counsellor can read.

The constraints are data: a table of audience tags and who they admit (:data:`AUDIENCE_RULES`), a table of
patterns that turn the offerings' free-text requirements into checkable kinds (:data:`REQUIREMENT_RULES`), and
the learner's stated preferences. There is no rule about one offering in particular.

A constraint only rejects on what is known. An unknown language, cost, format or duration does not reject
(the ranker is more careful with it); a known mismatch always does.

One implementation serves both uses: :func:`rejected_mask` checks every offering of the catalogue at once
(NumPy, for :meth:`Recommender.recommend`), :func:`violations` runs the same rules on one offering and says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from recommender.gaps import digcomp_levels
from recommender.kinds import kind_of
from recommender.memo import Memo, read_only
from recommender.places import DEFAULT_HOME, LocalPart, load_places
from schemas.assessment import AssessmentCompleted
from schemas.framework import load_framework
from schemas.offering import Offering

SENIOR_AGE = 60
ADULT_AGE = 18
_IN_WORK = (None, "employee", "self-employed")
# who pays a course's fee out of their own pocket: no employer pays for their training and no employment service
# funds it (an employee's employer or a self-employed person's business pays; a jobseeker's employment service
# funds training: ADEM reimburses most of a fee, ``funding.py``)
_PAYS_OWN_FEES = ("student", "retired", "other")
TOKEN_FEE_EUR = 10.0  # a fee below this (a symbolic few euros an hour) is no obstacle to anyone
_LEAD_WORDS = ("owner", "manager")  # in a target role's id, title or audience: leads an organisation
_TRAINER_WORDS = ("trainer", "teacher", "multiplier")  # ... trains others
_DIGITAL_CAREER_WORDS = ("career changer", "it staff")  # in a target role's audience: a digital occupation
# Statuses that show the learner is an adult with no employer (a requirement on an employer cannot be met).
_NO_EMPLOYER = frozenset({"jobseeker", "retired", "student"})
_MASK_BYTES = 16 << 20  # the rule masks kept per catalogue version: 160 at 100k offerings
PROGRAMMING = "3.4"  # DigComp's Programming: the competence a stated coding skill (Python, SQL, Git) is part of
# The level a stated skill asks for, in DigComp's own words: "basic" is level 2 ("at basic level, with autonomy"),
# "solid" is level 4 ("independently, ... well-defined and non-routine problems"); a skill with no word is basic.
SKILL_LEVEL = {"basic": 2, "solid": 4}


@dataclass(frozen=True)
class LearnerProfile:
    """What the constraints and the ranker need to know about a learner, resolved once per request."""

    languages: frozenset[str]
    status: str | None
    age: int | None
    formats: frozenset[str]
    free_only: bool
    max_hours: float | None
    has_organisation: bool
    role: str | None = None
    country: str = DEFAULT_HOME  # where the learner lives
    region: str | None = None  # the region they live in, folded, aliases resolved (places.Places.region)
    region_given: str | None = None  # ... as the event gives it (for reasons)
    reach: frozenset[str] = frozenset({DEFAULT_HOME})  # countries whose in-person sessions they can attend
    # where they asked to attend in-person sessions (``preferences.location``) as (country, folded region); None:
    # not stated (near home is near their residence)
    wants: tuple[str, str | None] | None = None
    leads_organisation: bool = False  # an SME owner or manager (by status or target role)
    trains_others: bool = False  # their target role says they train others
    works_in_it: bool = False  # their target role is an IT staff job
    other_job: bool = False  # their target role is a job that is no digital occupation (a bank client advisor)
    # their assessed Programming (3.4) level, capped at the highest level a stated skill asks for (so learners
    # past it share one profile); None: not assessed
    programming: int | None = None

    @classmethod
    def from_event(cls, event: AssessmentCompleted, home: str = DEFAULT_HOME) -> LearnerProfile:
        """The profile of the learner of an assessment event; ``home`` is where a learner lives who does not say
        (the deployment's country)."""
        prefs = event.preferences
        residence = event.learner.residence
        country, region = (residence.country, residence.region) if residence else (home, None)
        role = event.target.role if event.target else None
        words, other_job = "", False
        if role:
            found = load_framework().role(role)
            words = f"{found.id} {found.title} {found.audience}".lower()
            other_job = not any(w in found.audience.lower() for w in _DIGITAL_CAREER_WORDS)
        langs = set(event.learner.languages)
        if prefs and prefs.languages:
            pref_langs = {lang.lower() for lang in prefs.languages}
            langs = langs & pref_langs if langs else pref_langs
        places = load_places()
        reach = places.reach(country, region)
        wants = None
        if prefs and prefs.location and prefs.location.strip():
            wants = places.locate(prefs.location, [country, *sorted(reach - {country})])
        return cls(
            languages=frozenset(langs),
            status=event.learner.status,
            age=event.learner.age,
            formats=frozenset(prefs.formats) if prefs else frozenset(),
            free_only=bool(prefs and prefs.cost == "free"),
            max_hours=prefs.max_hours if prefs else None,
            has_organisation=bool(event.learner.organisation_id),
            role=role,
            country=country,
            region=places.region(country, region),
            region_given=region,
            reach=reach,
            wants=wants,
            leads_organisation=event.learner.status == "self-employed" or any(w in words for w in _LEAD_WORDS),
            trains_others=any(w in words for w in _TRAINER_WORDS),
            works_in_it="it staff" in words,
            other_job=other_job,
            programming=_programming(event),
        )

    def near_point(self) -> tuple[str, str | None]:
        """Where in-person sessions are near for this learner: where they asked to attend, else their home."""
        return self.wants or (self.country, self.region)

    def commutes_to(self) -> frozenset[str]:
        """The countries beyond their own they reach because people in work commute there (a border area's
        ``also_reach``), for a learner in work; none for anyone else (a retired person or a student goes out from
        home)."""
        if self.status is None or self.status not in _IN_WORK:  # an unknown status says nothing of work
            return frozenset()
        return self.reach - {self.country}

    def admitted_audience_bits(self) -> int:
        """The restricted audience tags this learner visibly belongs to, as bits."""
        return sum(bit for tag, bit in _AUDIENCE_BIT.items() if AUDIENCE_RULES[tag](self))

    def pays_own_fees(self) -> bool:
        """Whether a fee would come out of the learner's own pocket (a student, a retired person, someone outside
        work): a free course that teaches the same is then the better advice."""
        return self.status in _PAYS_OWN_FEES

    def registered_with(self, provider: str) -> bool:
        """Whether the learner, a jobseeker, is registered with the employment service ``provider`` runs: a
        jobseeker registers with the one of the country they live in."""
        service = load_places().service_of(provider, [])
        return self.status == "jobseeker" and service is not None and service.country == self.country

    def is_minor(self) -> bool:
        """Known to be under age (an unknown age is an adult's)."""
        return self.age is not None and self.age < ADULT_AGE


# ---- audience: a tag either admits everyone (absent here) or only learners who visibly belong to it ----
AUDIENCE_RULES: dict[str, Callable[[LearnerProfile], bool]] = {
    # youth-only offers are for minors: a learner whose age is unknown is not known to be one
    "youth": lambda p: p.is_minor(),
    "jobseekers": lambda p: p.status == "jobseeker",
    # no field shows protection status, but a status does show someone in work, in school or retired: not the
    # newcomers still looking for their first job or allowed to work here whom such programmes serve
    "refugees": lambda p: p.status in (None, "jobseeker", "other"),
    "seniors": lambda p: p.status == "retired",  # by status: a 62-year-old still at work is not a senior learner
    "students": lambda p: p.status == "student",
    "teachers": lambda p: False,  # nothing in an assessment shows a teacher's post
    # trainings for the workforce (an employer's staff, its IT team, its managers): for people in work, as far as
    # the status says (a learner who does not give one is not ruled out)
    "employees": lambda p: p.status in (None, "employee"),
    "public_servants": lambda p: p.status in (None, "employee"),
    # jobs: people in work whose target role is that job, or says nothing of what they do (a target role that is
    # another job says they do not hold this one)
    "it_staff": lambda p: p.status in _IN_WORK and (p.works_in_it or p.role is None),
    "managers": lambda p: p.status in _IN_WORK and (p.leads_organisation or p.role is None),
    "smes": lambda p: p.status in _IN_WORK,
}
# Tags that say people work, or where, not what they do: next to a tag of a job ("managers" of "smes", "employees"
# in "it_staff"), they narrow it and admit no one by themselves. Leading a team is a responsibility, not a trade:
# any employee may hold it, so "managers" next to "employees" ("employees, managers, smes") leaves the employees
# admitted, while a specialist job ("it_staff") narrows them too.
_WORKPLACE_TAGS = frozenset({"employees", "smes", "public_servants"})
_JOB_TAGS = frozenset({"managers", "it_staff", "teachers", "trainers"})
_SPECIALIST_TAGS = _JOB_TAGS - {"managers"}


# ---- requirements: free text -> a kind the profile can be checked against ----
@dataclass(frozen=True)
class RequirementRule:
    """A pattern over requirement texts and the check of the learner it implies.

    ``check(profile, match)`` returns True when the learner visibly cannot meet the requirement.
    """

    kind: str
    pattern: re.Pattern[str]
    check: Callable[[LearnerProfile, re.Match[str]], bool]
    implies_audience: str | None = None  # the audience tag an offering with this requirement is in fact for


def _programming(event: AssessmentCompleted) -> int | None:
    assessed = digcomp_levels(event, load_framework()).get(PROGRAMMING)
    return None if assessed is None else min(assessed.level, max(SKILL_LEVEL.values()))


def _skill_fails(p: LearnerProfile, m: re.Match[str]) -> bool:
    """A coding skill the learner's assessment shows they do not have yet (not assessed: not shown either way)."""
    return p.programming is not None and p.programming < SKILL_LEVEL[(m.group(1) or "basic").lower()]


def _age_min_fails(p: LearnerProfile, m: re.Match[str]) -> bool:
    return p.age is not None and p.age < int(m.group(1))


def _age_range_fails(p: LearnerProfile, m: re.Match[str]) -> bool:
    low, high = int(m.group(1)), int(m.group(2))
    if p.age is not None:
        return not low <= p.age <= high
    return high < ADULT_AGE  # a children's age group, and nothing says the learner is a child


REQUIREMENT_RULES: tuple[RequirementRule, ...] = (
    RequirementRule("referral", re.compile(r"\breferral\b", re.I), lambda p, m: True),
    RequirementRule("teacher_post", re.compile(r"\bteachers?\b", re.I), lambda p, m: True),
    RequirementRule(
        "registered_jobseeker",
        re.compile(r"registered (?:jobseeker|with adem)|\bjobseeker aged\b", re.I),
        lambda p, m: p.status != "jobseeker",
        implies_audience="jobseekers",
    ),
    RequirementRule("age_range", re.compile(r"\baged? (\d{1,2})\s*[-–]\s*(\d{1,2})\b", re.I), _age_range_fails),
    RequirementRule("age_min", re.compile(r"\b(?:aged?|age) (\d{1,2})\s*\+", re.I), _age_min_fails),
    RequirementRule(
        "public_sector",
        re.compile(r"\b(?:state|public[- ]sector) (?:/ )?(?:public-sector )?employee", re.I),
        lambda p, m: p.status is not None and p.status not in ("employee",),
    ),
    RequirementRule(  # "skill: basic Python programming", "skill: solid TypeScript", "skill: Git"
        "skill",
        re.compile(r"\bskill:\s*(basic|solid)?\b.*\b(?:python|typescript|javascript|sql|postgresql|git|programming"
                   r"|coding)\b", re.I),
        _skill_fails,
    ),
    RequirementRule(
        "employer",
        re.compile(r"\b(?:organisation enrolled|employer participating|team of|luxembourg-based organisation)", re.I),
        lambda p, m: p.status in _NO_EMPLOYER,
    ),
)


# Conditions of admission that no field of an assessment event shows and a counsellor checks: receiving
# benefits, a diploma or years of schooling, work experience, passing a selection, a team the employer books
# (no learner takes a session for "a team of ~8 employees" alone). A learner may not meet them, so
# each makes an offering less certain for them (ranking's certainty), never ruled out.
UNSHOWN_CONDITION = re.compile(
    r"\bbenefits?\b|\bdiploma\b|\bbac\b|secondary education|work experience|entry tests?|\binterviews?\b"
    r"|\bselect(?:ion|ed)\b|\bteam of\b",
    re.I,
)


def unshown_conditions(off: Offering) -> int:
    """How many of an offering's requirements are conditions of admission no profile shows
    (:data:`UNSHOWN_CONDITION`)."""
    return sum(1 for text in off.requirements if UNSHOWN_CONDITION.search(text))


REQUIREMENT_RULES_BY_KIND = {r.kind: r for r in REQUIREMENT_RULES}
_AGE_RULES = tuple(r for r in REQUIREMENT_RULES if r.kind in ("age_min", "age_range"))


def age_floor(off: Offering) -> int:
    """The lowest age an offering's requirements admit (``aged 30+``, ``aged 50-64``), 0 when none is stated."""
    floors = [int(m.group(1)) for text in [*off.requirements, *stated_age_groups(off)] for r in _AGE_RULES
              if (m := r.pattern.search(text))]
    return max(floors, default=0)


# an age group its own text states ("for children aged 8 to 12", "for 12-14 year olds"): a condition of admission
# as much as one listed under requirements
_STATED_AGES = re.compile(
    r"\baged (\d{1,2})\s*(?:[-–]|to)\s*(\d{1,2})\b|\b(\d{1,2})\s*[-–]\s*(\d{1,2})[- ]year[- ]olds?\b", re.I)
_STATED_FLOOR = re.compile(r"\baged (\d{1,2})\s*\+", re.I)


def stated_age_groups(off: Offering) -> list[str]:
    """The age groups an offering's title or description states ("children aged 8 to 12", "people aged 50+") and
    its requirements do not, as requirement texts (``aged 8-12, stated in its description``)."""
    text = f"{off.title}\n{off.description}"
    lowered = text.lower()  # a plain test of what the patterns need is several times faster than they are, and
    if "aged" not in lowered and "year-old" not in lowered and "year old" not in lowered:  # most texts state no age
        return []
    ranges = {(int(m.group(1)), int(m.group(2))) for req in off.requirements
              if (m := REQUIREMENT_RULES_BY_KIND["age_range"].pattern.search(req))}
    floors = {int(m.group(1)) for req in off.requirements
              if (m := REQUIREMENT_RULES_BY_KIND["age_min"].pattern.search(req))}
    found = []
    for m in _STATED_AGES.finditer(text):
        low, high = (int(g) for g in (m.groups()[:2] if m.group(1) else m.groups()[2:]))
        if low < high and (low, high) not in ranges:
            ranges.add((low, high))
            found.append(f"aged {low}-{high}, stated in its description")
    for m in _STATED_FLOOR.finditer(text):
        if (low := int(m.group(1))) not in floors:
            floors.add(low)
            found.append(f"aged {low}+, stated in its description")
    return found


def requirement_kinds(off: Offering) -> list[tuple[RequirementRule, re.Match[str], str]]:
    """The checkable requirements of an offering, those its text states included (:func:`stated_age_groups`):
    (rule, match, original text)."""
    found = []
    for text in [*off.requirements, *stated_age_groups(off)]:
        for rule in REQUIREMENT_RULES:
            m = rule.pattern.search(text)
            if m:
                found.append((rule, m, text))
                break
    return found


# ---- the catalogue side, encoded once per catalogue version ----
@dataclass
class OfferingFacts:
    """The facts of a list of offerings that the rules read, as arrays (row i = offerings[i])."""

    offerings: list[Offering]
    active: np.ndarray
    lang_bits: np.ndarray  # uint64, one bit per teaching language (0: unknown)
    free: np.ndarray  # 1 free, 0 paid, -1 unknown
    fee: np.ndarray  # bool: paid, beyond a token fee (TOKEN_FEE_EUR; an unknown amount is no token)
    format: np.ndarray  # index into FORMATS, -1 unknown
    duration: np.ndarray  # NaN when unknown
    audience_bits: np.ndarray  # int64, one bit per restricted tag of an offering open to no one else
    place: np.ndarray  # index into ``countries`` of where in-person / blended sessions are, -1 online or unknown
    site: np.ndarray  # index into ``sites`` of where in-person / blended sessions are, -1 online or unknown
    sites: list[tuple[str, str | None]]  # (country, region) of the in-person and blended sessions
    scheme: np.ndarray  # index into ``countries`` of the employment service whose programme it is, -1 none
    national: np.ndarray  # index into ``countries`` of the public services it teaches to use, -1 none
    integration: np.ndarray  # index into ``countries`` of the country whose integration scheme it is, -1 none
    local: np.ndarray  # index into ``locals`` of the part of a country whose residents alone it is for, -1 none
    locals: list[LocalPart]
    multiplier: np.ndarray  # bool: a training for trainers (audience ``trainers``)
    # bool: its title or description says it is for adults, or that it trains educators, or it teaches a country's
    # online public services (administrative procedures, which adults carry out: parents act for a minor)
    for_adults: np.ndarray
    grade: np.ndarray  # int8: the school grade its title or description says it is for, 0 none
    for_leads: np.ndarray  # bool: its kind fits only SME owners and managers (an organisation's self-check)
    for_careers: np.ndarray  # bool: its kind trains for a digital occupation (an academy, a bootcamp)
    countries: list[str]
    requirements: list[list[tuple[RequirementRule, re.Match[str], str]]]
    # offerings grouped by what their checkable requirements say (kind and numbers): one check per group
    requirement_groups: list[tuple[list[tuple[RequirementRule, re.Match[str]]], np.ndarray]]
    lang_index: dict[str, int]
    # per rule and reading, and their unions (rule_out); sized by the catalogue in build
    masks: Memo[tuple[Any, ...], np.ndarray | None] = field(default_factory=lambda: Memo("rule_masks", 16))
    # per home (views.nearby_sessions)
    nearby: Memo[tuple[Any, ...], np.ndarray] = field(default_factory=lambda: Memo("nearby", 64))

    @classmethod
    def build(cls, offerings: list[Offering]) -> OfferingFacts:
        """Encode the offerings."""
        langs = sorted({lang for o in offerings for lang in o.languages})[:63]
        index = {lang: i for i, lang in enumerate(langs)}
        reqs = [requirement_kinds(o) for o in offerings]
        places = load_places()
        schemes = [places.service_of(o.provider, o.requirements) for o in offerings]
        sites = [o.location.country if o.location and o.format in ("in_person", "blended") else None
                 for o in offerings]
        publics = [places.public_services_of(o.provider, o.title) for o in offerings]
        integration = [integration_country(o) for o in offerings]
        parts = [local_part(o) for o in offerings]
        local = sorted({p for p in parts if p}, key=lambda p: (p.country, p.name))
        # an integration scheme's country is where its sessions are: among the sites
        countries = sorted({c for c in sites if c} | {s.country for s in (*schemes, *publics) if s})
        regions = [(o.location.country, o.location.region) if c and o.location else None
                   for o, c in zip(offerings, sites, strict=True)]
        distinct = sorted({r for r in regions if r}, key=lambda r: (r[0], r[1] or ""))
        site_of = {r: i for i, r in enumerate(distinct)}
        where = {c: i for i, c in enumerate(countries)}
        return cls(
            offerings=offerings,
            active=np.array([o.status == "active" for o in offerings], dtype=bool),
            lang_bits=np.array(
                [sum(1 << index[lg] for lg in o.languages if lg in index) for o in offerings], dtype=np.uint64
            ),
            free=np.array([-1 if o.cost.free is None else int(o.cost.free) for o in offerings], dtype=np.int8),
            fee=np.array([o.cost.free is False and (o.cost.amount_eur or TOKEN_FEE_EUR) >= TOKEN_FEE_EUR
                          for o in offerings], dtype=bool),
            format=np.array([FORMATS.index(o.format) if o.format else -1 for o in offerings], dtype=np.int8),
            duration=np.array([o.duration_hours or np.nan for o in offerings], dtype=float),
            audience_bits=np.array([0 if says_open_to_all(o) else _restricted_bits(o.audience) for o in offerings],
                                   dtype=np.int64),
            place=np.array([where.get(c, -1) if c else -1 for c in sites], dtype=np.int16),
            site=np.array([site_of[r] if r else -1 for r in regions], dtype=np.int32),
            sites=distinct,
            scheme=np.array([where[s.country] if s else -1 for s in schemes], dtype=np.int16),
            national=np.array([where[s.country] if s else -1 for s in publics], dtype=np.int16),
            integration=np.array([where[c] if c else -1 for c in integration], dtype=np.int16),
            local=np.array([local.index(p) if p else -1 for p in parts], dtype=np.int16),
            locals=local,
            multiplier=np.array(["trainers" in o.audience for o in offerings], dtype=bool),
            for_adults=np.array([_for_adults(o) or pub is not None for o, pub in zip(offerings, publics, strict=True)],
                                dtype=bool),
            grade=np.array([_school_grade(o) for o in offerings], dtype=np.int8),
            for_leads=np.array([kind_of(o.kind).fits == "organisation_lead" for o in offerings], dtype=bool),
            for_careers=np.array([kind_of(o.kind).fits == "digital_career" for o in offerings], dtype=bool),
            countries=countries,
            requirements=reqs,
            requirement_groups=_requirement_groups(reqs),
            lang_index=index,
            masks=Memo("rule_masks", max(16, _MASK_BYTES // max(1, len(offerings)))),
        )


FORMATS = ("online", "in_person", "blended")
# made for adults: "for adults", "aimed at adults", "familiarises adults with", "Adult courses", "adult basic-skills
# provision"; "adult-education centres" says where it is taught, not whom for, and "young adults" takes in some
# minors (bounded: no backtracking)
_FOR_ADULTS = re.compile(r"(?<!young )\badults?\b(?![- ]education)", re.I)
# a training of teachers and educators: "for schools and educators", "for teachers", "teacher workshops"; the
# youth an audience may also name is whom they teach
_TRAINS_EDUCATORS = re.compile(
    r"\b(?:for|aimed at|open to) (?:(?:schools|teachers|educators) (?:and|or) )?(?:teachers|educators)\b"
    r"|\bteachers?'? (?:training|workshops?)\b", re.I)
# whom an integration scheme helps: "helping refugees and third-country nationals", "for asylum seekers"
_INTEGRATION = re.compile(r"\b(?:refugees?|third-country nationals?|asylum[- ]seekers?)\b", re.I)
_GRADE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)[- ]grade\b", re.I)
GRADE_AGE = 5  # a pupil of grade g is g + 5 (grade 1 at 6) or a year older
GRADE_SLACK = 1  # a pupil held back or ahead a year


def _educators(o: Offering) -> bool:
    return "teachers" in o.audience and bool(_TRAINS_EDUCATORS.search(f"{o.title}\n{o.description}"))


def _for_adults(o: Offering) -> bool:
    return bool(_FOR_ADULTS.search(f"{o.title}\n{o.description}")) or _educators(o)


def _adults_only(o: Offering) -> str:
    """Why an offering the ``adults`` rule rules out is for adults."""
    if _educators(o):
        return "trains teachers and educators"
    if _for_adults(o):
        return "for adults"
    svc = load_places().public_services_of(o.provider, o.title)
    return f"teaches {svc.name if svc else 'online public services'}, whose procedures adults carry out"


def _school_grade(o: Offering) -> int:
    """The one school grade (1-13) the offering says it is for, else 0 (none, or several)."""
    found = {int(m.group(1)) for m in _GRADE.finditer(f"{o.title}\n{o.description}")}
    return found.pop() if len(found) == 1 and 1 <= min(found) <= 13 else 0


def _grade_rejects(f: OfferingFacts, age: int | None) -> np.ndarray | None:
    """Offerings for a school grade whose pupils are clearly younger or older than the learner."""
    if age is None or not f.grade.any():
        return None
    low, high = f.grade + GRADE_AGE - GRADE_SLACK, f.grade + GRADE_AGE + 1 + GRADE_SLACK
    return (f.grade > 0) & ((age < low) | (age > high))
_AUDIENCE_BIT = {tag: 1 << i for i, tag in enumerate(AUDIENCE_RULES)}


# a text that says anyone may come ("workshops open to everyone", "open to anyone without prior knowledge"): its
# audience tags name whom it serves best, not who may come
_OPEN_TO_ALL = re.compile(r"\bopen to (?:everyone|everybody|anyone|all\b|the (?:general )?public)", re.I)


def says_open_to_all(o: Offering) -> bool:
    """Whether an offering's title or description says anyone may come."""
    return bool(_OPEN_TO_ALL.search(f"{o.title}\n{o.description}"))


def _restricted_bits(audience: Iterable[str]) -> int:
    """The bits of the restricted tags that admit, when the offering has no tag open to everyone (else 0):
    workplace tags only when no tag names a job."""
    tags = set(audience)
    if not tags or not tags <= AUDIENCE_RULES.keys():
        return 0
    if tags & _SPECIALIST_TAGS:
        tags -= _WORKPLACE_TAGS
    elif tags & _JOB_TAGS:
        tags -= _WORKPLACE_TAGS - {"employees"}
    return sum(_AUDIENCE_BIT[tag] for tag in tags)


def _language_rejects(f: OfferingFacts, languages: frozenset[str]) -> np.ndarray | None:
    if not languages:
        return None
    mine = np.uint64(sum(1 << f.lang_index[lang] for lang in languages if lang in f.lang_index))
    return np.asarray((f.lang_bits != 0) & ((f.lang_bits & mine) == 0))


def _audience_rejects(f: OfferingFacts, admitted_bits: int) -> np.ndarray:
    return np.asarray((f.audience_bits != 0) & ((f.audience_bits & admitted_bits) == 0))


def _format_rejects(f: OfferingFacts, formats: frozenset[str]) -> np.ndarray | None:
    if not formats:
        return None
    ok = np.array([x in formats for x in FORMATS] + [True])  # index -1 (unknown) is the last: admitted
    return np.asarray(~ok[f.format])


def _place_rejects(f: OfferingFacts, reach: frozenset[str]) -> np.ndarray:
    ok = np.array([c in reach for c in f.countries] + [True])  # index -1 (online, or no place known): reachable
    return np.asarray(~ok[f.place])


def _place_reason(o: Offering, p: LearnerProfile) -> str:
    where = f"{o.location.region} ({o.location.country})" if o.location and o.location.region else \
        (o.location.country if o.location else "?")
    how = "in person" if o.format == "in_person" else "blended, with sessions"
    return f"{how} in {where}; the learner lives in {p.country}"


def _of_another_country(column: np.ndarray, countries: list[str], country: str | None) -> np.ndarray | None:
    """Offerings of a country's national service (``column``: index into ``countries``, -1 none) other than
    ``country``'s (None: every one)."""
    if not (column >= 0).any():
        return None
    mine = countries.index(country) if country in countries else -2
    return np.asarray((column >= 0) & (column != mine))


def _local_rejects(f: OfferingFacts, home: tuple[str, str | None]) -> np.ndarray | None:
    """Local schemes for the residents of a part of a country the learner is known not to live in."""
    if not f.locals:
        return None
    places = load_places()
    out = np.array([places.lives_in(part, *home) is False for part in f.locals] + [False])
    return np.asarray(out[f.local])


def local_part(o: Offering) -> LocalPart | None:
    """The part of its country whose residents alone an offering's title or description says it is for."""
    return load_places().local_part_of(o.location.country if o.location else None, f"{o.title}. {o.description}")


def _local_reason(o: Offering, p: LearnerProfile) -> str:
    part = local_part(o)
    if part is None:
        return "a local scheme for residents elsewhere"
    home = f"{p.region_given} ({p.country})" if p.region_given and p.country == part.country else p.country
    return f"for residents of the {part.name} of {part.country} only; the learner lives in {home}"


def _registration_rejects(f: OfferingFacts, reading: tuple[bool, str]) -> np.ndarray | None:
    jobseeker, country = reading
    return _of_another_country(f.scheme, f.countries, country if jobseeker else None)


def _registration_reason(o: Offering, p: LearnerProfile) -> str:
    places = load_places()
    svc = places.service_of(o.provider, o.requirements)
    name = svc.name if svc else "the employment service"
    if p.status != "jobseeker":
        return f"for jobseekers registered with {name}; the learner is not a jobseeker"
    home = places.services.get(p.country)
    where = f" (they register with {home.name})" if home else ""
    return f"for jobseekers registered with {name}; the learner lives in {p.country}{where}"


def _career_reason(o: Offering, p: LearnerProfile) -> str:
    article = "an" if o.kind[0] in "aeiou" else "a"
    title = load_framework().role(p.role).title if p.role else ""  # the rule reads other_job: a role is given
    return (f"{article} {o.kind.replace('_', ' ')} that trains for a digital occupation; the learner's target is "
            f"“{title}”, not one")


def integration_country(o: Offering) -> str | None:
    """The country whose integration scheme this is: sessions there for the refugees and third-country nationals
    its text says it helps (a residence permit is that country's, so are its schemes); None otherwise."""
    if o.format not in ("in_person", "blended") or not o.location or says_open_to_all(o):
        return None
    return o.location.country if _INTEGRATION.search(f"{o.title} {o.description}") else None


def _integration_reason(o: Offering, p: LearnerProfile) -> str:
    return (f"an integration scheme in {integration_country(o)} for refugees and third-country nationals who live "
            f"there; the learner lives in {p.country}")


def _national_reason(o: Offering, p: LearnerProfile) -> str:
    svc = load_places().public_services_of(o.provider, o.title)
    name = svc.name if svc else "another country's public services"
    return f"teaches {name}; the learner lives in {p.country}"


def _requirement_groups(
    reqs: list[list[tuple[RequirementRule, re.Match[str], str]]],
) -> list[tuple[list[tuple[RequirementRule, re.Match[str]]], np.ndarray]]:
    """Offerings whose checkable requirements are the same kinds with the same numbers, grouped.

    A large catalogue repeats a few requirements ("registered jobseeker", "aged 16-29") many times; checking
    each distinct one once per learner keeps the check independent of the catalogue's size.
    """
    groups: dict[tuple[Any, ...], tuple[list[tuple[RequirementRule, re.Match[str]]], list[int]]] = {}
    for i, found in enumerate(reqs):
        if found:
            key = tuple((r.kind, m.groups()) for r, m, _ in found)
            groups.setdefault(key, ([(r, m) for r, m, _ in found], []))[1].append(i)
    return [(checks, np.array(rows, dtype=np.int64)) for checks, rows in groups.values()]


def _failed_requirements(f: OfferingFacts, p: LearnerProfile) -> tuple[tuple[int, int], ...]:
    """The requirements the learner visibly cannot meet: (group, check within the group) positions."""
    return tuple((i, j) for i, (checks, _) in enumerate(f.requirement_groups)
                 for j, (r, m) in enumerate(checks) if r.check(p, m))


def _requirement_rejects(f: OfferingFacts, failed: tuple[tuple[int, int], ...]) -> np.ndarray | None:
    if not failed:
        return None
    out = np.zeros(len(f.offerings), dtype=bool)
    out[np.concatenate([f.requirement_groups[i][1] for i in sorted({i for i, _ in failed})])] = True
    return out


@dataclass(frozen=True)
class Rule:
    """A hard constraint: what it reads of the learner, the offerings that reading rules out (None: none can
    be), and the reason for one offering.

    The mask depends on the reading only, so learners who read alike share it (:func:`rule_out`).
    """

    reads: Callable[[OfferingFacts, LearnerProfile], Hashable]
    mask: Callable[[OfferingFacts, Any], np.ndarray | None]
    reason: Callable[[Offering, LearnerProfile], str]


RULES: dict[str, Rule] = {
    "status": Rule(lambda f, p: None, lambda f, _: ~f.active, lambda o, p: f"status is {o.status}"),
    "language": Rule(
        lambda f, p: p.languages,
        _language_rejects,
        lambda o, p: f"taught in {', '.join(o.languages)}, not in a language of the learner "
        f"({', '.join(sorted(p.languages))})",
    ),
    "cost": Rule(
        lambda f, p: p.free_only,
        lambda f, free_only: (f.free == 0) if free_only else None,
        lambda o, p: "not free, and the learner asked for free offerings",
    ),
    "format": Rule(
        lambda f, p: p.formats,
        _format_rejects,
        lambda o, p: f"format {o.format} is not among the learner's ({', '.join(sorted(p.formats))})",
    ),
    "max_hours": Rule(
        lambda f, p: p.max_hours,
        lambda f, hours: (f.duration > hours) if hours is not None else None,  # unknown (NaN): no
        lambda o, p: f"{o.duration_hours:g} h is above the learner's maximum of {p.max_hours:g} h",
    ),
    "place": Rule(lambda f, p: p.reach, _place_rejects, _place_reason),
    "audience": Rule(
        lambda f, p: p.admitted_audience_bits(),
        _audience_rejects,
        lambda o, p: f"reserved for {', '.join(sorted(o.audience))}, which the learner visibly is not",
    ),
    "adults": Rule(
        lambda f, p: p.is_minor(),
        lambda f, minor: f.for_adults if minor else None,
        lambda o, p: f"{_adults_only(o)}; the learner is under {ADULT_AGE}",
    ),
    "grade": Rule(
        lambda f, p: p.age,
        _grade_rejects,
        lambda o, p: f"for pupils of grade {_school_grade(o)} (aged about {_school_grade(o) + GRADE_AGE}); "
        f"the learner is {p.age}",
    ),
    "local": Rule(lambda f, p: (p.country, p.region), _local_rejects, _local_reason),
    "registration": Rule(
        lambda f, p: (p.status == "jobseeker", p.country), _registration_rejects, _registration_reason,
    ),
    "residence": Rule(lambda f, p: p.country, lambda f, country: _of_another_country(f.national, f.countries, country),
                      _national_reason),
    "integration": Rule(
        lambda f, p: p.country, lambda f, country: _of_another_country(f.integration, f.countries, country),
        _integration_reason,
    ),
    "multiplier": Rule(
        lambda f, p: p.trains_others,
        lambda f, trains: None if trains else f.multiplier,
        lambda o, p: "a training for trainers (multipliers); the learner's target does not say they train others",
    ),
    "kind": Rule(
        lambda f, p: p.leads_organisation,
        lambda f, leads: None if leads else f.for_leads,
        lambda o, p: f"a {o.kind.replace('_', ' ')} of an organisation, for SME owners and managers; nothing says "
        "the learner leads one",
    ),
    "career": Rule(
        lambda f, p: p.other_job,
        lambda f, other: f.for_careers if other else None,
        _career_reason,
    ),
    "requirement": Rule(
        _failed_requirements,
        _requirement_rejects,
        lambda o, p: "requires " + "; ".join(t for r, m, t in requirement_kinds(o) if r.check(p, m)),
    ),
}


@dataclass(frozen=True)
class Rejections:
    """What the rules make of the whole catalogue for one learner."""

    rejected: np.ndarray  # bool: some rule rules the offering out
    per_rule: dict[str, np.ndarray]  # the mask of each rule that rules any offering out, in RULES order
    readings: dict[str, Hashable]  # what each rule read of the learner

    def reason(self, facts: OfferingFacts, row: int, profile: LearnerProfile) -> tuple[str, str]:
        """The first rule (in RULES order) that rules out ``facts.offerings[row]``, and its reason."""
        name = next(n for n, mask in self.per_rule.items() if mask[row])
        return name, RULES[name].reason(facts.offerings[row], profile)


def rule_out(facts: OfferingFacts, profile: LearnerProfile) -> Rejections:
    """Which offerings no rule admits for this learner, the mask of each rule that rejects any, and what each
    rule read of the learner.

    Each rule's mask is kept per reading of the learner, and their union per readings that rule anything out
    (read-only), so learners who differ in one preference share the masks of the other rules.
    """
    per_rule, readings = {}, {}
    for name, rule in RULES.items():
        reading = readings[name] = rule.reads(facts, profile)
        mask = facts.masks.get((name, reading), lambda: read_only(rule.mask(facts, reading)))  # noqa: B023
        if mask is not None:
            per_rule[name] = mask
    # learners whose readings differ only where no rule rules anything out share the union too
    union = facts.masks.get(("union", *((n, readings[n]) for n in per_rule)),
                            lambda: read_only(_union(facts, per_rule)))
    return Rejections(cast(np.ndarray, union), per_rule, readings)  # a union is never None


def _union(facts: OfferingFacts, per_rule: dict[str, np.ndarray]) -> np.ndarray:
    out = np.zeros(len(facts.offerings), dtype=bool)
    for mask in per_rule.values():
        out |= mask
    return out


def rejected_mask(facts: OfferingFacts, profile: LearnerProfile) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Which offerings no rule admits for this learner, and the mask of each rule that rejects any."""
    found = rule_out(facts, profile)
    return found.rejected, found.per_rule


def violations(off: Offering, profile: LearnerProfile) -> list[tuple[str, str]]:
    """Every rule this offering breaks for this learner, as (rule name, reason); empty when it may be offered."""
    _, per_rule = rejected_mask(OfferingFacts.build([off]), profile)
    return [(name, RULES[name].reason(off, profile)) for name, mask in per_rule.items() if mask[0]]


def violation(off: Offering, profile: LearnerProfile) -> str | None:
    """The first reason this offering must not be proposed to this learner, or None when it may be."""
    found = violations(off, profile)
    return found[0][1] if found else None
