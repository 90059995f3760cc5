"""deploy/healthcheck.py, the image's HEALTHCHECK: probes the right endpoint of the container's role."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.manifests import DEPLOY


def _load():
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", DEPLOY / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


healthcheck = _load()


class _Handler(BaseHTTPRequestHandler):
    status = {"/healthz": 200, "/readyz": 503, "/metrics": 200}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(self.status.get(self.path, 404))
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[int]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize(
    ("cmdline", "role"),
    [
        (["/opt/venv/bin/python", "/opt/venv/bin/upskill", "worker"], "worker"),
        (["/opt/venv/bin/python", "/opt/venv/bin/upskill", "api"], "api"),
        (["upskill", "topics", "create"], None),
        (["/bin/bash"], None),
        ([], None),
    ],
)
def test_role_comes_from_the_main_process(cmdline, role):
    assert healthcheck.role_of(cmdline) == role


def test_api_is_healthy_when_healthz_answers(server, monkeypatch):
    monkeypatch.setenv("UPSKILL_API__PORT", str(server))
    assert healthcheck.main(["api"]) == 0


def test_api_is_not_ready_when_readyz_says_so(server, monkeypatch):
    monkeypatch.setenv("UPSKILL_API__PORT", str(server))
    assert healthcheck.main(["api", "--ready"]) == 1


def test_worker_is_probed_on_its_metrics_port(server, monkeypatch):
    monkeypatch.setenv("UPSKILL_METRICS__PORT", str(server))
    monkeypatch.setenv("UPSKILL_API__PORT", "1")  # nothing there: the worker must not be probed on it
    assert healthcheck.main(["worker"]) == 0


def test_nothing_listening_is_unhealthy(server, monkeypatch):
    monkeypatch.setenv("UPSKILL_API__PORT", str(server))
    monkeypatch.setenv("UPSKILL_METRICS__PORT", "1")
    assert healthcheck.main(["worker"]) == 1


def test_unknown_role_is_a_usage_error():
    assert healthcheck.main(["wroker"]) == 2
