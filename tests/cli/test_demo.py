"""``upskill demo`` (what ``make demo`` runs): samples in, recommendations back through the broker; with
``--serve``, SIGTERM stops everything it started, as Ctrl-C does."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path as Path_

import httpx
import pytest
from rich.console import Console

from schemas.recommendation import ModelInfo, Path, PathStep, RecommendationGenerated, SupportItem
from upskill.cli.demo import _show
from upskill.processes import child_pids


@pytest.mark.kafka
@pytest.mark.slow
def test_demo_serve_prints_the_recommendations_and_sigterm_stops_everything_it_started(tmp_path):
    workdir = tmp_path / "demo"
    log = tmp_path / "demo.out"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "upskill.cli", "demo", "--serve", "--workdir", str(workdir), "--timeout", "240"],
            stdout=sink, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200"},
        )
        try:
            deadline = time.monotonic() + 400
            while "serving until Ctrl-C" not in log.read_text() and proc.poll() is None:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(1)
            out = log.read_text()
            assert proc.poll() is None, out[-3000:]
            children = _descendants(proc.pid)
            assert len(children) >= 3  # broker, worker, API
            link = re.search(r"learner page of \S+ \(open it in a browser\): (http://127\.0\.0\.1:\d+/l/\S+)", out)
            assert link, out[-3000:]
            opened = httpx.get(link.group(1), follow_redirects=True, timeout=10)  # the learner's page, no key
            assert opened.status_code == 200 and "My learning path" in opened.text
            proc.send_signal(signal.SIGTERM)  # as systemd or docker stop would, not Ctrl-C
            assert proc.wait(60) == 0, log.read_text()[-3000:]
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "5 recommendations read back from topic recommendations.generated" in out
    assert out.count("contract example: learner") == 2 and out.count("Pix Orga import: learner") == 3
    assert "learner lrn-7f3a9c" in out and "path:" in out and "why #1:" in out
    assert "stopping worker, API and broker" in log.read_text()
    # Everything it started has stopped: no child left, its broker's and API's ports are free again.
    assert [pid for pid in children if _alive(pid)] == []
    for marker in ("broker on 127.0.0.1:", "API on http://127.0.0.1:"):
        port = int(next(line.split(marker)[1].split(",")[0].split("/")[0] for line in out.splitlines()
                        if marker in line))
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), 1).close()


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in child_pids(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path_(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


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
