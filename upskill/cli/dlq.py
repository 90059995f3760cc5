"""``upskill dlq show`` and ``upskill dlq replay``: the dead-letter topic for operators."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The dead-letter topic (assessments that could not be processed).",
                        no_args_is_help=True)
    app.add_typer(group, name="dlq")

    @group.command("show")
    def show(all_: bool = typer.Option(False, "--all", help="Also the ones already replayed.")) -> None:
        """List dead letters not yet replayed: where they came from and why they failed."""
        from streams.dlq import DeadLetterReader
        from upskill.cli import settings_from_env

        reader = DeadLetterReader(settings_from_env(), from_start=all_)
        table = Table("partition", "offset", "key", "error_type", "error", "from")
        try:
            for d in reader:
                table.add_row(str(d.partition), str(d.offset), (d.key or b"").decode("utf-8", "replace"),
                              d.error_type, d.headers.get("error", "")[:120],
                              f"{d.origin}[{d.headers.get('original_partition')}]@{d.headers.get('original_offset')}")
        finally:
            reader.close()
        Console().print(table)

    @group.command("replay")
    def replay_cmd(
        error_type: str | None = typer.Option(None, help="Only this error_type (json, schema, processing...)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be replayed, send nothing."),
    ) -> None:
        """Re-publish dead letters to their original topic (after the fix that makes them processable)."""
        from streams.dlq import replay
        from upskill.cli import settings_from_env

        res = replay(settings_from_env(), error_type=error_type, dry_run=dry_run)
        verb = "would replay" if dry_run else "replayed"
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(res.by_type.items())) or "none"
        erased = f", {res.erased} of them of learners erased since" if res.erased else ""
        print(f"{verb} {res.replayed} dead letters ({kinds}); skipped {res.skipped}{erased}")
