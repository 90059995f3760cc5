"""The FastAPI app: health, assessments in (through the outbox), recommendations out (from the store)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import make_asgi_app
from sqlalchemy.exc import DataError

from api import web
from api.keys import key_resolver
from api.limits import BodyLimit
from api.metrics import guarded, instrument
from api.people import InvalidEdit, NotAllowed, NotFound
from api.ratelimit import RateLimits
from api.routes import assessments, coverage, feedback, gdpr, health, imports, learners, me, offerings, reviews, users
from config import __version__
from config.settings import Settings
from kafka_io.client import KafkaUnavailableError
from schemas.errors import UpskillError

logger = logging.getLogger(__name__)
UPLOAD_FORM_BYTES = 64 * 1024  # the multipart form's fields and boundaries around an export


def create_app(settings: Settings, start_relay: bool = True) -> FastAPI:
    """The API for these settings. The store and the outbox relay are opened in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from kafka_io.outbox_relay import OutboxRelay
        from store import Store

        app.state.settings = settings
        app.state.store = Store(settings.database.url, settings.database.echo)
        app.state.key_resolver = key_resolver(app.state.store)
        app.state.rate_limits = RateLimits(settings.api.rate_limit, settings.api.write_rate_limit,
                                           settings.api.rate_limit_storage)
        app.state.relay = OutboxRelay(settings, app.state.store)
        if start_relay:
            app.state.relay.start()
        try:
            yield
        finally:
            if start_relay:
                app.state.relay.stop(timeout=2.0)  # a batch on the wire stays in the outbox: sent on the next start
            publisher = getattr(app.state, "catalog_publisher", None)  # made on first use by the offerings routes
            if publisher is not None and hasattr(publisher.sink, "close"):
                publisher.sink.close()
            app.state.store.dispose()

    app = FastAPI(
        title="upskill",
        version=__version__,
        description="DigComp skill gaps in, training paths out. Assessments are accepted here and "
        "processed by the stream workers; recommendations are read from the store.",
        lifespan=lifespan,
    )
    app.state.settings = settings

    @app.exception_handler(UpskillError)
    async def _upskill_error(_: Request, exc: UpskillError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(KafkaUnavailableError)
    async def _broker_away(_: Request, exc: KafkaUnavailableError) -> JSONResponse:
        logger.warning("a request needed the broker: %s", exc)
        return JSONResponse({"detail": f"the broker does not answer, try again shortly ({exc})"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(NotAllowed)
    async def _not_allowed(_: Request, exc: NotAllowed) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidEdit)
    async def _invalid_edit(_: Request, exc: InvalidEdit) -> JSONResponse:
        return JSONResponse({"detail": [{"field": "steps", "message": str(exc), "type": "invalid_edit"}]},
                            status_code=422)

    @app.exception_handler(DataError)
    async def _data_error(_: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character, which PostgreSQL text cannot hold: the input is at fault, not the server.
        return JSONResponse({"detail": "a value cannot be stored (invalid characters)"}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(health.router)
    app.include_router(assessments.router)
    app.include_router(learners.router)
    for module in (me, reviews, feedback, gdpr, users):
        app.include_router(module.router)
    app.include_router(offerings.router)
    app.include_router(coverage.router)
    app.include_router(imports.router)
    app.include_router(web.router)  # the counsellor page, /counsellor (with its own static files)
    instrument(app)
    tokens = [t.get_secret_value() for t in (settings.api.metrics_token, settings.api.admin_token) if t]
    app.mount("/metrics", guarded(make_asgi_app(), tokens))  # not open on the public port
    # outermost: a body above the cap is refused before routing, authentication or parsing
    app.add_middleware(BodyLimit, max_bytes=settings.api.max_body_bytes,
                       larger={"/v1/imports/": imports.MAX_UPLOAD_BYTES + UPLOAD_FORM_BYTES})
    return app
