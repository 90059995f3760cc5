"""Process tuning: the garbage collector after start-up, and freed heap memory given back to the operating system
after the big, rare builds."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys


@functools.cache
def _malloc_trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def release_free_heap() -> bool:
    """Return the free pages of the C heap to the system (glibc ``malloc_trim``); False where unavailable.

    Building the ranking features of a 100k catalogue leaves about 60 MB of freed temporaries in the heap,
    which glibc keeps (resident) because live objects sit above them. The build is rare, the trim takes a
    few milliseconds, and a worker's resident memory is what its container limit counts.
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


GC_YOUNG_THRESHOLD = 50_000  # net new tracked objects between young collections (CPython's default: 700)


def settle_heap() -> None:
    """Put everything built at start-up (the model, the catalogue, the ranking features) out of the garbage
    collector's sight, and collect the young generation less often.

    The start-up objects are millions, and every full collection walked them all: that doubled the cost of a
    recommendation in the worker (``benchmarks/README.md``). Objects made later are collected as usual, but a
    batch of 256 recommendations in flight is tens of thousands of live objects: with the default threshold
    they were walked by a young collection every other event and promoted, and as so little is left unfrozen,
    each promotion soon set off a full collection (0.2-0.35 ms an event in the worker). Only reference cycles
    wait for the collector at all, so a higher threshold keeps at most that many cyclic objects a little longer.
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)
    release_free_heap()  # what start-up freed, back to the system
