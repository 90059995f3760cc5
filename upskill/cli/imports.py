"""``upskill import pix-profiles FILE``: a Pix Orga campaign export in, pseudonymous events out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast, get_args

import typer
from rich.console import Console
from rich.table import Table

from config.settings import Settings
from pix_import import (
    ImportOptions,
    ImportResult,
    MissingPseudonymKeyError,
    NotAPixExportError,
    decode_export,
    import_pix_profiles,
    resolve_key,
)
from schemas.assessment import LearnerStatus

EXIT_REJECTED = 1
EXIT_NOT_PIX = 2
EXIT_KAFKA = 3

import_app = typer.Typer(
    help="Import what organisations already have (Pix Orga exports) as assessment events.",
    no_args_is_help=True,
)


def print_summary(result: ImportResult, console: Console, demo: bool = False) -> None:
    """The import's figures, rejected lines and column warnings, as Rich tables (no identity in them)."""
    s = result.summary
    table = Table(title="Pix profiles import", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("rows", s.rows), ("events", s.events), ("not shared", s.not_shared)):
        table.add_row(label, str(value))
    table.add_row("rejected", f"[red]{len(s.rejected)}[/]" if s.rejected else "0")
    table.add_row("campaigns", ", ".join(s.campaigns) or "-")
    console.print(table)
    if s.rejected:
        rejected = Table(title="Rejected lines")
        rejected.add_column("line", justify="right")
        rejected.add_column("reason")
        for r in s.rejected:
            rejected.add_row(str(r.line), r.reason)
        console.print(rejected)
    if s.unknown_columns:
        console.print(f"[yellow]ignored unknown columns:[/] {'; '.join(s.unknown_columns)}", markup=True)
    if s.missing_competences:
        console.print(f"[yellow]no column for Pix competences:[/] {', '.join(s.missing_competences)}")
    if demo:
        console.print("[bold yellow]demo pseudonym key: these ids are NOT protected, demo data only[/]")


def _options(
    role: str | None,
    languages: str | None,
    status: str | None,
    counsellor: str | None,
    counsellor_consent: bool,
    organisation_id: str | None,
) -> ImportOptions:
    if status is not None and status not in get_args(LearnerStatus):
        known = ", ".join(get_args(LearnerStatus))
        raise typer.BadParameter(f"must be one of {known}", param_hint="--status")
    langs = tuple(code for code in (languages or "").split(",") if code.strip())
    options = ImportOptions(
        role, langs, cast(LearnerStatus | None, status), counsellor, counsellor_consent, organisation_id
    )
    try:
        options.check()
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return options


@import_app.command("pix-profiles")
def pix_profiles(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The CSV exported from Pix Orga."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write events as JSON Lines here."),
    publish: bool = typer.Option(False, "--publish", help="Send the events to the assessments topic."),
    role: str | None = typer.Option(None, help="Target role id for every learner, e.g. bank-client-advisor."),
    languages: str | None = typer.Option(None, help="Languages the learners study in, e.g. fr,en."),
    status: str | None = typer.Option(None, help=f"Learner status: {', '.join(get_args(LearnerStatus))}."),
    counsellor: str | None = typer.Option(None, help="Counsellor id to assign every learner to."),
    counsellor_consent: bool = typer.Option(
        False, help="The campaign's terms told participants their counsellor sees the shared results."
    ),
    organisation_id: str | None = typer.Option(None, help="Organisation id; default: from its name."),
    timeout: float = typer.Option(30.0, min=0.1, help="Seconds to wait for Kafka with --publish."),
    demo_key: bool = typer.Option(
        False, "--demo-key", help="Use the PUBLIC demo pseudonym key: fictional data only, NOT real people."
    ),
) -> None:
    """Turn each shared row of a Pix Orga profiles export into an assessment.completed event.

    Events go to --output, to Kafka with --publish, or to stdout; the summary goes to stderr. Exit 1 when a
    row was rejected, 2 when the file is not a Pix profiles export (or no pseudonym key is set), 3 when Kafka
    cannot be reached.
    """
    from upskill.cli import settings_from_env

    settings = settings_from_env()
    console = Console(stderr=True, soft_wrap=True)
    options = _options(role, languages, status, counsellor, counsellor_consent, organisation_id)
    try:
        key = resolve_key(settings.pseudonym_key, demo=demo_key)
    except MissingPseudonymKeyError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_NOT_PIX) from None
    try:
        result = import_pix_profiles(decode_export(file.read_bytes()), key, options)
    except NotAPixExportError as exc:
        console.print(f"[red]error:[/] {file}: {exc}", highlight=False)
        raise typer.Exit(EXIT_NOT_PIX) from None
    lines = [e.model_dump_json(exclude_none=True) + "\n" for e in result.events]
    if output is not None:
        output.write_text("".join(lines), encoding="utf-8")
    if publish:
        _publish(settings, result, console, timeout)
    if output is None and not publish:
        sys.stdout.write("".join(lines))
    print_summary(result, console, demo=demo_key)
    if result.summary.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _publish(settings: Settings, result: ImportResult, console: Console, timeout_s: float) -> None:
    from kafka_io.assessments import publish_assessments
    from kafka_io.client import KafkaUnavailableError

    try:
        sent = publish_assessments(settings, result.events, timeout_s)
    except KafkaUnavailableError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_KAFKA) from None
    console.print(f"published {sent} events to {settings.kafka.topics.assessments}")


def register(app: typer.Typer) -> None:
    """Add the ``import`` command group."""
    app.add_typer(import_app, name="import")
