"""Large catalogues: scoring the learner's shortlist instead of every offering keeps the recommendations."""

from __future__ import annotations

import pytest

from benchmarks.bench_shortlist import compare
from benchmarks.workload import assessment_events
from catalog_ingest.seed import load_offerings
from catalog_ingest.synthetic import synthetic_offerings, synthetic_vectors
from recommender import Recommender
from recommender.catalog import Catalog
from recommender.constraints import LearnerProfile, violations
from recommender.index import NumpyIndex
from tests.support.synthetic import DIM, HashEmbedder

SYNTHETIC = 7000  # above recommender.shortlist.EXHAUSTIVE_UP_TO with the shipped offerings


@pytest.fixture(scope="module")
def large_catalog() -> Catalog:
    emb = HashEmbedder()
    seed = load_offerings()
    catalog = Catalog(DIM, NumpyIndex(DIM))
    catalog.upsert(seed, emb.encode([o.embedding_text() for o in seed]))
    extra = synthetic_offerings(SYNTHETIC, seed=3)
    catalog.upsert(extra, synthetic_vectors(extra, catalog.vectors, seed=3))
    return catalog


@pytest.fixture(scope="module")
def large(large_catalog) -> Recommender:
    return Recommender(large_catalog, HashEmbedder())


def test_the_shortlist_keeps_what_exhaustive_scoring_recommends(large, large_catalog):
    large.features()
    assert large._shortlists.merit is not None  # the catalogue is large enough to be shortlisted
    figures = compare(large_catalog, HashEmbedder(), (), 40, seed=5)
    assert figures["with_items"] >= 30
    # what the learner sees: as many items, nearly the same top five, nearly the same scores
    assert figures["as_many_items"] == 1.0
    assert figures["top5_score_retained"] >= 0.98, figures
    assert figures["top5_same_offerings"] >= 0.7, figures


def test_shortlisted_items_never_break_a_hard_constraint(large):
    for event in assessment_events(40, seed=6):
        profile = LearnerProfile.from_event(event)
        out = large.recommend(event)
        for item in out.items:
            assert violations(large.catalog.offerings[item.offering_id], profile) == [], item.offering_id
        for rejection in out.rejected:
            if rejection.rule != "level":
                assert violations(large.catalog.offerings[rejection.offering_id], profile)


def test_a_small_catalogue_is_scored_exhaustively(recommender):
    recommender.features()
    assert recommender._shortlists.merit is None
