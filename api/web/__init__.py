"""The counsellor web page (server-rendered Jinja2, htmx as an enhancement), mounted under ``/counsellor``."""

from api.web.routes import router

__all__ = ["router"]
