"""Cells of a Pix Orga export: the injection guard, numbers, dates and the file's encoding."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NOT_SHARED = "na"
_GUARDED = ("'=", "'@", "'+", "'-")
_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")


class RowError(ValueError):
    """A data row that cannot become an event; the message never quotes identity cells."""


def decode_export(data: bytes) -> str:
    """Text of an uploaded export: UTF-8 (with or without BOM), else Windows-1252 as Excel re-saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def unguard(cell: str) -> str:
    """A text cell without the spreadsheet-injection guard: ``'=Weber`` is ``=Weber``."""
    cell = cell.strip()
    return cell[1:] if cell.startswith(_GUARDED) else cell


def parse_number(cell: str, column: str, integer: bool = False) -> float | int:
    """A level (``integer``: 0-8) or a pix score of a shared row; ``,`` decimals accepted.

    Raises:
        RowError: NA, text, or out of range; the message names the column, not the value.
    """
    text = cell.strip().replace(",", ".")
    if text.casefold() == NOT_SHARED:
        raise RowError(f"'{column}' is NA although the profile was shared")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RowError(f"'{column}' is not a number")
    if integer:
        if not value.is_integer() or not 0 <= value <= 8:
            raise RowError(f"'{column}' is not a level 0-8")
        return int(value)
    if value < 0:
        raise RowError(f"'{column}' is negative")
    return int(value) if value.is_integer() else value


def parse_shared_at(cell: str) -> datetime:
    """The sharing date of a row in UTC; Pix writes Europe/Paris local time (``21/11/2026 09:42``, or ISO).

    Raises:
        RowError: the cell is not a date.
    """
    parsed = _local_datetime(cell.strip())
    if parsed is None:
        raise RowError("the sharing date is not a date (expected DD/MM/YYYY HH:MM)")
    try:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)).astimezone(UTC)
    except OverflowError:
        raise RowError("the sharing date is out of range") from None


def _local_datetime(text: str) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
        return datetime.combine(date.fromisoformat(text), datetime.min.time())
    except ValueError:
        return None
