"""``upskill import pix-profiles`` as a user runs it: files in, events and a summary out, exit codes."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from schemas.assessment import AssessmentCompleted
from tests.support.pix_exports import PIX_EXAMPLE, edit
from upskill.cli import app
from upskill.cli.recommend import read_events

KEY_ENV = {"UPSKILL_PSEUDONYM_KEY": "cli-test-key-0123456789abcdef"}


def summary_figures(stderr: str) -> dict[str, str]:
    """The two-column summary table printed by Rich, as {label: value}."""
    cells = (re.fullmatch(r"│\s*(.+?)\s*│\s*(.+?)\s*│", line.strip()) for line in stderr.splitlines())
    return {m.group(1): m.group(2) for m in cells if m}


@pytest.fixture()
def run(tmp_path, monkeypatch):
    """Runs the CLI in a clean directory (no stray .env) and returns the click result."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, env: dict[str, str | None] | None = None):
        return CliRunner().invoke(app, ["import", "pix-profiles", *args], env=KEY_ENV if env is None else env)

    return invoke


def test_example_to_jsonl_ready_for_recommend(run, tmp_path, recommender):
    out = tmp_path / "events.jsonl"
    res = run(str(PIX_EXAMPLE), "--output", str(out), "--role", "citizen-baseline", "--languages", "fr,en")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == ""
    assert summary_figures(res.stderr) == {
        "rows": "4", "events": "3", "not shared": "1", "rejected": "0", "campaigns": "ADEMDIGI25"
    }  # fmt: skip
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    parsed = [AssessmentCompleted.model_validate_json(line) for line in lines]
    assert all(e.learner.languages == ["fr", "en"] for e in parsed)
    events = read_events(out)  # what `upskill recommend --input` reads
    rec = recommender.recommend(events[0])
    assert rec.learner_id == events[0].learner.id and rec.gaps


def test_without_output_or_publish_events_go_to_stdout(run):
    res = run(str(PIX_EXAMPLE))
    assert res.exit_code == 0, res.stderr
    events = [AssessmentCompleted.model_validate(json.loads(line)) for line in res.stdout.splitlines()]
    assert [e.assessment.campaign for e in events] == ["ADEMDIGI25"] * 3


def test_a_rejected_row_is_named_by_line_and_exits_1(run, tmp_path):
    def spoil(rows):
        rows[2][rows[0].index("Niveau pour la compétence Interagir")] = "trois"

    bad = tmp_path / "bad.csv"
    bad.write_text(edit(spoil), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run(str(bad), "-o", str(out))
    assert res.exit_code == 1
    assert "Rejected lines" in res.stderr and "Interagir" in res.stderr and "is not a number" in res.stderr
    assert any(line.strip("│ ").startswith("3 ") for line in res.stderr.splitlines())
    assert len(out.read_text().splitlines()) == 2  # the good rows are still imported


def test_a_file_that_is_not_a_pix_export_exits_2(run, tmp_path):
    other = tmp_path / "contacts.csv"
    other.write_text("name;email\nAnne;anne@example.org\n", encoding="utf-8")
    res = run(str(other), "-o", str(tmp_path / "out.jsonl"))
    assert res.exit_code == 2
    assert "not a Pix Orga profiles export" in res.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_no_key_exits_2_and_says_how_to_set_one(run, tmp_path):
    res = run(str(PIX_EXAMPLE), env={"UPSKILL_PSEUDONYM_KEY": None})
    assert res.exit_code == 2
    assert "UPSKILL_PSEUDONYM_KEY" in " ".join(res.stderr.split())
    assert res.stdout == ""


def test_demo_key_works_without_a_key_and_says_it_is_not_for_real_data(run):
    res = run(str(PIX_EXAMPLE), "--demo-key", env={"UPSKILL_PSEUDONYM_KEY": None})
    assert res.exit_code == 0, res.stderr
    assert len(res.stdout.splitlines()) == 3
    assert "NOT protected" in res.stderr


@pytest.mark.parametrize(
    ("option", "value"), [("--status", "astronaut"), ("--role", "astronaut"), ("--languages", "french")]
)
def test_bad_options_are_refused_before_reading_the_file(run, option, value):
    res = run(str(PIX_EXAMPLE), option, value)
    assert res.exit_code == 2
    assert res.stdout == ""
