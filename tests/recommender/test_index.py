"""FAISS against its brute-force NumPy oracle, and the catalogue's bookkeeping around it."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import normalise
from recommender.catalog import Catalog
from recommender.index import FaissIndex, NumpyIndex, int_id
from schemas.offering import Offering


def _vecs(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    return normalise(rng.normal(size=(n, dim)))


def test_faiss_agrees_with_the_oracle_through_adds_replacements_and_removals():
    rng = np.random.default_rng(7)
    faiss_idx, oracle = FaissIndex(16), NumpyIndex(16)
    ids = np.arange(1, 201, dtype=np.int64) * 7919
    for idx in (faiss_idx, oracle):
        idx.add(ids, _vecs(np.random.default_rng(1), 200))
    replaced = ids[:50]
    new_vecs = _vecs(rng, 50)
    for idx in (faiss_idx, oracle):
        idx.upsert(replaced, new_vecs)
        assert idx.remove(ids[150:]) == 50
        assert idx.remove(np.array([123456789], dtype=np.int64)) == 0
    assert len(faiss_idx) == len(oracle) == 150
    queries = _vecs(rng, 20)
    fs, fi = faiss_idx.search(queries, 10)
    ns, ni = oracle.search(queries, 10)
    assert np.array_equal(fi, ni)
    assert np.allclose(fs, ns, atol=1e-5)
    assert not np.isin(fi, ids[150:]).any()


def _offering(oid: str, title: str) -> Offering:
    return Offering(id=oid, provider="acme", provider_name="ACME", title=title, competences=["4.2"])


@pytest.mark.parametrize("index_cls", [FaissIndex, NumpyIndex])
def test_catalog_replacement_and_duplicates_keep_one_vector_per_offering(index_cls):
    cat = Catalog(16, index_cls(16))
    rng = np.random.default_rng(3)
    cat.upsert([_offering("a", "A"), _offering("b", "B")], _vecs(rng, 2))
    v1 = cat.version
    new_b = _vecs(rng, 1)
    cat.upsert([_offering("b", "B old"), _offering("b", "B v2")], np.vstack([_vecs(rng, 1), new_b]))
    assert len(cat.index) == 2 and cat.offerings["b"].title == "B v2"
    hits = cat.search(new_b, 1)
    assert hits[0][0][0] == "b" and hits[0][0][1] == pytest.approx(1.0, abs=1e-5)
    assert cat.version != v1
    cat.remove(["b"])
    assert len(cat.index) == 1 and "b" not in cat and int_id("b") not in cat.by_int
    cat.upsert([_offering("b", "B")], _vecs(rng, 1))
    assert cat.version == v1, "the same content gives the same version, whatever happened in between"
