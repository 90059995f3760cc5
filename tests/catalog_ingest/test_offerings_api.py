"""The provider API: providers publish, update, withdraw and list their own offerings, and only theirs."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import Principal
from api.routes import coverage, offerings
from api.routes.offerings import OwnershipError, check_ownership
from catalog_ingest.infer import INFERRED_MARK, CompetenceInferrer
from catalog_ingest.publish import MemorySink, Publisher, encode
from catalog_ingest.seed import load_offerings
from config.settings import Settings
from tests.support.feeds import GOOD

KEYS = {
    "acme-key": Principal(role="provider", name="ACME", provider="acme"),
    "dlh-key": Principal(role="provider", name="DLH", provider="dlh"),
    "learner-key": Principal(role="learner", name="L", learner_id="lrn-1"),
}
ACME, DLH, LEARNER, ADMIN = ({"Authorization": f"Bearer {k}"} for k in (*KEYS, "admin-token"))


@pytest.fixture()
def sink() -> MemorySink:
    return MemorySink({o.id: encode(o) for o in load_offerings()})


@pytest.fixture()
def client(sink) -> TestClient:
    app = FastAPI()
    app.include_router(offerings.router)
    app.include_router(coverage.router)
    app.state.settings = Settings(api={"admin_token": "admin-token"})
    app.state.key_resolver = KEYS.get
    app.state.catalog_publisher = Publisher(sink)
    return TestClient(app)


def test_a_provider_publishes_lists_updates_and_withdraws_its_offering(client, sink):
    created = client.post("/v1/offerings", json=GOOD, headers=ACME)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["outcome"] == "created" and body["warnings"] == []
    assert body["offering"]["languages"] == ["en", "fr", "lb"] and body["offering"]["format"] == "in_person"
    assert sink.sent[-1][0] == GOOD["id"]

    assert [o["id"] for o in client.get("/v1/offerings", headers=ACME).json()] == [GOOD["id"]]

    updated = client.put(f"/v1/offerings/{GOOD['id']}", json={**GOOD, "duration_hours": 6}, headers=ACME)
    assert updated.json()["outcome"] == "updated" and updated.json()["offering"]["duration_hours"] == 6
    sent = len(sink.sent)
    again = client.put(f"/v1/offerings/{GOOD['id']}", json={**GOOD, "duration_hours": 6}, headers=ACME)
    assert again.json()["outcome"] == "unchanged" and len(sink.sent) == sent

    assert client.delete(f"/v1/offerings/{GOOD['id']}", headers=ACME).status_code == 204
    assert sink.sent[-1] == (GOOD["id"], None)
    assert client.get("/v1/offerings", headers=ACME).json() == []
    assert client.delete(f"/v1/offerings/{GOOD['id']}", headers=ACME).status_code == 404


def test_an_offering_without_codes_is_published_with_a_warning_or_inferred_codes(client, embedder):
    bare = {**GOOD, "id": "acme-pw", "competences": [], "title": "Strong passwords and phishing",
            "description": "Recognise phishing e-mails and use a password manager."}
    plain = client.post("/v1/offerings", json=bare, headers=ACME).json()
    assert plain["offering"]["competences"] == [] and "by text similarity only" in plain["warnings"][0]

    client.app.state.competence_inferrer = CompetenceInferrer(embedder)
    inferred = client.put("/v1/offerings/acme-pw", json=bare, headers=ACME).json()
    assert inferred["outcome"] == "updated" and inferred["warnings"] == []
    assert {"4.1", "4.2"} & set(inferred["offering"]["competences"])
    assert inferred["offering"]["inferred_fields"] == [INFERRED_MARK]


def test_invalid_offerings_get_every_problem_and_nothing_is_published(client, sink):
    sent = len(sink.sent)
    r = client.post("/v1/offerings", json={**GOOD, "title": None, "level_max": 12, "languages": ["Klingon"]},
                    headers=ACME)
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"field": "languages", "message": "unknown language 'Klingon' (use ISO 639-1 codes such as en, fr, de, lb)"},
        {"field": "level_max", "message": "12 is not a DigComp level (1–8)"},
        {"field": "title", "message": "required field is missing"},
    ]
    assert len(sink.sent) == sent


def test_a_provider_cannot_touch_another_providers_offerings(client, sink):
    before = dict(sink.state)
    dlh_offering = load_offerings()[0].model_dump(mode="json")
    assert client.put(f"/v1/offerings/{dlh_offering['id']}", json={**dlh_offering, "provider": "acme"},
                      headers=ACME).status_code == 403
    assert client.delete(f"/v1/offerings/{dlh_offering['id']}", headers=ACME).status_code == 403
    r = client.post("/v1/offerings", json={**GOOD, "provider": "dlh"}, headers=ACME)
    assert r.status_code == 403 and "you publish as provider 'acme'" in r.json()["detail"]
    assert client.post("/v1/offerings", json=dlh_offering, headers=DLH).status_code == 409
    assert client.post("/v1/offerings", json=GOOD, headers=LEARNER).status_code == 403
    assert client.post("/v1/offerings", json=GOOD).status_code == 401
    assert sink.state == before


def test_admins_may_list_any_provider_and_everyone_sees_coverage(client):
    listed = client.get("/v1/offerings", params={"provider": "dlh"}, headers=ADMIN).json()
    assert listed and {o["provider"] for o in listed} == {"dlh"}
    report = client.get("/v1/coverage", headers=LEARNER).json()
    assert report["active_offerings"] == sum(o.status == "active" for o in load_offerings())
    assert {"competence": "2.2", "band": "Highly specialised"} in report["empty"]


@pytest.mark.parametrize(
    ("caller", "existing", "new", "admin", "error"),
    [("acme", None, "acme", False, None), ("acme", "dlh", "acme", False, "belongs to provider 'dlh'"),
     ("acme", None, "dlh", False, "not 'dlh'"), (None, None, "acme", False, "only providers"),
     (None, "dlh", "dlh", True, None)],
)
def test_check_ownership(caller, existing, new, admin, error):
    def off(provider):
        return None if provider is None else load_offerings()[0].model_copy(update={"provider": provider})

    if error is None:
        check_ownership(caller, off(existing), off(new), is_admin=admin)
    else:
        with pytest.raises(OwnershipError, match=error):
            check_ownership(caller, off(existing), off(new), is_admin=admin)
