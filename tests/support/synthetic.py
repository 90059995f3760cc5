"""Small synthetic catalogues for unit tests of the recommender (a fake embedder: no model needed)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from recommender import Recommender
from recommender.catalog import Catalog
from recommender.index import NumpyIndex
from schemas.assessment import AssessmentCompleted
from schemas.offering import Offering

DIM = 16


class HashEmbedder:
    """Deterministic unit vectors from a hash of the text (stands in for the model in unit tests)."""

    name = "hash-test"
    dim = DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=4).digest(), "big")
            v = np.random.default_rng(seed).standard_normal(DIM)
            out[i] = v / np.linalg.norm(v)
        return out


def offering(oid: str, **kw: Any) -> Offering:
    """An active, free, online, English offering on 4.2 at levels 1-3 unless told otherwise."""
    base: dict[str, Any] = {
        "id": oid, "provider": "test", "provider_name": "Test", "title": oid.replace("-", " "),
        "competences": ["4.2"], "level_min": 1, "level_max": 3, "format": "online", "languages": ["en"],
        "cost": {"free": True}, "duration_hours": 4,
    }
    base.update(kw)
    return Offering.model_validate(base)


def small_recommender(offerings: list[Offering], **kw: Any) -> Recommender:
    """A recommender over these offerings with the fake embedder and the brute-force index."""
    emb = HashEmbedder()
    catalog = Catalog(DIM, NumpyIndex(DIM))
    catalog.upsert(offerings, emb.encode([o.embedding_text() for o in offerings]))
    return Recommender(catalog, emb, **kw)


def event(results: dict[str, int], learner: dict[str, Any] | None = None, **kw: Any) -> AssessmentCompleted:
    """An assessment event with these DigComp results (or Pix-16 with framework="pix-16")."""
    framework = kw.pop("framework", "digcomp-2.2")
    return AssessmentCompleted.model_validate(
        {
            "event_id": "6a0f1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "event_type": "assessment.completed",
            "schema_version": 1, "occurred_at": "2026-11-21T09:30:00Z", "source": "test",
            "learner": {"id": "lrn-test", **(learner or {})},
            "assessment": {"id": "asm-test", "framework": framework},
            "results": [{"competence": c, "level": lv} for c, lv in results.items()],
            **kw,
        }
    )
