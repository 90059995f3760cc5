"""Container health check for the upskill image: exit 0 when this container's process answers, 1 if not.

Usage::

    python /opt/upskill/healthcheck.py [api|worker] [--ready]

Without a role, the role is read from PID 1's command line (``upskill api`` or ``upskill worker``); a
container running anything else (``upskill topics create``, a shell) has nothing to probe and is healthy.
The API is probed on ``GET /healthz`` (``/readyz`` with ``--ready``), the worker on its Prometheus
``GET /metrics``; ports come from the same settings the processes read (``UPSKILL_API__PORT``,
``UPSKILL_METRICS__PORT``).
"""

from __future__ import annotations

import http.client
import logging
import sys
from pathlib import Path

from config.settings import Settings

logger = logging.getLogger("upskill.healthcheck")

ROLES = ("api", "worker")


def role_of(cmdline: list[str]) -> str | None:
    """The upskill role in a command line (``[..., "upskill", "worker"]`` -> ``"worker"``), else None."""
    for i, arg in enumerate(cmdline):
        if Path(arg).name == "upskill" and i + 1 < len(cmdline) and cmdline[i + 1] in ROLES:
            return cmdline[i + 1]
    return None


def pid1_cmdline() -> list[str]:
    """PID 1's arguments (the container's main process); empty when unreadable."""
    try:
        raw = Path("/proc/1/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def probe_target(role: str, settings: Settings, ready: bool = False) -> tuple[int, str]:
    """The local (port, path) to probe for a role."""
    if role == "api":
        return settings.api.port, "/readyz" if ready else "/healthz"
    return settings.metrics.port, "/metrics"


def answers(port: int, path: str, timeout: float = 3.0) -> bool:
    """True if ``GET http://127.0.0.1:port/path`` answers 2xx within the timeout."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        status = conn.getresponse().status
    except OSError as exc:
        logger.error("GET 127.0.0.1:%d%s failed: %s", port, path, exc)
        return False
    finally:
        conn.close()
    if not 200 <= status < 300:
        logger.error("GET 127.0.0.1:%d%s answered %d", port, path, status)
    return 200 <= status < 300


def main(argv: list[str]) -> int:
    """Exit status of the check: 0 healthy, 1 unhealthy, 2 bad usage."""
    logging.basicConfig(level=logging.INFO, format="healthcheck: %(message)s")
    ready = "--ready" in argv
    args = [a for a in argv if a != "--ready"]
    if args and args[0] not in ROLES:
        logger.error("unknown role %r (expected one of %s)", args[0], ", ".join(ROLES))
        return 2
    role = args[0] if args else role_of(pid1_cmdline())
    if role is None:
        return 0
    settings = Settings()
    if role == "worker" and settings.metrics.port == 0:
        return 0  # metrics switched off: nothing to probe
    port, path = probe_target(role, settings, ready)
    return 0 if answers(port, path) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
