"""``upskill schemas export``: the JSON Schema of every topic's value."""

from __future__ import annotations

from pathlib import Path

import typer

from schemas.topics import JSONSCHEMA_DIR, export


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The event contracts as JSON Schema.", no_args_is_help=True)
    app.add_typer(group, name="schemas")

    @group.command("export")
    def export_cmd(
        directory: Path = typer.Option(JSONSCHEMA_DIR, "--dir", help="Where to write <topic>.schema.json."),
    ) -> None:
        """Write the JSON Schema of each topic's value."""
        for path in export(directory):
            typer.echo(str(path))
