"""The counsellor page: sign in with a key, the review queue, a recommendation to approve, reject or edit.

Plain HTML forms posting to these routes do everything; htmx (``hx-boost``) only spares full page loads.
Every POST carries the session's CSRF token; the session cookie itself is SameSite=Strict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from markupsafe import Markup

from api import people
from api.auth import resolve_token
from api.keys import hash_token
from api.outbox import wake_relay
from api.routes.reviews import offering_lookup
from api.web import session as sessions
from api.web.chart import gap_chart_svg
from api.web.edits import EditError, add_step, apply_step_op
from api.web.learner_path import localised_gaps
from api.web.pages import PAGE_ROLES, STATUSES, Page, guard, page_for, redirect, render
from api.web.session import PATH, Session, clear_session
from schemas.errors import UpskillError
from schemas.framework import competence_names, load_framework
from schemas.offering import SERVICE_KINDS

logger = logging.getLogger(__name__)
router = APIRouter(prefix=PATH, include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"
STATIC_FILES = {"htmx.min.js": "text/javascript", "page.css": "text/css", "favicon.svg": "image/svg+xml",
                "learner.js": "text/javascript"}
Text = Annotated[str, Form()]
REVIEWS = {"approve": people.approve, "reject": people.reject}


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """The page's own CSS and the vendored htmx (nothing is loaded from elsewhere)."""
    if name not in STATIC_FILES:
        raise HTTPException(404)
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "max-age=3600"})


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    """The sign-in form."""
    return render(page_for(request), "sign_in.html")


@router.post("/sign-in")
def sign_in(request: Request, api_key: Text = "", csrf: Text = "") -> Response:
    """Check the key; counsellors and admins get a session, anyone else a message saying why not."""
    page = page_for(request)
    if not page.session.csrf_ok(csrf):
        page.session = Session()
        return render(page, "sign_in.html", 400, error=page.t("session_expired"))
    principal = resolve_token(request, api_key.strip()) if api_key.strip() else None
    if principal is None:
        return render(page, "sign_in.html", 401, error=page.t("unknown_key"))
    if principal.role not in PAGE_ROLES:
        return render(page, "sign_in.html", 403, error=page.t("wrong_role", role=page.t(f"role_{principal.role}")))
    sessions.sign_out(request, page.session)  # a fresh id and CSRF token with every sign-in
    page.session = sessions.sign_in(request, hash_token(api_key.strip()))
    logger.info("counsellor page: %s (%s) signed in", principal.name, principal.role)
    return redirect(page, f"{PATH}/")


@router.post("/sign-out")
def sign_out(request: Request, csrf: Text = "") -> Response:
    """End the session."""
    page = page_for(request)
    if not page.session.csrf_ok(csrf):
        return render(page, "message.html", 400, title=page.t("error"), message=page.t("session_expired"))
    sessions.sign_out(request, page.session)  # the session ends on the server: its cookie is worth nothing any more
    response = RedirectResponse(f"{PATH}/sign-in", status_code=303)
    clear_session(response)
    return response


@router.get("/")
def queue(request: Request, status: str = "", campaign: str = "", gap: str = "") -> Response:
    """The review queue, filtered by status, campaign and gap competence."""
    page = page_for(request)
    if (denied := guard(page)) is not None:
        return denied
    filters = {
        "status": status if status in STATUSES else None,
        "campaign": campaign.strip() or None,
        "gap": gap.strip() or None,
    }
    rows = people.review_queue(page.store, page.principal, **filters)
    competences = sorted(load_framework().competences.values(), key=lambda c: [int(p) for p in c.code.split(".")])
    return render(page, "queue.html", rows=rows, filters=filters, statuses=STATUSES, competences=competences,
                  names=competence_names(page.lang))


def _view(page: Page, recommendation_id: str) -> people.RecommendationView | None:
    try:
        UUID(recommendation_id)
    except ValueError:
        return None
    return people.recommendation_view(page.store, page.principal, recommendation_id)


