"""``upskill worker`` as a subprocess (benchmarks, tests, tools): its environment, readiness, log and memory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from config.settings import Settings
from schemas.errors import UpskillError


class WorkerProcessError(UpskillError, RuntimeError):
    """A worker process died or did not get ready in time."""


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _flatten(f"{prefix}__{name.upper()}", getattr(value, name), out)
    elif isinstance(value, SecretStr):
        out[prefix] = value.get_secret_value()
    elif isinstance(value, list | dict):
        out[prefix] = json.dumps(value)
    elif value is not None:
        out[prefix] = str(value)


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment with every ``UPSKILL_*`` variable replaced by these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPSKILL_")}
    for name in type(settings).model_fields:
        _flatten(f"UPSKILL_{name.upper()}", getattr(settings, name), env)
    env.update(extra)
    return env


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (``VmRSS`` of /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise WorkerProcessError(f"no VmRSS for process {pid}")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (Linux)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


class WorkerProcess:
    """An ``upskill worker`` subprocess logging JSON lines to a file.

    Args:
        settings: the worker's settings (passed as ``UPSKILL_*`` variables).
        log_path: where its stdout and stderr go.
    """

    def __init__(self, settings: Settings, log_path: Path, **env: str) -> None:
        self.settings = settings
        self.log_path = log_path
        self.extra_env = {"UPSKILL_LOG_FORMAT": "json", "UPSKILL_METRICS__PORT": "0"} | env
        self.proc: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        """Start the process; :meth:`wait_ready` waits for it to serve."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = settings_env(self.settings, **self.extra_env)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "upskill.cli", "worker"], env=env, stdout=log, stderr=log
            )
        return self

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise WorkerProcessError("worker not started")
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_records(self) -> list[dict[str, Any]]:
        """The worker's JSON log lines (other lines skipped)."""
        out = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out

    @property
    def processes(self) -> int:
        """How many worker processes it runs (``UPSKILL_WORKER__PROCESSES``)."""
        return int(self.extra_env.get("UPSKILL_WORKER__PROCESSES", self.settings.worker.processes))

    def worker_pids(self) -> list[int]:
        """The processes that do the work: the worker itself, or the children of a group."""
        return child_pids(self.pid) if self.processes > 1 else [self.pid]

    def wait_ready(self, timeout_s: float = 240.0) -> float:
        """Block until every worker process logged ``worker ready``; returns the monotonic time it was seen."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.log().count("worker ready") >= self.processes:
                return time.monotonic()
            if self.proc is not None and self.proc.poll() is not None:
                raise WorkerProcessError(f"worker exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            time.sleep(0.05)
        raise WorkerProcessError(f"worker not ready after {timeout_s:g} s:\n{self.log()[-3000:]}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, kill: bool = False) -> None:
        """Terminate the worker (SIGKILL at once with ``kill``, or when it does not stop within 30 s)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if kill:
            for pid in child_pids(self.pid) if self.processes > 1 else []:
                os.kill(pid, signal.SIGKILL)  # the whole group, not only its parent
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
