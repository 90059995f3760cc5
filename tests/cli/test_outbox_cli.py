"""``upskill outbox show`` and ``retry`` as an operator runs them after the broker refused a record."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from typer.testing import CliRunner

from kafka_io.outbox_relay import parked_count
from store import Store
from store.models import OutboxRow
from upskill.cli import app


def test_show_lists_parked_records_with_the_reason_and_retry_puts_them_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"UPSKILL_DATABASE__URL": url, "UPSKILL_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:1", "COLUMNS": "200"}
    store = Store(url)
    with store.session() as s:
        for key in ("big", "ok"):
            store.enqueue(s, "assessments.completed", key, "x" * 1200 if key == "big" else "{}")
    with store.session() as s:
        s.execute(update(OutboxRow).where(OutboxRow.key == "big").values(
            parked_at=datetime.now(UTC), last_error="MessageSizeTooLargeError: too large", attempts=1))

    def invoke(*args: str):  # noqa: ANN202
        return CliRunner().invoke(app, list(args), env=env)

    shown = invoke("outbox", "show")
    assert shown.exit_code == 0, shown.stderr
    assert "1 parked record" in shown.stdout and "MessageSizeTooLargeError" in shown.stdout
    assert "1200" in shown.stdout and "ok" not in shown.stdout.split("reason", 1)[1]
    assert invoke("outbox", "retry").exit_code != 0  # neither ids nor --all: nothing is retried by accident
    assert parked_count(store) == 1
    retried = invoke("outbox", "retry", "--all")
    assert retried.exit_code == 0 and "1 parked record back in line" in retried.stdout
    assert parked_count(store) == 0
    store.dispose()
