"""Consent is the learner's, as it stands: their latest word (in an assessment or on the API) decides what
counsellors see, earlier recommendations included; and nobody submits for a learner who is not theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.conftest import auth
from tests.conftest import example_event
from tests.support.people_data import pair

pytestmark = pytest.mark.hostile


def _queue(client, w, who) -> list[str]:  # noqa: ANN001
    resp = client.get("/v1/reviews", headers=auth(w, who))
    assert resp.status_code == 200, resp.text
    return sorted(r["learner_id"] for r in resp.json())


def test_withdrawing_consent_hides_every_recommendation_at_once_and_giving_it_shows_them(world):
    client, w = world
    ana = auth(w, "ana")
    assert "ana" in _queue(client, w, "c1")
    assert client.get("/v1/me/consent", headers=ana).json()["share_with_counsellor"] is True
    withdrawn = client.put("/v1/me/consent", headers=ana, json={"share_with_counsellor": False})
    assert withdrawn.status_code == 200 and withdrawn.json()["at"]
    assert "ana" not in _queue(client, w, "c1")
    assert client.get(f"/v1/recommendations/{w.recs['ana']}", headers=auth(w, "c1")).status_code == 404
    assert client.get(f"/v1/recommendations/{w.recs['ana']}", headers=ana).status_code == 200  # still theirs
    client.put("/v1/me/consent", headers=ana, json={"share_with_counsellor": True})
    assert "ana" in _queue(client, w, "c1")
    assert client.put("/v1/me/consent", headers=auth(w, "c1"), json={"share_with_counsellor": True}).status_code == 403


def _later(found: tuple, days: int) -> tuple:
    event, rec = found
    return event.model_copy(update={"occurred_at": event.occurred_at + timedelta(days=days)}), rec


def test_a_later_assessment_without_consent_hides_the_earlier_ones(world):
    client, w = world
    assert "cyd" in _queue(client, w, "c1")
    w.store.save([_later(pair("cyd", "c2", False, "OTHER-1", n=1), 1)])  # a new assessment: they no longer share
    assert "cyd" not in _queue(client, w, "c1")
    w.store.save([_later(pair("cyd", "c2", True, "OTHER-1", n=2), 2)])
    assert "cyd" in _queue(client, w, "c1")
    assert client.get("/v1/learners/cyd/export", headers={"Authorization": "Bearer test-admin-token"}).json()[
        "consent"]["share_with_counsellor"] is True


def _event(learner: str, counsellor: str | None) -> dict:
    raw = example_event("digcomp")
    raw["learner"].update(id=learner, counsellor_id=counsellor)
    return raw


def test_a_counsellor_submits_only_for_learners_of_their_team(world):
    client, w = world
    c1 = auth(w, "c1")
    assert client.post("/v1/assessments", headers=c1, json=_event("new-1", "c1")).status_code == 202
    assert client.post("/v1/assessments", headers=c1, json=_event("new-2", "c2")).status_code == 202  # team east
    assert client.post("/v1/assessments", headers=c1, json=_event("ana", "c1")).status_code == 202  # theirs
    naming_self = client.post("/v1/assessments", headers=c1, json=_event("dan", "c1"))  # dan is team west's
    assert naming_self.status_code == 403 and "another team" in naming_self.json()["detail"]
    other = client.post("/v1/assessments", headers=c1, json=_event("new-3", "c3"))
    assert other.status_code == 403 and "assigned to them or their team" in other.json()["detail"]
    assert client.post("/v1/assessments", headers=auth(w, "prov"), json=_event("x", None)).status_code == 403
    assert client.post("/v1/assessments", headers=auth(w, "ana"), json=_event("bob", "c1")).status_code == 403
    assert client.post("/v1/assessments", headers=auth(w, "root"), json=_event("dan", "c1")).status_code == 202
