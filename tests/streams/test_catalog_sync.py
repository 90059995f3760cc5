"""apply_record: one catalogue record at a time keeps the live index in step, embedding only new text."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from catalog_ingest.seed import load_offerings
from recommender.catalog import Catalog
from recommender.snapshot import load_snapshot, save_snapshot
from schemas.offering import Offering
from streams.catalog_sync import (
    ABSENT,
    ADDED,
    REMOVED,
    UNCHANGED,
    UPDATED,
    CatalogRecordError,
    apply_record,
)


class HashEmbedder:
    """A fast stand-in model: a unit vector from the text's hash; counts encoded texts."""

    name, dim = "hash-test", 16

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], np.uint8).astype(np.float32) - 127.5
                for t in texts]
        vecs = np.array(rows, dtype=np.float32).reshape(-1, self.dim)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def _record(off: Offering) -> tuple[bytes, bytes]:
    return off.id.encode(), off.model_dump_json().encode()


@pytest.fixture()
def offering() -> Offering:
    return load_offerings()[0]


def test_add_update_and_withdraw_follow_the_records(offering):
    emb, catalog = HashEmbedder(), Catalog(HashEmbedder.dim)
    assert apply_record(catalog, emb, *_record(offering)) == ADDED
    query = emb.encode([offering.embedding_text()])
    assert catalog.search(query, 1)[0][0][0] == offering.id
    v1 = catalog.version

    cheaper = offering.model_copy(update={"duration_hours": 3.0})
    assert apply_record(catalog, emb, *_record(cheaper)) == UPDATED
    assert catalog.get(offering.id).duration_hours == 3.0 and catalog.version != v1

    assert apply_record(catalog, emb, offering.id.encode(), None) == REMOVED
    assert offering.id not in catalog and catalog.search(query, 1) == [[]]
    assert apply_record(catalog, emb, offering.id.encode(), None) == ABSENT


def test_text_is_embedded_only_when_it_changes(offering):
    emb, catalog = HashEmbedder(), Catalog(HashEmbedder.dim)
    apply_record(catalog, emb, *_record(offering))
    assert emb.encoded == 1
    assert apply_record(catalog, emb, *_record(offering)) == UNCHANGED
    apply_record(catalog, emb, *_record(offering.model_copy(update={"languages": ["fr"]})))
    assert emb.encoded == 1
    apply_record(catalog, emb, *_record(offering.model_copy(update={"title": "A new title"})))
    assert emb.encoded == 2


def test_replaying_the_topic_over_a_loaded_snapshot_embeds_nothing(tmp_path):
    emb, catalog = HashEmbedder(), Catalog(HashEmbedder.dim)
    records = [_record(o) for o in load_offerings()[:20]]
    for key, value in records:
        apply_record(catalog, emb, key, value)
    save_snapshot(catalog, tmp_path / "snap")
    restarted, emb2 = load_snapshot(tmp_path / "snap"), HashEmbedder()

    outcomes = [apply_record(restarted, emb2, k, v) for k, v in records]

    assert set(outcomes) == {UNCHANGED} and emb2.encoded == 0
    assert restarted.version == catalog.version


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (b"", b"{}", "without a key"),
        (b"dlh-intro-ml", b"not json", "offering 'dlh-intro-ml'"),
        (b"other-id", None, None),
    ],
)
def test_malformed_records_are_refused_and_leave_the_catalogue_alone(offering, key, value, message):
    emb, catalog = HashEmbedder(), Catalog(HashEmbedder.dim)
    apply_record(catalog, emb, *_record(offering))
    version = catalog.version
    if message is None:  # a record whose key and id disagree
        value, message = _record(offering)[1], "differs from the offering's id"
    with pytest.raises(CatalogRecordError, match=message):
        apply_record(catalog, emb, key, value)
    assert catalog.version == version and len(catalog) == 1
