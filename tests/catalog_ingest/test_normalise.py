"""The ways providers write languages, formats, levels and costs, and what the catalogue makes of them."""

from __future__ import annotations

import pytest

from catalog_ingest import normalise as n


@pytest.mark.parametrize(
    ("raw", "codes"),
    [("English", ["en"]), ("FR", ["fr"]), ("lu", ["lb"]), ("Lëtzebuergesch; Deutsch", ["lb", "de"]),
     (["français", "en", "EN"], ["fr", "en"]), ("pt, es", ["pt", "es"]), ("", [])],
)
def test_languages(raw, codes):
    assert n.languages(raw) == codes


@pytest.mark.parametrize(
    ("raw", "fmt"),
    [("In person", "in_person"), ("présentiel", "in_person"), ("e-learning", "online"),
     ("En ligne", "online"), ("hybrid", "blended"), ("online and in person", "blended"), ("", None)],
)
def test_formats(raw, fmt):
    assert n.course_format(raw) == fmt


@pytest.mark.parametrize(
    ("raw", "upper", "level"),
    [(3, False, 3), ("4", False, 4), ("Level 2", False, 2), ("Foundation", False, 1), ("Foundation", True, 2),
     ("advanced", True, 6), (None, False, None)],
)
def test_levels(raw, upper, level):
    assert n.level(raw, upper=upper) == level


@pytest.mark.parametrize(
    ("raw", "free", "amount"),
    [("free", True, 0.0), ("gratuit", True, 0.0), ("0", True, 0.0), (0, True, 0.0), ("250 €", False, 250.0),
     ("99,50", False, 99.5), ("payant", False, None), ({"free": "yes", "amount_eur": None}, True, None)],
)
def test_costs(raw, free, amount):
    cost = n.cost(raw)
    assert (cost.get("free"), cost.get("amount_eur")) == (free, amount)


@pytest.mark.parametrize(
    ("fn", "raw", "message"),
    [(n.level, 12, "12 is not a DigComp level (1–8)"), (n.level, "2.5", "'2.5' is not a DigComp level"),
     (n.languages, "Klingon", "unknown language 'Klingon'"), (n.languages, "xx", "unknown language 'xx'"),
     (n.course_format, "telepathy", "unknown format 'telepathy'"), (n.cost, "cheap", "'cheap' is not a cost"),
     (n.boolean, "perhaps", "'perhaps' is not yes or no")],
)
def test_values_that_cannot_be_normalised_say_why(fn, raw, message):
    with pytest.raises(n.FieldError, match=message.replace("(", r"\(").replace(")", r"\)")):
        fn(raw)


def test_prerequisite_groups_from_a_csv_cell():
    assert n.prerequisites("a|b; c") == [["a", "b"], ["c"]]
    assert n.prerequisites([["a"], ["b", "c"]]) == [["a"], ["b", "c"]]
