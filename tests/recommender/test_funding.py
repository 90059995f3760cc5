"""Funding schemes attached with the condition that applies: ADEM aid for jobseekers, Fit 4 Digital for SMEs."""

from __future__ import annotations

from catalog_ingest.seed import load_funding
from tests.support.synthetic import event, offering, small_recommender

PAID = offering("paid-security", competences=["4.1", "5.2"], level_min=1, level_max=3, cost={"free": False})
FREE = offering("free-security", competences=["4.1"], level_min=1, level_max=3)


def funding(learner: dict, **kw) -> dict[str, list[str]]:  # noqa: ANN003
    rec = small_recommender([PAID, FREE], funding=load_funding())
    out = rec.recommend(event({"4.1": 1, "5.2": 1}, {"languages": ["en"], **learner}, **kw))
    return {i.offering_id: [f.id for f in i.funding] for i in out.items}


def test_adem_training_aid_for_a_jobseeker_on_a_paid_offering_only() -> None:
    got = funding({"status": "jobseeker"})
    assert got["paid-security"] == ["adem-training-aid"]
    assert got["free-security"] == []


def test_adem_training_aid_only_for_a_jobseeker_registered_with_adem() -> None:
    # a cross-border jobseeker registers with the employment service of the country they live in, not ADEM
    for country, region in (("FR", "Moselle"), ("BE", "Province de Luxembourg"), ("DE", "Saarland")):
        got = funding({"status": "jobseeker", "residence": {"country": country, "region": region}})
        assert got["paid-security"] == [], country
    got = funding({"status": "jobseeker", "residence": {"country": "LU", "region": "Esch-sur-Alzette"}})
    assert got["paid-security"] == ["adem-training-aid"]


def test_fit4digital_for_sme_staff_with_its_condition() -> None:
    rec = small_recommender([PAID], funding=load_funding())
    out = rec.recommend(event({"4.1": 1}, {"languages": ["en"], "status": "self-employed"}))
    hints = {f.id: f.condition for f in out.items[0].funding}
    assert "fit4digital" in hints and "SME" in hints["fit4digital"]
    got = funding({"status": "employee"}, target={"role": "sme-manager"})
    assert "fit4digital" in got["paid-security"]


def test_no_funding_for_a_retired_learner() -> None:
    assert funding({"status": "retired"}) == {"paid-security": [], "free-security": []}
