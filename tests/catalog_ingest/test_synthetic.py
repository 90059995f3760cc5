"""Synthetic catalogues: marked as such, deterministic by seed, shaped like the seed catalogue."""

from __future__ import annotations

from collections import Counter

import numpy as np

from catalog_ingest.seed import load_offerings
from catalog_ingest.synthetic import (
    CONFIDENCE,
    PrimedEmbedder,
    synthetic_offerings,
    synthetic_vectors,
    template_ids,
    write_jsonl,
)
from catalog_ingest.validate import validate_files


def test_synthetic_offerings_are_marked_and_reproducible():
    first, again = synthetic_offerings(300, seed=7), synthetic_offerings(300, seed=7)
    other = synthetic_offerings(300, seed=8)
    assert first == again and first != other
    assert all(o.id.startswith("syn-") and o.provider == "synthetic" and o.confidence == CONFIDENCE
               for o in first)
    assert len({o.id for o in first}) == 300


def test_field_distributions_follow_the_seed_catalogue():
    seed, syn = load_offerings(), synthetic_offerings(2000, seed=1)
    for field in ("format", "status"):
        want = Counter(getattr(o, field) for o in seed if o.competences)
        got = Counter(getattr(o, field) for o in syn)
        for value, count in want.items():
            assert abs(got[value] / len(syn) - count / sum(want.values())) < 0.05, (field, value)
    assert {c for o in syn for c in o.competences} >= {c for o in seed for c in o.competences}


def test_a_synthetic_feed_passes_validation(tmp_path):
    path = write_jsonl(synthetic_offerings(200, seed=3), tmp_path / "syn.jsonl")
    report = validate_files([path])
    assert report.problems == [] and len(report.offerings) == 200


class _Refuse:
    name, dim = "refuse", 4

    def encode(self, texts):
        raise AssertionError(f"the model was asked for {len(texts)} texts")


def test_synthetic_vectors_sit_near_their_template_and_need_no_model():
    syn = synthetic_offerings(50, seed=2)
    base = {t: np.eye(4, dtype=np.float32)[i % 4] for i, t in enumerate(sorted(set(template_ids(syn))))}
    vecs = synthetic_vectors(syn, base, seed=2)
    cos = np.einsum("ij,ij->i", vecs, np.stack([base[t] for t in template_ids(syn)]))
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-5) and cos.min() > 0.8
    primed = PrimedEmbedder(_Refuse(), [o.embedding_text() for o in syn], vecs)
    assert np.array_equal(primed.encode([syn[3].embedding_text()]), vecs[3:4])
