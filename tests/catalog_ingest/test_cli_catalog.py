"""``upskill catalog ...`` as an operator or a provider's script uses it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from catalog_ingest.seed import load_offerings
from tests.conftest import ROOT
from tests.support.feeds import BAD_CSV_PROBLEMS, BAD_JSONL_PROBLEMS, write_bad_feeds
from upskill.cli import app

SEED = ROOT / "catalog_ingest" / "data" / "offerings.jsonl"
runner = CliRunner()


def test_validate_prints_each_problem_and_a_summary_and_exits_1(tmp_path):
    jsonl, csv = write_bad_feeds(tmp_path)
    result = runner.invoke(app, ["catalog", "validate", str(SEED), str(jsonl), str(csv)])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[:-1] == [m.format(p=jsonl) for m in BAD_JSONL_PROBLEMS] + [m.format(p=csv) for m in BAD_CSV_PROBLEMS]
    assert lines[-1] == "3 file(s), 174 rows: 168 accepted, 6 rejected, 0 warning(s)"


def test_validate_of_a_clean_feed_exits_0():
    result = runner.invoke(app, ["catalog", "validate", str(SEED)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 file(s), 165 rows: 165 accepted, 0 rejected, 0 warning(s)"


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path):
    result = runner.invoke(app, ["catalog", "validate", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1 and f"{tmp_path / 'nope.jsonl'}:0: (file): cannot read" in result.stdout


def test_synth_writes_a_valid_synthetic_feed_and_coverage_counts_it(tmp_path):
    out = tmp_path / "syn.jsonl"
    assert runner.invoke(app, ["catalog", "synth", "--size", "120", "--out", str(out), "--seed", "4"]).exit_code == 0
    assert runner.invoke(app, ["catalog", "validate", str(out)]).exit_code == 0

    result = runner.invoke(app, ["catalog", "coverage", "--json", "--file", str(out)])
    data = json.loads(result.stdout)
    assert data["active_offerings"] == sum(1 for line in out.read_text().splitlines()
                                           if json.loads(line)["status"] == "active")
    assert {"competence", "band", "offerings", "by_language", "by_format"} <= set(data["cells"][0])


def test_coverage_of_the_shipped_catalogue_names_the_empty_cells():
    result = runner.invoke(app, ["catalog", "coverage"])
    assert result.exit_code == 0, result.output
    assert "Active offerings per competence and level band (161 active)" in result.stdout
    summary = " ".join(result.stdout.split("competence/band cells")[-1].split())
    assert summary.startswith("have no active offering: 2.2 Highly specialised, 2.3 Advanced")


@pytest.mark.kafka
def test_ingest_publishes_valid_rows_once_and_exits_1_for_the_rejected(kafka_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("UPSKILL_KAFKA__BOOTSTRAP_SERVERS", kafka_settings.kafka.bootstrap_servers)
    monkeypatch.setenv("UPSKILL_KAFKA__TOPICS__CATALOG", kafka_settings.kafka.topics.catalog)
    monkeypatch.setenv("UPSKILL_DATA_DIR", str(tmp_path / "data"))
    jsonl, csv = write_bad_feeds(tmp_path)
    args = ["catalog", "ingest", str(SEED), str(jsonl), str(csv)]
    n = len(load_offerings()) + 3

    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output
    assert first.stdout.splitlines()[-1] == (
        f"{kafka_settings.kafka.topics.catalog}: accepted {n} (new {n}, updated 0, unchanged 0), rejected 6")

    second = runner.invoke(app, args)
    assert second.stdout.splitlines()[-1].endswith(f"accepted {n} (new 0, updated 0, unchanged {n}), rejected 6")

    clean = runner.invoke(app, ["catalog", "ingest", str(SEED)])
    assert clean.exit_code == 0 and clean.stdout.strip().endswith("unchanged 165), rejected 0")

    withdrawn = runner.invoke(app, ["catalog", "withdraw", "acme-csv-ok", "never-there"])
    assert withdrawn.exit_code == 0 and withdrawn.stdout.strip().endswith("withdrew 1 of 2 (the others were not there)")
    republished = runner.invoke(app, args).stdout.splitlines()[-1]
    assert republished.endswith(f"(new 1, updated 0, unchanged {n - 1}), rejected 6")
