"""Learner links: a signed, expiring, revocable URL that opens one learner's page (service layer, no web framework).

The URL ``{api.public_url}/l/{token}`` carries only a random link id, signed with ``api.session_secret``
(itsdangerous, a salt of its own): nothing in it says who the learner is, and it cannot be forged or altered.
The link itself lives in the store (``learner_links``): which pseudonymous learner it opens, who issued it, when
it expires and whether it was revoked. Expiry and revocation are checked on the server each time a link is opened
and on every request of the session it opened; revoking a learner's links also ends those sessions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from schemas.errors import UpskillError
from store import Store
from store.db import aware
from store.models import LearnerLinkRow, WebSessionRow

LINK_PATH = "/l"
_SALT = "upskill.learner.link"
LEARNER_ID_MAX = 128


class LinkError(UpskillError):
    """A link that opens nothing; ``reason`` names why for the page (``forged``, ``revoked``, ``expired``)."""

    reason = "forged"
    status_code = 401


class ForgedLink(LinkError):
    """Not a link we signed, altered, or one the store no longer knows (the two are not told apart)."""


class RevokedLink(LinkError):
    """A link an admin or counsellor withdrew."""

    reason = "revoked"
    status_code = 403


class ExpiredLink(LinkError):
    """A link past its expiry."""

    reason = "expired"
    status_code = 410


@dataclass(frozen=True)
class IssuedLink:
    """A new link: the token goes into the URL; ``link_id`` is what the store knows it by."""

    link_id: str
    learner_id: str
    token: str
    expires_at: datetime

    def url(self, public_url: str) -> str:
        """The link as the learner receives it."""
        return link_url(public_url, self.token)


@dataclass(frozen=True)
class OpenLink:
    """A link that is valid now."""

    link_id: str
    learner_id: str
    expires_at: datetime


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def link_url(public_url: str, token: str) -> str:
    """``{public_url}/l/{token}``."""
    return f"{public_url.rstrip('/')}{LINK_PATH}/{token}"


def issue_link(
    store: Store, secret: str, learner_id: str, issued_by: str, days: int, now: datetime | None = None
) -> IssuedLink:
    """A new link to ``learner_id``'s page, valid ``days`` days.

    Raises:
        ValueError: an empty or overlong learner id, or ``days`` below 1.
    """
    learner_id = learner_id.strip()
    if not learner_id or len(learner_id) > LEARNER_ID_MAX:
        raise ValueError(f"a learner id has 1 to {LEARNER_ID_MAX} characters")
    if days < 1:
        raise ValueError("a link is valid for at least one day")
    now = now or datetime.now(UTC)
    link_id = secrets.token_hex(16)
    expires = now + timedelta(days=days)
    with store.session() as s:
        s.add(LearnerLinkRow(id=link_id, learner_id=learner_id, issued_by=issued_by[:128], issued_at=now,
                             expires_at=expires))
    return IssuedLink(link_id, learner_id, _signer(secret).dumps(link_id), expires)


def check(row: LearnerLinkRow | None, now: datetime) -> OpenLink:
    """The link if it is valid at ``now``.

    Raises:
        ForgedLink: no such link. RevokedLink: revoked. ExpiredLink: expired.
    """
    if row is None:
        raise ForgedLink("no such link")
    if row.revoked_at is not None:
        raise RevokedLink("this link was revoked")
    if aware(row.expires_at) <= now:
        raise ExpiredLink("this link has expired")
    return OpenLink(row.id, row.learner_id, aware(row.expires_at))


def live_link(s: Session, link_id: str, now: datetime) -> OpenLink | None:
    """The link with this id when it is valid at ``now``, else None (inside a store session)."""
    try:
        return check(s.get(LearnerLinkRow, link_id), now)
    except LinkError:
        return None


def open_link(store: Store, secret: str, token: str, now: datetime | None = None) -> OpenLink:
    """The link a token stands for, if it is ours and valid now.

    Raises:
        ForgedLink, RevokedLink, ExpiredLink: see :func:`check`.
    """
    try:
        link_id = _signer(secret).loads(token)
    except BadData:
        raise ForgedLink("not a link this service signed") from None
    if not isinstance(link_id, str):
        raise ForgedLink("not a link this service signed")
    with store.session() as s:
        return check(s.get(LearnerLinkRow, link_id), now or datetime.now(UTC))


def revoke_links(store: Store, learner_id: str, revoked_by: str, now: datetime | None = None) -> int:
    """Revoke every valid link of a learner and end the sessions they opened; the number of links revoked."""
    now = now or datetime.now(UTC)
    with store.session() as s:
        ids = list(s.scalars(select(LearnerLinkRow.id).where(
            LearnerLinkRow.learner_id == learner_id, LearnerLinkRow.revoked_at.is_(None))))
        if ids:
            s.execute(update(LearnerLinkRow).where(LearnerLinkRow.id.in_(ids))
                      .values(revoked_at=now, revoked_by=revoked_by[:128]))
        s.execute(delete(WebSessionRow).where(WebSessionRow.link_id.in_(
            select(LearnerLinkRow.id).where(LearnerLinkRow.learner_id == learner_id))))
    return len(ids)

