"""What every page needs (the counsellor's and the learner's): the caller, the language, the session, and rendering
with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.auth import Principal, Role, resolve_token_hash
from api.web.i18n import LANGUAGE_NAMES, LANGUAGES, choose_language, translator
from api.web.session import LANG_COOKIE, PATH, Session, load_session, save_session

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
PAGE_ROLES = frozenset({"counsellor", "admin"})
# Only our own files, never inside a frame (the approve button must not be clickjacked), forms post here only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
STATUSES = ("pending_review", "approved", "edited", "rejected")
ROLES: tuple[str, ...] = get_args(Role)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


TEMPLATES.env.filters["when"] = _when


@dataclass
class Page:
    """One request to the page: who asks, in which language, with which session."""

    request: Request
    lang: str
    t: Callable[..., str]
    session: Session
    principal: Principal | None
    base: str = PATH  # the page's path: its cookies are scoped to it

    @property
    def store(self) -> Any:
        """The app's store."""
        return self.request.app.state.store


def page_for(request: Request, base: str = PATH) -> Page:
    """The page context of a request; a session is started when the browser has none.

    A learner link's session stands for that learner only (role ``learner``), never for anyone else.
    """
    lang = choose_language(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )
    session = load_session(request) or Session()
    principal = resolve_token_hash(request, session.key_hash) if session.key_hash else None
    if session.learner_id:
        principal = Principal(role="learner", name="learner link", learner_id=session.learner_id)
    return Page(request, lang, translator(lang), session, principal, base)


def render(page: Page, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered with the page's language, caller and CSRF token; keeps the session cookie."""
    response = TEMPLATES.TemplateResponse(
        page.request,
        template,
        {
            "t": page.t,
            "lang": page.lang,
            "languages": LANGUAGE_NAMES,
            "csrf": page.session.csrf,
            "principal": page.principal,
            "base": page.base,
            "roles": ROLES,
            **context,
        },
        status_code=status_code,
    )
    finish(page, response)
    return response


def finish(page: Page, response: Response) -> None:
    """Persist the session and a language picked with ``?lang=`` on any response of the page."""
    save_session(page.request, response, page.session, page.base)
    response.headers.update(SECURITY_HEADERS)
    if (page.request.query_params.get("lang") or "").lower() in LANGUAGES:
        response.set_cookie(LANG_COOKIE, page.lang, max_age=365 * 86400, path=page.base, samesite="lax")


def redirect(page: Page, url: str) -> RedirectResponse:
    """A 303 to another page (after a form post), keeping the session."""
    response = RedirectResponse(url, status_code=303)
    finish(page, response)
    return response


def guard(page: Page) -> Response | None:
    """None when the caller may use the page; else the sign-in redirect or a 403 page saying why."""
    if page.principal is None:
        return redirect(page, f"{PATH}/sign-in")
    if page.principal.role not in PAGE_ROLES:
        return render(page, "message.html", 403, title=page.t("error"),
                      message=page.t("wrong_role", role=page.t(f"role_{page.principal.role}")))
    return None
