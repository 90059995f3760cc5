"""Requests per API user and time window (``limits``): a caller above their rate gets 429 with ``Retry-After``.

Two limits, both settings: every authenticated request (``UPSKILL_API__RATE_LIMIT``) and, within it, writes
(``UPSKILL_API__WRITE_RATE_LIMIT``: POST, PUT, PATCH, DELETE), in the ``limits`` notation ("1200/minute",
"10/second;1000/hour"). The counters live in ``UPSKILL_API__RATE_LIMIT_STORAGE``: ``memory://`` counts per
process; several API replicas share a ``redis://`` store to count together.
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, status
from limits import RateLimitItem, parse_many, storage, strategies

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RateLimits:
    """The limits of one API process, over its counter store."""

    def __init__(self, every: str, writes: str, storage_uri: str = "memory://") -> None:
        self.every: list[RateLimitItem] = parse_many(every)
        self.writes: list[RateLimitItem] = parse_many(writes)
        self._window = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def check(self, who: str, method: str) -> None:
        """Count one request of ``who``; 429 when it is above a limit (it is then not counted)."""
        limits = [(item, "all") for item in self.every]
        if method.upper() in WRITES:
            limits += [(item, "write") for item in self.writes]
        for item, scope in limits:
            if not self._window.test(item, scope, who):
                raise self._refused(item, scope, who)
        for item, scope in limits:
            self._window.hit(item, scope, who)

    def _refused(self, item: RateLimitItem, scope: str, who: str) -> HTTPException:
        reset, _ = self._window.get_window_stats(item, scope, who)
        wait = max(1, math.ceil(reset - time.time()))
        kind = "write requests" if scope == "write" else "requests"
        return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                             f"too many {kind}: at most {item} per API user; retry in {wait} s",
                             headers={"Retry-After": str(wait)})
