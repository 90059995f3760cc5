"""The counsellor page's session: an opaque id in a signed, HttpOnly, SameSite=Strict cookie; the session itself
on the server.

The cookie holds a session id and the CSRF token of the form being filled, signed (itsdangerous, key
``api.session_secret``, which every API replica must share) so it cannot be forged or altered. A signed-in
session lives in the store (``web_sessions``): the SHA-256 of the id, the hash of the key it signed in with, its
CSRF token and its expiry. Nothing in the cookie is a credential by itself; signing out deletes the session,
revoking the key ends it. The cookie is ``Secure`` when the request came over HTTPS, also through a trusted
proxy (``api.forwarded_allow_ips``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete

from store.db import aware
from store.models import WebSessionRow

COOKIE = "upskill_session"
LANG_COOKIE = "upskill_lang"
PATH = "/counsellor"
MAX_AGE_S = 8 * 3600
_SALT = "upskill.counsellor.session"


@dataclass
class Session:
    """What the browser carries between requests, and for a signed-in one, what the server keeps."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sid: str | None = None  # the opaque id of a signed-in session
    key_hash: str | None = None  # the hash of the key it signed in with (server side only)

    def csrf_ok(self, presented: str | None) -> bool:
        """Whether a form's token is this session's (constant-time)."""
        return bool(presented) and hmac.compare_digest(self.csrf.encode(), (presented or "").encode())


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.api.session_secret.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=_SALT)


def load_session(request: Request) -> Session | None:
    """The request's session, or None when it has none (or a forged, altered, expired or ended one)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request).loads(raw, max_age=MAX_AGE_S)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    sid = data.get("sid")
    if not isinstance(sid, str):
        return Session(csrf=data["csrf"])
    with request.app.state.store.session() as s:
        row = s.get(WebSessionRow, _hash(sid))
        if row is None or aware(row.expires_at) <= datetime.now(UTC):
            return None  # signed out, expired or never there
        return Session(csrf=row.csrf, sid=sid, key_hash=row.key_hash)


def sign_in(request: Request, key_hash: str) -> Session:
    """A new signed-in session (a fresh id and CSRF token), kept in the store; expired ones are dropped."""
    session = Session(sid=secrets.token_urlsafe(32), key_hash=key_hash)
    now = datetime.now(UTC)
    with request.app.state.store.session() as s:
        s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
        s.add(WebSessionRow(id_hash=_hash(session.sid or ""), key_hash=key_hash, csrf=session.csrf,
                            expires_at=now + timedelta(seconds=MAX_AGE_S)))
    return session


def sign_out(request: Request, session: Session) -> None:
    """End a signed-in session on the server."""
    if session.sid:
        with request.app.state.store.session() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == _hash(session.sid)))


def save_session(request: Request, response: Response, session: Session) -> None:
    """Set the session cookie on a response: the id and the CSRF token, signed; never the key."""
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps({"csrf": session.csrf, "sid": session.sid}),
        max_age=MAX_AGE_S,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session(response: Response) -> None:
    """Forget the session in the browser (sign out)."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict")
