"""The contract examples are accepted unchanged; bad input is rejected with the field named."""

from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from schemas.assessment import AssessmentCompleted
from schemas.errors import describe_validation_error
from schemas.offering import Offering
from schemas.topics import JSONSCHEMA_DIR, TOPIC_VALUES, render
from tests.conftest import EXAMPLES, ROOT, SHARED, example_event

CATALOG = ROOT / "catalog_ingest" / "data"
DEV_CASES = ROOT / "tests" / "data" / "dev-cases.jsonl"
# shipped copy -> what it copies in ../shared
COPIES = {
    EXAMPLES / "assessment-completed.digcomp.json": "contracts/examples/assessment-completed.digcomp.json",
    EXAMPLES / "assessment-completed.pix.json": "contracts/examples/assessment-completed.pix.json",
    EXAMPLES / "pix-profiles-collection.csv": "contracts/examples/pix-profiles-collection.csv",
    CATALOG / "offerings.jsonl": "catalog/offerings.jsonl",
    CATALOG / "funding.jsonl": "catalog/funding.jsonl",
    DEV_CASES: "eval/dev-cases.jsonl",
    ROOT / "schemas" / "data" / "digcomp-2.2.json": "framework/digcomp-2.2.json",
    ROOT / "schemas" / "data" / "target-profiles.json": "framework/target-profiles.json",
}


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not next to the repository (a fresh clone)")
@pytest.mark.parametrize("copy", sorted(COPIES), ids=lambda p: p.name)
def test_shipped_copies_are_the_shared_ones(copy):
    assert copy.read_bytes() == (SHARED / COPIES[copy]).read_bytes()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")))
def test_contract_examples_are_accepted_unchanged(path):
    raw = json.loads(path.read_text())
    event = AssessmentCompleted.model_validate(raw)
    assert event.learner.id == raw["learner"]["id"]
    assert len(event.results) == len(raw["results"])


def test_every_dev_case_event_is_valid():
    for line in DEV_CASES.read_text().splitlines():
        AssessmentCompleted.model_validate(json.loads(line)["event"])


def test_shipped_catalogue_rows_are_valid_offerings_with_their_place_and_kind():
    for name in ("offerings.jsonl", "funding.jsonl"):
        lines = (CATALOG / name).read_text().splitlines()
        assert all(Offering.model_validate_json(line).id for line in lines if line.strip())
    offs = [Offering.model_validate_json(line) for line in (CATALOG / "offerings.jsonl").read_text().splitlines()]
    assert any("trainers" in o.audience for o in offs)
    assert {o.location.country for o in offs if o.location} >= {"LU", "FR", "BE", "DE"}


def _error(mutate) -> str:
    raw = example_event("digcomp")
    mutate(raw)
    with pytest.raises(ValidationError) as err:
        AssessmentCompleted.model_validate(raw)
    return describe_validation_error(err.value)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r["results"][2].update(level=9), "results.2.level"),
        (lambda r: r.pop("event_id"), "event_id"),
        (lambda r: r.update(event_id="not-a-uuid"), "event_id"),
        (lambda r: r.update(occurred_at="2026-11-21T09:30:00"), "occurred_at"),
        (lambda r: r.update(results=[]), "results"),
        (lambda r: r["learner"].update(languages=["french"]), "learner.languages"),
        (lambda r: r["assessment"].update(framework="digcomp-3"), "assessment.framework"),
        (lambda r: r["results"][0].update(competence="9.9"), "results.0.competence"),
        (lambda r: r["target"].update(role="astronaut"), "target.role"),
        (lambda r: r.update(schema_version=2), "schema_version"),
    ],
)
def test_invalid_events_name_the_field(mutate, field):
    assert field in _error(mutate)


def test_pix_codes_are_checked_against_pix_not_digcomp():
    raw = example_event("pix")
    raw["results"].append({"competence": "5.4", "level": 2})  # DigComp has 5.4, Pix-16 does not
    with pytest.raises(ValidationError, match="unknown pix-16 competence '5.4'"):
        AssessmentCompleted.model_validate(raw)


def test_producers_may_add_fields():
    raw = copy.deepcopy(example_event("digcomp"))
    raw["trace_id"] = "abc"
    raw["learner"]["locale"] = "fr-LU"
    assert AssessmentCompleted.model_validate(raw).learner.id == "lrn-7f3a9c"


@pytest.mark.parametrize("topic", sorted(TOPIC_VALUES))
def test_checked_in_json_schemas_are_in_sync(topic):
    path = JSONSCHEMA_DIR / f"{topic}.schema.json"
    assert path.read_text() == render(topic), "run `upskill schemas export` and commit the result"


@pytest.mark.parametrize(("path", "length"), [
    (("learner", "organisation_id"), 128), (("learner", "counsellor_id"), 128), (("assessment", "id"), 128),
    (("assessment", "campaign"), 128), (("source",), 64),
])
def test_ids_longer_than_their_store_columns_are_refused_naming_the_field(path, length):
    event = example_event("digcomp")
    holder = event
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = "x" * length
    AssessmentCompleted.model_validate(event)  # as long as the column: accepted
    holder[path[-1]] = "x" * (length + 1)
    with pytest.raises(ValidationError) as exc:
        AssessmentCompleted.model_validate(event)
    assert ".".join(path) in describe_validation_error(exc.value)
