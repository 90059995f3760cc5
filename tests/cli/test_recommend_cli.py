"""``upskill recommend --input FILE`` exactly as the contract says: JSON or JSON Lines in, JSON out, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from schemas.recommendation import RecommendationGenerated
from tests.conftest import EXAMPLES, example_event

pytestmark = pytest.mark.slow


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "upskill.cli", "recommend", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


def test_single_json_event_prints_one_recommendation(tmp_path):
    proc = run("--input", str(EXAMPLES / "assessment-completed.pix.json"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rec = RecommendationGenerated.model_validate_json(proc.stdout)
    assert rec.learner_id == "lrn-0b12de" and rec.items
    # Pix 4.2 (level 2) maps to DigComp 4.2; the bank role wants 6 there.
    gap = next(g for g in rec.gaps if g.competence == "4.2")
    assert (gap.current, gap.target) == (2, 6)


def test_jsonl_gives_one_line_per_event_in_order_and_no_gap_gives_empty(tmp_path):
    no_gap = example_event("digcomp")
    no_gap["event_id"] = "11111111-2222-4333-8444-555555555555"
    no_gap["learner"]["id"] = "lrn-expert"
    no_gap["target"] = {"levels": {"1.1": 3}}
    no_gap["results"] = [{"competence": "1.1", "level": 5}]
    lines = [example_event("pix"), no_gap, example_event("digcomp")]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in lines) + "\n")
    proc = run("--input", str(path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = [RecommendationGenerated.model_validate_json(line) for line in proc.stdout.splitlines()]
    assert [r.learner_id for r in out] == ["lrn-0b12de", "lrn-expert", "lrn-7f3a9c"]
    assert out[1].gaps == [] and out[1].items == [] and out[1].path.steps == []


def test_bad_line_exits_2_naming_line_and_field_and_prints_nothing(tmp_path):
    bad = example_event("digcomp")
    bad["results"][3]["level"] = 11
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(example_event("pix")) + "\n\n" + json.dumps(bad) + "\n")
    proc = run("--input", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and ":3:" in err[0] and "results.3.level" in err[0]


def test_not_json_and_missing_file_exit_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "event_id": \n}')
    proc = run("--input", str(path), cwd=tmp_path)
    assert proc.returncode == 2 and "broken.json:3" in proc.stderr
    missing = run("--input", str(tmp_path / "nope.json"), cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
