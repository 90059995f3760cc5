"""Providers' own offerings: create, update, withdraw and list, with the same validation as feed files.

Writes go straight to the catalogue topic through a :class:`~catalog_ingest.publish.Publisher` (acknowledged by
the broker before the response); the workers pick them up from there. A provider may only touch offerings of
its own provider code (:func:`check_ownership`); admins may touch any.

The publisher is ``app.state.catalog_publisher`` (created on first use over the configured broker; tests set
a :class:`~catalog_ingest.publish.MemorySink` one). If ``app.state.competence_inferrer`` is set, offerings sent
without DigComp codes get inferred ones, as in ``upskill catalog ingest``.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from api.auth import Principal, current_principal
from catalog_ingest.publish import Publisher
from catalog_ingest.validate import CatalogValidationError, validate_offering
from kafka_io.catalog_sink import KafkaSink
from kafka_io.client import KafkaUnavailableError
from schemas.errors import UpskillError
from schemas.offering import Offering

router = APIRouter(prefix="/v1", tags=["offerings"])
_create_lock = threading.Lock()

EXAMPLE = {
    "id": "acme-excel-basics", "provider": "acme", "provider_name": "ACME Training",
    "title": "Spreadsheets for beginners", "description": "Formulas, sorting and simple charts.",
    "competences": ["3.1"], "level_min": 1, "level_max": 3, "format": "In person",
    "languages": ["English", "FR"], "cost": "gratuit",
}
OfferingBody = Annotated[
    dict[str, Any],
    Body(description="An offering (field set of the catalogue; provider wording such as 'English', "
         "'présentiel' or 'gratuit' is normalised as in feed files).", examples=[EXAMPLE]),
]
ERRORS = {
    401: {"description": "No or unknown token"},
    503: {"description": "The broker holding the catalogue does not answer in time: `detail` says why; retry"},
    403: {"description": "Not a provider, or not this provider's offering"},
    422: {"description": "The offering is invalid: `detail` lists each field and what is wrong"},
}


class OwnershipError(UpskillError, PermissionError):
    """A caller touching an offering that is not theirs."""


class OfferingResult(BaseModel):
    """What a write did."""

    outcome: Literal["created", "updated", "unchanged", "withdrawn"]
    offering: Offering | None = None
    warnings: list[str] = Field(default_factory=list, description="Accepted, but worth a look.")


def check_ownership(
    caller_provider: str | None, existing: Offering | None = None, new: Offering | None = None, is_admin: bool = False
) -> None:
    """Allow a write only to the provider that owns the offering (admins may write any).

    Args:
        caller_provider: the caller's provider code (``None``: the caller is no provider).
        existing: the offering as the catalogue holds it now, if any.
        new: the offering as the caller wants it, if any.
        is_admin: the caller is an administrator.

    Raises:
        OwnershipError: saying whose offering it is.
    """
    if is_admin:
        return
    if not caller_provider:
        raise OwnershipError("only providers can publish offerings")
    if existing is not None and existing.provider != caller_provider:
        raise OwnershipError(f"offering {existing.id!r} belongs to provider {existing.provider!r}")
    if new is not None and new.provider != caller_provider:
        raise OwnershipError(f"you publish as provider {caller_provider!r}, not {new.provider!r}")


def get_publisher(request: Request) -> Publisher:
    """The app's catalogue publisher (over the configured broker unless one was set); 503 when the broker does
    not answer within ``api.broker_timeout_s`` (the next request tries again)."""
    state = request.app.state
    wait = state.settings.api.broker_timeout_s
    if not _create_lock.acquire(timeout=wait):
        raise KafkaUnavailableError(f"the catalogue topic is not reachable yet (waited {wait:g} s)")
    try:
        if getattr(state, "catalog_publisher", None) is None:
            state.catalog_publisher = Publisher(KafkaSink(state.settings, timeout_s=wait))
    finally:
        _create_lock.release()
    return state.catalog_publisher


Caller = Annotated[Principal, Depends(current_principal)]
PublisherDep = Annotated[Publisher, Depends(get_publisher)]


def _owner(principal: Principal, existing: Offering | None = None, new: Offering | None = None) -> None:
    try:
        check_ownership(principal.provider, existing, new, is_admin=principal.role == "admin")
    except OwnershipError as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from None


def _validated(body: dict[str, Any], principal: Principal, request: Request) -> Offering:
    if principal.role == "provider" and not body.get("provider"):
        body = {**body, "provider": principal.provider}
    try:
        offering = validate_offering(body)
    except CatalogValidationError as exc:
        detail = [{"field": p.field, "message": p.message} for p in exc.problems if not p.warning]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from None
    inferrer = getattr(request.app.state, "competence_inferrer", None)
    if inferrer is not None and not offering.competences:
        offering = inferrer.apply([offering])[0]
    return offering


def _publish(publisher: Publisher, offering: Offering) -> OfferingResult:
    summary = publisher.publish([offering])
    outcome = "created" if summary.new else "updated" if summary.updated else "unchanged"
    warnings = [] if offering.competences else [
        "no DigComp competences given (none inferred): learners find this offering by text similarity only"]
    return OfferingResult(outcome=outcome, offering=offering, warnings=warnings)


@router.post("/offerings", status_code=status.HTTP_201_CREATED, response_model=OfferingResult,
             summary="Publish a new offering", responses={**ERRORS, 409: {"description": "The id exists"}})
def create_offering(body: OfferingBody, request: Request, principal: Caller, publisher: PublisherDep) -> OfferingResult:
    """Validate and publish a new offering of the caller's provider."""
    offering = _validated(body, principal, request)
    _owner(principal, new=offering)
    existing = publisher.current(offering.id)
    if existing is not None:
        _owner(principal, existing=existing)
        raise HTTPException(status.HTTP_409_CONFLICT, f"offering {offering.id!r} exists; update it with PUT")
    return _publish(publisher, offering)


@router.put("/offerings/{offering_id}", response_model=OfferingResult, summary="Update one's offering",
            responses={**ERRORS, 404: {"description": "No such offering"}})
def update_offering(
    offering_id: str, body: OfferingBody, request: Request, principal: Caller, publisher: PublisherDep
) -> OfferingResult:
    """Replace an existing offering (all fields); unchanged content is not re-published."""
    if body.setdefault("id", offering_id) != offering_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            [{"field": "id", "message": f"must be {offering_id!r}, the id in the path"}])
    offering = _validated(body, principal, request)
    existing = publisher.current(offering_id)
    if existing is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no offering {offering_id!r}")
    _owner(principal, existing=existing, new=offering)
    return _publish(publisher, offering)


@router.delete("/offerings/{offering_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               summary="Withdraw one's offering", responses={**ERRORS, 404: {"description": "No such offering"}})
def withdraw_offering(offering_id: str, principal: Caller, publisher: PublisherDep) -> Response:
    """Withdraw an offering: a tombstone on the topic; the workers drop it from their index."""
    existing = publisher.current(offering_id)
    if existing is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no offering {offering_id!r}")
    _owner(principal, existing=existing)
    publisher.withdraw([offering_id])
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/offerings", response_model=list[Offering], summary="List one's own offerings", responses=ERRORS)
def list_offerings(principal: Caller, publisher: PublisherDep, provider: str | None = None) -> list[Offering]:
    """The caller's offerings as the catalogue holds them (admins name a ``provider``)."""
    code = provider if principal.role == "admin" and provider else principal.provider
    if not code:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only providers have offerings (admins: ?provider=CODE)")
    return publisher.by_provider(code)
