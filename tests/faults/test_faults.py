"""Faults survived: every accepted assessment ends with exactly one stored recommendation.

Each test runs real worker processes against its own embedded broker (so pausing it disturbs no one else),
breaks something on purpose, and then checks the store and the recommendations topic.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from config.settings import Settings
from kafka_io.client import ensure_topics, make_producer, publish
from store import Store
from store.models import RecommendationRow
from tests.conftest import example_event
from tests.support.worker_proc import TopicTail, WorkerProcess, wait_for
from upskill.broker import EmbeddedBroker, free_port

pytestmark = [pytest.mark.faults, pytest.mark.kafka, pytest.mark.slow]
ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture()
def broker(tmp_path) -> Iterator[EmbeddedBroker]:
    b = EmbeddedBroker(log_path=tmp_path / "tansu.log").start()
    yield b
    if b.proc is not None and b.proc.poll() is None:
        os.kill(b.proc.pid, signal.SIGCONT)
    b.stop()


@pytest.fixture()
def settings(broker, tmp_path, embedding_cache_dir) -> Settings:
    s = Settings(
        kafka={
            "bootstrap_servers": broker.bootstrap,
            "partitions": 4,
            "consumer_group": f"faults-{uuid.uuid4().hex[:6]}",
        },
        database={"url": f"sqlite:///{tmp_path / 'upskill.db'}"},
        data_dir=tmp_path / "data",
        catalog={"snapshot_dir": tmp_path / "data" / "index", "snapshot_every_s": 1.0},
        api={"admin_token": "test-admin-token"},
        model={"cache_dir": embedding_cache_dir},
        metrics={"port": 0},
    )
    ensure_topics(s)
    return s


def events(n: int) -> list[dict]:
    """n distinct assessments (the two contract examples, new ids and learners)."""
    out = []
    for i in range(n):
        ev = copy.deepcopy(example_event("digcomp" if i % 2 else "pix"))
        ev["event_id"] = str(uuid.uuid4())
        ev["learner"]["id"] = f"lrn-fault-{i:04d}"
        out.append(ev)
    return out


def produce(settings: Settings, evs: list[dict]) -> None:
    producer = make_producer(settings)
    publish(producer, settings.kafka.topics.assessments, [(e["learner"]["id"], json.dumps(e).encode()) for e in evs])
    producer.close()


def stored(settings: Settings) -> tuple[int, int]:
    """(recommendations stored, distinct events among them)."""
    store = Store(settings.database.url, run_migrations=False)
    with store.session() as s:
        total = s.scalar(select(func.count()).select_from(RecommendationRow)) or 0
        distinct = s.scalar(select(func.count(func.distinct(RecommendationRow.event_id)))) or 0
    store.dispose()
    return int(total), int(distinct)


def assert_exactly_once(settings: Settings, evs: list[dict], worker: WorkerProcess | None = None) -> None:
    wanted = {e["event_id"] for e in evs}
    wait_for(lambda: stored(settings)[0] >= len(evs), 240, f"{len(evs)} stored recommendations", worker)
    assert stored(settings) == (len(evs), len(evs))
    tail = TopicTail(settings, settings.kafka.topics.recommendations)
    wait_for(lambda: {json.loads(r.value)["event_id"] for r in tail.poll()} >= wanted, 60,
             "a published recommendation for every event", worker)
    ids_per_event: dict[str, set[str]] = {}
    for rec in tail.values():
        ids_per_event.setdefault(rec["event_id"], set()).add(rec["recommendation_id"])
    tail.close()
    assert set(ids_per_event) == wanted
    assert all(len(ids) == 1 for ids in ids_per_event.values()), "a redelivery must re-send the same recommendation"


def test_worker_killed_mid_stream_and_restarted(settings, tmp_path):
    evs = events(2000)  # enough batches of 256 that the kill lands mid-stream on a fast worker
    produce(settings, evs)
    first = WorkerProcess(settings, tmp_path / "w1.log").start()
    wait_for(lambda: stored(settings)[0] >= 20, 120, "the worker to be mid-stream", first)
    first.stop(kill=True)  # SIGKILL: no shutdown, no commit
    assert stored(settings)[0] < len(evs), "the kill must happen mid-stream for this test to mean anything"
    second = WorkerProcess(settings, tmp_path / "w2.log").start()
    try:
        assert_exactly_once(settings, evs, second)
    finally:
        second.stop()


def test_a_graceful_stop_mid_stream_sends_every_recommendation_it_stored(settings, tmp_path):
    evs = events(2000)
    produce(settings, evs)
    worker = WorkerProcess(settings, tmp_path / "w.log").start()
    try:
        wait_for(lambda: stored(settings)[0] >= 300, 120, "the worker to be mid-stream", worker)
    finally:
        worker.stop()  # SIGTERM while batches are being published
    total, _ = stored(settings)
    assert total < len(evs), "the stop must happen mid-stream for this test to mean anything"
    store = Store(settings.database.url, run_migrations=False)
    with store.session() as s:
        kept = set(s.scalars(select(RecommendationRow.event_id)))
        unsent = s.scalar(select(func.count()).select_from(RecommendationRow)
                          .where(RecommendationRow.published.is_(False)))
    store.dispose()
    assert unsent == 0, "a stored recommendation was left for the next start to send"
    tail = TopicTail(settings, settings.kafka.topics.recommendations)
    wait_for(lambda: {json.loads(r.value)["event_id"] for r in tail.poll()} >= kept, 30,
             "every stored recommendation on the topic")
    tail.close()
    assert "delivering a batch failed" not in worker.log()


def test_broker_paused_during_api_writes(settings, broker, tmp_path):
    worker = WorkerProcess(settings, tmp_path / "w.log").start()
    evs = events(40)
    try:
        with TestClient(create_app(settings)) as client:
            for ev in evs[:10]:
                assert client.post("/v1/assessments", json=ev, headers=ADMIN).status_code == 202
            os.kill(broker.proc.pid, signal.SIGSTOP)  # the broker stops answering, connections stay open
            try:
                for ev in evs[10:]:
                    assert client.post("/v1/assessments", json=ev, headers=ADMIN).status_code == 202
                time.sleep(5)  # the outage itself: the API keeps accepting, the relay keeps retrying
                assert client.app.state.relay.pending() > 0
            finally:
                os.kill(broker.proc.pid, signal.SIGCONT)
            wait_for(lambda: client.app.state.relay.pending() == 0, 120, "the outbox to drain after the outage")
        assert_exactly_once(settings, evs, worker)
    finally:
        worker.stop()


def test_two_workers_with_a_rebalance_in_the_middle(settings, tmp_path):
    evs = events(300)
    produce(settings, evs)
    a = WorkerProcess(settings, tmp_path / "a.log").start()
    b = WorkerProcess(settings, tmp_path / "b.log")
    try:
        wait_for(lambda: stored(settings)[0] >= 10, 120, "worker A to be mid-stream", a)
        b.start()  # joins the group: partitions move while A is working
        more = events(100)
        produce(settings, more)
        a.stop()  # and again: A leaves, B takes everything
        assert_exactly_once(settings, evs + more, b)
    finally:
        a.stop()
        b.stop()


def test_corrupt_snapshot_is_rebuilt_from_the_topic(settings, tmp_path):
    first = WorkerProcess(settings, tmp_path / "w1.log").start()
    wait_for(lambda: (settings.catalog.snapshot_dir / "meta.json").exists(), 60, "a snapshot", first)
    first.stop()
    vectors = settings.catalog.snapshot_dir / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:100] + b"\x00garbage")
    evs = events(20)
    produce(settings, evs)
    second = WorkerProcess(settings, tmp_path / "w2.log").start()
    try:
        assert "corrupt" in second.log() and "starting from an empty catalogue" in second.log()
        assert_exactly_once(settings, evs, second)
        assert "worker ready: catalogue" in second.log() and "(165 offerings)" in second.log()
    finally:
        second.stop()


@pytest.fixture()
def full_disk(tmp_path) -> Iterator[Path]:
    """A 64 KiB tmpfs: far too small for a snapshot of the catalogue."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_for_snapshots_does_not_stop_the_worker(settings, full_disk, tmp_path):
    settings.catalog.snapshot_dir = full_disk / "index"
    evs = events(20)
    produce(settings, evs)
    worker = WorkerProcess(settings, tmp_path / "w.log").start()
    try:
        wait_for(lambda: "snapshot to" in worker.log() and "failed" in worker.log(), 60, "the failed snapshot", worker)
        assert_exactly_once(settings, evs, worker)
        assert worker.alive()
        assert not (full_disk / "index" / "meta.json").exists()
    finally:
        worker.stop()


