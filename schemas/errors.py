"""The project's root exception and the schema-level ones."""

from __future__ import annotations

from pydantic import ValidationError


class UpskillError(Exception):
    """Root of every error upskill raises on purpose."""


class UnknownCompetenceError(UpskillError, ValueError):
    """A competence code that the named framework does not have."""


class UnknownRoleError(UpskillError, ValueError):
    """A target role id that is not in the shipped role profiles."""


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    """One line naming each failing field, e.g. ``results.2.level: Input should be ≤ 8``.

    Args:
        exc: the pydantic error.
        limit: how many field errors to name before summarising the rest.
    """
    parts = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = str(err["msg"])
        parts.append(f"{loc}: {msg}")
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)
