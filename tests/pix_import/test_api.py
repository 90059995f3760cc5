"""``POST /v1/imports/pix-profiles`` on a tiny app that includes the imports router."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from fastapi import FastAPI, Header, HTTPException
from fastapi.testclient import TestClient

from api.routes.imports import get_assessment_publisher, make_router
from config.settings import Settings
from kafka_io.client import KafkaUnavailableError
from schemas.assessment import AssessmentCompleted
from tests.support.pix_exports import IDENTITIES, PIX_EXAMPLE, edit

COUNSELLOR = {"X-Test-Role": "counsellor"}


def _only_counsellors_and_admins(x_test_role: str = Header("")) -> None:
    """Stands in for api.auth.require_role("counsellor", "admin")."""
    if x_test_role not in ("counsellor", "admin"):
        raise HTTPException(403, "forbidden")


@pytest.fixture()
def published() -> list:
    return []


@pytest.fixture()
def client(published) -> TestClient:
    app = FastAPI()
    app.state.settings = Settings(pseudonym_key="api-test-key-0123456789")
    app.include_router(make_router(_only_counsellors_and_admins))
    def publish(events) -> int:
        published.extend(events)
        return len(events)

    app.dependency_overrides[get_assessment_publisher] = lambda: publish
    return TestClient(app)


def _upload(client: TestClient, content: bytes, headers=COUNSELLOR, **form: str):
    files = {"file": ("export.csv", content, "text/csv")}
    return client.post("/v1/imports/pix-profiles", files=files, data=form, headers=headers)


def test_upload_publishes_events_and_answers_with_the_summary(client, published):
    res = _upload(client, PIX_EXAMPLE.read_bytes(), role="citizen-baseline", languages="fr,en", status="jobseeker")
    assert res.status_code == 200, res.text
    body = res.json()
    assert (body["rows"], body["events"], body["not_shared"], body["published"]) == (4, 3, 1, 3)
    assert body["rejected"] == [] and body["campaigns"] == ["ADEMDIGI25"]
    assert [e.learner.status for e in published] == ["jobseeker"] * 3
    assert all(e.target.role == "citizen-baseline" for e in published)
    assert not [name for name in IDENTITIES if name.casefold() in res.text.casefold()]


def test_dry_run_publishes_nothing(client, published):
    res = _upload(client, PIX_EXAMPLE.read_bytes(), dry_run="true")
    assert res.status_code == 200
    assert (res.json()["events"], res.json()["published"]) == (3, 0)
    assert published == []


def test_rejected_rows_are_listed_by_line(client, published):
    def spoil(rows):
        rows[1][rows[0].index("Niveau pour la compétence Collaborer")] = "beaucoup"

    res = _upload(client, edit(spoil).encode("utf-8"))
    assert res.status_code == 200
    assert res.json()["rejected"] == [{"line": 2, "reason": "'Niveau pour la compétence Collaborer' is not a number"}]
    assert len(published) == 2


def test_a_file_that_is_not_a_pix_export_is_422(client, published):
    res = _upload(client, b"name;email\nAnne;anne@example.org\n")
    assert res.status_code == 422
    assert "not a Pix Orga profiles export" in res.json()["detail"]
    assert "Anne" not in res.text and published == []


@pytest.mark.parametrize("form", [{"status": "astronaut"}, {"role": "astronaut"}, {"languages": "french"}])
def test_bad_options_are_422(client, form):
    assert _upload(client, PIX_EXAMPLE.read_bytes(), **form).status_code == 422


@pytest.mark.parametrize("headers", [{}, {"X-Test-Role": "learner"}, {"X-Test-Role": "provider"}])
def test_only_counsellors_and_admins_may_import(client, published, headers):
    assert _upload(client, PIX_EXAMPLE.read_bytes(), headers=headers).status_code == 403
    assert published == []


def test_admins_may_import(client):
    assert _upload(client, PIX_EXAMPLE.read_bytes(), headers={"X-Test-Role": "admin"}).status_code == 200


def test_no_pseudonym_key_is_503_with_how_to_set_it(client, published):
    client.app.state.settings = Settings(pseudonym_key=None)
    res = _upload(client, PIX_EXAMPLE.read_bytes())
    assert res.status_code == 503
    assert "UPSKILL_PSEUDONYM_KEY" in res.json()["detail"]
    assert published == []


def test_broker_down_is_503_not_500(client):
    def down(events):
        raise KafkaUnavailableError("cannot reach Kafka at 127.0.0.1:1")

    client.app.dependency_overrides[get_assessment_publisher] = lambda: down
    res = _upload(client, PIX_EXAMPLE.read_bytes())
    assert res.status_code == 503
    assert res.json()["detail"] == "the event broker is unavailable"


def test_the_exported_router_admits_the_admin_token_only():
    from api.routes.imports import router

    app = FastAPI()
    app.state.settings = Settings(pseudonym_key="api-test-key-0123456789", api={"admin_token": "adm-secret"})
    app.include_router(router)
    app.dependency_overrides[get_assessment_publisher] = lambda: len
    client = TestClient(app)
    assert _upload(client, PIX_EXAMPLE.read_bytes(), headers={}).status_code == 401
    assert _upload(client, PIX_EXAMPLE.read_bytes(), headers={"Authorization": "Bearer nope"}).status_code == 401
    ok = _upload(client, PIX_EXAMPLE.read_bytes(), headers={"Authorization": "Bearer adm-secret"})
    assert ok.status_code == 200 and ok.json()["published"] == 3


class _FakeOutbox:
    """Records what the route puts in the outbox, the way api/main.py's Store is called."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str | None, str | None]] = []

    @contextmanager
    def session(self):
        yield self

    def enqueue(self, s, topic: str, key: str | None, value: str | None) -> None:
        self.rows.append((topic, key, value))


def test_with_a_store_events_go_through_the_outbox_keyed_by_learner():
    app = FastAPI()
    app.state.settings = Settings(pseudonym_key="api-test-key-0123456789")
    app.state.store = outbox = _FakeOutbox()
    app.include_router(make_router(_only_counsellors_and_admins))
    res = _upload(TestClient(app), PIX_EXAMPLE.read_bytes())
    assert res.status_code == 200 and res.json()["published"] == 3
    assert [topic for topic, _, _ in outbox.rows] == ["assessments.completed"] * 3
    events = [AssessmentCompleted.model_validate_json(value) for _, _, value in outbox.rows]
    assert [key for _, key, _ in outbox.rows] == [e.learner.id for e in events]


def test_in_the_real_app_the_events_land_in_the_outbox(tmp_path):
    from sqlalchemy import select

    from api.main import create_app
    from api.routes import imports
    from store.models import OutboxRow

    settings = Settings(
        database={"url": f"sqlite:///{tmp_path / 'upskill.db'}"},
        api={"admin_token": "adm-secret"},
        pseudonym_key="api-test-key-0123456789",
        data_dir=tmp_path / "data",
    )
    app = create_app(settings, start_relay=False)
    if not any(getattr(r, "path", "") == "/v1/imports/pix-profiles" for r in app.routes):
        app.include_router(imports.router)
    with TestClient(app) as client:
        res = _upload(client, PIX_EXAMPLE.read_bytes(), headers={"Authorization": "Bearer adm-secret"})
        assert res.status_code == 200, res.text
        with app.state.store.session() as s:
            rows = [(r.topic, r.key, r.value) for r in s.scalars(select(OutboxRow))]
    assert [(topic, key) for topic, key, _ in rows] == [
        ("assessments.completed", AssessmentCompleted.model_validate_json(value).learner.id)
        for _, _, value in rows
    ]
    assert len(rows) == 3
