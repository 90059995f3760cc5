"""Reading provider feeds (JSON Lines, CSV) into raw rows that remember their file and line.

Readers never raise on bad content: a row that cannot be read becomes a :class:`Problem` and reading goes on,
so one broken line does not hide the problems (or the good rows) after it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

ROW = "(row)"  # the "field" of a problem that concerns the whole row
COST_COLUMNS = {"cost_free": "free", "cost_amount_eur": "amount_eur", "cost_note": "note"}
KNOWN_FIELDS = frozenset(
    "id provider provider_name title url description kind status competences level_min level_max format "
    "self_paced format_note duration_hours languages cost prerequisites requirements part_of certificate "
    "audience source confidence inferred_fields".split()
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, where it is and what to do about it."""

    path: str
    line: int
    field: str
    message: str
    warning: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {self.field}: {kind}{self.message}"


@dataclass(frozen=True)
class RawRow:
    """One offering as read, before normalisation; ``csv`` says which column names to use in messages."""

    path: str
    line: int
    data: dict[str, Any]
    csv: bool = False


def read_file(path: Path) -> Iterator[RawRow | Problem]:
    """The rows of a ``.jsonl`` / ``.ndjson`` or ``.csv`` feed, or the problems met reading them."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield Problem(name, 0, "(file)", f"cannot read: {exc}")
        return
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        yield from read_jsonl(text, name)
    elif suffix == ".csv":
        yield from read_csv(text, name)
    else:
        yield Problem(name, 0, "(file)", f"unsupported file type {suffix!r} (use .jsonl or .csv)")


def read_jsonl(text: str, name: str) -> Iterator[RawRow | Problem]:
    """One JSON object a line; blank lines are skipped."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(name, lineno, ROW, f"not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(data, dict):
            yield Problem(name, lineno, ROW, f"expected a JSON object, got {type(data).__name__}")
            continue
        yield RawRow(name, lineno, data)


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _records(lines: list[str], delimiter: str, start: int) -> Iterator[tuple[int, int, list[str] | str]]:
    """(first line, last line, cells or an error message) of each CSV record from line index ``start``.

    After a quoting error, parsing resumes on the line after the one where the broken record began, so the
    rows a stray quote swallowed are still read (and reported or accepted on their own).
    """
    while start < len(lines):
        reader = csv.reader(islice(lines, start, None), delimiter=delimiter, strict=True)
        consumed = 0
        try:
            for cells in reader:
                first, consumed = start + consumed + 1, reader.line_num
                yield first, start + consumed, cells
            return
        except csv.Error as exc:
            first = start + consumed + 1
            yield first, first, f"broken CSV quoting ({exc}): check the double quotes that open on this line"
            start = first


def read_csv(text: str, name: str) -> Iterator[RawRow | Problem]:
    """A header row, then one offering a row. Lists are ``;``-separated inside a cell, prerequisite groups
    ``a|b;c``, and the cost is split over the columns ``cost_free``, ``cost_amount_eur`` and ``cost_note``."""
    lines = text.splitlines(keepends=True)
    if not lines:
        yield Problem(name, 1, "(file)", "empty file: expected a header row")
        return
    try:
        header = [h.strip().lower() for h in next(csv.reader([lines[0]], delimiter=_delimiter(lines[0])))]
    except csv.Error as exc:
        yield Problem(name, 1, "(header)", f"broken CSV quoting: {exc}")
        return
    for column in header:
        if column not in KNOWN_FIELDS and column not in COST_COLUMNS:
            yield Problem(name, 1, column, "unknown column, kept as an extra field", warning=True)
    records = _records(lines, _delimiter(lines[0]), 1)
    for first, last, cells in records:
        if isinstance(cells, str):
            yield Problem(name, first, ROW, cells)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield _cell_count_problem(name, first, last, len(cells), len(header))
            if last > first:  # a stray quote joined lines: read them again one by one
                records.close()
                yield from _rows_from(lines, header, name, first)
                return
            continue
        yield RawRow(name, first, _csv_data(header, cells), csv=True)


def _rows_from(lines: list[str], header: list[str], name: str, start: int) -> Iterator[RawRow | Problem]:
    sub = read_csv("".join([lines[0], *lines[start:]]), name)
    for item in sub:
        if isinstance(item, RawRow):
            yield RawRow(name, item.line + start - 1, item.data, csv=True)
        elif item.line > 1:
            yield Problem(name, item.line + start - 1, item.field, item.message, item.warning)


def _cell_count_problem(name: str, first: int, last: int, got: int, want: int) -> Problem:
    if last > first:
        return Problem(name, first, ROW, f"broken CSV quoting: a quoted cell opened here runs to line {last} "
                       f"({got} cells, the header has {want})")
    return Problem(name, first, ROW, f"{got} cells, the header has {want}")


def _csv_data(header: list[str], cells: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    cost: dict[str, str] = {}
    for column, cell in zip(header, cells, strict=True):
        if not cell.strip():
            continue
        if column in COST_COLUMNS:
            cost[COST_COLUMNS[column]] = cell.strip()
        else:
            data[column] = cell.strip()
    if cost:
        data["cost"] = cost
    return data
