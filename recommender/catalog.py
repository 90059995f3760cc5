"""The live catalogue: offerings, their vectors, the vector index and a content version, kept in step."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from embeddings import Embedder
from recommender.index import FaissIndex, VectorIndex, int_id
from recommender.memo import Memo
from schemas.offering import Offering

logger = logging.getLogger(__name__)


def content_digest(offering: Offering) -> bytes:
    """A digest of everything that defines an offering (order of keys does not matter)."""
    body = json.dumps(offering.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(body.encode("utf-8"), digest_size=8).digest()


class Sharing:
    """Makes offerings share what thousands of them repeat, so a 100k catalogue fits a worker's memory.

    A validated offering held about 4.9 KB, 2.2 KB of it pydantic's set of the fields given (the same set for
    nearly every offering). Sharing that set, the equal ``cost`` objects and lists (languages, audience,
    competences, the empty lists of requirements and prerequisites) and interning the short repeated strings
    brings it to about 1.5 KB (tracemalloc, 20k offerings of the bench catalogue), with the same values:
    offerings in the catalogue are never mutated (an update replaces the object). Each table is a
    :class:`~recommender.memo.Memo` of ``limit`` distinct values, so a catalogue that churns cannot grow them
    without bound; past the limit a table starts again (offerings already compacted keep what they share).
    """

    SHORT_TEXTS = ("provider", "provider_name", "kind", "status", "format", "format_note", "confidence",
                   "part_of", "certificate", "source")
    LISTS = ("competences", "languages", "audience", "inferred_fields", "requirements", "prerequisites", "source")

    def __init__(self, limit: int = 20_000) -> None:
        self._fields_sets: Memo[frozenset[str], set[str]] = Memo("shared_field_sets", limit)
        self._costs: Memo[str, object] = Memo("shared_costs", limit)
        self._lists: Memo[tuple[Any, ...], list[Any]] = Memo("shared_lists", limit)

    def compact(self, off: Offering) -> None:
        """Replace repeated parts of ``off`` by shared equal ones (in place)."""
        values = off.__dict__
        for name in self.SHORT_TEXTS:
            if isinstance(text := values.get(name), str):
                values[name] = sys.intern(text)
        for name in self.LISTS:
            if isinstance(items := values.get(name), list):
                key = (name, *(tuple(x) if isinstance(x, list) else x for x in items))
                values[name] = self._lists.get(key, lambda: [_interned(x) for x in items])  # noqa: B023
        values["cost"] = self._costs.get(off.cost.model_dump_json(), lambda: off.cost)
        given = off.__pydantic_fields_set__
        object.__setattr__(off, "__pydantic_fields_set__", self._fields_sets.get(frozenset(given), lambda: given))


def _interned(item: object) -> object:
    if isinstance(item, str):
        return sys.intern(item)
    if isinstance(item, list):
        return [_interned(x) for x in item]
    return item


class Vectors(Mapping[str, np.ndarray]):
    """The catalogue's vectors by offering id, read from the index (which holds the only copy)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def __getitem__(self, offering_id: str) -> np.ndarray:
        if offering_id not in self._catalog.offerings:
            raise KeyError(offering_id)
        return np.asarray(self._catalog.matrix([offering_id])[0])

    def __contains__(self, offering_id: object) -> bool:
        return offering_id in self._catalog.offerings

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalog.offerings)

    def __len__(self) -> int:
        return len(self._catalog.offerings)


class Catalog:
    """Offerings by id, their unit vectors in a :class:`VectorIndex`, and a version that follows the content.

    The version is the XOR of per-offering content digests: two workers holding the same offerings report the
    same version, whatever order they received them in, and an update costs O(1) to fold in.
    """

    def __init__(self, dim: int, index: VectorIndex | None = None) -> None:
        self.dim = dim
        self.index: VectorIndex = index if index is not None else FaissIndex(dim)
        self.offerings: dict[str, Offering] = {}
        self.vectors = Vectors(self)
        self.by_int: dict[int, str] = {}
        self._digests: dict[str, int] = {}
        self._version = 0
        self._sharing = Sharing()
        # Held while mutating, and by readers that need a consistent view across several calls.
        self.lock = threading.RLock()

    @property
    def version(self) -> str:
        """Content version, 16 hex digits (``0000000000000000`` when empty)."""
        return f"{self._version:016x}"

    def __len__(self) -> int:
        return len(self.offerings)

    def __contains__(self, offering_id: str) -> bool:
        return offering_id in self.offerings

    def get(self, offering_id: str) -> Offering | None:
        return self.offerings.get(offering_id)

    def upsert(self, offerings: Sequence[Offering], vectors: np.ndarray) -> None:
        """Add or replace offerings with their (already normalised) vectors."""
        if not offerings:
            return
        if len({o.id for o in offerings}) < len(offerings):  # the same id twice: the last one wins
            last = {o.id: i for i, o in enumerate(offerings)}
            keep = sorted(last.values())
            offerings, vectors = [offerings[i] for i in keep], np.asarray(vectors)[keep]
        if len(vectors) != len(offerings):
            raise ValueError(f"{len(offerings)} offerings but {len(vectors)} vectors")
        held = [int_id(o.id) for o in offerings if o.id in self.offerings]
        for off in offerings:
            self._forget(off.id)
        ids = np.array([int_id(o.id) for o in offerings], dtype=np.int64)
        if held:  # only replacements pay for IndexIDMap2's removal scan
            self.index.remove(np.array(held, dtype=np.int64))
        self.index.add(ids, vectors)
        for off, iid in zip(offerings, ids, strict=True):
            self._sharing.compact(off)
            self.offerings[off.id] = off
            self.by_int[int(iid)] = off.id
            digest = int.from_bytes(content_digest(off), "big")
            self._digests[off.id] = digest
            self._version ^= digest

    def remove(self, offering_ids: Iterable[str]) -> int:
        """Withdraw offerings; returns how many were present."""
        present = [oid for oid in offering_ids if oid in self.offerings]
        if present:
            self.index.remove(np.array([int_id(o) for o in present], dtype=np.int64))
        for oid in present:
            self._forget(oid)
        return len(present)

    def _forget(self, offering_id: str) -> None:
        old = self.offerings.pop(offering_id, None)
        if old is None:
            return
        self.by_int.pop(int_id(offering_id), None)
        self._version ^= self._digests.pop(offering_id)

    def matrix(self, offering_ids: Sequence[str]) -> np.ndarray:
        """The vectors of these (held) offerings, one row each, float32."""
        return self.index.reconstruct(np.array([int_id(o) for o in offering_ids], dtype=np.int64))

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, the k nearest offerings as (id, cosine similarity)."""
        scores, ids = self.index.search(queries, k)
        out = []
        for row_s, row_i in zip(scores, ids, strict=True):
            out.append([(self.by_int[int(i)], float(s)) for s, i in zip(row_s, row_i, strict=True) if i >= 0])
        return out


def build_catalog(offerings: Sequence[Offering], embedder: Embedder, index: VectorIndex | None = None) -> Catalog:
    """A catalogue of these offerings, their texts embedded with ``embedder``."""
    catalog = Catalog(embedder.dim, index)
    vectors = embedder.encode([o.embedding_text() for o in offerings])
    catalog.upsert(list(offerings), vectors)
    logger.info("catalogue built: %d offerings, version %s", len(catalog), catalog.version)
    return catalog
