"""A request body above the cap is refused with 413 before authentication, declared or streamed; normal bodies
and Pix exports up to their own cap go through."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes.imports import MAX_UPLOAD_BYTES
from config.settings import Settings
from tests.conftest import example_event

pytestmark = pytest.mark.hostile

CAP = 64 * 1024
ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture()
def client(tmp_path) -> Iterator[TestClient]:  # noqa: ANN001
    settings = Settings(kafka={"bootstrap_servers": "127.0.0.1:1"},
                        database={"url": f"sqlite:///{tmp_path / 'upskill.db'}"},
                        api={"admin_token": "test-admin-token", "max_body_bytes": CAP}, data_dir=tmp_path)
    with TestClient(create_app(settings, start_relay=False)) as c:
        yield c


def _oversized_assessment() -> bytes:
    event = example_event("digcomp")
    event["padding"] = "x" * (2 * CAP)  # an unknown field: would be accepted if the body were read
    return json.dumps(event).encode()


def test_an_oversized_body_is_413_before_authentication(client: TestClient) -> None:
    res = client.post("/v1/assessments", content=_oversized_assessment(),
                      headers={"Content-Type": "application/json"})  # no key at all
    assert res.status_code == 413
    assert str(CAP) in res.json()["detail"]
    assert client.post("/v1/assessments", content=b"{}", headers={"Content-Type": "application/json"}
                       ).status_code == 401  # a small body reaches authentication


def test_a_streamed_body_without_length_is_cut_off_at_the_cap(client: TestClient) -> None:
    body = _oversized_assessment()

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for i in range(0, len(body), 4096):
            yield body[i:i + 4096]

    res = client.post("/v1/assessments", content=chunks(), headers={**ADMIN, "Content-Type": "application/json"})
    assert res.status_code == 413


def test_a_body_under_the_cap_is_served(client: TestClient) -> None:
    event = example_event("digcomp")
    res = client.post("/v1/assessments", json=event, headers=ADMIN)
    assert res.status_code == 202, res.text


def test_a_pix_export_has_its_own_larger_cap(client: TestClient) -> None:
    # larger than the JSON cap, far under the export cap: it reaches the route, which says what is wrong with it
    big = b"Nom du Participant;x\n" + b"a;b\n" * (CAP // 4)
    res = client.post("/v1/imports/pix-profiles", files={"file": ("export.csv", big, "text/csv")}, headers=ADMIN)
    assert res.status_code != 413
    huge = b"x" * (MAX_UPLOAD_BYTES + 256 * 1024)
    res = client.post("/v1/imports/pix-profiles", files={"file": ("export.csv", huge, "text/csv")}, headers=ADMIN)
    assert res.status_code == 413


def test_a_content_length_that_is_no_number_is_400(client: TestClient) -> None:
    res = client.post("/v1/assessments", content=b"{}", headers={"Content-Type": "application/json",
                                                                  "Content-Length": "lots"})
    assert res.status_code == 400
