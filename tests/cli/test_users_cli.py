"""``upskill users`` and ``upskill learners`` as an operator runs them: a key printed once, GDPR requests."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.keys import hash_token, resolve_key
from store import Store
from tests.support.people_data import pair
from upskill.cli import app


@pytest.fixture()
def cli(tmp_path, monkeypatch):
    """Runs the CLI in a clean directory over its own store; returns (invoke, store url)."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"UPSKILL_DATABASE__URL": url, "UPSKILL_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:1"}
    return (lambda *args: CliRunner().invoke(app, list(args), env=env)), url


def test_create_prints_the_key_once_and_it_works(cli):
    invoke, url = cli
    res = invoke("users", "create", "--role", "counsellor", "--name", "C. Weber", "--counsellor", "c1",
                 "--team", "east")
    assert res.exit_code == 0, res.stderr
    token = res.stdout.strip()
    assert token.startswith("upk_") and "shown once" in res.stderr
    store = Store(url)
    who = resolve_key(store, token)
    assert who is not None and (who.role, who.counsellor_id, who.team) == ("counsellor", "c1", "east")
    listed = invoke("users", "list", "--json")
    assert token not in listed.stdout and hash_token(token) not in listed.stdout
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["name"], r["active_keys"]) for r in rows] == [("C. Weber", 1)]
    assert "C. Weber" in invoke("users", "list").stdout
    assert invoke("users", "revoke", str(rows[0]["id"])).exit_code == 0
    assert resolve_key(store, token) is None


def test_a_role_without_its_scope_is_refused(cli):
    invoke, url = cli
    res = invoke("users", "create", "--role", "provider", "--name", "P")
    assert res.exit_code == 2 and "provider" in res.stderr and res.stdout == ""
    assert invoke("users", "create", "--role", "learner", "--name", "L", "--learner", "lrn-1").exit_code == 0


def test_export_then_erase_a_learner(cli):
    invoke, url = cli
    store = Store(url)
    store.save([pair("ana", "c1", True), pair("bob", "c1", True)])
    exported = invoke("learners", "export", "ana")
    assert exported.exit_code == 0
    assert [r["recommendation"]["learner_id"] for r in json.loads(exported.stdout)["recommendations"]] == ["ana"]
    erased = invoke("learners", "erase", "ana", "--no-publish")
    assert erased.exit_code == 0 and json.loads(erased.stdout)["deleted"]["assessments"] == 1
    assert invoke("learners", "export", "ana").exit_code == 1
    assert store.latest_for_learner("ana") is None and store.latest_for_learner("bob") is not None
