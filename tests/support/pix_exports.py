"""The Pix Orga example (the shipped copy of the shared one) and the variants real exports differ by, generated
from it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from tests.conftest import EXAMPLES

# the shipped copy: tests/schemas/test_contracts.py compares it with ../shared when that is there
PIX_EXAMPLE = EXAMPLES / "pix-profiles-collection.csv"
KEY = b"test-pseudonym-key-0123456789"

#: Every identity value of the example's participants, as written and as meant (guard removed).
IDENTITIES = [
    "Schmit", "Anne", "=Weber", "'=Weber", "Weber", "Luc", "Da Silva", "Maria", "Muller", "@Jean", "'@Jean",
    "Jean", "ADEM-100231", "ADEM-100232", "ADEM-100233", "ADEM-100234",
]  # fmt: skip


def example_text() -> str:
    """The example as text, BOM included."""
    return PIX_EXAMPLE.read_bytes().decode("utf-8")


def parse(text: str) -> list[list[str]]:
    """Rows of a ``;`` CSV (what the test edits)."""
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))


def render(rows: list[list[str]], bom: bool = True, line_end: str = "\n") -> str:
    """Rows back to Pix's format: ``;``, text quoted, numbers bare."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator=line_end)
    for row in rows:
        writer.writerow([int(c) if c.isdigit() else c for c in row])
    return ("\ufeff" if bom else "") + out.getvalue()


def edit(change: Callable[[list[list[str]]], None], **render_kw: object) -> str:
    """The example with its rows changed in place by ``change``."""
    rows = parse(example_text())
    change(rows)
    return render(rows, **render_kw)  # type: ignore[arg-type]


def drop_column(rows: list[list[str]], title: str) -> None:
    """Remove the column with this exact title."""
    idx = rows[0].index(title)
    for row in rows:
        del row[idx]


def insert_column(rows: list[list[str]], before: str, title: str, values: list[str]) -> None:
    """Add a column before the one titled ``before``, with one value per data row."""
    idx = rows[0].index(before)
    rows[0].insert(idx, title)
    for row, value in zip(rows[1:], values, strict=True):
        row.insert(idx, value)
