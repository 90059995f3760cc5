"""The counsellor page over HTTP (no browser): sign-in, session cookie, CSRF, who sees what, review actions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from pydantic import SecretStr
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import people
from api.auth import Principal
from api.keys import resolve_key, revoke_user_keys
from api.main import create_app
from catalog_ingest.seed import load_offerings
from schemas.recommendation import SupportItem
from tests.web.conftest import ADMIN_TOKEN, COUNSELLOR_ID, new_key, page_settings, seed

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(page_settings(tmp_path), start_relay=False), follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def sign_in(client: TestClient, key: str):
    form = client.get("/counsellor/sign-in")
    return client.post("/counsellor/sign-in", data={"api_key": key, "csrf": csrf_of(form.text)})


def test_the_page_asks_for_a_key_first(client):
    resp = client.get("/counsellor/")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/counsellor/sign-in"
    form = client.get("/counsellor/sign-in")
    assert form.status_code == 200
    assert '<html lang="en">' in form.text
    assert '<label for="api_key">API key</label>' in form.text


def test_session_cookie_is_httponly_strict_and_scoped(client):
    resp = sign_in(client, ADMIN_TOKEN)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/counsellor/"
    cookie = next(c for c in resp.headers.get_list("set-cookie") if c.startswith("upskill_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/counsellor" in cookie
    queue = client.get("/counsellor/")
    assert ADMIN_TOKEN not in queue.text  # the key is never echoed into the page
    assert "frame-ancestors 'none'" in queue.headers["content-security-policy"]


def test_an_unknown_key_is_refused(client):
    unknown = sign_in(client, "upk_not-a-key")
    assert unknown.status_code == 401
    assert "unknown or has been revoked" in unknown.text
    assert client.get("/counsellor/").status_code == 303


@pytest.mark.parametrize(("role", "scope"), [("learner", {"learner_id": "lrn-1"}), ("provider", {"provider": "adem"})])
def test_other_roles_are_refused_with_a_reason(client, role, scope):
    refused = sign_in(client, new_key(client.app.state.store, role, "Someone", **scope))
    assert refused.status_code == 403
    assert "This page is for counsellors" in refused.text
    assert f"“{role}”" in refused.text
    assert client.get("/counsellor/").status_code == 303  # still not signed in


def test_sign_in_without_the_form_token_is_refused(client):
    client.get("/counsellor/sign-in")
    resp = client.post("/counsellor/sign-in", data={"api_key": ADMIN_TOKEN, "csrf": "forged"})
    assert resp.status_code == 400
    assert client.get("/counsellor/").status_code == 303


def test_a_tampered_cookie_is_no_session(client):
    sign_in(client, ADMIN_TOKEN)
    value = client.cookies.get("upskill_session")
    assert client.get("/counsellor/").status_code == 200
    client.cookies.clear()
    client.cookies.set("upskill_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/counsellor")
    assert client.get("/counsellor/").status_code == 303


@pytest.mark.hostile
def test_the_cookie_holds_no_key_and_signing_out_ends_the_session_on_the_server(client):
    key = new_key(client.app.state.store, "counsellor", "Claire", counsellor_id=COUNSELLOR_ID)
    sign_in(client, key)
    value = client.cookies.get("upskill_session")
    payload = URLSafeTimedSerializer("x").loads_unsafe(value)[1]  # what anyone reading the cookie finds
    assert set(payload) == {"csrf", "sid"} and key not in value and key not in str(payload)
    queue = client.get("/counsellor/")
    assert queue.status_code == 200
    assert client.post("/counsellor/sign-out", data={"csrf": csrf_of(queue.text)}).status_code == 303
    client.cookies.clear()
    client.cookies.set("upskill_session", value, path="/counsellor")  # the old cookie, kept by an attacker
    assert client.get("/counsellor/").status_code == 303


@pytest.mark.hostile
def test_revoking_the_key_ends_its_page_sessions(client):
    store = client.app.state.store
    key = new_key(store, "counsellor", "Claire", counsellor_id=COUNSELLOR_ID)
    sign_in(client, key)
    assert client.get("/counsellor/").status_code == 200
    user = resolve_key(store, key)
    revoke_user_keys(store, user.user_id)
    assert client.get("/counsellor/").status_code == 303


def test_sessions_survive_another_api_process_with_the_same_secret(tmp_path):
    settings = page_settings(tmp_path)
    settings.api.session_secret = SecretStr("shared-by-every-replica")
    with TestClient(create_app(settings, start_relay=False), follow_redirects=False) as one, \
            TestClient(create_app(settings, start_relay=False), follow_redirects=False) as two:
        sign_in(one, ADMIN_TOKEN)
        two.cookies.set("upskill_session", one.cookies.get("upskill_session"), path="/counsellor")
        assert two.get("/counsellor/").status_code == 200


def test_the_cookie_is_secure_behind_a_trusted_tls_proxy(tmp_path):
    app = ProxyHeadersMiddleware(create_app(page_settings(tmp_path), start_relay=False), trusted_hosts="*")
    with TestClient(app, follow_redirects=False) as proxied:
        form = proxied.get("/counsellor/sign-in", headers={"X-Forwarded-Proto": "https"})
        cookie = next(c for c in form.headers.get_list("set-cookie") if c.startswith("upskill_session="))
        assert "Secure" in cookie


def test_a_counsellor_sees_only_their_consenting_learners(client, recommender):
    store = client.app.state.store
    mine = seed(store, recommender, "lrn-mine")
    other = seed(store, recommender, "lrn-other", counsellor_id="adem-c-999")
    seed(store, recommender, "lrn-no-consent", consent=False)
    assert sign_in(client, new_key(store, "counsellor", "Claire", counsellor_id=COUNSELLOR_ID)).status_code == 303
    queue = client.get("/counsellor/").text
    assert "lrn-mine" in queue
    assert "lrn-other" not in queue
    assert "lrn-no-consent" not in queue
    assert client.get(f"/counsellor/recommendations/{mine.recommendation_id}").status_code == 200
    hidden = client.get(f"/counsellor/recommendations/{other.recommendation_id}")
    assert hidden.status_code == 404
    assert client.get("/counsellor/recommendations/not-a-uuid").status_code == 404
    assert hidden.text == client.get("/counsellor/recommendations/00000000-0000-0000-0000-000000000000").text


def test_review_posts_need_the_session_token(client, recommender):
    store = client.app.state.store
    rec = seed(store, recommender, "lrn-csrf")
    sign_in(client, ADMIN_TOKEN)
    url = f"/counsellor/recommendations/{rec.recommendation_id}"
    forged = client.post(f"{url}/review", data={"decision": "approve", "csrf": "forged"})
    assert forged.status_code == 400
    relay = client.app.state.relay  # not started in these tests: its wake-up flag shows who asked it to publish
    relay.wakeup.clear()
    admin = Principal(role="admin", name="admin")
    assert people.recommendation_view(store, admin, str(rec.recommendation_id)).status == "pending_review"
    token = csrf_of(client.get(url).text)
    ok = client.post(f"{url}/review", data={"decision": "approve", "note": "fine", "csrf": token})
    assert ok.status_code == 303
    assert relay.wakeup.is_set()  # the review event goes out now, as from the API, not at the relay's next poll
    view = people.recommendation_view(store, admin, str(rec.recommendation_id))
    assert view.status == "approved"
    assert [(a.action, a.note, a.actor) for a in view.audit] == [("approve", "fine", "admin")]


def test_queue_filters_by_status_campaign_and_gap(client, recommender):
    store = client.app.state.store
    approved = seed(store, recommender, "lrn-approved", campaign="SPRING")
    seed(store, recommender, "lrn-pending", campaign="AUTUMN")
    people.approve(store, Principal(role="admin", name="admin"), str(approved.recommendation_id))
    sign_in(client, ADMIN_TOKEN)
    by_status = client.get("/counsellor/", params={"status": "approved"}).text
    assert "lrn-approved" in by_status and "lrn-pending" not in by_status
    by_campaign = client.get("/counsellor/", params={"campaign": "AUTUMN"}).text
    assert "lrn-pending" in by_campaign and "lrn-approved" not in by_campaign
    gap = approved.gaps[0].competence
    assert "lrn-approved" in client.get("/counsellor/", params={"gap": gap}).text
    assert "No recommendation matches" in client.get("/counsellor/", params={"gap": "9.9"}).text


def test_an_impossible_edit_says_why_and_changes_nothing(client, recommender):
    store = client.app.state.store
    rec = seed(store, recommender, "lrn-bad-edit")
    sign_in(client, ADMIN_TOKEN)
    url = f"/counsellor/recommendations/{rec.recommendation_id}"
    resp = client.post(f"{url}/edit", data={"op": "add", "offering_id": "no-such-offering",
                                            "csrf": csrf_of(client.get(url).text)})
    assert resp.status_code == 422
    assert "no-such-offering" in resp.text and "cannot be made" in resp.text
    assert people.recommendation_view(store, Principal(role="admin", name="a"), str(rec.recommendation_id)).audit == []


def test_signing_out_forgets_the_key(client):
    sign_in(client, ADMIN_TOKEN)
    queue = client.get("/counsellor/")
    assert queue.status_code == 200
    out = client.post("/counsellor/sign-out", data={"csrf": csrf_of(queue.text)})
    assert out.status_code == 303
    assert client.get("/counsellor/").status_code == 303


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/counsellor/sign-in", {"api_key": "é" * 5000, "csrf": "\x00"}),
        ("post", "/counsellor/sign-in", {}),
        ("get", "/counsellor/?status=%00&campaign=" + "x" * 3000 + "&gap=%F0%9F%92%A5", None),
        ("get", "/counsellor/recommendations/%2e%2e%2fetc", None),
        ("get", "/counsellor/static/..%2fweb%2fsession.py", None),
        ("post", "/counsellor/recommendations/00000000-0000-0000-0000-000000000000/edit", {"op": "up:"}),
        ("post", "/counsellor/recommendations/x/review", {"decision": "approve"}),
        ("get", "/counsellor/sign-in?lang=%ZZ", None),
    ],
)
def test_odd_input_never_breaks_the_page(client, method, path, data):
    sign_in(client, ADMIN_TOKEN)
    client.cookies.set("upskill_lang", "%E2%80%AEde", path="/counsellor")
    resp = client.request(method, path, data=data)
    assert resp.status_code < 500
    assert "session.py" not in resp.text or resp.status_code == 404


def test_an_edited_path_still_shows_the_generated_one(client, recommender):
    store = client.app.state.store
    rec = seed(store, recommender, "lrn-original")
    url = f"/counsellor/recommendations/{rec.recommendation_id}"
    sign_in(client, ADMIN_TOKEN)
    assert "Path as generated" not in client.get(url).text
    first = rec.path.steps[0].offering_id
    client.post(f"{url}/edit", data={"op": f"remove:{first}", "csrf": csrf_of(client.get(url).text)})
    page = client.get(url).text
    assert "Path as generated" in page
    generated = page[page.index("Path as generated"):]
    generated = generated[: generated.index("</details>")]
    assert re.findall(r"<code>([^<]+)</code>", generated) == [s.offering_id for s in rec.path.steps]


def test_any_catalogue_offering_can_be_added(client, recommender):
    store = client.app.state.store
    rec = seed(store, recommender, "lrn-add")
    proposed = {i.offering_id for i in rec.items}
    extra = next(o for o in load_offerings() if o.id not in proposed)
    url = f"/counsellor/recommendations/{rec.recommendation_id}"
    sign_in(client, ADMIN_TOKEN)
    resp = client.post(f"{url}/edit", data={"op": "add", "offering_id": extra.id, "note": "asked for it",
                                            "csrf": csrf_of(client.get(url).text)})
    assert resp.status_code == 303
    view = people.recommendation_view(store, Principal(role="admin", name="a"), str(rec.recommendation_id))
    assert [s.offering_id for s in view.recommendation.path.steps][-1] == extra.id
    assert view.audit[-1].changes["added"] == [extra.id]
    assert view.audit[-1].note == "asked for it"


SUPPORT = [
    SupportItem(offering_id="desk-esch", title="Digital help desk", provider="Ville d’Esch", kind="advice",
                reason="help nearby", addresses=["1.1", "2.1"], url="https://example.lu/desk"),
    SupportItem(offering_id="guide-safe", title="Staying safe online", provider="BEE SECURE", kind="guide",
                reason="read this first", url="javascript:alert(1)"),
]


def _support_section(page: str) -> str:
    start = page.index('<section aria-labelledby="support-title"')
    return page[start:page.index("</section>", start)]


@pytest.mark.parametrize(
    ("lang", "heading", "labels"),
    [
        ("en", "Support beside the path", ["Provider", "Kind", "advice", "guide", "Reason", "Helps with"]),
        ("fr", "Soutien à côté du parcours", ["Organisme", "Type", "conseil", "guide", "Raison", "Aide pour"]),
        ("de", "Unterstützung neben dem Lernpfad", ["Anbieter", "Art", "Beratung", "Leitfaden", "Grund", "Hilft bei"]),
    ],
)
def test_the_support_beside_the_path_is_listed_in_the_page_language(client, recommender, lang, heading, labels):
    rec = seed(client.app.state.store, recommender, f"lrn-support-{lang}", support=SUPPORT)
    sign_in(client, ADMIN_TOKEN)
    page = client.get(f"/counsellor/recommendations/{rec.recommendation_id}", params={"lang": lang}).text
    assert page.index('id="path-title"') < page.index('id="support-title"') < page.index('id="items-title"')
    section = _support_section(page)
    assert f'<h2 id="support-title">{heading}</h2>' in section
    assert re.findall(r'<li class="support-item" data-offering="([^"]+)"', section) == ["desk-esch", "guide-safe"]
    assert re.search(r'<a href="https://example.lu/desk"[^>]*>Digital help desk</a>', section)
    assert "javascript:" not in section and "Staying safe online" in section  # shown, but not as a link
    for text in ["Ville d’Esch", "BEE SECURE", "help nearby", "read this first", "1.1, 2.1", *labels]:
        assert text in section, text


def test_no_support_section_without_support(client, recommender):
    rec = seed(client.app.state.store, recommender, "lrn-no-support", support=[])
    sign_in(client, ADMIN_TOKEN)
    page = client.get(f"/counsellor/recommendations/{rec.recommendation_id}").text
    assert 'id="support-title"' not in page and "Support beside the path" not in page
