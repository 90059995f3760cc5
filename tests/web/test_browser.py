"""The counsellor page in Debian's headless Chromium: sign in, queue, chart, approve, edit, the learner's view."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import COUNSELLOR_ID, LiveApp, new_key, seed

pytestmark = pytest.mark.browser


def _latest(app: LiveApp, learner_id: str, key: str) -> dict:
    """What the learner gets from the API with their own key."""
    resp = httpx.get(f"{app.url}/v1/learners/{learner_id}/recommendations/latest",
                     headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _step_ids(page: Page) -> list[str]:
    return page.locator("tr.step").evaluate_all("rows => rows.map(r => r.dataset.offering)")


def _unlabelled_controls(page: Page) -> list[str]:
    """Form controls a screen reader could not name (no label, no aria-label, no text)."""
    return page.locator("input:not([type=hidden]), select, textarea, button:not([hidden])").evaluate_all(
        """els => els.filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                                  && !el.textContent.trim()).map(el => el.outerHTML)"""
    )


def _unexpected(status: int) -> bool:
    """An error response the flow does not provoke on purpose (it provokes one 422: an impossible edit)."""
    return status >= 400 and status != 422


def _sign_in(page: Page, app: LiveApp, key: str) -> None:
    page.goto(f"{app.url}/counsellor/")
    expect(page).to_have_url(re.compile(r"/counsellor/sign-in$"))
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_counsellor_approves_and_edits_and_the_learner_sees_it(live_app, browser, recommender, javascript):
    learner = f"lrn-browser-{'js' if javascript else 'nojs'}"
    rec = seed(live_app.store, recommender, learner)
    counsellor_key = new_key(live_app.store, "counsellor", "Claire Counsellor", counsellor_id=COUNSELLOR_ID)
    learner_key = new_key(live_app.store, "learner", "Léa", learner_id=learner)
    assert _latest(live_app, learner, learner_key)["status"] == "pending_review"
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []  # script errors, resources the page's CSP blocked, unexpected error responses
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if _unexpected(r.status) else None)
    try:
        _sign_in(page, live_app, counsellor_key)
        # htmx (vendored, served by the app) boosts links and forms; without JS the same forms post plainly.
        assert page.evaluate("typeof window.htmx") == ("object" if javascript else "undefined")
        row = page.locator(f'tr[data-recommendation="{rec.recommendation_id}"]')
        expect(row).to_contain_text("Pending review")
        row.get_by_role("link", name=f"Open the recommendation for {learner}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Recommendation for {learner}")

        chart = page.locator("svg.gap-chart")
        expect(chart.locator("g.gap")).to_have_count(len(rec.gaps))
        expect(chart.locator("g.gap rect.bar-current")).to_have_count(len(rec.gaps))
        expect(chart.locator("g.gap rect.bar-target")).to_have_count(len(rec.gaps))
        first = rec.gaps[0]
        bars = chart.locator(f'g.gap[data-competence="{first.competence}"] rect')
        current_w, target_w = (bars.nth(i).bounding_box()["width"] for i in range(2))
        assert target_w > current_w > 0  # drawn to scale: target above current

        page.get_by_label("Note (optional)").fill("Fits the job search")
        page.get_by_role("button", name="Approve").click()
        expect(page.locator("#status")).to_have_text("Approved")
        expect(page.get_by_role("status")).to_have_text("The recommendation is approved.")
        expect(page.locator("tr.audit-entry")).to_have_count(1)
        assert _latest(live_app, learner, learner_key)["status"] == "approved"

        before = _step_ids(page)
        page.get_by_role("button", name=re.compile(r"^Remove: ")).first.click()
        expect(page.locator("tr.step")).to_have_count(len(before) - 1)
        page.get_by_role("button", name=re.compile(r"^Move down: ")).first.click()
        expect(page.locator("tr.audit-entry")).to_have_count(3)
        assert _step_ids(page) == [before[2], before[1], *before[3:]]
        expect(page.locator("#status")).to_have_text("Edited")

        page.get_by_label("Offering id").fill("no-such-offering")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("no-such-offering")
        expect(page.locator("tr.audit-entry")).to_have_count(3)
        page.get_by_label("Offering id").fill(before[0])
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("tr.audit-entry")).to_have_count(4)
        after = _step_ids(page)
        assert after == [before[2], before[1], *before[3:], before[0]]
        assert _unlabelled_controls(page) == []
        assert problems == []
    finally:
        context.close()

    seen = _latest(live_app, learner, learner_key)
    assert seen["status"] == "edited"
    assert [s["offering_id"] for s in seen["path"]["steps"]] == after


def test_labels_follow_the_language(live_app, browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_app.url}/counsellor/sign-in?lang=de")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
        expect(page.get_by_label("API-Schlüssel")).to_be_visible()
        page.get_by_role("link", name="Français").click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
        page.get_by_label("Clé d’API").fill("upk_unknown")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_have_text("Cette clé est inconnue ou a été révoquée.")
        page.goto(f"{live_app.url}/counsellor/sign-in")  # the choice is remembered
        expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    finally:
        context.close()


def test_browser_language_is_the_default(live_app, browser):
    context = browser.new_context(locale="de-DE", extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"})
    page = context.new_page()
    try:
        page.goto(f"{live_app.url}/counsellor/sign-in")
        expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    finally:
        context.close()
