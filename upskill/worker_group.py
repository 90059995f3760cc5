"""``upskill worker --processes N``: N worker processes on one machine, in one consumer group.

A worker is one Python process, and the recommender holds the GIL while it ranks, so one process uses about one
core however many the machine has. The consumer group already spreads partitions over workers, so using more
cores is running more workers: this starts them, side by side, exactly as ``deploy/`` runs replicas.

Each child is a plain ``upskill worker`` with its own catalogue, model and Kafka clients. The group creates the
topics, migrates the store and seeds the catalogue once, before the children start (so they do not race); only the first
child writes index snapshots; child ``i`` serves metrics on the configured port plus ``i``.

The group lives and dies as one: when a child exits, the others are stopped and the command exits with that
child's code, for the process manager (systemd, compose, Kubernetes) to restart. SIGTERM and SIGINT are passed
on to every child, which leaves the group cleanly. A child also gets SIGTERM when the parent dies, however it
dies, so no worker is left behind holding partitions.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import time

from config.settings import Settings
from upskill.processes import settings_env

logger = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the signal forwarding below still applies
        pass


def child_env(settings: Settings, index: int) -> dict[str, str]:
    """The environment of child ``index``: one process, snapshots from the first only, its own metrics port."""
    snapshots = index == 0 and settings.worker.snapshots
    extra = {"UPSKILL_WORKER__PROCESSES": "1", "UPSKILL_WORKER__SNAPSHOTS": "true" if snapshots else "false"}
    if settings.metrics.port:
        extra["UPSKILL_METRICS__PORT"] = str(settings.metrics.port + index)
    return settings_env(settings, **extra)


def _prepare(settings: Settings) -> None:
    """Topics, the store's schema and the seed catalogue, once for the whole group (a failure here stops the
    command before any child starts)."""
    from kafka_io.client import ensure_topics
    from runtime.resources import seed_catalog_if_empty
    from store import Store

    ensure_topics(settings)
    Store(settings.database.url).dispose()  # migrates
    if settings.catalog.seed_if_empty:
        seed_catalog_if_empty(settings)


def _stop(children: list[subprocess.Popen], grace_s: float = 30.0) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace_s
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("worker process %d did not stop within %.0f s: killing it", child.pid, grace_s)
            child.kill()
            child.wait()


def run_worker_group(settings: Settings, processes: int, poll_s: float = 0.5) -> int:
    """Run ``processes`` workers until one exits or a signal arrives; returns the exit code for the command."""
    _prepare(settings)
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    children: list[subprocess.Popen] = []
    try:
        for index in range(processes):
            children.append(subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "upskill.cli", "worker"], env=child_env(settings, index),
                preexec_fn=_die_with_parent,  # prctl only: no Python state is touched after the fork
            ))
        logger.info("started %d worker processes: %s", processes, " ".join(str(c.pid) for c in children))
        while not stopping:
            ended = [c for c in children if c.poll() is not None]
            if ended:
                code = ended[0].returncode
                logger.error("worker process %d exited with code %d: stopping the group", ended[0].pid, code)
                # a failure of the group even if it exited cleanly; killed by signal N: 128 + N, as a shell says
                return 128 - code if code < 0 else code or 1
            time.sleep(poll_s)
        logger.info("signal %d: stopping %d worker processes", stopping[0], processes)
        return 0
    finally:
        _stop(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
