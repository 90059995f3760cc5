"""``upskill catalog ...``: check and publish provider feeds, coverage of the catalogue, synthetic data."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from catalog_ingest.validate import ValidationReport, validate_files
from config.settings import Settings

if TYPE_CHECKING:
    from catalog_ingest.infer import CompetenceInferrer

EXIT_REJECTED = 1
EXIT_KAFKA = 3
LARGE = 2000  # rows from which ingest shows a progress bar

catalog_app = typer.Typer(help="Provider catalogue: validate and publish feeds, coverage, synthetic data.",
                          no_args_is_help=True)
FILES = typer.Argument(..., help="Offering feeds: .jsonl (one JSON object a line) or .csv.")


def _count_lines(paths: Sequence[Path]) -> int:
    total = 0
    for path in paths:
        try:
            with path.open("rb") as fh:
                total += sum(1 for _ in fh)
        except OSError:
            continue
    return total


@contextmanager
def _progress(description: str, total: int, show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        progress.add_task(description, total=total)
        yield progress


def _report_problems(report: ValidationReport) -> None:
    for problem in report.problems:
        print(problem)


def _validation_summary(files: Sequence[Path], report: ValidationReport) -> str:
    warnings = len(report.problems) - len(report.errors)
    text = (f"{len(files)} file(s), {report.rows} rows: {len(report.accepted)} accepted, "
            f"{report.rejected} rejected, {warnings} warning(s)")
    uncoded = sum(1 for o in report.offerings if not o.competences)
    if uncoded:
        text += f"; {uncoded} without DigComp codes (inferred from their text at ingest)"
    return text


def validate(files: list[Path] = FILES) -> None:
    """Check feeds without publishing: one line per problem (FILE:LINE: field: message) and a summary.

    Exit code 1 when any row is rejected, 0 otherwise.
    """
    report = validate_files(files)
    _report_problems(report)
    print(_validation_summary(files, report))
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _inferrer(settings: Settings) -> CompetenceInferrer:
    from catalog_ingest.infer import CompetenceInferrer
    from catalog_ingest.seed import load_offerings
    from runtime.resources import make_embedder

    embedder = make_embedder(settings)
    inferrer = CompetenceInferrer(embedder, examples=load_offerings(settings.catalog.path))
    embedder.save()
    return inferrer


def ingest(
    files: list[Path] = FILES,
    infer: bool = typer.Option(True, help="Infer DigComp codes for offerings that have none."),
) -> None:
    """Validate feeds and publish their valid offerings to the catalogue topic (key = id).

    Unchanged offerings are not sent again. Exit code 1 when any row was rejected, 3 when Kafka is unreachable.
    """
    from catalog_ingest.publish import Publisher
    from kafka_io.catalog_sink import KafkaSink
    from kafka_io.client import KafkaUnavailableError
    from upskill.cli import settings_from_env

    settings = settings_from_env()
    total = _count_lines(files)
    with _progress("validating", total, total >= LARGE) as bar:
        report = validate_files(files, on_row=(lambda _: bar.advance(0)) if bar else None)
    _report_problems(report)
    offerings = report.offerings
    if infer and any(not o.competences for o in offerings):
        offerings = _inferrer(settings).apply(offerings)
    try:
        with KafkaSink(settings) as sink, _progress("publishing", len(offerings), total >= LARGE) as bar:
            on_sent = (lambda n: bar.update(0, completed=n)) if bar else None
            summary = Publisher(sink).publish(offerings, rejected=report.rejected, on_sent=on_sent)
    except (KafkaUnavailableError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_KAFKA) from None
    print(f"{settings.kafka.topics.catalog}: {summary}")
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def withdraw(ids: list[str] = typer.Argument(..., help="Offering ids to withdraw.")) -> None:
    """Withdraw offerings: a tombstone (null value) for each id the catalogue topic holds."""
    from catalog_ingest.publish import Publisher
    from kafka_io.catalog_sink import KafkaSink
    from kafka_io.client import KafkaUnavailableError
    from upskill.cli import settings_from_env

    settings = settings_from_env()
    try:
        with KafkaSink(settings) as sink:
            done = Publisher(sink).withdraw(ids)
    except (KafkaUnavailableError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_KAFKA) from None
    print(f"{settings.kafka.topics.catalog}: withdrew {done} of {len(set(ids))} (the others were not there)")


def _coverage_table(data: dict) -> Table:
    bands = list(dict.fromkeys(c["band"] for c in data["cells"]))
    table = Table(title=f"Active offerings per competence and level band ({data['active_offerings']} active)")
    table.add_column("competence")
    for band in bands:
        table.add_column(band, justify="right")
    rows: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for cell in data["cells"]:
        rows.setdefault(cell["competence"], {})[cell["band"]] = cell["offerings"]
        names[cell["competence"]] = cell["name"]
    for code, counts in rows.items():
        cells = [f"[red]{counts[b]}[/]" if counts[b] == 0 else str(counts[b]) for b in bands]
        table.add_row(f"{code} {names[code][:48]}", *cells)
    return table


def coverage(
    as_json: bool = typer.Option(False, "--json", help="Print the full report (by language and format) as JSON."),
    files: list[Path] = typer.Option(None, "--file", "-f", help="Feeds to count instead of the catalogue."),
    live: bool = typer.Option(False, help="Count what the catalogue topic holds now (needs the broker)."),
) -> None:
    """How many active offerings serve each DigComp competence and level band, by language and format."""
    from catalog_ingest.coverage import coverage as compute
    from catalog_ingest.publish import decode
    from catalog_ingest.seed import load_offerings
    from kafka_io.catalog_sink import KafkaSink
    from upskill.cli import settings_from_env

    settings = settings_from_env()
    if live:
        with KafkaSink(settings) as sink:
            offerings = [o for o in map(decode, sink.holdings().values()) if o is not None]
    elif files:
        offerings = validate_files(files).offerings
    else:
        offerings = load_offerings(settings.catalog.path)
    data = compute(offerings).to_dict()
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = Console()
    console.print(_coverage_table(data))
    empty = ", ".join(f"{c['competence']} {c['band']}" for c in data["empty"])
    tail = f": {empty}" if empty else "."
    console.print(f"{len(data['empty'])} competence/band cells have no active offering{tail}")


def synth(
    size: int = typer.Option(10_000, "--size", "-n", min=1, help="How many offerings."),
    out: Path = typer.Option(..., "--out", "-o", help="JSON Lines file to write."),
    seed: int = typer.Option(0, help="Random seed (same seed, same catalogue)."),
) -> None:
    """Write a synthetic catalogue (ids syn-*, provider "synthetic") shaped like the seed catalogue."""
    from catalog_ingest.synthetic import synthetic_offerings, write_jsonl

    write_jsonl(synthetic_offerings(size, seed=seed), out)
    print(f"wrote {size} synthetic offerings to {out}")


catalog_app.command("validate")(validate)
catalog_app.command("ingest")(ingest)
catalog_app.command("withdraw")(withdraw)
catalog_app.command("coverage")(coverage)
catalog_app.command("synth")(synth)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
