"""No name or external id leaves the importer; pseudonyms are stable under a key and differ under another."""

from __future__ import annotations

import json
import logging

import pytest
from typer.testing import CliRunner

from pix_import import ImportOptions, Pseudonymiser, import_pix_profiles, resolve_key
from pix_import.pseudonym import MissingPseudonymKeyError
from tests.support.pix_exports import IDENTITIES, KEY, drop_column, edit, example_text
from upskill.cli import app


def _leaks(text: str) -> list[str]:
    low = text.casefold()
    return [name for name in IDENTITIES if name.casefold() in low]


def _spoilt_example() -> str:
    """The example with a rejected row too (rejections are where a careless importer would quote a cell)."""

    def spoil(rows):
        rows[4][rows[0].index("Niveau pour la compétence Interagir")] = "Muller"

    return edit(spoil)


@pytest.mark.parametrize(
    "text",
    [example_text(), _spoilt_example(), edit(lambda rows: drop_column(rows, "Identifiant ADEM"))],
    ids=["example", "with-rejected-row", "names-as-identity"],
)
def test_no_identity_in_events_summary_or_logs(text, caplog):
    caplog.set_level(logging.DEBUG)
    result = import_pix_profiles(text, KEY, ImportOptions())
    assert result.events
    assert _leaks("\n".join(e.model_dump_json() for e in result.events)) == []
    assert _leaks(json.dumps(result.summary.to_dict(), ensure_ascii=False)) == []
    assert caplog.records, "the importer logs what it did"
    assert _leaks("\n".join(r.getMessage() for r in caplog.records)) == []


def test_no_identity_in_the_cli_output_summary_or_debug_logs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv_path, out = tmp_path / "export.csv", tmp_path / "out.jsonl"
    csv_path.write_text(_spoilt_example(), encoding="utf-8")
    env = {"UPSKILL_PSEUDONYM_KEY": "k" * 32, "UPSKILL_LOG_LEVEL": "DEBUG"}
    res = CliRunner().invoke(app, ["import", "pix-profiles", str(csv_path), "-o", str(out)], env=env)
    assert res.exit_code == 1, res.output  # the spoilt row
    assert "learner lrn-" in res.stderr  # debug lines were really written
    assert _leaks(res.stderr) == [] and _leaks(res.stdout) == []
    assert _leaks(out.read_text()) == []


def test_same_key_same_learner_ids_other_key_other_ids():
    ids = [
        [e.learner.id for e in import_pix_profiles(example_text(), key, ImportOptions()).events]
        for key in (KEY, KEY, b"another-key")
    ]
    assert ids[0] == ids[1]
    assert set(ids[0]).isdisjoint(ids[2])


def test_reimporting_a_file_gives_the_same_event_ids():
    first = import_pix_profiles(example_text(), KEY, ImportOptions())
    crlf = example_text().replace("\n", "\r\n")
    again = import_pix_profiles(crlf, KEY, ImportOptions(role="citizen-baseline"))
    assert [e.event_id for e in first.events] == [e.event_id for e in again.events]
    assert [e.assessment.id for e in first.events] == [e.assessment.id for e in again.events]


def test_pseudonyms_ignore_case_and_spacing_of_identity_cells():
    p = Pseudonymiser(KEY)
    assert p.learner_id("ADEM", " adem-100231 ") == p.learner_id("adem", "ADEM-100231")
    assert p.learner_id("ADEM", None, ("Schmit", "Anne")) == p.learner_id("adem ", None, ("SCHMIT", " anne"))
    assert p.learner_id("ADEM", None, ("Schmit", "Anne")) != p.learner_id("ADEM", None, ("Schmita", "nne"))
    assert p.learner_id("ADEM", "X1") != p.learner_id("ABBL", "X1")  # the organisation is part of the id


def test_no_key_is_refused_with_how_to_set_one():
    with pytest.raises(MissingPseudonymKeyError, match="UPSKILL_PSEUDONYM_KEY"):
        resolve_key(None)
    demo = resolve_key(None, demo=True)
    assert b"NOT-FOR-REAL-DATA" in demo
