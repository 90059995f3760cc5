"""Processes that start together (a worker group, an API beside it) all migrate the same fresh store at once."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import inspect

from store import Store
from store.db import make_engine


def test_stores_opened_at_once_by_several_processes_all_migrate(store_url):
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, as separate worker processes are
    start = ctx.Barrier(4)
    procs = [ctx.Process(target=_race, args=(store_url, start)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    engine = make_engine(store_url)
    try:
        assert {"assessments", "recommendations", "outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _race(url: str, start) -> None:  # type: ignore[no-untyped-def]
    start.wait(60)
    Store(url).dispose()  # migrates as it opens
