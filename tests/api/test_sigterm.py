"""``upskill api`` stopped by SIGTERM with requests in flight (clients still sending their bodies) exits within
ten seconds, instead of waiting for them for ever."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from config.settings import Settings
from upskill.broker import free_port
from upskill.processes import settings_env

pytestmark = [pytest.mark.hostile, pytest.mark.slow]


def test_sigterm_stops_the_api_within_ten_seconds_with_requests_in_flight(tmp_path):
    port = free_port()
    settings = Settings(kafka={"bootstrap_servers": "127.0.0.1:1"}, database={"url": f"sqlite:///{tmp_path / 'a.db'}"},
                        api={"admin_token": "test-admin-token"}, data_dir=tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "upskill.cli", "api", "--port", str(port)],
                            env=settings_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    slow: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
        for _ in range(8):  # bodies that never end: each request stays in flight
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-admin-token\r\n"
                      b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n")
            slow.append(s)
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        assert time.monotonic() - started < 10
    finally:
        for s in slow:
            s.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
