"""The web pages' sessions: an opaque id in a signed, HttpOnly, SameSite=Strict cookie; the session itself
on the server. A counsellor's session is opened with an API key under ``/counsellor``, a learner's with a learner
link (:mod:`api.links`) under ``/l``; each cookie is scoped to its page's path.

The cookie holds a session id and the CSRF token of the form being filled, signed (itsdangerous, key
``api.session_secret``, which every API replica must share) so it cannot be forged or altered. A signed-in
session lives in the store (``web_sessions``): the SHA-256 of the id, the hash of the key it signed in with, its
CSRF token and its expiry. Nothing in the cookie is a credential by itself; signing out deletes the session,
revoking the key ends it. A learner's session holds the link's id instead of a key hash and lasts while
the link is valid (revoking the link ends it). The cookie is ``Secure`` when the request came over HTTPS, also
through a trusted proxy (``api.forwarded_allow_ips``).
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

from api.links import live_link
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
    link_id: str | None = None  # a learner's session: the link that opened it
    learner_id: str | None = None  # ... and the learner it opens (server side only)

    def csrf_ok(self, presented: str | None) -> bool:
        """Whether a form's token is this session's (constant-time)."""
        return bool(presented) and hmac.compare_digest(self.csrf.encode(), (presented or "").encode())


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.api.session_secret.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=_SALT)


def load_session(request: Request) -> Session | None:
    """The request's session, or None when it has none (or a forged, altered, expired or ended one, or one whose
    learner link was revoked or has expired)."""
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
        now = datetime.now(UTC)
        if row is None or aware(row.expires_at) <= now:
            return None  # signed out, expired or never there
        if row.link_id is None:
            return Session(csrf=row.csrf, sid=sid, key_hash=row.key_hash)
        link = live_link(s, row.link_id, now)
        if link is None:
            return None  # the link was revoked or has expired since
        return Session(csrf=row.csrf, sid=sid, link_id=link.link_id, learner_id=link.learner_id)


def sign_in(request: Request, key_hash: str) -> Session:
    """A new signed-in session (a fresh id and CSRF token), kept in the store; expired ones are dropped."""
    return _start(request, Session(sid=secrets.token_urlsafe(32), key_hash=key_hash))


def open_learner_session(request: Request, link_id: str, learner_id: str, link_expires: datetime) -> Session:
    """A new session for the learner a valid link opens; it ends with the link at the latest."""
    return _start(request, Session(sid=secrets.token_urlsafe(32), link_id=link_id, learner_id=learner_id),
                  link_expires)


def _start(request: Request, session: Session, until: datetime | None = None) -> Session:
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=MAX_AGE_S)
    with request.app.state.store.session() as s:
        s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
        s.add(WebSessionRow(id_hash=_hash(session.sid or ""), key_hash=session.key_hash, link_id=session.link_id,
                            csrf=session.csrf, expires_at=min(expires, until) if until else expires))
    return session


def sign_out(request: Request, session: Session) -> None:
    """End a signed-in session on the server."""
    if session.sid:
        with request.app.state.store.session() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == _hash(session.sid)))


def save_session(request: Request, response: Response, session: Session, path: str = PATH) -> None:
    """Set the session cookie on a response: the id and the CSRF token, signed; never the key."""
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps({"csrf": session.csrf, "sid": session.sid}),
        max_age=MAX_AGE_S,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session(response: Response, path: str = PATH) -> None:
    """Forget the session in the browser (sign out)."""
    response.delete_cookie(COOKIE, path=path, httponly=True, samesite="strict")
