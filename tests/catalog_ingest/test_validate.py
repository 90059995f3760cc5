"""Validation as a provider sees it: every problem with file, line and field; the good rows accepted."""

from __future__ import annotations

import pytest

from catalog_ingest.readers import read_csv
from catalog_ingest.seed import load_offerings
from catalog_ingest.validate import CatalogValidationError, validate_files, validate_offering
from tests.conftest import ROOT
from tests.support.feeds import (
    BAD_CSV_PROBLEMS,
    BAD_JSONL_PROBLEMS,
    GOOD,
    GOOD_IDS,
    write_bad_feeds,
)

SEED = ROOT / "catalog_ingest" / "data" / "offerings.jsonl"


def test_the_shipped_catalogue_is_valid_and_comes_through_unchanged():
    report = validate_files([SEED])
    assert report.problems == [] and report.rejected == 0
    assert report.offerings == load_offerings()


def test_every_problem_is_reported_with_file_line_and_field(tmp_path):
    jsonl, csv = write_bad_feeds(tmp_path)
    report = validate_files([SEED, jsonl, csv])

    expected = [m.format(p=jsonl) for m in BAD_JSONL_PROBLEMS] + [m.format(p=csv) for m in BAD_CSV_PROBLEMS]
    assert [str(p) for p in report.problems] == expected
    assert report.rejected == 6
    accepted = {o.id for o in report.offerings}
    assert GOOD_IDS <= accepted and len(accepted) == len(load_offerings()) + len(GOOD_IDS)


def test_normalisation_turns_provider_wording_into_the_catalogue_fields(tmp_path):
    jsonl, csv = write_bad_feeds(tmp_path)
    got = {o.id: o for o in validate_files([jsonl, csv]).offerings}

    excel = got["acme-excel-basics"]
    assert (excel.languages, excel.format, excel.format_note) == (["en", "fr", "lb"], "in_person", "In person")
    assert (excel.cost.free, excel.cost.amount_eur) == (True, 0.0)
    after = got["acme-csv-after"]
    assert after.title == "Passwords, safely" and after.languages == ["de"] and after.format == "in_person"
    assert (after.cost.free, after.cost.amount_eur) == (False, 120.0)
    assert after.prerequisites == [["acme-csv-ok", "acme-x"], ["acme-y"]]
    assert got["acme-csv-ok"].competences == ["4.1", "4.2"] and got["acme-csv-ok"].format == "online"


def test_a_row_with_several_problems_lists_them_all_and_is_not_half_applied():
    with pytest.raises(CatalogValidationError) as info:
        validate_offering({**GOOD, "title": "", "level_min": "expert-ish", "format": "telepathy",
                           "competences": ["9.9"]})
    fields = [p.field for p in info.value.problems]
    assert fields == ["competences", "format", "level_min", "title"]
    assert "unknown DigComp 2.2 competence '9.9'" in str(info.value)


def test_levels_out_of_order_and_bad_ids_are_named():
    with pytest.raises(CatalogValidationError) as info:
        validate_offering({**GOOD, "id": "Bad Id!", "level_min": 5, "level_max": 2})
    assert [str(p) for p in info.value.problems] == [
        "request:1: id: 'Bad Id!' is not valid here (lower-case letters, digits, '.', '_' and '-' only)",
        "request:1: level_max: 2 is below level_min 5",
    ]


def test_an_unterminated_quote_does_not_swallow_the_rows_after_it():
    text = "id,title\nok-1,Fine\nbad,\"never closed\nok-2,Also fine\n"
    items = list(read_csv(text, "f.csv"))
    assert [getattr(i, "line", None) for i in items] == [2, 3, 4]
    assert "unexpected end of data" in str(items[1])
    assert items[2].data == {"id": "ok-2", "title": "Also fine"}


def test_unknown_columns_warn_without_rejecting(tmp_path):
    feed = tmp_path / "f.csv"
    feed.write_text("id,provider,provider_name,title,titel\nx-1,acme,ACME,Title,typo\n")
    report = validate_files([feed])
    assert [str(p) for p in report.problems] == [f"{feed}:1: titel: warning: unknown column, kept as an extra field"]
    assert report.rejected == 0 and [o.id for o in report.offerings] == ["x-1"]
