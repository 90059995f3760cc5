"""Publishing offerings to the compacted topic ``catalog.offerings`` (key = id, value = JSON, null = withdrawn).

Before sending, the publisher compares each offering with what the topic already holds, so publishing the
same file twice sends nothing the second time, and the summary says what was new, updated or unchanged.
The topic sits behind :class:`OfferingSink`: :class:`kafka_io.catalog_sink.KafkaSink` for the broker,
:class:`MemorySink` for tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from schemas.offering import Offering

logger = logging.getLogger(__name__)

BATCH = 500


class OfferingSink(Protocol):
    """Where offerings go: the topic's current content by id, and a way to send records to it."""

    def holdings(self) -> dict[str, bytes]:
        """Id -> value of every offering the topic holds now (withdrawn ones are absent)."""
        ...

    def send(self, records: Sequence[tuple[str, bytes | None]]) -> None:
        """Send (key, value) records and return once all are acknowledged."""
        ...


class MemorySink:
    """The topic as a dict, for tests and dry runs; ``sent`` lists every record in order."""

    def __init__(self, initial: dict[str, bytes] | None = None) -> None:
        self.state: dict[str, bytes] = dict(initial or {})
        self.sent: list[tuple[str, bytes | None]] = []

    def holdings(self) -> dict[str, bytes]:
        return dict(self.state)

    def send(self, records: Sequence[tuple[str, bytes | None]]) -> None:
        for key, value in records:
            self.sent.append((key, value))
            if value is None:
                self.state.pop(key, None)
            else:
                self.state[key] = value


@dataclass
class PublishSummary:
    """What a publication did: rows new, updated, unchanged (not sent again), rejected and withdrawn."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    withdrawn: int = 0

    @property
    def accepted(self) -> int:
        """Valid rows: new + updated + unchanged."""
        return self.new + self.updated + self.unchanged

    def __str__(self) -> str:
        return (f"accepted {self.accepted} (new {self.new}, updated {self.updated}, unchanged {self.unchanged}), "
                f"rejected {self.rejected}" + (f", withdrawn {self.withdrawn}" if self.withdrawn else ""))


def encode(offering: Offering) -> bytes:
    """The record value of an offering."""
    return offering.model_dump_json().encode("utf-8")


def decode(value: bytes) -> Offering | None:
    """The offering in a record value, or ``None`` if it does not validate any more."""
    try:
        return Offering.model_validate_json(value)
    except ValidationError:
        return None


class Publisher:
    """Publishes and withdraws offerings through a sink, sending only what changes what the topic holds."""

    def __init__(self, sink: OfferingSink) -> None:
        self.sink = sink

    def holdings(self) -> dict[str, bytes]:
        """The topic's current content (id -> value)."""
        return self.sink.holdings()

    def current(self, offering_id: str) -> Offering | None:
        """The offering the topic holds under this id, if any."""
        value = self.sink.holdings().get(offering_id)
        return decode(value) if value is not None else None

    def by_provider(self, provider: str) -> list[Offering]:
        """Every offering of one provider the topic holds, by id."""
        found = (decode(v) for _, v in sorted(self.sink.holdings().items()))
        return [o for o in found if o is not None and o.provider == provider]

    def publish(
        self,
        offerings: Sequence[Offering],
        rejected: int = 0,
        on_sent: Callable[[int], None] | None = None,
    ) -> PublishSummary:
        """Send the offerings that are new or differ from what the topic holds.

        Args:
            offerings: valid offerings (ids unique).
            rejected: rows the caller rejected, carried into the summary.
            on_sent: called with the number of offerings handled after each batch (for a progress bar).
        """
        summary = PublishSummary(rejected=rejected)
        held = self.sink.holdings()
        pending: list[tuple[str, bytes | None]] = []
        for i, off in enumerate(offerings, start=1):
            value, old = encode(off), held.get(off.id)
            if old is not None and (old == value or decode(old) == off):
                summary.unchanged += 1
            else:
                summary.new += old is None
                summary.updated += old is not None
                pending.append((off.id, value))
            if len(pending) >= BATCH or i == len(offerings):
                if pending:
                    self.sink.send(pending)
                pending = []
                if on_sent:
                    on_sent(i)
        logger.info("published to the catalogue: %s", summary)
        return summary

    def withdraw(self, offering_ids: Iterable[str]) -> int:
        """Send a tombstone for each id the topic holds; returns how many were withdrawn."""
        held = self.sink.holdings()
        records: list[tuple[str, bytes | None]] = [(oid, None) for oid in dict.fromkeys(offering_ids) if oid in held]
        if records:
            self.sink.send(records)
        return len(records)
