"""The recommender's one cache rule: a named, bounded :class:`Memo`, kept until it holds its limit, then emptied.

Emptying is cruder than evicting the oldest, and enough: each value is cheap to compute again, and a cache
that reached its limit was already holding values of learners or offerings not seen for a while. Every memo
counts its hits, misses and emptyings under its name (:func:`counts`), which the worker exports as metrics: a
cache production does not hit shows up there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar, overload

import numpy as np

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()


class Counts:
    """What the memos of one name did since the process started."""

    __slots__ = ("emptied", "hits", "misses")

    def __init__(self) -> None:
        self.hits = self.misses = self.emptied = 0

    def as_tuple(self) -> tuple[int, int, int]:
        return self.hits, self.misses, self.emptied


_COUNTS: dict[str, Counts] = {}
_OFF: set[str] = set()  # names of the memos that keep nothing for now (switched_off)


@contextmanager
def switched_off(names: Collection[str]) -> Iterator[None]:
    """Memos of these names keep nothing while inside (every value computed): what a benchmark compares."""
    before = set(_OFF)
    _OFF.update(names)
    try:
        yield
    finally:
        _OFF.clear()
        _OFF.update(before)


def counts() -> dict[str, tuple[int, int, int]]:
    """Per memo name: (hits, misses, emptyings), summed over every memo of that name."""
    return {name: c.as_tuple() for name, c in sorted(_COUNTS.items())}


class Memo(Generic[K, V]):
    """Values by key, computed on a miss, the whole memo emptied first when it holds ``limit`` values.

    Memos of the same ``name`` (one per learner profile, say) share their counts. ``limit`` may change (a
    memo sized by the bytes of its values sets it once it has seen one); 0 keeps nothing. A benchmark prices a
    memo by :func:`switched_off`.
    """

    __slots__ = ("_counts", "_values", "limit", "name")

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self._values: dict[K, V] = {}
        self._counts = _COUNTS.setdefault(name, Counts())

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The value of ``key`` (None is a value), computed and kept first when absent."""
        value = self._values.get(key, _MISSING)
        if value is not _MISSING and self.name not in _OFF:
            self._counts.hits += 1
            return value  # type: ignore[return-value]
        self._counts.misses += 1
        fresh = compute()
        self.put(key, fresh)
        return fresh

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key`` (emptying the memo first when it is full)."""
        if self.name in _OFF:
            return
        if len(self._values) >= self.limit:
            if self._values:
                self._counts.emptied += 1
            self._values.clear()
            if self.limit <= 0:
                return
        self._values[key] = value

    def clear(self) -> None:
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


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
