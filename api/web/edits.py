"""The path edits the page offers, as pure functions over the ordered list of offering ids."""

from __future__ import annotations


class EditError(ValueError):
    """An edit that cannot apply to this path (unknown step, duplicate offering, unknown operation)."""


def apply_step_op(steps: list[str], op: str) -> list[str]:
    """The path after ``op``: ``up:ID``, ``down:ID`` or ``remove:ID`` (moving past an end changes nothing).

    Raises:
        EditError: unknown operation or an offering that is not a step of the path.
    """
    verb, _, offering_id = op.partition(":")
    if verb not in {"up", "down", "remove"}:
        raise EditError(f"unknown operation {verb!r}")
    if offering_id not in steps:
        raise EditError(f"{offering_id!r} is not a step of this path")
    new = list(steps)
    i = new.index(offering_id)
    if verb == "remove":
        del new[i]
    elif verb == "up" and i > 0:
        new[i - 1], new[i] = new[i], new[i - 1]
    elif verb == "down" and i < len(new) - 1:
        new[i + 1], new[i] = new[i], new[i + 1]
    return new


def add_step(steps: list[str], offering_id: str) -> list[str]:
    """The path with one more offering at its end.

    Raises:
        EditError: an empty id, or an offering already in the path.
    """
    offering_id = offering_id.strip()
    if not offering_id:
        raise EditError("give the id of an offering")
    if offering_id in steps:
        raise EditError(f"{offering_id!r} is already a step of this path")
    return [*steps, offering_id]
