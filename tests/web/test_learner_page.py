"""The learner page over HTTP (no browser): a link opens it, for that learner only; feedback; clear refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.auth import Principal
from api.feedback import feedback_of
from api.links import issue_link, revoke_links
from api.main import create_app
from tests.web.conftest import COUNSELLOR_ID, new_key, page_settings, seed

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(page_settings(tmp_path), start_relay=False), follow_redirects=False) as c:
        yield c


def link_for(client: TestClient, learner_id: str, days: int = 30, now: datetime | None = None) -> str:
    secret = client.app.state.settings.api.session_secret.get_secret_value()
    return "/l/" + issue_link(client.app.state.store, secret, learner_id, "test", days, now=now).token


def open_page(client: TestClient, learner_id: str, lang: str = "en"):
    opened = client.get(link_for(client, learner_id))
    assert opened.status_code == 303 and opened.headers["location"] == "/l/"
    assert opened.headers["referrer-policy"] == "no-referrer"
    return client.get(f"/l/?lang={lang}")


def test_a_link_opens_the_learners_path_and_nothing_that_names_them(client, recommender):
    rec = seed(client.app.state.store, recommender, "lrn-page-1")
    page = open_page(client, "lrn-page-1")
    assert page.status_code == 200
    html = page.text
    assert "<h1>My learning path</h1>" in html
    assert html.count('class="offer step"') == len(rec.path.steps)
    for step in rec.path.steps:
        assert f'data-offering="{step.offering_id}"' in html
    assert 'class="gap-chart narrow"' in html and html.count('class="gap"') == len(rec.gaps)
    assert "lrn-page-1" not in html  # not even the pseudonym
    assert "Your counsellor has not looked at this path yet." in html
    assert "Not relevant" in html and 'aria-pressed="false"' in html
    cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("upskill_session="))
    assert "Path=/l" in cookie and "HttpOnly" in cookie


def test_the_page_speaks_luxembourgish_with_competence_names_in_it(client, recommender):
    seed(client.app.state.store, recommender, "lrn-page-lb")
    html = open_page(client, "lrn-page-lb", lang="lb").text
    assert '<html lang="lb">' in html and "<h1>Mäi Léierwee</h1>" in html
    assert "Perséinlech Donnéeën a Privatsphär schützen" in html  # 4.2, a gap of the example
    assert re.search(r'<span lang="fr">[^<]+</span> <span class="lang-tag">\(FR\)', html)  # a French title, marked


def test_feedback_is_stored_as_the_api_stores_it(client, recommender):
    rec = seed(client.app.state.store, recommender, "lrn-page-fb")
    html = open_page(client, "lrn-page-fb").text
    item = rec.path.steps[0].offering_id
    form = {"recommendation_id": str(rec.recommendation_id), "offering_id": item, "value": "not_relevant"}
    refused = client.post("/l/feedback", data=form | {"csrf": "forged"})
    assert refused.status_code == 400
    done = client.post("/l/feedback", data=form | {"csrf": CSRF.search(html).group(1)})
    assert done.status_code == 303 and done.headers["location"] == f"/l/?done=feedback#offer-{item}"
    learner = Principal(role="learner", name="x", learner_id="lrn-page-fb")
    (entry,) = feedback_of(client.app.state.store, learner)
    assert (entry.offering_id, entry.value) == (item, "not_relevant")
    again = client.get(done.headers["location"]).text
    assert "Thank you: your answer is saved." in again
    assert re.search(rf'id="offer-{re.escape(item)}".*?value="not_relevant"[^>]*aria-pressed="true"', again, re.S)


def test_a_learner_session_reaches_neither_another_learner_nor_the_counsellor_page(client, recommender):
    other = seed(client.app.state.store, recommender, "lrn-other")
    seed(client.app.state.store, recommender, "lrn-mine")
    html = open_page(client, "lrn-mine").text
    form = {"recommendation_id": str(other.recommendation_id), "offering_id": other.path.steps[0].offering_id,
            "value": "relevant", "csrf": CSRF.search(html).group(1)}
    assert client.post("/l/feedback", data=form).status_code == 404
    assert client.get("/counsellor/").status_code == 303  # to the sign-in form: no counsellor session
    # even with the learner's cookie sent there by hand, the session is no counsellor's
    stolen = TestClient(client.app, follow_redirects=False,
                        headers={"Cookie": f"upskill_session={client.cookies.get('upskill_session', path='/l')}"})
    queue = stolen.get("/counsellor/")
    assert queue.status_code == 403 and "lrn-other" not in queue.text and "This page is for counsellors" in queue.text
    assert stolen.get(f"/counsellor/recommendations/{other.recommendation_id}").status_code == 403


@pytest.mark.parametrize(("make", "status", "text"), [
    ("expired", 410, "This link has expired."),
    ("revoked", 403, "This link has been withdrawn."),
    ("forged", 401, "This link is not valid."),
])
def test_a_bad_link_gets_a_clear_page_and_no_data(client, recommender, make, status, text):
    seed(client.app.state.store, recommender, "lrn-bad")
    if make == "expired":
        url = link_for(client, "lrn-bad", days=1, now=datetime.now(UTC) - timedelta(days=2))
    else:
        url = link_for(client, "lrn-bad")
        if make == "revoked":
            revoke_links(client.app.state.store, "lrn-bad", "test")
        else:
            url = url[:-3] + ("xyz" if not url.endswith("xyz") else "abc")
    refused = client.get(url + "?lang=en")
    assert refused.status_code == status
    assert text in refused.text and 'class="offer' not in refused.text
    assert client.get("/l/").status_code == 401


def test_a_bad_link_page_follows_the_language(client):
    refused = client.get("/l/not-a-link", headers={"Accept-Language": "lb-LU,lb;q=0.9,fr;q=0.8"})
    assert refused.status_code == 401 and "Dëse Link ass net gëlteg." in refused.text


def test_revoking_ends_an_open_session(client, recommender):
    seed(client.app.state.store, recommender, "lrn-rev")
    assert open_page(client, "lrn-rev").status_code == 200
    revoke_links(client.app.state.store, "lrn-rev", "Claire")
    gone = client.get("/l/")
    assert gone.status_code == 401 and "open the link you received" in gone.text


def test_closing_the_session(client, recommender):
    seed(client.app.state.store, recommender, "lrn-close")
    html = open_page(client, "lrn-close").text
    closed = client.post("/l/sign-out", data={"csrf": CSRF.search(html).group(1)})
    assert closed.status_code == 200 and "Your session is closed." in closed.text
    assert client.get("/l/").status_code == 401


def test_a_learner_without_a_recommendation_yet_is_told_to_come_back(client):
    page = open_page(client, "lrn-not-yet")
    assert page.status_code == 200 and "Your path is being prepared." in page.text


def test_a_counsellor_sends_and_withdraws_a_link_from_the_recommendation(client, recommender):
    rec = seed(client.app.state.store, recommender, "lrn-sent")
    key = new_key(client.app.state.store, "counsellor", "Claire", counsellor_id=COUNSELLOR_ID)
    form = client.get("/counsellor/sign-in")
    client.post("/counsellor/sign-in", data={"api_key": key, "csrf": CSRF.search(form.text).group(1)})
    page = client.get(f"/counsellor/recommendations/{rec.recommendation_id}")
    csrf = CSRF.search(page.text).group(1)
    sent = client.post(f"/counsellor/recommendations/{rec.recommendation_id}/link",
                       data={"action": "issue", "csrf": csrf})
    assert sent.status_code == 200 and "Link created, valid until" in sent.text
    url = re.search(r'id="link-url" value="http://127\.0\.0\.1:8000(/l/[^"]+)"', sent.text).group(1)
    learner = TestClient(client.app, follow_redirects=False)
    assert learner.get(url).status_code == 303 and learner.get("/l/").status_code == 200
    withdrawn = client.post(f"/counsellor/recommendations/{rec.recommendation_id}/link",
                            data={"action": "revoke", "csrf": csrf})
    assert "1 link(s) withdrawn" in withdrawn.text
    assert learner.get("/l/").status_code == 401 and learner.get(url).status_code == 403
    forged = client.post(f"/counsellor/recommendations/{rec.recommendation_id}/link",
                         data={"action": "issue", "csrf": "forged"})
    assert forged.status_code == 400
