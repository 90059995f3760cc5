"""The event path through the embedded broker: the real worker, a raw aiokafka loop, publish-to-searchable.

- pipeline: with the worker ready and idle, N assessment events (distinct ids) are produced in one burst,
  far faster than the worker consumes them, so it runs saturated; the clock runs from the first event's
  produce timestamp to the last recommendation's timestamp (both broker record timestamps). Per-event
  latency is a recommendation's timestamp minus its event's.
- transport: the ceiling of the same broker and client stack: an aiokafka consumer reads the same N records,
  decodes the JSON, builds a small JSON reply and an aiokafka producer sends it (acks=all), nothing else.
- publish-to-searchable: a new offering (a copy of the top item the recommender gives a probe learner,
  under a new id and title) is published to the catalogue topic; the probe assessment is sent again every
  50 ms until a recommendation lists the new offering; the figure is publish -> that recommendation's
  timestamp. When the follower applied it (its log line) is reported beside it.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from kafka import KafkaConsumer
from sqlalchemy import update

from benchmarks.bench_recommend import _percentile
from benchmarks.workload import assessment_events
from catalog_ingest.seed import load_offerings
from config.settings import Settings
from kafka_io.client import client_config, make_producer, read_from_start
from schemas.assessment import AssessmentCompleted
from schemas.offering import Offering
from schemas.recommendation import RecommendationGenerated
from store import Store
from store.models import FeedbackRow, RecommendationRow
from upskill.processes import WorkerProcess, WorkerProcessError, cpu_s

SEND_ERROR = re.compile(r"Error while sending: [^\\\"]{0,240}")
EVENT_ID = re.compile(rb'"event_id":\s*"([0-9a-f-]{36})"')


async def _produce(settings: Settings, events: Sequence[AssessmentCompleted]) -> dict[str, int]:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka.bootstrap_list, acks="all", linger_ms=2,
                                max_batch_size=256 * 1024)
    await producer.start()
    try:
        futures = [
            (str(e.event_id), await producer.send(settings.kafka.topics.assessments, e.model_dump_json().encode(),
                                                  key=e.learner.id.encode()))
            for e in events
        ]
        return {eid: (await fut).timestamp for eid, fut in futures}
    finally:
        await producer.stop()


FEEDBACK_RECORDS = 300  # learners' words on (offering, gap) pairs in the pipeline worker's store
FEEDBACK_VALUES = ("not_relevant", "relevant", "enrolled", "completed")


def seed_feedback(settings: Settings, records: int = FEEDBACK_RECORDS, seed: int = 13) -> int:
    """People's feedback in a worker's store before it starts, as a worker in production finds it, so it ranks
    with adjustments: ``records`` learners, each with a stored recommendation and a word on one (offering,
    competence) pair of the shipped catalogue (distinct pairs). Returns how many were stored."""
    store = Store(settings.database.url)
    try:
        events = assessment_events(records, seed=seed)  # no burst or warm-up event: those use other seeds
        now = datetime.now(UTC)
        stored = [RecommendationGenerated.model_validate({
            "recommendation_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-feedback-{e.event_id}")),
            "event_id": e.event_id, "learner_id": e.learner.id, "assessment_id": e.assessment.id,
            "generated_at": now, "model": {"embedding_model": settings.model.name, "ranker": "bench"},
            "catalog_version": "bench",
        }) for e in events]
        store.save(list(zip(events, stored, strict=True)))
        rng = random.Random(seed)
        pairs = [(o.id, c) for o in load_offerings(settings.catalog.path) for c in o.competences]
        chosen = rng.sample(pairs, min(records, len(pairs)))
        with store.session() as s:
            # as if sent long ago: the worker must not publish them when it starts
            s.execute(update(RecommendationRow).where(RecommendationRow.recommendation_id.in_(
                [str(r.recommendation_id) for r in stored])).values(published=True))
            s.add_all(FeedbackRow(recommendation_id=str(r.recommendation_id), learner_id=r.learner_id,
                                  offering_id=oid, competences=[code], value=rng.choice(FEEDBACK_VALUES), at=now)
                      for r, (oid, code) in zip(stored, chosen, strict=False))
        return len(chosen)
    finally:
        store.dispose()


def produce_events(settings: Settings, events: Sequence[AssessmentCompleted]) -> dict[str, int]:
    """Send the events as fast as the client goes; returns event id -> the record's timestamp (ms).

    The load generator shares the two cores with what it measures, so it is the cheapest client at hand:
    aiokafka (C record batches) took 0.05 s of CPU for 2000 events where kafka-python's producer took 0.32 s.
    """
    return asyncio.run(_produce(settings, events))


class Tail:
    """Every record of a topic from the start (assigned partitions, no group)."""

    def __init__(self, settings: Settings, topic: str) -> None:
        self.consumer = KafkaConsumer(**client_config(settings.kafka), consumer_timeout_ms=200,
                                      fetch_max_bytes=64 * 1024 * 1024)
        read_from_start(self.consumer, topic)

    def poll(self) -> list[Any]:
        return list(self.consumer)

    def close(self) -> None:
        self.consumer.close()


def read_recommendations(settings: Settings, wanted: set[str], worker: WorkerProcess, timeout_s: float) -> dict:
    """Event id -> recommendation timestamp (ms), until every wanted event has one."""
    tail = Tail(settings, settings.kafka.topics.recommendations)
    seen: dict[str, int] = {}
    deadline = time.monotonic() + timeout_s
    try:
        while not wanted <= seen.keys():
            if time.monotonic() > deadline or not (worker.proc and worker.proc.poll() is None):
                raise WorkerProcessError(f"{len(wanted - seen.keys())} of {len(wanted)} recommendations missing "
                                        f"after {timeout_s:g} s:\n{worker.log()[-2000:]}")
            for rec in tail.poll():
                match = EVENT_ID.search(rec.value or b"")
                if match:
                    seen.setdefault(match.group(1).decode(), rec.timestamp)
    finally:
        tail.close()
    return seen


def wait_until_published(settings: Settings, event_ids: list[str], worker: WorkerProcess, timeout_s: float) -> None:
    """Wait, asking the worker's store twice a second, until it marked every event's recommendation sent.

    The figures come from broker timestamps, so how often this asks only decides when the run is over; each
    ask costs this process CPU the workers would have had (17-22 ms for 4000 ids), so it asks only about the
    events still pending. The topic is read once afterwards: a consumer tailing it during the run would
    compete with the worker for the machine's two cores.
    """
    store = Store(settings.database.url, run_migrations=False)
    deadline, pending = time.monotonic() + timeout_s, list(event_ids)
    try:
        while pending:
            known = store.known_events(pending)
            pending = [eid for eid in pending if not known.get(eid)]
            if pending:
                if time.monotonic() > deadline or not (worker.proc and worker.proc.poll() is None):
                    return  # read_recommendations reports what is missing
                time.sleep(0.5)
    finally:
        store.dispose()


def run_pipeline(settings: Settings, events: Sequence[AssessmentCompleted], worker: WorkerProcess,
                 timeout_s: float = 300.0, broker_pid: int | None = None) -> dict[str, Any]:
    """Saturate the ready worker with the events; throughput and per-event latency from record timestamps.

    Also the CPU each event cost the worker processes (and the broker, given its pid) from the burst until
    every recommendation was marked sent, and this process producing it, to compare with ``recommend``'s
    ``cpu_ms_per_event``.
    """
    pids = {"workers": worker.worker_pids()} | ({"broker": [broker_pid]} if broker_pid else {})
    before = {name: sum(cpu_s(p) for p in group) for name, group in pids.items()}
    producing = time.process_time()
    produced = produce_events(settings, events)
    producing = time.process_time() - producing
    wait_until_published(settings, list(produced), worker, timeout_s)
    used = {name: sum(cpu_s(p) for p in group) - before[name] for name, group in pids.items()}
    used["producer"] = producing
    done = read_recommendations(settings, set(produced), worker, timeout_s)
    latencies = sorted(float(done[eid] - ts) for eid, ts in produced.items())
    span_ms = max(done[eid] for eid in produced) - min(produced.values())
    return {
        "events": len(events),
        "events_per_s": round(len(events) / max(span_ms / 1000, 1e-3), 1),
        "p50_ms": round(_percentile(latencies, 0.5), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "cpu_ms_per_event": {name: round(seconds * 1000 / len(events), 3) for name, seconds in used.items()},
    }


def process_one(settings: Settings, event: AssessmentCompleted, worker: WorkerProcess, timeout_s: float = 180.0) -> str:
    """Send one event and wait until the worker logged its outcome; returns a problem it logged, or ``""``.

    Used to make a worker build its ranking features before its memory is read, without relying on its
    recommendation reaching the topic (a too large one does not).
    """
    produce_events(settings, [event])
    deadline, needle = time.monotonic() + timeout_s, f"for event {event.event_id}"
    while time.monotonic() < deadline:
        log = worker.log()
        if needle in log:
            time.sleep(0.5)  # the send that follows the log line, and its error if any
            failed = SEND_ERROR.search(worker.log())
            return failed.group(0) if failed else ""
        if not (worker.proc and worker.proc.poll() is None):
            raise WorkerProcessError(f"worker exited:\n{log[-2000:]}")
        time.sleep(0.1)
    raise WorkerProcessError(f"worker did not process event {event.event_id} within {timeout_s:g} s")


async def _transport(settings: Settings, n: int, out_topic: str) -> float:
    kafka = settings.kafka
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_list, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_list, acks="all", linger_ms=2)
    await consumer.start()
    await producer.start()
    try:
        parts = [TopicPartition(kafka.topics.assessments, p)
                 for p in sorted(consumer.partitions_for_topic(kafka.topics.assessments) or [])]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        started, pending, count = time.perf_counter(), [], 0
        while count < n:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            for msg in (m for msgs in batches.values() for m in msgs):
                if count == n:
                    break
                event = json.loads(msg.value)
                reply = {"event_id": event["event_id"], "learner_id": event["learner"]["id"],
                         "results": len(event["results"])}
                pending.append(await producer.send(out_topic, json.dumps(reply).encode(), key=msg.key))
                count += 1
        await asyncio.gather(*pending)
        return time.perf_counter() - started
    finally:
        await consumer.stop()
        await producer.stop()


def run_transport(settings: Settings, n: int) -> dict[str, float]:
    """Consume-decode-transform-produce the first ``n`` assessment records with raw aiokafka."""
    seconds = asyncio.run(_transport(settings, n, f"bench.transport.{uuid.uuid4().hex[:8]}"))
    return {"events": n, "events_per_s": round(n / seconds, 1)}


def _applied_at(worker: WorkerProcess, after: float) -> float | None:
    for rec in worker.log_records():
        when = rec.get("time") or rec.get("asctime")
        if str(rec.get("message", "")).startswith("catalogue updated: +1") and when:
            try:
                stamp = datetime.strptime(when, "%Y-%m-%d %H:%M:%S,%f").timestamp()
            except ValueError:
                return None
            if stamp >= after - 1:
                return stamp
    return None


def publish_to_searchable(settings: Settings, worker: WorkerProcess, fresh: Offering, probe: AssessmentCompleted,
                          timeout_s: float = 30.0) -> dict[str, float | None]:
    """Publish ``fresh`` and probe until a recommendation lists it (see the module docstring)."""
    producer = make_producer(settings, linger_ms=0)
    tail = Tail(settings, settings.kafka.topics.recommendations)
    tail.poll()  # skip what is there already
    try:
        sent = producer.send(settings.kafka.topics.catalog, key=fresh.id.encode(),
                             value=fresh.model_dump_json().encode()).get(timeout=10)
        published_s, deadline = sent.timestamp / 1000, time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            event = probe.model_copy(update={"event_id": uuid.uuid4()})
            producer.send(settings.kafka.topics.assessments, key=probe.learner.id.encode(),
                          value=event.model_dump_json().encode()).get(timeout=10)
            time.sleep(0.05)
            for rec in tail.poll():
                if f'"offering_id":"{fresh.id}"'.encode() in rec.value:
                    applied = _applied_at(worker, published_s)
                    return {"publish_to_searchable_ms": round(rec.timestamp - published_s * 1000, 1),
                            "publish_to_applied_ms": round((applied - published_s) * 1000, 1) if applied else None}
        raise WorkerProcessError(f"no recommendation listed {fresh.id} within {timeout_s:g} s")
    finally:
        tail.close()
        producer.close()
