"""Schemathesis against the app's own OpenAPI schema: no input, however odd, gets a 500.

Each operation gets a bounded number of generated requests (positive and negative data), sent in-process to
the ASGI app over an SQLite store with a few learners, as an admin (who reaches every handler's body) and as a
learner (who meets every role check).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.main import create_app
from catalog_ingest.publish import MemorySink, Publisher
from config.settings import Settings
from tests.support.people_data import build_world

EXAMPLES = 12
# Schemathesis loads the schema when the module is collected (its pytest fixture loader does not work with
# this pytest), which starts the app's lifespan: the store lives in a directory of its own, removed at exit.
_DIR = Path(tempfile.mkdtemp(prefix="upskill-fuzz-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
APP = create_app(
    Settings(kafka={"bootstrap_servers": "127.0.0.1:1"}, database={"url": f"sqlite:///{_DIR / 'fuzz.db'}"},
             api={"admin_token": "test-admin-token"}, data_dir=_DIR, pseudonym_key="fuzz-pseudonym-key-0123456789"),
    start_relay=False,
)
APP.state.catalog_publisher = Publisher(MemorySink())  # offerings writes: no broker needed
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def learner_key() -> str:
    """A learner's key in the app's store (loading the schema started the app, so its store is open)."""
    return build_world(APP.state.store).keys["ana"]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, learner_key):
    for token in ("test-admin-token", learner_key):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
