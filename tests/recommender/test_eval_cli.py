"""``upskill eval``: which cases it reads by default, and a clear error for a file that is not judged cases."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from upskill.cli import app
from upskill.cli.eval import OWN_CASES, SHARED_CASES, default_cases


def test_default_cases_are_the_shared_dev_cases_else_our_own() -> None:
    assert default_cases() == (SHARED_CASES if SHARED_CASES.exists() else OWN_CASES)
    assert OWN_CASES.exists()


def test_a_file_that_is_not_judged_cases_exits_2_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "cases.jsonl"
    bad.write_text('{"case": "x", "event": {"event_type": "assessment.completed"}}\n')
    result = CliRunner().invoke(app, ["eval", "--cases", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:1: event:" in result.output
