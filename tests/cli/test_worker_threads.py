"""``upskill worker`` gives the numeric libraries of each process the configured number of threads."""

from __future__ import annotations

import os

import pytest

from upskill.cli.serve import THREAD_VARIABLES, limit_threads


def test_limit_threads_sets_what_is_unset_and_keeps_an_operators_value(monkeypatch: pytest.MonkeyPatch):
    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    limit_threads(1)
    assert os.environ["OMP_NUM_THREADS"] == "4"
    assert os.environ["OPENBLAS_NUM_THREADS"] == os.environ["MKL_NUM_THREADS"] == "1"
