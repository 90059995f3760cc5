"""Applying one ``catalog.offerings`` record to a live :class:`Catalog` (pure: no faust, no broker).

The worker's catalogue follower applies what it consumes with :func:`apply_batch` (one embedding call per
batch); :func:`apply_record` is the same for a single record, raising on a malformed one. Vectors are reused
whenever the offering's text did not change (a replay after loading a snapshot embeds nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from embeddings import Embedder
from recommender.catalog import Catalog, content_digest
from schemas.errors import UpskillError, describe_validation_error
from schemas.offering import Offering

logger = logging.getLogger(__name__)

ADDED = "added"
UPDATED = "updated"
UNCHANGED = "unchanged"
REMOVED = "removed"
ABSENT = "absent"  # a tombstone for an id the catalogue does not hold


class CatalogRecordError(UpskillError, ValueError):
    """A catalogue record that cannot be applied (bad key, bad JSON, key and id disagree)."""


def decode_record(key: bytes | None, value: bytes | None) -> tuple[str, Offering | None]:
    """The offering id and the offering (``None`` for a tombstone) of a record.

    Raises:
        CatalogRecordError: saying what is wrong with the record.
    """
    if not key:
        raise CatalogRecordError("catalogue record without a key (the key must be the offering id)")
    try:
        offering_id = key.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogRecordError(f"catalogue record key is not UTF-8: {key!r}") from exc
    if value is None:
        return offering_id, None
    try:
        offering = Offering.model_validate_json(value)
    except ValidationError as exc:
        raise CatalogRecordError(f"offering {offering_id!r}: {describe_validation_error(exc)}") from exc
    if offering.id != offering_id:
        raise CatalogRecordError(f"record key {offering_id!r} differs from the offering's id {offering.id!r}")
    return offering_id, offering


@dataclass
class ApplyResult:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    invalid: int = 0
    embedded: int = 0


def apply_batch(
    catalog: Catalog, embedder: Embedder, records: Sequence[tuple[bytes | None, bytes | None]]
) -> ApplyResult:
    """Apply (key, value) records in order; a null value withdraws the offering named by the key.

    A malformed record is logged and skipped. Texts are embedded in one call per batch, and only for
    offerings whose text the catalogue has no vector for, so catching up after a snapshot embeds nothing.
    """
    latest: dict[str, Offering | None] = {}
    invalid = 0
    for key, value in records:
        try:
            oid, off = decode_record(key, value)
        except CatalogRecordError as exc:
            invalid += 1
            logger.error("catalogue record ignored: %s", exc)
            continue
        latest[oid] = off  # later records of a key win, as compaction would
    result = apply_decoded(catalog, embedder, latest)
    result.invalid = invalid
    return result


def apply_decoded(catalog: Catalog, embedder: Embedder, latest: dict[str, Offering | None]) -> ApplyResult:
    """Apply decoded offerings by id (``None`` withdraws)."""
    result = ApplyResult()
    upserts: list[Offering] = []
    removals: list[str] = []
    for oid, off in latest.items():
        if off is None:
            removals.append(oid)
            continue
        old = catalog.get(oid)
        if old is not None and content_digest(old) == content_digest(off):
            result.unchanged += 1
            continue
        result.replaced += old is not None
        result.added += old is None
        upserts.append(off)
    reuse = {o.id: catalog.vectors[o.id] for o in upserts
             if o.id in catalog.vectors and catalog.offerings[o.id].embedding_text() == o.embedding_text()}
    fresh = [o for o in upserts if o.id not in reuse]
    vecs = dict(zip((o.id for o in fresh), embedder.encode([o.embedding_text() for o in fresh]), strict=True))
    vecs.update(reuse)
    result.embedded = len(fresh)
    with catalog.lock:  # embedding above ran unlocked; recommendations wait only for the swap
        result.removed = catalog.remove(removals)
        if upserts:
            catalog.upsert(upserts, np.stack([vecs[o.id] for o in upserts]))
    return result


def apply_record(catalog: Catalog, embedder: Embedder, key: bytes, value: bytes | None) -> str:
    """Add, replace or remove one offering; returns what happened (``added``, ``updated``, ``unchanged``,
    ``removed`` or ``absent``).

    The text is embedded only when it is new for this id (an update of, say, the price reuses the vector).

    Raises:
        CatalogRecordError: the record is malformed; the catalogue is left as it was.
    """
    offering_id, offering = decode_record(key, value)
    res = apply_decoded(catalog, embedder, {offering_id: offering})
    if offering is None:
        return REMOVED if res.removed else ABSENT
    return ADDED if res.added else UPDATED if res.replaced else UNCHANGED
