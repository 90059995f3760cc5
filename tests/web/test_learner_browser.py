"""Both pages in Debian's headless Chromium: a learner opens their link, gives feedback and sees it in the next
recommendation, switches to Luxembourgish; axe-core finds no WCAG 2.1 A/AA violation on any page."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from api.links import issue_link, revoke_links
from schemas.assessment import AssessmentCompleted
from store.adjustments import feedback_adjustments
from streams.processor import AssessmentProcessor, InRecord
from tests.conftest import example_event
from tests.web.conftest import COUNSELLOR_ID, LiveApp, new_key, seed

pytestmark = pytest.mark.browser
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


def axe_violations(page: Page) -> list[str]:
    """Every axe-core violation of a WCAG 2.0/2.1 level A or AA rule on the page, one line each."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
            for v in results.response["violations"]]


def link(app: LiveApp, learner_id: str, **kwargs: object) -> str:
    secret = app.settings.api.session_secret.get_secret_value()
    return issue_link(app.store, secret, learner_id, "test", kwargs.pop("days", 30), **kwargs).url(app.url)  # type: ignore[arg-type]


def recommend_again(app: LiveApp, recommender, learner_id: str) -> None:
    """A new assessment of the learner, processed as the worker does: with the ranking adjustments of the store."""
    raw = example_event("digcomp")
    raw["event_id"] = str(uuid.uuid4())
    raw["occurred_at"] = datetime.now(UTC).isoformat()
    raw["learner"].update(id=learner_id, counsellor_id=COUNSELLOR_ID, consent={"share_with_counsellor": True})
    raw["assessment"].update(id=f"asm-{uuid.uuid4().hex[:8]}")
    AssessmentCompleted.model_validate(raw)
    processor = AssessmentProcessor(recommender, app.store, lambda: feedback_adjustments(app.store))
    out = processor.process([InRecord(learner_id.encode(), json.dumps(raw).encode(), "assessments.completed", 0, 0)])
    assert len(out.recommendations) == 1


def rank_of(page: Page, offering_id: str) -> int:
    return int(page.locator(f'li.offer[data-offering="{offering_id}"]').get_attribute("data-rank"))


def test_a_learner_opens_the_link_gives_feedback_and_sees_it_in_the_next_path(live_app, browser, recommender):
    learner = "lrn-browser-learner"
    rec = seed(live_app.store, recommender, learner)
    top = rec.items[0].offering_id
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        page.goto(link(live_app, learner))
        expect(page).to_have_url(f"{live_app.url}/l/")  # the token does not stay in the address bar
        expect(page.get_by_role("heading", level=1)).to_have_text("My learning path")
        expect(page.locator("svg.gap-chart g.gap")).to_have_count(len(rec.gaps))
        expect(page.locator("li.step")).to_have_count(len(rec.path.steps))
        assert axe_violations(page) == []
        assert rank_of(page, top) == 1

        # keyboard only: focus the button, see the focus ring, press Enter
        button = page.locator(f'li.offer[data-offering="{top}"]').get_by_role("button", name="Not relevant")
        page.keyboard.press("Tab")  # the skip link comes first
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        button.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus arrives from the keyboard: :focus-visible applies
        expect(button).to_be_focused()
        assert button.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text(re.compile("^Thank you: your answer is saved"))
        pressed = page.locator(f'li.offer[data-offering="{top}"] button[value="not_relevant"]')
        expect(pressed).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Tab")  # the page came back at that offering: the keyboard goes on from there
        assert page.evaluate("document.activeElement.closest('li.offer')?.dataset.offering") == top

        recommend_again(live_app, recommender, learner)
        page.reload()
        assert rank_of(page, top) > 1  # "not relevant" demoted it for these gaps
        expect(pressed).to_have_attribute("aria-pressed", "true")  # the learner's word is still shown

        page.get_by_role("link", name="Lëtzebuergesch").click()
        expect(page.locator("html")).to_have_attribute("lang", "lb")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mäi Léierwee")
        expect(page.get_by_role("button", name="Passt net").first).to_be_visible()
        assert axe_violations(page) == []

        page.emulate_media(media="print")  # print / save as PDF: the path without buttons or navigation
        expect(page.locator("form.feedback").first).to_be_hidden()
        expect(page.locator("header.top")).to_be_hidden()
        expect(page.locator("li.step").first).to_be_visible()
        assert problems == []
    finally:
        context.close()


def test_expired_revoked_and_forged_links_get_a_clear_page(live_app, browser, recommender):
    seed(live_app.store, recommender, "lrn-browser-bad")
    expired = link(live_app, "lrn-browser-expired", days=1, now=datetime.now(UTC) - timedelta(days=2))
    revoked = link(live_app, "lrn-browser-bad")
    revoke_links(live_app.store, "lrn-browser-bad", "test")
    forged = link(live_app, "lrn-browser-bad")[:-4] + "AAAA"
    context = browser.new_context(locale="fr-FR", extra_http_headers={"Accept-Language": "fr-LU,fr;q=0.9"})
    page = context.new_page()
    try:
        for url, status, text in ((expired, 410, "Ce lien a expiré."), (revoked, 403, "Ce lien a été retiré."),
                                  (forged, 401, "Ce lien n’est pas valable.")):
            response = page.goto(url)
            assert response is not None and response.status == status
            expect(page.get_by_role("alert")).to_contain_text(text)
            expect(page.locator("li.offer")).to_have_count(0)
            assert axe_violations(page) == []
    finally:
        context.close()


def test_the_counsellor_pages_pass_axe_and_send_a_link_that_opens(live_app, browser, recommender):
    rec = seed(live_app.store, recommender, "lrn-browser-sent")
    key = new_key(live_app.store, "counsellor", "Claire Counsellor", counsellor_id=COUNSELLOR_ID)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_app.url}/counsellor/sign-in")
        assert axe_violations(page) == []
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()
        assert axe_violations(page) == []
        page.goto(f"{live_app.url}/counsellor/recommendations/{rec.recommendation_id}")
        page.get_by_role("button", name="Create a link").click()
        url = page.get_by_label("Learner link").input_value()
        assert url.startswith("http://127.0.0.1:8000/l/")
        assert axe_violations(page) == []
        page.goto(f"{live_app.url}/counsellor/recommendations/{rec.recommendation_id}?lang=lb")
        expect(page.get_by_role("button", name="Guttheeschen")).to_be_visible()
        assert axe_violations(page) == []
    finally:
        context.close()
    learner = browser.new_context(locale="de-DE")
    try:
        opened = learner.new_page()
        opened.goto(url.replace("http://127.0.0.1:8000", live_app.url))
        expect(opened.get_by_role("heading", level=1)).to_have_text("Mein Lernpfad")
    finally:
        learner.close()


def test_the_axe_check_does_see_violations(browser):
    """The checks above are not vacuous: a page with an unlabelled field and poor contrast fails them."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content('<html><body><main><input type="text"><p style="color:#aaa;background:#fff">faint</p>'
                         "</main></body></html>")
        found = " ".join(axe_violations(page))
        assert "html-has-lang" in found and "label" in found and "color-contrast" in found
    finally:
        context.close()
