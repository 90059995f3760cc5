"""Large catalogues: scoring the learner's shortlist instead of every offering keeps the recommendations."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.workload import assessment_events
from catalog_ingest.seed import load_offerings
from catalog_ingest.synthetic import synthetic_offerings, synthetic_vectors
from recommender import Recommender
from recommender import shortlist as sl
from recommender.catalog import Catalog
from recommender.constraints import LearnerProfile, violations
from recommender.index import NumpyIndex
from tests.recommender.synthetic import DIM, HashEmbedder

SYNTHETIC = 7000  # above sl.EXHAUSTIVE_UP_TO with the shipped offerings


@pytest.fixture(scope="module")
def large() -> Recommender:
    emb = HashEmbedder()
    seed = load_offerings()
    catalog = Catalog(DIM, NumpyIndex(DIM))
    catalog.upsert(seed, emb.encode([o.embedding_text() for o in seed]))
    extra = synthetic_offerings(SYNTHETIC, seed=3)
    catalog.upsert(extra, synthetic_vectors(extra, catalog.vectors, seed=3))
    return Recommender(catalog, emb)


def _exhaustive(rec: Recommender, monkeypatch: pytest.MonkeyPatch, events: list) -> list:
    with monkeypatch.context() as m:
        m.setattr(sl.Shortlists, "candidates", lambda self, *args: None)
        rec._views.clear()
        return [rec.recommend(e) for e in events]


def test_the_shortlist_keeps_what_exhaustive_scoring_recommends(large, monkeypatch):
    events = [e for e in assessment_events(40, seed=5)]
    fast = [large.recommend(e) for e in events]
    assert large._shortlists.merit is not None  # the catalogue is large enough to be shortlisted
    full = _exhaustive(large, monkeypatch, events)
    pairs = [(a, b) for a, b in zip(fast, full, strict=True) if b.items]
    assert len(pairs) >= 30
    # what the learner sees: as many items, nearly the same top five, nearly the same scores
    assert all(len(a.items) == len(b.items) for a, b in pairs)
    retained = np.mean([sum(i.score for i in a.items[:5]) / sum(i.score for i in b.items[:5]) for a, b in pairs])
    overlap = np.mean([len({i.offering_id for i in a.items[:5]} & {i.offering_id for i in b.items[:5]})
                       / len(b.items[:5]) for a, b in pairs])
    assert retained >= 0.98, retained
    assert overlap >= 0.7, overlap


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
