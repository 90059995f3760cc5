"""``upskill outbox show`` and ``upskill outbox retry``: records the broker refused, for operators."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The store's outbox: records the broker refused (too large, invalid) are parked there "
                        "with the reason, and the relay goes on without them.", no_args_is_help=True)
    app.add_typer(group, name="outbox")

    def _store():  # type: ignore[no-untyped-def]
        from store import Store
        from upskill.cli import settings_from_env

        settings = settings_from_env()
        return Store(settings.database.url, settings.database.echo)

    @group.command("show")
    def show(limit: int = typer.Option(100, min=1, help="At most this many, oldest first.")) -> None:
        """List parked records: their topic, key, size and why the broker refused them."""
        from kafka_io.outbox_relay import parked_count, parked_records

        store = _store()
        try:
            rows, total = parked_records(store, limit), parked_count(store)
        finally:
            store.dispose()
        table = Table("id", "topic", "key", "bytes", "parked at", "attempts", "reason",
                      title=f"{total} parked record{'s' if total != 1 else ''}")
        for r in rows:
            table.add_row(str(r.id), r.topic, r.key or "", str(len((r.value or "").encode("utf-8"))),
                          f"{r.parked_at:%Y-%m-%d %H:%M:%S}" if r.parked_at else "", str(r.attempts),
                          r.last_error or "")
        Console().print(table)

    @group.command("retry")
    def retry(
        ids: list[int] | None = typer.Argument(None, help="Outbox ids to retry (see `upskill outbox show`)."),
        all_: bool = typer.Option(False, "--all", help="Retry every parked record."),
    ) -> None:
        """Put parked records back in line: the relay sends them again (after the broker's limit was raised)."""
        from kafka_io.outbox_relay import retry_parked

        if not ids and not all_:
            raise typer.BadParameter("name the ids to retry, or pass --all")
        store = _store()
        try:
            count = retry_parked(store, None if all_ else list(ids or []))
        finally:
            store.dispose()
        print(f"{count} parked record{'s' if count != 1 else ''} back in line")
