"""The Pix import answers with a learner link per shared participant, named by the line of their row."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.support.pix_exports import IDENTITIES, PIX_EXAMPLE


def _app(tmp_path):
    settings = Settings(
        database={"url": f"sqlite:///{tmp_path / 'upskill.db'}"}, kafka={"bootstrap_servers": "127.0.0.1:1"},
        api={"admin_token": "adm-secret", "public_url": "https://upskill.example.lu"},
        pseudonym_key="api-test-key-0123456789", data_dir=tmp_path / "data",
    )
    return create_app(settings, start_relay=False)


def _upload(client: TestClient, **form: str):
    files = {"file": ("export.csv", PIX_EXAMPLE.read_bytes(), "text/csv")}
    return client.post("/v1/imports/pix-profiles", files=files, data=form,
                       headers={"Authorization": "Bearer adm-secret"})


def test_each_shared_participant_gets_a_link_that_opens_their_page(tmp_path):
    with TestClient(_app(tmp_path), follow_redirects=False) as client:
        body = _upload(client).json()
        links = body["links"]
        assert body["events"] == 3 and len(links) == 3
        assert [link["line"] for link in links] == sorted(link["line"] for link in links)
        assert all(link["line"] >= 2 for link in links)  # data rows: the header is line 1
        assert len({link["learner_id"] for link in links}) == 3
        assert not [name for name in IDENTITIES if name.casefold() in str(links).casefold()]
        for link in links:
            assert link["url"].startswith("https://upskill.example.lu/l/")
            assert link["learner_id"] not in link["url"]
            learner = TestClient(client.app, follow_redirects=False)
            assert learner.get(link["url"].removeprefix("https://upskill.example.lu")).status_code == 303
            page = learner.get("/l/")
            assert page.status_code == 200 and "Your path is being prepared." in page.text


def test_a_dry_run_issues_no_link(tmp_path):
    with TestClient(_app(tmp_path)) as client:
        body = _upload(client, dry_run="true").json()
        assert body["events"] == 3 and body["links"] == []
