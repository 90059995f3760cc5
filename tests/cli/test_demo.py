"""``upskill demo`` (what ``make demo`` runs): samples in, recommendations back through the broker, all stopped."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


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
