"""What the assessment agent does with a batch of records, without faust: decode, dedupe, recommend, store.

The faust agent (streams/app.py) only moves bytes: it hands records in, sends what comes out, and then tells
the store what was published. Keeping the logic here lets tests call it with no broker and no event loop.

Delivery: the store is the idempotency record. A recommendation is stored (in the same transaction as its
assessment summary) before it is sent, and marked published after the broker acknowledged it. A redelivered
event whose recommendation was published is skipped; one whose recommendation was stored but not yet
published (the worker died in between) is sent again from the store, unchanged. So each valid event yields
exactly one stored recommendation and at least one message with its deterministic ``recommendation_id``.

Erasure: a tombstone (null value) on the input topic is an erasure marker and is skipped, not dead-lettered;
an assessment made before its learner's erasure (a replay, an offset reset) is not processed, so nothing
re-creates an erased learner (``store.privacy``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from recommender import Recommender
from schemas.assessment import AssessmentCompleted
from schemas.errors import describe_validation_error
from schemas.recommendation import RecommendationGenerated
from store import Store
from store.adjustments import own_words, personal
from store.privacy import erased_since

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InRecord:
    """A consumed record and where it came from."""

    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class OutRecord:
    """A record to send: key, value and headers."""

    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    event_id: str | None = None


@dataclass
class BatchResult:
    """What a batch produced."""

    recommendations: list[OutRecord] = field(default_factory=list)
    dead_letters: list[OutRecord] = field(default_factory=list)
    duplicates: int = 0
    republished: int = 0
    tombstones: int = 0  # erasure markers on the input topic: nothing to process, nothing to dead-letter
    erased: int = 0  # assessments made before their learner was erased: not processed


def dead_letter(rec: InRecord, error: str, error_type: str, event_id: str | None = None) -> OutRecord:
    """The DLQ copy of a record: the original key and bytes, with headers saying why and where from."""
    headers = [
        ("error", error.encode("utf-8")[:4000]),
        ("error_type", error_type.encode("utf-8")),
        ("original_topic", rec.topic.encode("utf-8")),
        ("original_partition", str(rec.partition).encode()),
        ("original_offset", str(rec.offset).encode()),
    ]
    if event_id:
        headers.append(("event_id", event_id.encode()))
    return OutRecord(key=rec.key, value=rec.value or b"", headers=headers, event_id=event_id)


MAX_EVENT_BYTES = 256 * 1024  # KafkaSettings.max_event_bytes' default


def decode(rec: InRecord, max_bytes: int = MAX_EVENT_BYTES) -> AssessmentCompleted | OutRecord:
    """The validated event, or its dead letter (empty, too large, not JSON, schema or unknown code).

    A record above ``max_bytes`` is not parsed, and its dead letter carries the reason, not the body: the body
    could be too large for the dead-letter topic too, and nothing in it can be replayed.
    """
    if not rec.value:
        return dead_letter(rec, "empty value", "empty")
    if len(rec.value) > max_bytes:
        letter = dead_letter(rec, f"a record of {len(rec.value)} bytes, above the limit of {max_bytes} bytes",
                             "too_large")
        return OutRecord(key=letter.key, value=b"", headers=letter.headers, event_id=None)
    try:
        return AssessmentCompleted.model_validate_json(rec.value)
    except ValidationError as exc:
        kind = "json" if any(e["type"] == "json_invalid" for e in exc.errors()) else "schema"
        return dead_letter(rec, describe_validation_error(exc), kind)


def encode(rec: RecommendationGenerated, body: str | None = None) -> OutRecord:
    """The message of a recommendation (key = learner id); ``body``: the recommendation as JSON, if at hand."""
    return OutRecord(
        key=rec.learner_id.encode("utf-8"),
        value=(body if body is not None else rec.model_dump_json()).encode("utf-8"),
        headers=[("event_type", b"recommendation.generated"), ("schema_version", b"1")],
        event_id=str(rec.event_id),
    )


class AssessmentProcessor:
    """Turns batches of ``assessments.completed`` records into recommendations and dead letters."""

    def __init__(
        self,
        recommender: Recommender,
        store: Store,
        adjustments: Callable[[], Mapping[tuple[str, str], float]] | None = None,
        max_event_bytes: int = MAX_EVENT_BYTES,
    ) -> None:
        self.recommender = recommender
        self.store = store
        self.max_event_bytes = max_event_bytes
        self.adjustments = adjustments  # counsellors' and learners' feedback, refreshed by its provider

    def process(self, records: list[InRecord]) -> BatchResult:
        """Handle one batch. Store errors propagate (the batch is redelivered); bad input never does."""
        result = BatchResult()
        events: dict[str, AssessmentCompleted] = {}
        origin: dict[str, InRecord] = {}
        for rec in records:
            if rec.value is None:  # a tombstone: the learner was erased, the topic forgets them
                result.tombstones += 1
                continue
            decoded = decode(rec, self.max_event_bytes)
            if isinstance(decoded, OutRecord):
                logger.warning("dead-lettered %s[%d]@%d: %s", rec.topic, rec.partition, rec.offset,
                               dict(decoded.headers)["error"].decode())
                result.dead_letters.append(decoded)
            elif str(decoded.event_id) in events:
                result.duplicates += 1
                logger.info("event %s delivered twice in one batch; skipped", decoded.event_id,
                            extra={"event_id": str(decoded.event_id)})
            else:
                events[str(decoded.event_id)] = decoded
                origin[str(decoded.event_id)] = rec
        erased = erased_since(self.store, (e.learner.id for e in events.values())) if events else {}
        for eid, event in list(events.items()):
            at = erased.get(event.learner.id)
            if at is not None and event.occurred_at <= at:
                del events[eid]
                result.erased += 1
                logger.info("event %s is from before its learner's erasure; not processed", eid,
                            extra={"event_id": eid})
        known = self.store.known_events(events)
        fresh = []
        for eid, event in events.items():
            if eid not in known:
                fresh.append(event)
            elif known[eid]:
                result.duplicates += 1
                logger.info("event %s already processed; skipped", eid, extra={"event_id": eid})
            else:
                stored = self.store.recommendation_for_event(eid)
                if stored is not None:
                    result.recommendations.append(encode(stored))
                    result.republished += 1
        pairs = []
        adjustments = self.adjustments() if self.adjustments and fresh else None
        # a learner's own words weigh more in their own recommendation (and what they completed is not proposed)
        own = own_words(self.store, (e.learner.id for e in fresh)) if adjustments is not None else {}
        with self.recommender.catalog.lock:  # one catalogue version for the whole batch
            for event in fresh:
                eid = str(event.event_id)
                mine = own.get(event.learner.id)
                try:
                    pairs.append((event, self.recommender.recommend(
                        event, adjustments=adjustments, own=personal(mine) if mine else None,
                        completed=set(mine.completed) if mine else None)))
                except Exception as exc:  # noqa: BLE001 - a poison event must not stop the worker
                    logger.exception("recommending failed for event %s", eid, extra={"event_id": eid})
                    result.dead_letters.append(dead_letter(origin[eid], repr(exc), "processing", eid))
        bodies = [rec.model_dump_json() for _, rec in pairs]  # serialised once: stored and sent as is
        inserted = set(self.store.save(pairs, bodies))
        for (event, rec), body in zip(pairs, bodies, strict=True):
            if str(event.event_id) in inserted:
                result.recommendations.append(encode(rec, body))
                logger.info(
                    "recommendation %s for event %s: %d gaps, %d items",
                    rec.recommendation_id, event.event_id, len(rec.gaps), len(rec.items),
                    extra={"event_id": str(event.event_id), "learner_id": rec.learner_id},
                )
            else:
                result.duplicates += 1  # another worker stored it between our check and our insert
        return result
