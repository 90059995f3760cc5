"""Users and API keys, for admins: create (the key is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, Field

from api.auth import Principal, Role, require_role
from api.keys import NewKey, UserPublic, create_user, list_users, revoke_user_keys

router = APIRouter(prefix="/v1/users", tags=["users"])
Admin = Annotated[Principal, Depends(require_role("admin"))]
ERRORS = {401: {"description": "No or unknown token"}, 403: {"description": "Not an admin"}}
Scope = Annotated[str | None, Field(None, min_length=1, max_length=128)]


class UserCreate(BaseModel):
    """A new user: providers need ``provider``, learners ``learner_id``, counsellors ``counsellor_id``."""

    role: Role
    name: str = Field(..., min_length=1, max_length=128, examples=["Counsellor Esch 3"])
    provider: Scope = None
    learner_id: Scope = None
    counsellor_id: Scope = None
    team: Scope = None


class Revoked(BaseModel):
    revoked: int = Field(..., description="Keys that were active and are now revoked.")


@router.post("", response_model=NewKey, status_code=status.HTTP_201_CREATED, summary="Create a user and key",
             responses=ERRORS | {422: {"description": "Invalid body, or a role without its scope"}})
def create(body: UserCreate, request: Request, _: Admin) -> NewKey:
    """The token in the answer is the only copy: the store keeps its hash."""
    return create_user(request.app.state.store, **body.model_dump())


@router.get("", response_model=list[UserPublic], summary="All users", responses=ERRORS)
def users(request: Request, _: Admin) -> list[UserPublic]:
    return list_users(request.app.state.store)


@router.delete("/{user_id}/keys", response_model=Revoked, summary="Revoke a user's keys", responses=ERRORS)
def revoke(user_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request, _: Admin) -> Revoked:
    return Revoked(revoked=revoke_user_keys(request.app.state.store, user_id))
