"""The learner page, ``/l``: a learner link opens a session for that learner only; their path, gaps and feedback.

``GET /l/{token}`` checks the link (signature, store, expiry, revocation), opens a fresh session and redirects to
``/l/``, so the token does not stay in the address bar. Everything after that works like the counsellor page:
server-side session in a signed cookie (scoped to ``/l``), a CSRF token on every POST, labels in four languages.
A link that opens nothing gets a page saying why (401 not valid, 403 revoked, 410 expired), never any data.
"""

from __future__ import annotations

import logging
from typing import Annotated, get_args

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse
from markupsafe import Markup

from api import links, people
from api.feedback import FeedbackValue, feedback_of, give_feedback
from api.routes.reviews import offering_lookup
from api.web import routes as counsellor
from api.web import session as sessions
from api.web.chart import NARROW, gap_chart_svg
from api.web.learner_path import learner_path
from api.web.pages import Page, page_for, redirect, render

logger = logging.getLogger(__name__)
PATH = links.LINK_PATH
router = APIRouter(prefix=PATH, include_in_schema=False)
Text = Annotated[str, Form()]
FEEDBACK = get_args(FeedbackValue)
LANG_NAMES = ("en", "fr", "de", "lb", "pt")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """The same CSS and scripts as the counsellor page."""
    return counsellor.static(name)


def _message(page: Page, status_code: int, title_key: str, message_key: str) -> Response:
    return render(page, "learner_message.html", status_code, title=page.t(title_key), message=page.t(message_key),
                  app_title=page.t("learner_app_title"))


def _learner(page: Page) -> str | None:
    principal = page.principal
    return principal.learner_id if principal is not None and principal.role == "learner" else None


@router.get("/")
def learner_page(request: Request, done: str = "") -> Response:
    """The learner's current path: gaps, steps, other suggestions, support, the counsellor's note."""
    page = page_for(request, PATH)
    learner_id = _learner(page)
    if learner_id is None or page.principal is None:
        return _message(page, 401, "learner_title", "no_session")
    t = page.t
    context = {"app_title": t("learner_app_title"), "feedback_values": FEEDBACK,
               "done": t("feedback_saved") if done == "feedback" else None,
               "lang_names": {code: t(f"lang_{code}") for code in LANG_NAMES}}
    view = people.learner_view(page.store, page.principal, learner_id)
    if view is None:
        return render(page, "learner.html", path=None, **context)
    latest: dict[str, str] = {}
    for entry in feedback_of(page.store, page.principal):  # newest first: the first word per offering counts
        latest.setdefault(entry.offering_id, entry.value)
    path = learner_path(view, page.lang, t, offering_lookup(request), latest)
    chart = gap_chart_svg(path.gaps, title=t("gap_chart"), current_label=t("current_level"),
                          target_label=t("target_level"), level_label=t("level"), layout=NARROW)
    return render(page, "learner.html", path=path, rec=path.rec, chart=Markup(chart),  # noqa: S704 - escaped in chart.py
                  **context)


@router.get("/{token}")
def open_link(request: Request, token: str) -> Response:
    """Open a learner link: a fresh session for its learner, then their page."""
    page = page_for(request, PATH)
    secret = request.app.state.settings.api.session_secret.get_secret_value()
    try:
        link = links.open_link(page.store, secret, token)
    except links.LinkError as exc:
        logger.info("learner link refused: %s", exc.reason)
        response = _message(page, exc.status_code, "link_problem", f"link_{exc.reason}")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    sessions.sign_out(request, page.session)  # whoever used this browser before: their session ends here
    page.session = sessions.open_learner_session(request, link.link_id, link.learner_id, link.expires_at)
    response = redirect(page, f"{PATH}/")
    response.headers["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer header
    return response


@router.post("/feedback")
def feedback(
    request: Request, recommendation_id: Text = "", offering_id: Text = "", value: Text = "", csrf: Text = ""
) -> Response:
    """Relevant, not relevant, enrolled or completed: stored as the API's feedback route stores it."""
    page = page_for(request, PATH)
    if _learner(page) is None or page.principal is None:
        return _message(page, 401, "learner_title", "no_session")
    if not page.session.csrf_ok(csrf):
        return _message(page, 400, "error", "session_expired")
    if value not in FEEDBACK:
        return _message(page, 400, "error", "not_allowed")
    try:
        give_feedback(page.store, page.principal, recommendation_id, offering_id, value)  # type: ignore[arg-type]
    except (people.NotFound, people.NotAllowed):
        return _message(page, 404, "error", "not_found")
    return redirect(page, f"{PATH}/?done=feedback#offer-{offering_id}")


@router.post("/sign-out")
def sign_out(request: Request, csrf: Text = "") -> Response:
    """Close the learner's session (the link still opens a new one until it expires or is revoked)."""
    page = page_for(request, PATH)
    if not page.session.csrf_ok(csrf):
        return _message(page, 400, "error", "session_expired")
    sessions.sign_out(request, page.session)
    page.session = sessions.Session()
    response = _message(page, 200, "learner_title", "session_closed")
    return response
