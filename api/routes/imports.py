"""``POST /v1/imports/pix-profiles``: a counsellor or an organisation admin uploads a Pix Orga export.

The upload is read in memory and turned into pseudonymous ``assessment.completed`` events, exactly like
``upskill import pix-profiles``; the file itself is never stored and the answer is the import summary (no
name, no external id), with a learner link per shared participant, named by the line of their row. The events
go the way of ``POST /v1/assessments``: into the store's outbox in one
transaction, published by the relay (or straight to Kafka when the app has no store).

The app must put its :class:`Settings` on ``app.state.settings``. Publishing goes through the dependency
:func:`get_assessment_publisher`, which an app or a test may override.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from pydantic import BaseModel, Field

from api.auth import require_role
from api.links import issue_link
from api.outbox import wake_relay
from config.settings import Settings
from pix_import import (
    ImportOptions,
    MissingPseudonymKeyError,
    NotAPixExportError,
    decode_export,
    import_pix_profiles,
    resolve_key,
)
from schemas.assessment import AssessmentCompleted, LearnerStatus
from store import Store

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a 10,000-participant export is about 3 MB
Publisher = Callable[[Sequence[AssessmentCompleted]], int]


class RejectedLine(BaseModel):
    line: int = Field(..., description="Line of the file (the header is line 1).", examples=[5])
    reason: str = Field(..., examples=["'Niveau pour la compétence Interagir' is not a number"])


class LearnerLinkOut(BaseModel):
    """The link that opens one participant's page: hand it to the person on that line of the file."""

    line: int = Field(..., description="Line of the participant's row (the header is line 1).", examples=[3])
    learner_id: str = Field(..., description="Their pseudonym, as in the events and the review queue.")
    url: str = Field(..., description="Opens their learner page, without a key, until it expires or is revoked.")
    expires_at: datetime


class PixImportSummary(BaseModel):
    """What the import did; it names lines and columns, never a participant."""

    rows: int = Field(..., description="Data rows read.")
    events: int = Field(..., description="Shared rows that became assessment.completed events.")
    not_shared: int = Field(..., description="Participants who have not shared their profile (no event).")
    rejected: list[RejectedLine]
    campaigns: list[str] = Field(..., examples=[["ADEMDIGI25"]])
    unknown_columns: list[str] = Field(..., description="Columns that were reported, not guessed.")
    missing_competences: list[str] = Field(..., description="Pix competences with no column in the file.")
    published: int = Field(
        ..., description="Events accepted for the assessments topic (durably queued; 0 on a dry run)."
    )
    links: list[LearnerLinkOut] = Field(
        default_factory=list, description="A learner link per shared participant (none on a dry run, or when the "
        "API keeps no store)."
    )


def _settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    if not isinstance(settings, Settings):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the API has no app.state.settings")
    return settings


def get_assessment_publisher(
    request: Request, settings: Annotated[Settings, Depends(_settings)]
) -> Publisher:
    """Sends events to the assessments topic: via the app's outbox if it has a store, else with kafka-python."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        from kafka_io.assessments import publish_assessments

        return lambda events: publish_assessments(settings, events)
    topic = settings.kafka.topics.assessments

    def enqueue(events: Sequence[AssessmentCompleted]) -> int:
        with store.session() as s:
            for event in events:
                store.enqueue(s, topic, event.learner.id, event.model_dump_json(exclude_none=True))
        wake_relay(request)
        return len(events)

    return enqueue


def _checked(options: ImportOptions) -> ImportOptions:
    try:
        options.check()
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return options


def make_router(access: Callable[..., Any]) -> APIRouter:
    """The imports router, every route behind the ``access`` dependency (counsellors and admins)."""
    router = APIRouter(prefix="/v1/imports", tags=["imports"], dependencies=[Depends(access)])

    @router.post(
        "/pix-profiles",
        response_model=PixImportSummary,
        summary="Import a Pix Orga profiles-collection export",
        responses={
            401: {"description": "No or unknown token"},
            403: {"description": "Neither a counsellor nor an admin"},
            413: {"description": "File too large"},
            422: {"description": "Not a Pix profiles export, or a bad option"},
            503: {"description": "No pseudonym key configured, or the broker is unavailable"},
        },
    )
    def import_pix(
        request: Request,
        settings: Annotated[Settings, Depends(_settings)],
        publisher: Annotated[Publisher, Depends(get_assessment_publisher)],
        file: Annotated[UploadFile, File(description="The CSV exported from Pix Orga (not stored).")],
        role: Annotated[str | None, Form(description="Target role id for every learner.")] = None,
        languages: Annotated[str | None, Form(description="e.g. fr,en")] = None,
        learner_status: Annotated[LearnerStatus | None, Form(alias="status")] = None,
        counsellor: Annotated[str | None, Form(description="Counsellor id for every learner.")] = None,
        counsellor_consent: Annotated[bool, Form(description="Participants agreed to it seeing.")] = False,
        organisation_id: Annotated[str | None, Form()] = None,
        dry_run: Annotated[bool, Form(description="Only check the file: nothing is published.")] = False,
        caller: Any = Depends(access),  # noqa: B008 - a closure's dependency: the annotation cannot name it
    ) -> PixImportSummary:
        """Import a Pix Orga profiles-collection export; answers with the summary (the file is not kept)."""
        options = _checked(
            ImportOptions(
                role=role or None,
                languages=tuple(c for c in (languages or "").split(",") if c.strip()),
                status=learner_status,
                counsellor_id=counsellor or None,
                counsellor_consent=counsellor_consent,
                organisation_id=organisation_id or None,
            )
        )
        try:
            key = resolve_key(settings.pseudonym_key)
        except MissingPseudonymKeyError as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None
        data = file.file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"exports above {MAX_UPLOAD_BYTES} bytes")
        try:
            result = import_pix_profiles(decode_export(data), key, options)
        except NotAPixExportError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        published = 0 if dry_run else _publish(publisher, result.events)
        links = [] if dry_run else _links(request, settings, getattr(caller, "name", "Pix import"), result)
        return PixImportSummary(**result.summary.to_dict(), published=published, links=links)

    return router


def _links(request: Request, settings: Settings, issued_by: str, result: Any) -> list[LearnerLinkOut]:
    """A link per event of the import (its participant shared their profile), issued in the app's store."""
    store = getattr(request.app.state, "store", None)
    if not isinstance(store, Store):
        return []
    secret = settings.api.session_secret.get_secret_value()
    out = []
    for line, event in zip(result.lines, result.events, strict=True):
        issued = issue_link(store, secret, event.learner.id, issued_by, settings.api.link_days)
        out.append(LearnerLinkOut(line=line, learner_id=event.learner.id, url=issued.url(settings.api.public_url),
                                  expires_at=issued.expires_at))
    return out


def _publish(publisher: Publisher, events: Sequence[AssessmentCompleted]) -> int:
    from kafka_io.client import KafkaUnavailableError

    try:
        return publisher(events)
    except KafkaUnavailableError as exc:
        logger.error("Pix import not published: %s", exc)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the event broker is unavailable") from None


#: The router the app includes: counsellors and organisation admins only.
router = make_router(require_role("counsellor", "admin"))
