"""``upskill recommend --input FILE``: recommendations with no broker or server (the contract's CLI)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from pydantic import ValidationError

from schemas.assessment import AssessmentCompleted
from schemas.errors import describe_validation_error


class InputError(Exception):
    """A line of the input that is not a valid assessment event."""


def read_events(path: Path) -> list[AssessmentCompleted]:
    """All events of a JSON file (one event) or JSON Lines file (one a line), validated before any work.

    Raises:
        InputError: naming the file, the line and the field.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    if path.suffix == ".jsonl":
        chunks = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if not chunks:
            raise InputError(f"{path}: no events (the file is empty)")
    else:
        chunks = [(1, text)]
    events = []
    for lineno, chunk in chunks:
        try:
            events.append(AssessmentCompleted.model_validate_json(chunk))
        except ValidationError as exc:
            line = lineno if path.suffix == ".jsonl" else _json_error_line(chunk, exc)
            raise InputError(f"{path}:{line}: {describe_validation_error(exc)}") from exc
    return events


def _json_error_line(text: str, exc: ValidationError) -> int:
    """Best line number for an error in a whole-file JSON document (1 when not a syntax error)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as jerr:
        return jerr.lineno
    return 1


def register(app: typer.Typer) -> None:
    @app.command()
    def recommend(
        input: Path = typer.Option(..., "--input", "-i", help="assessment.completed JSON, or .jsonl (one a line)."),
        indent: int | None = typer.Option(None, help="Pretty-print JSON (single events only)."),
    ) -> None:
        """Print the recommendation JSON for each assessment event in FILE, using the shipped catalogue."""
        from runtime.resources import make_recommender
        from upskill.cli import settings_from_env

        settings = settings_from_env()
        try:
            events = read_events(input)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        rec = make_recommender(settings)
        for event in events:
            out = rec.recommend(event).model_dump_json(indent=indent if len(events) == 1 else None)
            sys.stdout.write(out + "\n")
