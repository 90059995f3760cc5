"""``upskill demo`` (what ``make demo`` runs): samples in, recommendations back through the broker, all stopped."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from rich.console import Console

from schemas.recommendation import ModelInfo, Path, PathStep, RecommendationGenerated, SupportItem
from upskill.cli.demo import _show


@pytest.mark.kafka
@pytest.mark.slow
def test_demo_prints_the_recommendations_that_came_through_the_broker_and_stops_everything(tmp_path):
    workdir = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "upskill.cli", "demo", "--workdir", str(workdir), "--timeout", "240"],
        capture_output=True, text=True, timeout=400, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "5 recommendations read back from topic recommendations.generated" in out
    assert out.count("contract example: learner") == 2 and out.count("Pix Orga import: learner") == 3
    assert "learner lrn-7f3a9c" in out and "path:" in out and "why #1:" in out
    # Everything it started has stopped: its broker's port is free again.
    port = next(line.split("broker on 127.0.0.1:")[1].split(",")[0] for line in out.splitlines() if "broker on" in line)
    probe = subprocess.run([sys.executable, "-c", f"import socket; socket.create_connection(('127.0.0.1', {port}), 1)"],
                           capture_output=True)
    assert probe.returncode != 0


def _printed(rec: RecommendationGenerated) -> list[str]:
    out = StringIO()
    _show(Console(file=out, width=200, color_system=None), rec, "contract example")
    return out.getvalue().splitlines()


def _recommendation(support: list[SupportItem]) -> RecommendationGenerated:
    return RecommendationGenerated(
        recommendation_id=uuid.uuid4(), event_id=uuid.uuid4(), learner_id="lrn-1", assessment_id="asm-1",
        generated_at=datetime(2026, 1, 5, tzinfo=UTC), model=ModelInfo(embedding_model="m", ranker="r"),
        catalog_version="2026-12-02", path=Path(steps=[PathStep(offering_id="c-1", order=1, title="Course")]),
        support=support,
    )


def test_the_support_beside_the_path_is_printed_under_it_one_line_each():
    support = [
        SupportItem(offering_id="desk-1", title="Digital help desk", provider="Ville de Luxembourg", kind="advice",
                    reason="help nearby", addresses=["1.1"]),
        SupportItem(offering_id="guide-1", title="Safe online [2026]", provider="BEE SECURE", kind="guide",
                    reason="read this first"),
    ]
    lines = _printed(_recommendation(support))
    at = next(i for i, line in enumerate(lines) if line.startswith("  path: c-1"))
    assert lines[at + 1:at + 4] == [
        "  Support beside the path:",
        "    Digital help desk — Ville de Luxembourg (advice): help nearby",
        "    Safe online [2026] — BEE SECURE (guide): read this first",
    ]


def test_no_support_section_without_support():
    assert not any("Support beside the path" in line for line in _printed(_recommendation([])))
