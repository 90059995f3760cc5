"""Provider and Pix input is anyone's text: every parser takes a megabyte of adversarial text in linear time.

A pattern such as ``\\s*;\\s*`` backtracks quadratically on a long run of spaces: the API would spend minutes on
one offering while holding the GIL. The bound is coarse on purpose (a quadratic parser takes minutes here, a
linear one a fraction of a second); it catches a hang, it does not measure speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from catalog_ingest.normalise import NORMALISERS, FieldError, normalise
from pix_import import ImportOptions, import_pix_profiles
from recommender.constraints import OfferingFacts
from schemas.offering import Offering
from tests.support.pix_exports import KEY, edit, example_text

pytestmark = pytest.mark.hostile

MB = 1_000_000
AT_MOST_S = 1.0
HOSTILE = {
    "spaces": "a" + " " * MB + "b",
    "separators": " ;" * (MB // 2),
    "bars": "a" + " " * (MB // 2) + "|" + " " * (MB // 2) + "b",
    "commas and slashes": " ,/" * (MB // 3) + "x",
    "digits": "1" * MB + "x",
    "a level word": "level" + " " * MB + "3x",
    "a framework prefix": "digcomp" + " " * MB + "4.2",
    "an amount": "€" + " " * (MB // 2) + "1" + " " * (MB // 2) + "x",
}


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    try:
        call()
    except (FieldError, ValueError):
        pass  # refusing the text is fine; taking minutes to is not
    return time.perf_counter() - start


@pytest.mark.parametrize("field", sorted(NORMALISERS))
def test_every_field_parser_is_linear_on_hostile_text(field: str) -> None:
    slow = {name: round(t, 2) for name, text in HOSTILE.items()
            if (t := _timed(lambda text=text: NORMALISERS[field](text))) > AT_MOST_S}
    assert slow == {}


def test_a_whole_hostile_row_is_normalised_or_refused_quickly() -> None:
    row = {field: HOSTILE["spaces"] for field in NORMALISERS}
    assert _timed(lambda: normalise(row)) < 4 * AT_MOST_S  # every field at once


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_requirements_in_words_are_read_in_linear_time(name: str) -> None:
    off = Offering.model_validate({"id": "x", "provider": "p", "provider_name": "P", "title": "T",
                                   "competences": ["4.2"], "requirements": [HOSTILE[name]]})
    assert _timed(lambda: OfferingFacts.build([off])) < AT_MOST_S


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_pix_cell_is_imported_or_refused_quickly(name: str) -> None:
    def spoil(rows: list[list[str]]) -> None:
        for j in range(len(rows[0])):  # every cell of the first participant
            rows[1][j] = HOSTILE[name]

    text = edit(spoil)
    assert len(text) > MB and text != example_text()
    assert _timed(lambda: import_pix_profiles(text, KEY, ImportOptions())) < 4 * AT_MOST_S
