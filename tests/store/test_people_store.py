"""Keys at rest, and the store inside its own PostgreSQL schema (Alembic's version table included)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from api.keys import InvalidUserError, create_user, hash_token, list_users, resolve_key, revoke_user_keys
from store import Store
from tests.support.postgres import pg_schema


def test_keys_are_stored_only_as_hashes_and_resolve_to_their_scope(store_url):
    store = Store(store_url)
    new = create_user(store, "counsellor", "C. One", counsellor_id="c1", team="east")
    assert new.token.startswith("upk_") and len(new.token) >= 40
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT key_hash, prefix FROM api_keys"))]
    assert rows == [(hash_token(new.token), new.token[:10])]
    who = resolve_key(store, new.token)
    assert who is not None and (who.role, who.counsellor_id, who.team, who.name) == ("counsellor", "c1", "east",
                                                                                      "C. One")
    assert resolve_key(store, new.token + "x") is None and resolve_key(store, hash_token(new.token)) is None
    assert revoke_user_keys(store, new.user.id) == 1
    assert resolve_key(store, new.token) is None
    assert list_users(store)[0].active_keys == 0


@pytest.mark.parametrize("role,scope", [("provider", {}), ("learner", {}), ("counsellor", {"team": "east"}),
                                        ("root", {}), ("admin", {"provider": None})])
def test_a_role_needs_its_scope(tmp_path, role, scope):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    if role == "admin":
        assert create_user(store, role, "A").user.role == "admin"
        return
    with pytest.raises(InvalidUserError):
        create_user(store, role, "X", **scope)
    assert list_users(store) == []


@pytest.mark.postgres
def test_store_lives_in_its_own_postgres_schema():
    with pg_schema() as url:
        schema = url.rsplit("%3D", 1)[1]
        store = Store(url)
        Store(url).dispose()  # a second process migrating the same schema finds it current
        tables = set(inspect(store.engine).get_table_names(schema=schema))
        assert {"alembic_version", "users", "api_keys", "reviews", "feedback", "assessments"} <= tables
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0008"
            assert conn.execute(text("SELECT current_schema()")).scalar() == schema
        store.dispose()
