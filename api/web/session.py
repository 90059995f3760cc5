"""The counsellor page's session: a signed, HttpOnly, SameSite=Strict cookie holding the API key and a CSRF token.

The cookie is signed (itsdangerous, key ``api.session_secret``) so it cannot be forged or altered; it is not
encrypted, which is why it is HttpOnly, Strict and Secure on HTTPS, and lives only under the page's path.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "upskill_session"
LANG_COOKIE = "upskill_lang"
PATH = "/counsellor"
MAX_AGE_S = 8 * 3600
_SALT = "upskill.counsellor.session"


@dataclass
class Session:
    """What the browser carries between requests."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    key: str | None = None

    def csrf_ok(self, presented: str | None) -> bool:
        """Whether a form's token is this session's (constant-time)."""
        return bool(presented) and hmac.compare_digest(self.csrf.encode(), (presented or "").encode())


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.api.session_secret.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=_SALT)


def load_session(request: Request) -> Session | None:
    """The request's session, or None when it has none (or a forged, altered or expired one)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request).loads(raw, max_age=MAX_AGE_S)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    key = data.get("key")
    return Session(csrf=data["csrf"], key=key if isinstance(key, str) else None)


def save_session(request: Request, response: Response, session: Session) -> None:
    """Set the session cookie on a response."""
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps({"csrf": session.csrf, "key": session.key}),
        max_age=MAX_AGE_S,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session(response: Response) -> None:
    """Forget the session (sign out)."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict")
