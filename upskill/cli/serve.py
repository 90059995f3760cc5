"""``upskill broker``, ``upskill worker``, ``upskill api`` and ``upskill topics create``: the long-running parts."""

from __future__ import annotations

import os
import signal
import sys

import typer

# What numeric libraries read, once, when they load: OpenBLAS (NumPy's), OpenMP (FAISS, torch) and MKL.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_threads(threads: int) -> None:
    """Give the numeric libraries of this process (and of the processes it starts) ``threads`` threads each.

    Set before NumPy, FAISS and torch are imported: they read these variables once, when they load, and in
    every thread (OpenMP's own call only sets the calling thread's count). An operator's value is kept.
    """
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))


def _exit_on_signal(signum: int, _frame: object) -> None:
    # Raising here unwinds the wait below; calling Popen.wait again from a handler would spin on its lock.
    raise SystemExit(128 + signum)


def register(app: typer.Typer) -> None:
    @app.command()
    def broker(port: int = typer.Option(9092, help="TCP port to listen on."),
               host: str = typer.Option("127.0.0.1", help="Address to listen on.")) -> None:
        """Run the embedded Kafka-compatible broker (tansu, in memory) in the foreground."""
        from upskill.broker import EmbeddedBroker
        from upskill.cli import settings_from_env

        settings_from_env()
        b = EmbeddedBroker(port=port, host=host).start()
        print(f"embedded broker listening on {b.bootstrap} (in memory; Ctrl-C stops it)", file=sys.stderr)
        signal.signal(signal.SIGTERM, _exit_on_signal)  # stop() runs once, in the finally below
        try:
            if b.proc is not None:
                b.proc.wait()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            b.stop()

    @app.command()
    def worker(processes: int | None = typer.Option(
        None, min=1, help="Worker processes to run here, in one consumer group; one per core uses the machine "
        "(default: UPSKILL_WORKER__PROCESSES, 1).",
    )) -> None:
        """Run the stream processors against UPSKILL_KAFKA__BOOTSTRAP_SERVERS, creating missing topics."""
        import faust
        from prometheus_client import start_http_server

        from config.logs import logging_config
        from streams.app import create_app
        from upskill.cli import settings_from_env

        settings = settings_from_env()
        if processes:
            settings.worker.processes = processes
        limit_threads(settings.worker.threads)  # before the model, NumPy and FAISS load
        if settings.worker.processes > 1:
            from upskill.worker_group import run_worker_group

            raise typer.Exit(run_worker_group(settings, settings.worker.processes))
        if settings.metrics.port:
            start_http_server(settings.metrics.port, addr=settings.api.host)
        app_ = create_app(settings)
        faust.Worker(
            app_, loglevel=settings.log_level, quiet=True,
            logging_config=logging_config(settings.log_level, settings.log_format),
        ).execute_from_commandline()

    @app.command()
    def api(port: int | None = typer.Option(None, help="TCP port (default: UPSKILL_API__PORT)."),
            host: str | None = typer.Option(None, help="Address (default: UPSKILL_API__HOST).")) -> None:
        """Serve the HTTP API (OpenAPI at /openapi.json)."""
        import uvicorn

        from api.main import create_app
        from upskill.cli import settings_from_env

        settings = settings_from_env()
        uvicorn.run(create_app(settings), host=host or settings.api.host, port=port or settings.api.port,
                    log_level=settings.log_level.lower(), log_config=None,
                    proxy_headers=True, forwarded_allow_ips=settings.api.forwarded_allow_ips,
                    timeout_graceful_shutdown=settings.api.shutdown_timeout_s)  # SIGTERM: bounded, not for ever

    topics = typer.Typer(help="Kafka topics.", no_args_is_help=True)
    app.add_typer(topics, name="topics")

    @topics.command("create")
    def topics_create() -> None:
        """Create the topics upskill needs (missing ones only)."""
        from kafka_io.client import ensure_topics
        from upskill.cli import settings_from_env

        created = ensure_topics(settings_from_env())
        print("created: " + (", ".join(created) if created else "nothing (all exist)"))
