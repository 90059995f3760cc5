"""Users and their API keys: a random token shown once, stored only as its SHA-256.

A token carries 256 bits from :func:`secrets.token_urlsafe`, so a fast hash is enough (nothing to brute-force,
unlike a password); lookup is by the hash's unique index and the stored hash is then compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import get_args

from pydantic import BaseModel
from sqlalchemy import select, update

from api.auth import Principal, Role
from schemas.errors import UpskillError
from store import Store
from store.models import ApiKeyRow, UserRow

TOKEN_PREFIX = "upk_"  # noqa: S105 - a public marker, not a secret
ROLES: tuple[str, ...] = get_args(Role)


class InvalidUserError(UpskillError, ValueError):
    """A user whose role lacks what it is scoped to (a provider code, a learner id, a counsellor id)."""


class UserPublic(BaseModel):
    """A user as admins see it (never the key)."""

    id: int
    name: str
    role: Role
    provider: str | None = None
    learner_id: str | None = None
    counsellor_id: str | None = None
    team: str | None = None
    created_at: datetime
    active_keys: int = 0


class NewKey(BaseModel):
    """A created user and their key: the token is shown here once and cannot be read back."""

    user: UserPublic
    token: str


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token (what the store keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_scope(role: str, provider: str | None, learner_id: str | None, counsellor_id: str | None) -> None:
    if role not in ROLES:
        raise InvalidUserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    needed = {"provider": ("provider", provider), "learner": ("learner id", learner_id),
              "counsellor": ("counsellor id", counsellor_id)}.get(role)
    if needed is not None and not needed[1]:
        raise InvalidUserError(f"a {role} user needs a {needed[0]}")


def _public(row: UserRow, active_keys: int = 0) -> UserPublic:
    return UserPublic(
        id=row.id, name=row.name, role=row.role, provider=row.provider, learner_id=row.learner_id,  # type: ignore[arg-type]
        counsellor_id=row.counsellor_id, team=row.team, created_at=row.created_at, active_keys=active_keys,
    )


def create_user(
    store: Store,
    role: str,
    name: str,
    provider: str | None = None,
    learner_id: str | None = None,
    counsellor_id: str | None = None,
    team: str | None = None,
) -> NewKey:
    """Create a user with one API key; the returned token is the only copy there will ever be.

    Raises:
        InvalidUserError: unknown role, empty name, or a role without its scope (e.g. a provider without code).
    """
    if not name.strip():
        raise InvalidUserError("a user needs a name")
    _check_scope(role, provider, learner_id, counsellor_id)
    now = datetime.now(UTC)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session() as s:
        user = UserRow(name=name.strip(), role=role, provider=provider, learner_id=learner_id,
                       counsellor_id=counsellor_id, team=team, created_at=now)
        s.add(user)
        s.flush()
        s.add(ApiKeyRow(user_id=user.id, key_hash=hash_token(token), prefix=token[:10], created_at=now))
        return NewKey(user=_public(user, 1), token=token)


def list_users(store: Store) -> list[UserPublic]:
    """Every user, oldest first, with how many keys they still hold."""
    with store.session() as s:
        users = s.scalars(select(UserRow).order_by(UserRow.id)).all()
        keys = s.execute(select(ApiKeyRow.user_id).where(ApiKeyRow.revoked_at.is_(None))).scalars().all()
        return [_public(u, keys.count(u.id)) for u in users]


def revoke_user_keys(store: Store, user_id: int) -> int:
    """Revoke every key of a user; returns how many were active."""
    with store.session() as s:
        result = s.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.user_id == user_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def resolve_key(store: Store, token: str) -> Principal | None:
    """The principal of an active key, or None (unknown, revoked, or not a key at all)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    return resolve_key_hash(store, hash_token(token))


def resolve_key_hash(store: Store, digest: str) -> Principal | None:
    """The principal of the active key with this hash (:func:`hash_token`), or None."""
    with store.session() as s:
        found = s.execute(
            select(ApiKeyRow.key_hash, UserRow)
            .join(UserRow, UserRow.id == ApiKeyRow.user_id)
            .where(ApiKeyRow.key_hash == digest, ApiKeyRow.revoked_at.is_(None))
        ).first()
    if found is None or not hmac.compare_digest(found[0], digest):
        return None
    user: UserRow = found[1]
    return Principal(
        role=user.role, name=user.name, provider=user.provider, learner_id=user.learner_id,  # type: ignore[arg-type]
        counsellor_id=user.counsellor_id, team=user.team, user_id=user.id,
    )


def key_resolver(store: Store) -> Callable[[str], Principal | None]:
    """The ``app.state.key_resolver`` of an app over this store."""
    return lambda token: resolve_key(store, token)
