"""``upskill import pix-profiles --publish`` against a real (embedded tansu) broker."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from config.settings import Settings
from schemas.assessment import AssessmentCompleted
from tests.support.pix_exports import IDENTITIES, PIX_EXAMPLE
from tests.support.worker_proc import read_topic
from upskill.cli import app

pytestmark = pytest.mark.kafka
_ARGS = ["import", "pix-profiles", str(PIX_EXAMPLE)]


def _env(settings: Settings) -> dict[str, str]:
    env = {
        "UPSKILL_PSEUDONYM_KEY": "kafka-test-key-0123456789",
        "UPSKILL_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
        "UPSKILL_KAFKA__PARTITIONS": str(settings.kafka.partitions),
    }
    for name, topic in settings.kafka.topics.model_dump().items():
        env[f"UPSKILL_KAFKA__TOPICS__{name.upper()}"] = topic
    return env


def test_publish_sends_one_event_per_shared_row_keyed_by_learner(kafka_settings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "events.jsonl"
    args = ["import", "pix-profiles", str(PIX_EXAMPLE), "--publish", "--output", str(out)]
    res = CliRunner().invoke(app, args, env=_env(kafka_settings))
    assert res.exit_code == 0, res.stderr
    topic = kafka_settings.kafka.topics.assessments
    assert f"published 3 events to {topic}" in res.stderr
    msgs = read_topic(kafka_settings, topic, 3)
    events = [AssessmentCompleted.model_validate_json(m.value) for m in msgs]
    assert sorted(m.key.decode() for m in msgs) == sorted(e.learner.id for e in events)
    written = [AssessmentCompleted.model_validate_json(line) for line in out.read_text().splitlines()]
    assert sorted(e.event_id for e in events) == sorted(e.event_id for e in written)
    raw = b"\n".join(m.value for m in msgs).decode().casefold()
    assert not [name for name in IDENTITIES if name.casefold() in raw]


def test_publish_to_an_absent_broker_exits_3_with_the_address(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = _env(Settings(kafka={"bootstrap_servers": "127.0.0.1:1"}))
    res = CliRunner().invoke(app, [*_ARGS, "--publish", "--timeout", "2"], env=env)
    assert res.exit_code == 3
    assert "127.0.0.1:1" in res.stderr
