"""Path edits offered by the page: move up / down, remove, add."""

from __future__ import annotations

import pytest

from api.web.edits import EditError, add_step, apply_step_op

STEPS = ["a", "b", "c"]


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("up:b", ["b", "a", "c"]),
        ("down:b", ["a", "c", "b"]),
        ("remove:b", ["a", "c"]),
        ("up:a", ["a", "b", "c"]),
        ("down:c", ["a", "b", "c"]),
    ],
)
def test_step_operations(op, expected):
    assert apply_step_op(STEPS, op) == expected
    assert STEPS == ["a", "b", "c"]  # the input is left alone


@pytest.mark.parametrize("op", ["up:zz", "swap:a", "", "remove:"])
def test_bad_operations_are_refused(op):
    with pytest.raises(EditError):
        apply_step_op(STEPS, op)


def test_add_appends_and_refuses_duplicates_and_blanks():
    assert add_step(STEPS, " d ") == ["a", "b", "c", "d"]
    with pytest.raises(EditError, match="already"):
        add_step(STEPS, "a")
    with pytest.raises(EditError):
        add_step(STEPS, "  ")