def _detail(
    page: Page, view: people.RecommendationView, status_code: int = 200, error: str | None = None, **extra: object
) -> Response:
    t = page.t
    rec = view.recommendation
    chart = gap_chart_svg(
        localised_gaps(rec.gaps, page.lang), title=t("gap_chart"), current_label=t("current_level"),
        target_label=t("target_level"), level_label=t("level"),
    )
    done = page.request.query_params.get("done")
    return render(
        page, "recommendation.html", status_code, view=view, rec=rec, chart=Markup(chart),  # noqa: S704 - escaped in chart.py
        steps=sorted(rec.path.steps, key=lambda s: s.order), kinds=SERVICE_KINDS, error=error,
        done=t(f"done_{done}") if done in {"approve", "reject", "edit"} else None, **extra,
    )


def _not_found(page: Page) -> Response:
    return render(page, "message.html", 404, title=page.t("error"), message=page.t("not_found"))


@router.get("/recommendations/{recommendation_id}")
def recommendation(request: Request, recommendation_id: str) -> Response:
    """One recommendation: gap chart, path, offerings with their explanations, audit trail, review forms."""
    page = page_for(request)
    if (denied := guard(page)) is not None:
        return denied
    view = _view(page, recommendation_id)
    return _not_found(page) if view is None else _detail(page, view)


def _act(
    page: Page, recommendation_id: str, csrf: str, action: str, note: str,
    change: Callable[[list[str]], list[str]] | None = None,
) -> Response:
    """Approve, reject or (with ``change``, from the current steps to the new ones) edit; then redirect back."""
    if (denied := guard(page)) is not None:
        return denied
    if not page.session.csrf_ok(csrf):
        return render(page, "message.html", 400, title=page.t("error"), message=page.t("session_expired"))
    view = _view(page, recommendation_id)
    if view is None:
        return _not_found(page)
    done = {"note": note.strip() or None, "topic": page.request.app.state.settings.kafka.topics.reviews}
    try:
        if change is None:
            REVIEWS[action](page.store, page.principal, recommendation_id, **done)
        else:
            steps = [s.offering_id for s in sorted(view.recommendation.path.steps, key=lambda s: s.order)]
            lookup = offering_lookup(page.request)  # any catalogue offering may be added, as in the API
            people.edit(page.store, page.principal, recommendation_id, change(steps), lookup=lookup, **done)
    except people.NotFound:
        return _not_found(page)
    except people.NotAllowed:
        return render(page, "message.html", 403, title=page.t("error"), message=page.t("not_allowed"))
    except (EditError, UpskillError, ValueError) as exc:
        return _detail(page, view, 422, error=page.t("invalid_edit", reason=str(exc)))
    wake_relay(page.request)  # the review event is in the outbox: publish it now
    return redirect(page, f"{PATH}/recommendations/{recommendation_id}?done={'edit' if change else action}")


@router.post("/recommendations/{recommendation_id}/review")
def review(request: Request, recommendation_id: str, decision: Text = "", note: Text = "", csrf: Text = "") -> Response:
    """Approve or reject, with an optional note."""
    page = page_for(request)
    if decision not in REVIEWS:
        return render(page, "message.html", 400, title=page.t("error"), message=page.t("not_allowed"))
    return _act(page, recommendation_id, csrf, decision, note)


@router.post("/recommendations/{recommendation_id}/edit")
def edit(
    request: Request, recommendation_id: str, op: Text = "", offering_id: Text = "", note: Text = "", csrf: Text = ""
) -> Response:
    """Change the path: ``op`` is ``up:ID``, ``down:ID``, ``remove:ID`` or ``add`` (with ``offering_id``)."""
    change = partial(add_step, offering_id=offering_id) if op == "add" else partial(apply_step_op, op=op)
    return _act(page_for(request), recommendation_id, csrf, "edit", note, change)
