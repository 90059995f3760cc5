"""Keyed pseudonyms for imported learners: the same person, the same id, with no name in it.

``learner.id`` is an HMAC-SHA256 (key = the setting ``UPSKILL_PSEUDONYM_KEY``) over the normalised
organisation and the participant's external id, or their names when the campaign has no external id. Without
the key nobody can go back from an id to a person, nor recompute one for a guessed name.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import unicodedata
import uuid
from datetime import datetime

from pydantic import SecretStr

from schemas.errors import UpskillError

logger = logging.getLogger(__name__)

#: Public, fixed key used only by ``upskill demo`` and ``--demo-key``. NOT FOR REAL DATA: anybody can
#: recompute the pseudonyms it gives.
DEMO_PSEUDONYM_KEY = "upskill-demo-key--NOT-FOR-REAL-DATA"

_EVENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://upskill.invalid/imports/pix-profiles")
_SEP = "\x1f"  # unit separator: cannot appear in a normalised cell, so ("ab", "c") and ("a", "bc") differ

MISSING_KEY_HELP = (
    "no pseudonym key is set: imported learners need one so that no name enters upskill. Set a long random "
    "secret in the environment, e.g. `export UPSKILL_PSEUDONYM_KEY=$(python -c 'import secrets; "
    "print(secrets.token_hex(32))')`, keep it (the same key gives the same learner ids in every import), "
    "or pass --demo-key for fictional data only."
)


class MissingPseudonymKeyError(UpskillError):
    """An import was asked for real data but ``UPSKILL_PSEUDONYM_KEY`` is not set."""


def normalise(text: str) -> str:
    """Case, accents-composition and whitespace-insensitive form of an identity cell."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())


def resolve_key(configured: SecretStr | None, demo: bool = False) -> bytes:
    """The HMAC key to use: the configured one, or the public demo key when ``demo`` is asked for.

    Raises:
        MissingPseudonymKeyError: no key configured and not a demo run.
    """
    if demo:
        logger.warning("using the public demo pseudonym key: imported ids are NOT protected (demo data only)")
        return DEMO_PSEUDONYM_KEY.encode()
    if configured is None or not configured.get_secret_value().strip():
        raise MissingPseudonymKeyError(MISSING_KEY_HELP)
    return configured.get_secret_value().encode()


class Pseudonymiser:
    """Turns identity cells into stable, keyed, name-free ids."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise MissingPseudonymKeyError(MISSING_KEY_HELP)
        self._key = key

    def _digest(self, *parts: str) -> str:
        message = _SEP.join(normalise(p) for p in parts).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def learner_id(self, organisation: str, external_id: str | None, names: tuple[str, ...] = ()) -> str:
        """``lrn-`` + 20 hex chars of HMAC(organisation, external id), or of the names if no external id."""
        if external_id and normalise(external_id):
            return "lrn-" + self._digest("ext", organisation, external_id)[:20]
        return "lrn-" + self._digest("names", organisation, *names)[:20]

    def assessment_id(self, campaign: str, learner_id: str) -> str:
        """The campaign participation's id, from the campaign and the (already pseudonymous) learner."""
        return "pix-cp-" + self._digest("participation", campaign, learner_id)[:16]


def event_id(campaign: str, learner_id: str, shared_at: datetime) -> uuid.UUID:
    """Deterministic event id: importing the same file again yields the same ids (idempotent downstream)."""
    return uuid.uuid5(_EVENT_NAMESPACE, _SEP.join((campaign, learner_id, shared_at.isoformat())))
