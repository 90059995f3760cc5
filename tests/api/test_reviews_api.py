"""The counsellor's workflow as people see it: queue, detail, approve / edit / reject, audit trail, events."""

from __future__ import annotations

import json

from sqlalchemy import select

from schemas.review import RecommendationReviewed
from store.models import OutboxRow
from tests.api.conftest import auth


def _reviewed_events(world) -> list[RecommendationReviewed]:
    with world.store.session() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.topic == "recommendations.reviewed")
                         .order_by(OutboxRow.id)).all()
        assert all(r.key for r in rows)
        return [RecommendationReviewed.model_validate_json(r.value) for r in rows]


def test_queue_filters_by_status_campaign_and_gap(world):
    client, w = world
    h = auth(w, "c1")
    get = lambda **p: sorted(r["learner_id"] for r in client.get("/v1/reviews", headers=h, params=p).json())  # noqa: E731
    assert get(campaign="OTHER-1") == ["cyd"]
    assert get(gap="4.2") == ["ana", "cyd"]  # eve's gaps are 2.4 and 1.1
    assert get(status="approved") == []
    client.post(f"/v1/recommendations/{w.recs['ana']}/approve", headers=h)
    assert get(status="approved") == ["ana"]
    assert get(status="pending_review") == ["cyd", "eve"]
    first = client.get("/v1/reviews", headers=h).json()[0]
    assert set(first) >= {"recommendation_id", "campaign", "generated_at", "status", "gaps", "item_count"}
    bad = client.get("/v1/reviews", headers=h, params={"status": "maybe"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "query.status"


def test_detail_carries_the_explanations(world):
    client, w = world
    view = client.get(f"/v1/recommendations/{w.recs['ana']}", headers=auth(w, "c1")).json()
    assert view["status"] == "pending_review" and view["audit"] == []
    assert [i["why"] for i in view["recommendation"]["items"]][:1] == ["because"]
    assert view["recommendation"] == view["original"]


def test_edit_then_approve_is_what_the_learner_sees_with_the_whole_audit_trail(world):
    client, w = world
    rid = w.recs["ana"]
    before = client.get("/v1/me/recommendation", headers=auth(w, "ana")).json()
    assert before["status"] == "pending_review"
    assert [s["offering_id"] for s in before["recommendation"]["path"]["steps"]] == [
        "off-safe", "off-search", "off-collab"]

    edited = client.post(f"/v1/recommendations/{rid}/edit", headers=auth(w, "c1"),
                         json={"steps": ["off-collab", "off-extra", "off-safe"], "note": "search is done"})
    assert edited.status_code == 200, edited.text
    approved = client.post(f"/v1/recommendations/{rid}/approve", headers=auth(w, "c2"), json={"note": "ok"})
    assert approved.status_code == 200

    seen = client.get("/v1/me/recommendation", headers=auth(w, "ana")).json()
    steps = seen["recommendation"]["path"]["steps"]
    assert [s["offering_id"] for s in steps] == ["off-collab", "off-extra", "off-safe"]
    assert [s["order"] for s in steps] == [1, 2, 3]
    assert seen["status"] == seen["recommendation"]["status"] == "approved"
    assert seen["recommendation"]["path"]["total_hours"] == 6.0 + 7.0 + 4.0
    assert seen["recommendation"]["path"]["uncovered"] == []
    assert [s["offering_id"] for s in seen["original"]["path"]["steps"]] == ["off-safe", "off-search", "off-collab"]
    latest = client.get("/v1/learners/ana/recommendations/latest", headers=auth(w, "ana")).json()
    assert latest["status"] == "approved" and latest["path"] == seen["recommendation"]["path"]

    audit = seen["audit"]
    assert [(a["actor"], a["action"], a["note"]) for a in audit] == [
        ("user c1", "edit", "search is done"), ("user c2", "approve", "ok")]
    assert audit[0]["changes"]["added"] == ["off-extra"] and audit[0]["changes"]["removed"] == ["off-search"]
    assert audit[0]["changes"]["status"] == ["pending_review", "edited"]
    assert audit[0]["at"] <= audit[1]["at"]

    events = _reviewed_events(w)
    assert [(e.action, e.status, e.learner_id) for e in events] == [("edit", "edited", "ana"),
                                                                     ("approve", "approved", "ana")]
    assert events[0].steps == ["off-collab", "off-extra", "off-safe"] and events[0].removed == ["off-search"]
    assert str(events[1].recommendation_id) == rid and events[1].reviewer_role == "counsellor"


def test_edit_can_add_an_offering_of_the_catalogue_the_recommender_did_not_propose(world):
    client, w = world
    resp = client.post(f"/v1/recommendations/{w.recs['ana']}/edit", headers=auth(w, "c1"),
                       json={"steps": ["off-safe", "dlh-intro-ml"], "note": "she wants ML"})
    assert resp.status_code == 200, resp.text
    added = resp.json()["recommendation"]["path"]["steps"][1]
    assert (added["offering_id"], added["order"]) == ("dlh-intro-ml", 2)
    assert added["title"] == "Introduction to machine learning"
    assert resp.json()["audit"][0]["changes"]["added"] == ["dlh-intro-ml"]


def test_reject_keeps_the_reason(world):
    client, w = world
    resp = client.post(f"/v1/recommendations/{w.recs['eve']}/reject", headers=auth(w, "c1"),
                       json={"note": "she already holds the certificate"})
    assert resp.json()["status"] == "rejected"
    view = client.get("/v1/learners/eve/recommendation", headers=auth(w, "root")).json()
    assert view["recommendation"]["status"] == "rejected"
    assert view["audit"][0]["note"] == "she already holds the certificate"
    assert _reviewed_events(w)[0].action == "reject"


def test_bad_edits_are_422_naming_steps_and_change_nothing(world):
    client, w = world
    url = f"/v1/recommendations/{w.recs['ana']}/edit"
    for body in ({"steps": ["off-safe", "off-safe"]}, {"steps": ["not-in-this-recommendation"]}):
        resp = client.post(url, headers=auth(w, "c1"), json=body)
        assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "steps", body
    missing = client.post(url, headers=auth(w, "c1"), json={"note": "no steps"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "steps"
    assert client.get(f"/v1/recommendations/{w.recs['ana']}", headers=auth(w, "c1")).json()["audit"] == []
    assert _reviewed_events(w) == []


def test_learner_feedback_is_kept_per_item(world):
    client, w = world
    url = f"/v1/recommendations/{w.recs['ana']}/items/off-search/feedback"
    assert client.put(url, headers=auth(w, "ana"), json={"value": "enrolled"}).status_code == 200
    again = client.put(url, headers=auth(w, "ana"), json={"value": "completed"})
    assert again.json()["value"] == "completed" and again.json()["competences"] == ["1.2"]
    mine = client.get("/v1/me/feedback", headers=auth(w, "ana")).json()
    assert [(f["offering_id"], f["value"]) for f in mine] == [("off-search", "completed")]
    bad = client.put(url, headers=auth(w, "ana"), json={"value": "meh"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "value"
    gone = client.put(f"/v1/recommendations/{w.recs['ana']}/items/nope/feedback", headers=auth(w, "ana"),
                      json={"value": "relevant"})
    assert gone.status_code == 404


def test_history_lists_every_recommendation_newest_first(world):
    client, w = world
    from tests.support.people_data import pair

    w.store.save([pair("ana", "c1", True, n=5)])
    hist = client.get("/v1/me/history", headers=auth(w, "ana")).json()
    assert len(hist) == 2 and hist[0]["generated_at"] > hist[1]["generated_at"]
    latest = client.get("/v1/me/recommendation", headers=auth(w, "ana")).json()
    assert latest["recommendation"]["recommendation_id"] == hist[0]["recommendation_id"]
    assert json.loads(json.dumps(hist))[1]["recommendation_id"] == w.recs["ana"]
