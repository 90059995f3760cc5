"""``upskill eval``: the cases it reads by default, a clear error for a file that is not judged cases, and the
cross-validation and fitting runs on a few cases."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from recommender import fitting, weights
from upskill.cli import app
from upskill.cli.eval import DEV_CASES, OWN_CASES, default_cases


def test_default_cases_are_the_shipped_dev_cases_and_our_own() -> None:
    assert default_cases() == [DEV_CASES, OWN_CASES]
    assert all(p.exists() for p in default_cases())


def test_a_file_that_is_not_judged_cases_exits_2_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "cases.jsonl"
    bad.write_text('{"case": "x", "event": {"event_type": "assessment.completed"}}\n')
    result = CliRunner().invoke(app, ["eval", "--cases", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:1: event:" in result.output


def _few(tmp_path: Path, n: int = 6) -> Path:
    few = tmp_path / "few.jsonl"
    few.write_text("".join(DEV_CASES.read_text().splitlines(keepends=True)[:n]))
    return few


def test_cross_validation_reports_held_out_figures_per_fold(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--cases", str(_few(tmp_path)), "--cv", "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    cv = report["cv"]
    assert cv["k"] == 2 and len(cv["per_fold"]) == 2
    assert 0.0 <= cv["ndcg@5"] <= 1.0
    low, high = cv["ndcg@5_ci95"]  # how far the figure may move with other cases
    assert low <= cv["ndcg@5"] <= high
    upskill = report["files"][0]["methods"][0]
    assert upskill["method"] == "upskill"
    assert upskill["ndcg@5_ci95"][0] <= upskill["ndcg@5"] <= upskill["ndcg@5_ci95"][1]
    assert 0.0 <= report["service_share_top5"] <= 1.0
    # beside it, the hand-set prior on the same cases, nothing fitted, and which of the two does better
    assert 0.0 <= report["hand_set"]["ndcg@5"] <= 1.0 and isinstance(report["fitting_beats_hand_set"], bool)
    assert weights.values() == weights.values() | json.loads(weights.TABLE.read_text())["parts"]  # left as it was


def test_fit_writes_the_weights_table_with_how_it_was_fitted(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    table = tmp_path / "weights.json"
    shipped = json.loads(weights.TABLE.read_text())
    table.write_text(weights.TABLE.read_text())
    monkeypatch.setattr(weights, "TABLE", table)
    before = weights.values()
    try:
        result = CliRunner().invoke(app, ["eval", "--cases", str(_few(tmp_path, 3)), "--fit"])
        assert result.exit_code == 0, result.output
        written = json.loads(table.read_text())
        assert written["fitted"]["cases"] == 3
        assert set(written["parts"]) == set(weights.PARTS_W) and set(written["signals"]) == set(weights.W)
        assert written["prior"] == shipped["prior"]  # a fit never moves the prior
        if written["fitted"]["table"] == "the hand-set prior":  # fitting did not beat it out of sample
            assert written["parts"] == written["prior"]["parts"]
    finally:
        weights.use(before)


def test_the_table_prints_each_figure_with_its_confidence_interval(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--cases", str(_few(tmp_path))])
    assert result.exit_code == 0, result.output
    head, row = (line for line in result.output.splitlines() if line.startswith(("method", "upskill ")))
    assert "95% CI" in head
    ndcg, span = row.split()[1:3]
    low, high = (float(x) for x in span.split("-"))
    assert low <= float(ndcg) <= high


def test_against_a_saved_report_says_which_cases_a_change_moved(tmp_path: Path) -> None:
    few = _few(tmp_path, 10)
    saved = tmp_path / "before.json"
    result = CliRunner().invoke(app, ["eval", "--cases", str(few), "--json"])
    assert result.exit_code == 0, result.output
    saved.write_text(result.output)

    def against() -> str:
        result = CliRunner().invoke(app, ["eval", "--cases", str(few), "--against", str(saved)])
        assert result.exit_code == 0, result.output
        return next(line for line in result.output.splitlines() if line.startswith(f"{few.name} against"))

    assert "+0.000" in against() and "0 cases up, 0 down" in against()
    with fitting.weights_kept():  # a change: the ranking without its focus part
        weights.use({"focus": 0.0})
        changed = against()
    before = json.loads(saved.read_text()[saved.read_text().index("{"):])["files"][0]["methods"][0]["ndcg@5"]
    assert f"{before:.3f} -> " in changed and "+0.000" not in changed
    assert "0 cases up, 0 down" not in changed and "95% CI" in changed


def test_against_a_file_that_is_no_report_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "before.json"
    bad.write_text('{"files": 3}')
    result = CliRunner().invoke(app, ["eval", "--cases", str(_few(tmp_path)), "--against", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: not a report of `upskill eval --json`" in result.output


def test_cv_needs_two_folds() -> None:
    result = CliRunner().invoke(app, ["eval", "--cv", "1"])
    assert result.exit_code == 2 and "K >= 2" in result.output
