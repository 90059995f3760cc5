"""Every role boundary: each role tries what it must not do, and gets 403 or a 404 that leaks nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import auth

ADMIN = {"Authorization": "Bearer test-admin-token"}


def _queue(client, world, who, **params) -> list[str]:
    resp = client.get("/v1/reviews", headers=auth(world, who), params=params)
    assert resp.status_code == 200, resp.text
    return sorted(r["learner_id"] for r in resp.json())


def test_counsellor_sees_consenting_learners_of_their_own_and_their_team(world):
    client, w = world
    assert _queue(client, w, "c1") == ["ana", "cyd", "eve"]  # bob withheld consent; dan is team west's
    assert _queue(client, w, "c3") == ["dan"]
    assert _queue(client, w, "root") == ["ana", "bob", "cyd", "dan", "eve"]
    assert client.get("/v1/reviews", headers=ADMIN).status_code == 200


def test_counsellor_cannot_open_act_on_or_read_learners_not_theirs(world):
    client, w = world
    for learner in ("bob", "dan"):
        rid = w.recs[learner]
        for method, path in (("get", f"/v1/recommendations/{rid}"), ("post", f"/v1/recommendations/{rid}/approve"),
                             ("post", f"/v1/recommendations/{rid}/reject"),
                             ("get", f"/v1/learners/{learner}/recommendation")):
            resp = getattr(client, method)(path, headers=auth(w, "c1"))
            assert resp.status_code == 404, (learner, path)
        # ... exactly like a recommendation that does not exist
        assert client.get(f"/v1/learners/{learner}/history", headers=auth(w, "c1")).json() == []
    ghost = client.get("/v1/recommendations/00000000-0000-0000-0000-000000000000", headers=auth(w, "c1"))
    assert ghost.status_code == 404 and ghost.json() == client.get(
        f"/v1/recommendations/{w.recs['bob']}", headers=auth(w, "c1")).json()
    # nothing was reviewed by those attempts
    assert client.get(f"/v1/recommendations/{w.recs['dan']}", headers=auth(w, "c3")).json()["audit"] == []


def test_learner_sees_only_their_own(world):
    client, w = world
    own = client.get("/v1/me/recommendation", headers=auth(w, "ana"))
    assert own.status_code == 200 and own.json()["recommendation"]["learner_id"] == "ana"
    assert client.get("/v1/learners/ana/recommendations/latest", headers=auth(w, "ana")).status_code == 200
    for path in ("/v1/learners/bob/recommendations/latest", "/v1/learners/bob/recommendation",
                 f"/v1/recommendations/{w.recs['bob']}"):
        assert client.get(path, headers=auth(w, "ana")).status_code == 404, path
    assert client.get("/v1/learners/bob/history", headers=auth(w, "ana")).json() == []


@pytest.mark.parametrize("who", ["ana", "prov"])
def test_learners_and_providers_cannot_review(world, who):
    client, w = world
    assert client.get("/v1/reviews", headers=auth(w, who)).status_code == 403
    for action in ("approve", "reject"):
        assert client.post(f"/v1/recommendations/{w.recs['ana']}/{action}", headers=auth(w, who)).status_code == 403
    edit = client.post(f"/v1/recommendations/{w.recs['ana']}/edit", headers=auth(w, who), json={"steps": []})
    assert edit.status_code == 403
    assert client.get(f"/v1/recommendations/{w.recs['ana']}", headers=auth(w, "ana")).json()["status"] == (
        "pending_review")


def test_provider_sees_no_learner(world):
    client, w = world
    for path in ("/v1/learners/ana/recommendations/latest", f"/v1/recommendations/{w.recs['ana']}",
                 "/v1/learners/ana/history", "/v1/me/recommendation"):
        assert client.get(path, headers=auth(w, "prov")).status_code == 403, path
    me = client.get("/v1/me", headers=auth(w, "prov")).json()
    assert me["role"] == "provider" and me["provider"] == "prov-a"


@pytest.mark.parametrize("who", ["ana", "c1", "prov"])
def test_only_admins_manage_users_and_gdpr(world, who):
    client, w = world
    h = auth(w, who)
    assert client.get("/v1/users", headers=h).status_code == 403
    assert client.post("/v1/users", headers=h, json={"role": "admin", "name": "me too"}).status_code == 403
    assert client.delete("/v1/users/1/keys", headers=h).status_code == 403
    assert client.get("/v1/learners/ana/export", headers=h).status_code == 403
    assert client.delete("/v1/learners/ana", headers=h).status_code == 403
    assert client.get("/v1/learners/ana/recommendation", headers=auth(w, "root")).status_code == 200


def test_learner_cannot_submit_for_someone_else_nor_give_feedback_on_others(world):
    client, w = world
    from tests.conftest import example_event

    raw = example_event("digcomp")
    raw["learner"]["id"] = "bob"
    assert client.post("/v1/assessments", json=raw, headers=auth(w, "ana")).status_code == 403
    url = f"/v1/recommendations/{w.recs['bob']}/items/off-safe/feedback"
    assert client.put(url, json={"value": "relevant"}, headers=auth(w, "ana")).status_code == 404
    assert client.put(url, json={"value": "relevant"}, headers=auth(w, "c1")).status_code == 403


def test_no_unknown_or_revoked_or_missing_key_gets_in(world):
    client, w = world
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me", headers={"Authorization": "Bearer upk_forged"}).status_code == 401
    assert client.get("/v1/me", headers=auth(w, "ana")).json()["learner_id"] == "ana"
    users = {u["learner_id"]: u["id"] for u in client.get("/v1/users", headers=ADMIN).json()}
    assert client.delete(f"/v1/users/{users['ana']}/keys", headers=ADMIN).json() == {"revoked": 1}
    assert client.get("/v1/me", headers=auth(w, "ana")).status_code == 401


def test_admin_creates_a_key_shown_once_and_stored_only_hashed(world):
    client, w = world
    resp = client.post("/v1/users", headers=ADMIN, json={"role": "provider", "name": "P2", "provider": "moodle-lu"})
    assert resp.status_code == 201
    token = resp.json()["token"]
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["provider"]) == ("provider", "moodle-lu")
    listed = client.get("/v1/users", headers=ADMIN).text
    assert token not in listed and "token" not in listed
    with w.store.engine.connect() as conn:
        from sqlalchemy import text

        dump = " ".join(str(r) for r in conn.execute(text("SELECT * FROM api_keys")))
    assert token not in dump and token[10:] not in dump
    no_scope = client.post("/v1/users", headers=ADMIN, json={"role": "provider", "name": "P3"})
    assert no_scope.status_code == 422 and "provider" in no_scope.json()["detail"]


def test_a_provider_key_manages_only_its_own_provider_code(world):
    from catalog_ingest.publish import MemorySink, Publisher, encode
    from catalog_ingest.seed import load_offerings

    client, w = world
    shipped = {o.id: o for o in load_offerings()}
    sink = MemorySink({oid: encode(o) for oid, o in shipped.items()})
    client.app.state.catalog_publisher = Publisher(sink)
    theirs = shipped["dlh-intro-ml"].model_dump(mode="json")
    h = auth(w, "prov")
    assert client.get("/v1/offerings", headers=h).json() == []  # prov-a has none in the shipped catalogue
    assert client.delete("/v1/offerings/dlh-intro-ml", headers=h).status_code in (403, 404)
    assert client.put("/v1/offerings/dlh-intro-ml", headers=h, json=theirs).status_code in (403, 404)
    mine = {**theirs, "id": "prov-a-intro", "provider": "prov-a"}
    assert client.post("/v1/offerings", headers=h, json=mine).status_code == 201
    for who in ("ana", "c1"):
        assert client.post("/v1/offerings", headers=auth(w, who), json=mine).status_code == 403
    assert [k for k, _ in sink.sent] == ["prov-a-intro"]  # nothing of dlh's was touched


def test_odd_ids_are_refused_or_unknown_never_a_server_error(world):
    client, w = world
    for odd in ("%00", "a%00b", "%F0%9F%92%A5" * 40, "..%2F..%2Fetc"):
        for path in (f"/v1/learners/{odd}/recommendation", f"/v1/recommendations/{odd}",
                     f"/v1/learners/{odd}/history", f"/v1/learners/{odd}/export"):
            assert client.get(path, headers=ADMIN).status_code in (200, 404, 422), (odd, path)
        resp = client.post(f"/v1/recommendations/{w.recs['ana']}/edit", headers=auth(w, "c1"),
                           json={"steps": ["off-safe"], "note": "nul \x00 inside"})
        assert resp.status_code in (200, 422)
