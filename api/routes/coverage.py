"""``GET /v1/coverage``: where learners' gaps meet no offer (competence x level band, by language and format)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.auth import Principal, current_principal
from api.routes.offerings import PublisherDep
from catalog_ingest.coverage import coverage
from catalog_ingest.publish import decode

router = APIRouter(prefix="/v1", tags=["offerings"])


@router.get("/coverage", summary="Active offerings per DigComp competence and level band",
            responses={401: {"description": "No or unknown token"},
                       503: {"description": "The broker holding the catalogue does not answer in time; retry"}})
def get_coverage(
    _principal: Annotated[Principal, Depends(current_principal)], publisher: PublisherDep
) -> dict[str, Any]:
    """For each competence and level band: how many active offerings serve it, by language and format, and
    the list of cells no active offering serves. Counts what the catalogue topic holds now."""
    offerings = [o for o in map(decode, publisher.holdings().values()) if o is not None]
    return coverage(offerings).to_dict()
