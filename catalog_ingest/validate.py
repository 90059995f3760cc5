"""Validation of provider feeds: every problem reported with file, line and field; good rows accepted whole.

A row is accepted only if it has no problem at all (never half-applied). An id that occurs on more than one
row is ambiguous, so every row carrying it is rejected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalog_ingest.normalise import normalise
from catalog_ingest.readers import COST_COLUMNS, ROW, Problem, RawRow, read_file
from schemas.errors import UpskillError
from schemas.offering import Offering

_CSV_NAMES = {f"cost.{nested}": column for column, nested in COST_COLUMNS.items()}
_MESSAGES = {
    "missing": "required field is missing",
    "string_too_short": "must not be empty",
}


class CatalogValidationError(UpskillError, ValueError):
    """An offering (e.g. sent to the API) that fails validation; ``problems`` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems if not p.warning))


@dataclass(frozen=True)
class Accepted:
    """A valid offering and where it was read."""

    offering: Offering
    path: str
    line: int


@dataclass
class ValidationReport:
    """The outcome of validating one or more feeds."""

    accepted: list[Accepted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def errors(self) -> list[Problem]:
        """Problems that reject a row (not warnings)."""
        return [p for p in self.problems if not p.warning]

    @property
    def rejected(self) -> int:
        """Rows (or unreadable records) rejected."""
        return len({(p.path, p.line) for p in self.errors})

    @property
    def offerings(self) -> list[Offering]:
        return [a.offering for a in self.accepted]


def _message(err: Any) -> str:
    if err["type"] in _MESSAGES:
        return _MESSAGES[err["type"]]
    if err["type"] == "string_pattern_mismatch":
        return f"{err['input']!r} is not valid here (lower-case letters, digits, '.', '_' and '-' only)"
    return str(err["msg"]).removeprefix("Value error, ")


def _field_name(loc: tuple[Any, ...], csv: bool) -> str:
    name = ".".join(str(p) for p in loc[:2]) or ROW
    return _CSV_NAMES.get(name, name) if csv else name


def check_row(row: RawRow) -> Offering | list[Problem]:
    """The offering of one raw row, or every problem with it."""
    data, field_problems = normalise(row.data)
    problems = [Problem(row.path, row.line, f, m) for f, m in field_problems.items()]
    lo, hi = data.get("level_min"), data.get("level_max")
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        problems.append(Problem(row.path, row.line, "level_max", f"{hi} is below level_min {lo}"))
        data.pop("level_max")
    if data.get("part_of") is not None and data.get("part_of") == data.get("id"):
        problems.append(Problem(row.path, row.line, "part_of", "an offering cannot be part of itself"))
    try:
        offering = Offering.model_validate(data)
    except ValidationError as exc:
        problems += [
            Problem(row.path, row.line, _field_name(err["loc"], row.csv), _message(err))
            for err in exc.errors(include_url=False)
        ]
        return sorted(set(problems))
    return sorted(set(problems)) if problems else offering


def validate_rows(
    items: Iterable[RawRow | Problem], on_row: Callable[[RawRow | Problem], None] | None = None
) -> ValidationReport:
    """Check rows read from one or more feeds (see :func:`catalog_ingest.readers.read_file`)."""
    report = ValidationReport()
    candidates: list[Accepted] = []
    where: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for item in items:
        if on_row:
            on_row(item)
        if isinstance(item, Problem):
            report.problems.append(item)
            report.rows += item.field == ROW and not item.warning
            continue
        report.rows += 1
        oid = item.data.get("id")
        if isinstance(oid, str) and oid.strip():
            where[oid.strip()].append((item.path, item.line))
        outcome = check_row(item)
        if isinstance(outcome, Offering):
            candidates.append(Accepted(outcome, item.path, item.line))
        else:
            report.problems += outcome
    for oid, places in where.items():
        if len(places) > 1:
            for path, line in places:
                others = ", ".join(f"{p}:{n}" for p, n in places if (p, n) != (path, line))
                report.problems.append(Problem(path, line, "id", f"duplicate id {oid!r} (also at {others})"))
    bad = {(p.path, p.line) for p in report.errors}
    report.accepted = [a for a in candidates if (a.path, a.line) not in bad]
    report.problems.sort()
    return report


def validate_files(
    paths: Sequence[Path], on_row: Callable[[RawRow | Problem], None] | None = None
) -> ValidationReport:
    """Read and check every row of these feeds (an id duplicated across files is a problem too)."""
    order = {str(p): i for i, p in enumerate(paths)}
    report = validate_rows((item for p in paths for item in read_file(p)), on_row)
    report.problems.sort(key=lambda p: (order.get(p.path, len(order)), p.line, p.field))
    return report


def validate_offering(data: dict[str, Any], source: str = "request") -> Offering:
    """One offering from a dict (e.g. an API body), with the same rules as the files.

    Raises:
        CatalogValidationError: listing every problem.
    """
    outcome = check_row(RawRow(source, 1, data))
    if isinstance(outcome, list):
        raise CatalogValidationError(outcome)
    return outcome
