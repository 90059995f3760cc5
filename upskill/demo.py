"""The demo: embedded broker, worker and API as real processes, sample assessments in, recommendations out.

Everything it starts it also stops, also on Ctrl-C or failure; it exits non-zero when a recommendation does not
come back in time, with the tail of the logs that say why.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import httpx
from kafka import KafkaConsumer
from pydantic import SecretStr

from config.settings import Settings
from kafka_io.client import client_config, ensure_topics, read_from_start
from pix_import import decode_export
from schemas.assessment import AssessmentCompleted
from schemas.recommendation import RecommendationGenerated
from upskill.broker import EmbeddedBroker, free_port
from upskill.processes import settings_env


class DemoError(RuntimeError):
    """The demo could not complete; the message says which part failed."""


@dataclass
class DemoStack:
    """Broker, worker and API processes of one demo run."""

    workdir: Path
    broker: EmbeddedBroker
    api_port: int
    admin_token: str
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @cached_property
    def settings(self) -> Settings:
        """The demo's settings (the environment's own UPSKILL_* values fill what the demo does not fix)."""
        settings = Settings(
            kafka={"bootstrap_servers": self.broker.bootstrap},
            database={"url": f"sqlite:///{self.workdir / 'upskill.db'}"},
            data_dir=self.workdir,
            catalog={"snapshot_dir": self.workdir / "index"},
            api={"admin_token": self.admin_token, "port": self.api_port,
                 "public_url": f"http://127.0.0.1:{self.api_port}"},
            metrics={"port": 0},
        )
        if settings.pseudonym_key is None:
            settings.pseudonym_key = SecretStr("demo-only-key-not-for-real-data")
        return settings

    @property
    def env(self) -> dict[str, str]:
        return settings_env(self.settings)

    def spawn(self, name: str, *args: str) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        cmd = [sys.executable, "-m", "upskill.cli", *args]
        self.procs[name] = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=log)  # noqa: S603

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise DemoError(f"the {name} exited with code {proc.returncode}\n{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 25) -> str:
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(f"  {name}| {line}" for line in text[-lines:])

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.broker.stop()


def start_stack(workdir: Path) -> DemoStack:
    """Start the broker, then the worker and the API against it."""
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in workdir.glob("upskill.db*"):
        stale.unlink()  # the broker keeps nothing between runs; neither does the demo's store
    broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
    stack = DemoStack(workdir, broker, free_port(), secrets.token_urlsafe(16))
    ensure_topics(stack.settings)
    stack.spawn("worker", "worker")
    stack.spawn("api", "api", "--port", str(stack.api_port))
    return stack


def wait_until(cond: Callable[[], bool], timeout: float, what: str, stack: DemoStack, step: float = 0.2) -> None:
    """Poll ``cond`` until true; fail with ``what`` when a process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        if cond():
            return
        time.sleep(step)
    raise DemoError(f"timed out after {timeout:g} s waiting for {what}")


def sample_events() -> list[AssessmentCompleted]:
    """The two contract examples shipped with the package."""
    files = resources.files("upskill.examples")
    return [
        AssessmentCompleted.model_validate_json(files.joinpath(f"assessment-completed.{n}.json").read_text())
        for n in ("digcomp", "pix")
    ]


def shipped_example() -> str:
    """The fictional Pix Orga export shipped in ``upskill/examples/`` (what the demo imports with the demo key)."""
    data = resources.files("upskill.examples").joinpath("pix-profiles-collection.csv").read_bytes()
    return decode_export(data)


def submit(stack: DemoStack, events: list[AssessmentCompleted]) -> None:
    """POST each event to the API (which stores it in its outbox and publishes it)."""
    url = f"http://127.0.0.1:{stack.api_port}/v1/assessments"
    headers = {"Authorization": f"Bearer {stack.admin_token}"}
    for ev in events:
        resp = httpx.post(url, content=ev.model_dump_json(), headers=headers | {"content-type": "application/json"})
        if resp.status_code != 202:
            raise DemoError(f"the API refused {ev.event_id}: {resp.status_code} {resp.text}")


def api_ready(stack: DemoStack) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{stack.api_port}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


class TopicReader:
    """Reads recommendations.generated from the start (assigned partitions: no group join)."""

    def __init__(self, settings: Settings) -> None:
        topic = settings.kafka.topics.recommendations
        self.consumer = KafkaConsumer(**client_config(settings.kafka), consumer_timeout_ms=200)
        read_from_start(self.consumer, topic)
        self.seen: dict[str, RecommendationGenerated] = {}

    def poll(self) -> dict[str, RecommendationGenerated]:
        for msg in self.consumer:
            rec = RecommendationGenerated.model_validate_json(msg.value)
            self.seen[str(rec.event_id)] = rec
        return self.seen

    def close(self) -> None:
        self.consumer.close()


def learner_link(stack: DemoStack, learner_id: str) -> str:
    """A link to a learner's page, issued in the demo's store and signed with its API's secret."""
    from api.links import issue_link
    from store import Store

    settings = stack.settings
    store = Store(settings.database.url)
    try:
        issued = issue_link(store, settings.api.session_secret.get_secret_value(), learner_id, "demo",
                            settings.api.link_days)
    finally:
        store.dispose()
    return issued.url(settings.api.public_url)
