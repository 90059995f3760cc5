"""The web pages (server-rendered Jinja2, htmx as an enhancement): the counsellor page under ``/counsellor`` and
the learner page, reached by a learner link, under ``/l``."""

from fastapi import APIRouter

from api.web import learner, links, routes

router = APIRouter()
router.include_router(routes.router)
router.include_router(links.router)
router.include_router(learner.router)

__all__ = ["router"]