def _handled_by(worker: WorkerProcess) -> dict[int, int]:
    """Process id -> recommendations it logged."""
    counts: dict[int, int] = {}
    for rec in worker.log_records():
        if str(rec.get("message", "")).startswith("recommendation "):
            counts[rec["process"]] = counts.get(rec["process"], 0) + 1
    return counts


def test_a_worker_group_shares_the_stream_and_stops_as_one(settings, tmp_path):
    settings.metrics.port = free_port()
    group = WorkerProcess(settings, tmp_path / "group.log", UPSKILL_WORKER__PROCESSES="2").start()
    try:
        children = group.worker_pids()
        assert len(children) == 2
        for i in range(2):  # each child serves its own metrics, on the next port
            body = httpx.get(f"http://127.0.0.1:{settings.metrics.port + i}/metrics", timeout=10).text
            assert "upskill_worker_events_in_total" in body
        # in waves: the second process may still be joining the group when both say they are ready, and the
        # first can take a whole burst before the partitions are shared out
        evs, sent = events(400), 0
        while sent < len(evs) and len(_handled_by(group)) < 2:
            produce(settings, evs[sent:sent + 40])
            sent += 40
            wait_for(lambda n=sent: stored(settings)[0] >= n, 120, f"{sent} stored recommendations", group)
            time.sleep(1.0)
        produce(settings, evs[sent:])
        assert_exactly_once(settings, evs, group)
        assert sorted(_handled_by(group)) == sorted(children), "both processes took part of the stream"
        assert sum(_handled_by(group).values()) == len(evs)
        assert group.log().count("snapshot of ") >= 1 and len(list(settings.catalog.snapshot_dir.parent.glob(
            ".index.tmp-*"))) == 0
    finally:
        group.stop()
    assert group.proc is not None and group.proc.returncode == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in children), "no worker process outlives the group"


def test_a_worker_group_stops_when_one_of_its_processes_dies(settings, tmp_path):
    group = WorkerProcess(settings, tmp_path / "group.log", UPSKILL_WORKER__PROCESSES="2").start()
    try:
        first, second = group.worker_pids()
        os.kill(first, signal.SIGKILL)
        assert group.proc is not None
        group.proc.wait(60)
        assert group.proc.returncode != 0, "a process manager must see the group fail, to restart it"
        wait_for(lambda: not Path(f"/proc/{second}").exists(), 60, "the other worker process to stop")
    finally:
        group.stop()
