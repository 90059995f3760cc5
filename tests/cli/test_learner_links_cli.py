"""``upskill learners link`` and ``revoke-links``: the URL printed opens the learner's page until revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from api.links import ExpiredLink, RevokedLink, open_link
from store import Store
from upskill.cli import app

SECRET = "cli-link-secret"


@pytest.fixture()
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"UPSKILL_DATABASE__URL": url, "UPSKILL_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:1",
           "UPSKILL_API__SESSION_SECRET": SECRET, "UPSKILL_API__PUBLIC_URL": "https://upskill.example.lu"}
    return (lambda *args, **extra: CliRunner().invoke(app, list(args), env=env | extra)), url


def test_link_prints_a_url_that_opens_the_learner_until_revoked(cli):
    invoke, url = cli
    res = invoke("learners", "link", "lrn-7", "--days", "3")
    assert res.exit_code == 0, res.stderr
    printed = res.stdout.strip()
    assert printed.startswith("https://upskill.example.lu/l/") and "lrn-7" not in printed
    assert "valid until" in res.stderr
    store = Store(url)
    token = printed.rsplit("/", 1)[1]
    opened = open_link(store, SECRET, token)
    assert opened.learner_id == "lrn-7"
    assert timedelta(days=3) - timedelta(minutes=1) < opened.expires_at - datetime.now(UTC) <= timedelta(days=3)
    revoked = invoke("learners", "revoke-links", "lrn-7")
    assert revoked.exit_code == 0 and "revoked 1 link(s)" in revoked.stderr
    with pytest.raises(RevokedLink):
        open_link(store, SECRET, token)
    store.dispose()


def test_link_needs_the_apis_secret(cli):
    invoke, _ = cli
    res = invoke("learners", "link", "lrn-7", UPSKILL_API__SESSION_SECRET=None)
    assert res.exit_code == 2 and "UPSKILL_API__SESSION_SECRET" in res.stderr and res.stdout == ""


def test_link_refuses_a_bad_learner_id_or_lifetime(cli):
    invoke, _ = cli
    assert invoke("learners", "link", "x" * 200).exit_code == 2
    assert invoke("learners", "link", "lrn-7", "--days", "0").exit_code == 2


def test_expired_is_not_revoked(cli):
    """An expired link says so (the page tells the learner to ask for a new one)."""
    invoke, url = cli
    token = invoke("learners", "link", "lrn-8", "--days", "1").stdout.strip().rsplit("/", 1)[1]
    later = datetime.now(UTC) + timedelta(days=2)
    store = Store(url)
    with pytest.raises(ExpiredLink):
        open_link(store, SECRET, token, now=later)
    store.dispose()
