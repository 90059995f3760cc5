"""The counsellor page's learner links: "send link" issues one for the learner of a recommendation, shown once
for the counsellor to send; "withdraw" revokes every link of that learner and ends the sessions they opened."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api import links
from api.web import routes as counsellor
from api.web.pages import guard, page_for, render
from api.web.session import PATH

logger = logging.getLogger(__name__)
router = APIRouter(prefix=PATH, include_in_schema=False)
Text = Annotated[str, Form()]


@router.post("/recommendations/{recommendation_id}/link")
def learner_link(request: Request, recommendation_id: str, action: Text = "issue", csrf: Text = "") -> Response:
    """Issue a link to the recommendation's learner (``action=issue``) or revoke their links (``action=revoke``)."""
    page = page_for(request)
    if (denied := guard(page)) is not None or page.principal is None:
        return denied or counsellor._not_found(page)  # noqa: SLF001 - one page, two modules
    if not page.session.csrf_ok(csrf) or action not in {"issue", "revoke"}:
        return render(page, "message.html", 400, title=page.t("error"), message=page.t("session_expired"))
    view = counsellor._view(page, recommendation_id)  # noqa: SLF001 - the counsellor must see the learner
    if view is None:
        return counsellor._not_found(page)  # noqa: SLF001
    learner_id = view.recommendation.learner_id
    api = request.app.state.settings.api
    if action == "revoke":
        revoked = links.revoke_links(page.store, learner_id, page.principal.name)
        logger.info("counsellor page: %s revoked %d learner link(s)", page.principal.name, revoked)
        return counsellor._detail(page, view, link_notice=page.t("links_revoked", n=revoked))  # noqa: SLF001
    issued = links.issue_link(page.store, api.session_secret.get_secret_value(), learner_id, page.principal.name,
                              api.link_days)
    logger.info("counsellor page: %s issued a learner link", page.principal.name)
    return counsellor._detail(  # noqa: SLF001
        page, view, link_url=issued.url(api.public_url),
        link_notice=page.t("link_created", date=issued.expires_at.strftime("%Y-%m-%d")),
    )
