"""Fixtures of the counsellor page: seeded recommendations, the real app served by uvicorn, headless Chromium."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from api.keys import create_user
from api.main import create_app
from config.settings import Settings
from recommender import Recommender
from schemas.assessment import AssessmentCompleted
from schemas.recommendation import RecommendationGenerated, SupportItem
from store import Store
from tests.conftest import example_event
from upskill.broker import free_port, wait_for_port

ADMIN_TOKEN = "test-admin-token"
COUNSELLOR_ID = "adem-c-042"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def page_settings(tmp: Path) -> Settings:
    """Settings of an app with a SQLite store in ``tmp`` and no reachable broker (nothing needs Kafka)."""
    return Settings(
        kafka={"bootstrap_servers": "127.0.0.1:1"},
        database={"url": f"sqlite:///{tmp / 'page.db'}"},
        api={"admin_token": ADMIN_TOKEN},
        data_dir=tmp,
    )


def seed(
    store: Store, recommender: Recommender, learner_id: str, counsellor_id: str = COUNSELLOR_ID,
    consent: bool = True, campaign: str = "NTAC-2025", support: list[SupportItem] | None = None,
) -> RecommendationGenerated:
    """Store a real recommendation for a learner assigned to ``counsellor_id`` (the digcomp contract example).

    ``support``, when given, replaces the support list the recommender made.
    """
    raw = example_event("digcomp")
    raw["event_id"] = str(uuid.uuid4())
    raw["learner"].update(id=learner_id, counsellor_id=counsellor_id, consent={"share_with_counsellor": consent})
    raw["assessment"].update(id=f"asm-{learner_id}", campaign=campaign)
    event = AssessmentCompleted.model_validate(raw)
    rec = recommender.recommend(event)
    if support is not None:
        rec = rec.model_copy(update={"support": support})
    assert store.save([(event, rec)]) == [str(event.event_id)]
    return rec


def new_key(store: Store, role: str, name: str, **scope: str) -> str:
    """A fresh API key of a new user (through the key API, as ``upskill users create`` does)."""
    return create_user(store, role, name, **scope).token


@dataclass
class LiveApp:
    """The real app listening on a local port, and a store over the same database."""

    url: str
    store: Store
    settings: Settings


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The API served by uvicorn in a thread on a free port (no outbox relay, no broker)."""
    settings = page_settings(tmp_path_factory.mktemp("web"))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, start_relay=False), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port("127.0.0.1", port, timeout=30)  # uvicorn listens only once the lifespan opened the store
    store = Store(settings.database.url)
    yield LiveApp(f"http://127.0.0.1:{port}", store, settings)
    store.dispose()
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
