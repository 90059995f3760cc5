"""``upskill demo [--serve]``: the whole event path on the embedded broker, with the shipped samples."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from schemas.assessment import AssessmentCompleted
from schemas.recommendation import RecommendationGenerated

if TYPE_CHECKING:
    from upskill.demo import DemoStack


def _pix_events() -> list[AssessmentCompleted]:
    """The shipped Pix Orga export, imported with the public demo key (demo data only)."""
    from pix_import import DEMO_PSEUDONYM_KEY, ImportOptions, import_pix_profiles
    from upskill.demo import shipped_example

    options = ImportOptions(role="jobseeker-employability", languages=("fr", "de", "en"), status="jobseeker")
    return import_pix_profiles(shipped_example(), DEMO_PSEUDONYM_KEY.encode(), options).events


def _show_support(console: Console, rec: RecommendationGenerated) -> None:
    """The services beside the path, one line each: title, provider, kind, reason (nothing when there are none)."""
    if not rec.support:
        return
    console.print("  Support beside the path:")
    for s in rec.support:
        line = " — ".join(part for part in (s.title or s.offering_id, s.provider) if part)
        console.print(f"    {escape(line)} [dim]({escape(s.kind)})[/]: {escape(s.reason)}", soft_wrap=True)


def _show(console: Console, rec: RecommendationGenerated, label: str) -> None:
    table = Table(title=f"{label}: learner {rec.learner_id}", title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("offering")
    table.add_column("addresses")
    table.add_column("score", justify="right")
    for i, item in enumerate(rec.items[:5], start=1):
        table.add_row(str(i), f"{item.title} [dim]({item.offering_id})[/]", ", ".join(item.addresses),
                      f"{item.score:.2f}")
    console.print(table)
    gaps = ", ".join(f"{g.competence} {g.current}→{g.target}" for g in rec.gaps[:8]) or "none"
    console.print(f"  gaps: {gaps}")
    steps = " → ".join(s.offering_id for s in rec.path.steps) or "(empty)"
    console.print(f"  path: {steps}  [dim]({rec.path.total_hours:g} h known"
                  f"{', uncovered: ' + ', '.join(rec.path.uncovered) if rec.path.uncovered else ''})[/]")
    _show_support(console, rec)
    if rec.items:
        console.print(f"  why #1: {rec.items[0].why}", soft_wrap=True)
    console.print()


def _show_link(console: Console, stack: DemoStack, learner_id: str, serve: bool) -> None:
    """One learner's link, to open in a browser while the demo serves."""
    from upskill.demo import learner_link

    url = learner_link(stack, learner_id)
    when = "open it in a browser" if serve else "run `upskill demo --serve` to open such a link"
    console.print(f"learner page of {learner_id} ({when}): {url}", soft_wrap=True, highlight=False)


def _stop_as_on_ctrl_c(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run_demo(workdir: Path, serve: bool, timeout: float) -> int:
    from upskill.demo import DemoError, TopicReader, api_ready, sample_events, start_stack, submit, wait_until

    console = Console(stderr=False)
    events = sample_events()
    pix = _pix_events()
    labels = {str(e.event_id): "contract example" for e in events} | {str(e.event_id): "Pix Orga import" for e in pix}
    signal.signal(signal.SIGTERM, _stop_as_on_ctrl_c)  # so the finally below stops the children
    stack = start_stack(workdir)
    reader = TopicReader(stack.settings)
    console.print(f"[bold]upskill demo[/]: broker on {stack.broker.bootstrap}, API on "
                  f"http://127.0.0.1:{stack.api_port}, logs in {workdir}/")
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                      "{task.total}"), TimeElapsedColumn(), console=console, transient=False) as progress:
            t = progress.add_task("starting API", total=1)
            wait_until(lambda: api_ready(stack), 120, "the API to be ready", stack)
            progress.update(t, completed=1, description="API ready")
            submit(stack, events + pix)
            progress.console.print(f"submitted {len(events)} contract examples and {len(pix)} assessments "
                                   "imported from the Pix Orga export, through POST /v1/assessments")
            t2 = progress.add_task("waiting for recommendations (the worker loads the model and catalogue)",
                                   total=len(labels))
            seen: dict[str, RecommendationGenerated] = {}

            def arrived() -> bool:
                seen.update({k: v for k, v in reader.poll().items() if k in labels})
                progress.update(t2, completed=len(seen))
                return len(seen) >= len(labels)

            wait_until(arrived, timeout, "the recommendations", stack)
        for eid, label in labels.items():
            _show(console, seen[eid], label)
        console.print(f"[green]{len(seen)} recommendations read back from topic "
                      f"{stack.settings.kafka.topics.recommendations}[/]")
        _show_link(console, stack, seen[next(iter(labels))].learner_id, serve)
        if serve:
            console.print(f"serving until Ctrl-C: API http://127.0.0.1:{stack.api_port}/docs, admin token "
                          f"{stack.admin_token}, broker {stack.broker.bootstrap}")
            while True:
                stack.check_alive()
                time.sleep(1)
        return 0
    except DemoError as exc:
        console.print(f"[red]demo failed:[/] {exc}")
        for name in ("worker", "api"):
            console.print(stack.log_tail(name), markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM does not cut the stop short
        console.print("stopping worker, API and broker")
        reader.close()
        stack.stop()


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        serve: bool = typer.Option(False, "--serve", help="Keep broker, worker and API up until Ctrl-C."),
        workdir: Path = typer.Option(Path(".upskill/demo"), help="Logs, store and caches of the demo."),
        timeout: float = typer.Option(300, help="Seconds to wait for the recommendations."),
    ) -> None:
        """Start broker, worker and API, publish the samples and print the recommendations that come back."""
        from upskill.cli import settings_from_env

        settings_from_env()
        raise typer.Exit(run_demo(workdir.resolve(), serve, timeout))
