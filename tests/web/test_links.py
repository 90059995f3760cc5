"""Learner links: signed, expiring, revocable, one learner each; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.links import ExpiredLink, ForgedLink, RevokedLink, issue_link, link_url, open_link, revoke_links
from store import Store
from store.models import LearnerLinkRow, WebSessionRow
from tests.support.postgres import store_url  # noqa: F401 - a fixture

SECRET = "link-test-secret"


@pytest.fixture()
def store(store_url: str):  # noqa: F811
    db = Store(store_url)
    yield db
    db.dispose()


def test_a_link_opens_its_learner_and_carries_nothing_about_them(store):
    issued = issue_link(store, SECRET, "lrn-0042", "Claire", days=7)
    assert "lrn-0042" not in issued.token and "Claire" not in issued.token
    opened = open_link(store, SECRET, issued.token)
    assert (opened.learner_id, opened.link_id) == ("lrn-0042", issued.link_id)
    assert issued.url("https://upskill.example.lu/") == f"https://upskill.example.lu/l/{issued.token}"
    assert link_url("http://127.0.0.1:8000", "t") == "http://127.0.0.1:8000/l/t"
    with store.session() as s:
        row = s.get(LearnerLinkRow, issued.link_id)
        assert (row.issued_by, row.revoked_at) == ("Claire", None)


def test_an_expired_link_opens_nothing(store):
    then = datetime.now(UTC) - timedelta(days=3)
    issued = issue_link(store, SECRET, "lrn-1", "Claire", days=2, now=then)
    with pytest.raises(ExpiredLink):
        open_link(store, SECRET, issued.token)
    assert open_link(store, SECRET, issued.token, now=then + timedelta(days=1)).learner_id == "lrn-1"


@pytest.mark.parametrize("forge", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature altered
    lambda token: "not-a-link",
    lambda token: "",
])
def test_a_forged_or_altered_link_opens_nothing(store, forge):
    issued = issue_link(store, SECRET, "lrn-1", "Claire", days=2)
    with pytest.raises(ForgedLink):
        open_link(store, SECRET, forge(issued.token))


def test_a_link_signed_with_another_secret_or_unknown_to_the_store_opens_nothing(store, tmp_path):
    issued = issue_link(store, SECRET, "lrn-1", "Claire", days=2)
    with pytest.raises(ForgedLink):
        open_link(store, "another-secret", issued.token)
    elsewhere = Store(f"sqlite:///{tmp_path / 'other.db'}")  # well signed, but this store never issued it
    with pytest.raises(ForgedLink):
        open_link(elsewhere, SECRET, issued.token)
    elsewhere.dispose()


def test_revoking_ends_every_link_of_that_learner_only_and_their_sessions(store):
    mine = [issue_link(store, SECRET, "lrn-1", "Claire", days=2) for _ in range(2)]
    other = issue_link(store, SECRET, "lrn-2", "Claire", days=2)
    now = datetime.now(UTC)
    with store.session() as s:
        for n, link in enumerate([*mine, other]):
            s.add(WebSessionRow(id_hash=f"{n:064d}", key_hash=None, link_id=link.link_id, csrf="c",
                                expires_at=now + timedelta(hours=1)))
    assert revoke_links(store, "lrn-1", "Claire") == 2
    assert revoke_links(store, "lrn-1", "Claire") == 0  # already revoked
    for link in mine:
        with pytest.raises(RevokedLink):
            open_link(store, SECRET, link.token)
    assert open_link(store, SECRET, other.token).learner_id == "lrn-2"
    with store.session() as s:
        assert list(s.scalars(select(WebSessionRow.link_id))) == [other.link_id]


@pytest.mark.parametrize(("learner_id", "days"), [("", 3), ("x" * 129, 3), ("lrn-1", 0)])
def test_a_link_needs_a_learner_and_a_lifetime(store, learner_id, days):
    with pytest.raises(ValueError, match="learner id|one day"):
        issue_link(store, SECRET, learner_id, "Claire", days=days)


def test_erasing_the_learner_deletes_their_links_and_sessions_and_export_lists_them(store):
    from store.privacy import erase_learner, export_learner
    from tests.support.people_data import pair

    store.save([pair("ana", "c1", True)])
    issued = issue_link(store, SECRET, "ana", "Claire", days=2)
    with store.session() as s:
        s.add(WebSessionRow(id_hash="a" * 64, key_hash=None, link_id=issued.link_id, csrf="c",
                            expires_at=datetime.now(UTC) + timedelta(hours=1)))
    (listed,) = export_learner(store, "ana").links
    assert listed["issued_by"] == "Claire" and listed["revoked_at"] is None and issued.token not in str(listed)
    assert erase_learner(store, "ana", []).deleted["learner_links"] == 1
    with pytest.raises(ForgedLink):
        open_link(store, SECRET, issued.token)
    with store.session() as s:
        assert list(s.scalars(select(WebSessionRow))) == []
