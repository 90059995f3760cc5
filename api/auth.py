"""Who is calling: bearer tokens resolved to a :class:`Principal`, and role checks as dependencies.

The admin token comes from ``UPSKILL_API__ADMIN_TOKEN``. Other callers present API keys; the key store is
looked up through ``app.state.key_resolver`` (a callable ``token -> Principal | None``), which the people
module provides. Unknown or missing credentials are 401; a known caller without the role is 403; one above
their rate is 429.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

Role = Literal["learner", "provider", "counsellor", "admin"]
_bearer = HTTPBearer(auto_error=False, description="An API key, or the admin token.")


class Principal(BaseModel):
    """An authenticated caller."""

    role: Role
    name: str
    provider: str | None = None
    learner_id: str | None = None
    counsellor_id: str | None = None
    team: str | None = None
    user_id: int | None = None


def resolve_token(request: Request, token: str) -> Principal | None:
    """The principal a token stands for, or None; 429 when they are above their rate (:mod:`api.ratelimit`)."""
    settings = request.app.state.settings
    admin = settings.api.admin_token
    principal: Principal | None
    if admin is not None and hmac.compare_digest(token.encode(), admin.get_secret_value().encode()):
        principal = Principal(role="admin", name="admin")
    else:
        resolver: Callable[[str], Principal | None] | None = getattr(request.app.state, "key_resolver", None)
        principal = resolver(token) if resolver else None
    return _counted(request, principal)


def resolve_token_hash(request: Request, digest: str) -> Principal | None:
    """The principal of a token known by its SHA-256 only (a page session), or None; rate-limited alike."""
    from api.keys import hash_token, resolve_key_hash

    admin = request.app.state.settings.api.admin_token
    if admin is not None and hmac.compare_digest(digest, hash_token(admin.get_secret_value())):
        return _counted(request, Principal(role="admin", name="admin"))
    return _counted(request, resolve_key_hash(request.app.state.store, digest))


def _counted(request: Request, principal: Principal | None) -> Principal | None:
    limits = getattr(request.app.state, "rate_limits", None)
    if principal is not None and limits is not None:
        limits.check(f"user:{principal.user_id}" if principal.user_id is not None else principal.role,
                     request.method)
    return principal


def current_principal(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller, or 401."""
    if creds is None or not creds.credentials:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing bearer token", headers={"WWW-Authenticate": "Bearer"}
        )
    principal = resolve_token(request, creds.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


def require_role(*roles: Role) -> Callable[..., Principal]:
    """A dependency that admits only callers with one of these roles (403 otherwise)."""

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the role {' or '.join(roles)}")
        return principal

    return dependency
