"""Snapshots: a saved catalogue comes back identical, serves the same results, and is never re-embedded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from catalog_ingest.seed import load_offerings
from recommender import Recommender, build_catalog
from recommender.snapshot import SnapshotError, load_snapshot, save_snapshot


class CountingEmbedder:
    """Wraps an embedder and counts the texts it was asked to encode."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def seed_catalog(embedder):
    return build_catalog(load_offerings(), embedder)


def test_round_trip_serves_the_same_recommendations_without_re_embedding(
    seed_catalog, embedder, digcomp_event, tmp_path
):
    save_snapshot(seed_catalog, tmp_path / "index", model=embedder.name)
    counting = CountingEmbedder(embedder)

    loaded = load_snapshot(tmp_path / "index", model=embedder.name)

    assert loaded.version == seed_catalog.version
    assert len(loaded) == len(seed_catalog) == len(load_offerings())
    queries = embedder.encode(["spreadsheets for beginners", "protect my privacy online", "learn python"])
    assert loaded.search(queries, 5) == seed_catalog.search(queries, 5)
    before = Recommender(seed_catalog, embedder).recommend(digcomp_event)
    after = Recommender(loaded, counting).recommend(digcomp_event)
    assert [i.offering_id for i in after.items] == [i.offering_id for i in before.items]
    offering_texts = {o.embedding_text() for o in loaded.offerings.values()}
    assert not offering_texts & set(counting.texts), "the catalogue was re-embedded"


def test_saving_again_replaces_the_snapshot_and_leaves_no_temporary_directories(seed_catalog, tmp_path):
    target = tmp_path / "index"
    save_snapshot(seed_catalog, target)
    smaller = load_snapshot(target)
    smaller.remove(["dlh-intro-ml"])
    save_snapshot(smaller, target)

    assert "dlh-intro-ml" not in load_snapshot(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "vectors.npy").write_bytes(b"garbage"), "vectors.npy is corrupt"),
        (lambda d: (d / "index.faiss").unlink(), "index.faiss is missing"),
        (lambda d: (d / "meta.json").write_text("{"), "meta.json is unreadable"),
        (lambda d: (d / "meta.json").unlink(), "no snapshot in"),
    ],
)
def test_a_damaged_snapshot_is_a_clear_error(seed_catalog, tmp_path, damage, message):
    target = save_snapshot(seed_catalog, tmp_path / "index")
    damage(target)
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(target)


def test_a_snapshot_of_another_model_is_refused(seed_catalog, tmp_path):
    target = save_snapshot(seed_catalog, tmp_path / "index", model="all-MiniLM-L6-v2")
    with pytest.raises(SnapshotError, match="made with model 'all-MiniLM-L6-v2'"):
        load_snapshot(target, model="another-model")


def test_a_consistently_rewritten_but_wrong_offering_file_is_detected(seed_catalog, tmp_path):
    import hashlib
    import json

    target = save_snapshot(seed_catalog, tmp_path / "index")
    lines = (target / "offerings.jsonl").read_text().splitlines()
    (target / "offerings.jsonl").write_text("\n".join(lines[1:]) + "\n")  # one offering lost
    meta = json.loads((target / "meta.json").read_text())
    meta["sha256"]["offerings.jsonl"] = hashlib.sha256((target / "offerings.jsonl").read_bytes()).hexdigest()
    (target / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(SnapshotError, match="do not agree"):
        load_snapshot(target)
