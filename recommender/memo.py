"""The per-catalogue-version caches' one rule: kept until the cache holds its limit, then emptied.

Emptying is cruder than evicting the oldest, and enough: each value is cheap to compute again, and a cache
that reached its limit was already holding values of learners or offerings not seen for a while.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast, overload

import numpy as np

T = TypeVar("T")
_MISSING = object()


def kept(cache: dict[Any, Any], key: Hashable, compute: Callable[[], T], limit: int) -> T:
    """``cache[key]``, computed and stored first when absent (None is a value); ``cache`` is emptied first
    when it holds ``limit`` values."""
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        if len(cache) >= limit:
            cache.clear()
        value = cache[key] = compute()
    return cast(T, value)


@overload
def read_only(array: np.ndarray) -> np.ndarray: ...
@overload
def read_only(array: None) -> None: ...
@overload
def read_only(array: np.ndarray | None) -> np.ndarray | None: ...
def read_only(array: np.ndarray | None) -> np.ndarray | None:
    """``array``, marked read-only (shared between learners, it must not be written)."""
    if array is not None:
        array.flags.writeable = False
    return array
