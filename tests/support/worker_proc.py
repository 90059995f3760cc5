"""Running ``upskill worker`` as a real process in tests, and reading topics back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer

from config.settings import Settings
from kafka_io.client import client_config, read_from_start
from upskill import processes


class WorkerProcess(processes.WorkerProcess):
    """The product's worker subprocess; ``start`` also waits until it serves (tests want both at once)."""

    def __init__(self, settings: Settings, log_path: Path, **env: str) -> None:
        super().__init__(settings, log_path, **{"UPSKILL_METRICS__PORT": str(settings.metrics.port)} | env)

    def start(self, ready_timeout: float = 180) -> WorkerProcess:
        super().start()
        wait_for(lambda: self.log().count("worker ready") >= self.processes, ready_timeout,
                 "every worker process to be ready", self)
        return self


def wait_for(cond: Callable[[], bool], timeout: float, what: str, worker: WorkerProcess | None = None) -> None:
    """Poll until ``cond()``; fail with the worker's log tail when it died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if worker is not None and worker.proc is not None and worker.proc.poll() is not None:
            raise AssertionError(f"worker exited ({worker.proc.returncode}) before {what}:\n{worker.log()[-3000:]}")
        time.sleep(0.1)
    tail = worker.log()[-3000:] if worker else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")


class TopicTail:
    """All records of a topic from the start, read with assigned partitions (no group join)."""

    def __init__(self, settings: Settings, topic: str) -> None:
        self.topic = topic
        self.consumer = KafkaConsumer(**client_config(settings.kafka), consumer_timeout_ms=100)
        self.records: list[Any] = []
        self._assigned = False

    def poll(self) -> list[Any]:
        if not self._assigned:
            if not read_from_start(self.consumer, self.topic):
                return self.records
            self._assigned = True
        self.records.extend(self.consumer)
        return self.records

    def values(self) -> list[dict]:
        return [json.loads(r.value) for r in self.poll()]

    def close(self) -> None:
        self.consumer.close()


def read_topic(settings: Settings, topic: str, expected: int, timeout: float = 15) -> list[Any]:
    """The first ``expected`` records of a topic (fails when fewer arrive within ``timeout``)."""
    tail = TopicTail(settings, topic)
    try:
        wait_for(lambda: len(tail.poll()) >= expected, timeout, f"{expected} records on {topic}")
        return tail.records[:expected]
    finally:
        tail.close()
