"""Kinds of offering as data (``data/kinds.json``): how much each teaches, whether it is a service, who it fits.

A service (an advice desk, a helpline, a guide, a diagnostic, ...) is not training: it never takes a training
slot that a course could fill and is shown in the recommendation's ``support`` list with the table's reason,
unless its kind is made for this learner (``fits``): a diagnostic for someone who leads an organisation, help near
home for a learner starting out or a senior, a catalogue for the audience it names. Then it competes with the
courses, teaching what ``teaches_fit`` says (a diagnostic is the first step for someone who leads an
organisation, as much as a course), and a recommendation still holds at most ``MAX_SERVICES`` of them
(:mod:`recommender.weights`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

FITS = ("anyone", "organisation_lead", "unassessed", "starting_out_nearby", "its_audience", "digital_career")


@dataclass(frozen=True)
class Kind:
    """One row of the table."""

    teaches: float  # how much of a gap it teaches, next to a focused course (1.0)
    service: bool  # not training
    fits: str  # whom it is for: one of FITS (a service for anyone suits no one in particular)
    reason: str = ""  # what the support list says of it
    admits: bool = False  # a way in (an admission test): worth what the offerings that require it teach
    item: bool = True  # False: teaches nothing by itself (a test certifies, a catalogue lists courses), so it is
    # an item only when made for the learner, otherwise support
    teaches_fit: float | None = None  # how much it teaches the learner it is made for (None: ``teaches``)

    @property
    def teaches_made_for(self) -> float:
        """How much of a gap it teaches a learner it is made for."""
        return self.teaches if self.teaches_fit is None else self.teaches_fit


COURSE = Kind(1.0, False, "anyone")


@cache
def kinds() -> dict[str, Kind]:
    """The shipped table (checked: every ``fits`` is known)."""
    raw = json.loads(files("recommender").joinpath("data/kinds.json").read_text(encoding="utf-8"))["kinds"]
    table = {name: Kind(**row) for name, row in raw.items()}
    unknown = {k.fits for k in table.values()} - set(FITS)
    if unknown:
        raise ValueError(f"recommender/data/kinds.json: unknown fits {sorted(unknown)}; known: {FITS}")
    return table


def kind_of(name: str) -> Kind:
    """The row of a kind; a kind the table does not list is taken as a course."""
    return kinds().get(name, COURSE)
