"""``upskill users create|list|revoke`` and ``upskill learners export|erase``: people and GDPR requests (``upskill
learners link|revoke-links`` are in :mod:`upskill.cli.links`)."""

from __future__ import annotations

import json
import sys

import typer

EXIT_INVALID = 2
EXIT_NOT_FOUND = 1


def _store():  # type: ignore[no-untyped-def]
    from store import Store
    from upskill.cli import settings_from_env

    settings = settings_from_env()
    return settings, Store(settings.database.url, settings.database.echo)


def _users(app: typer.Typer) -> None:
    group = typer.Typer(help="API users and their keys (the key is printed once, stored hashed).",
                        no_args_is_help=True)
    app.add_typer(group, name="users")

    @group.command("create")
    def create(
        role: str = typer.Option(..., help="learner, provider, counsellor or admin."),
        name: str = typer.Option(..., help="Who this is, as the audit trail shows it."),
        provider: str = typer.Option(None, help="Provider code (role provider)."),
        learner: str = typer.Option(None, help="Pseudonymous learner id (role learner)."),
        counsellor: str = typer.Option(None, help="Counsellor id (role counsellor)."),
        team: str = typer.Option(None, help="Counsellor team: its members see each other's learners."),
    ) -> None:
        """Create a user and print their API key: it is shown this once and cannot be read back."""
        from api.keys import InvalidUserError, create_user

        _, store = _store()
        try:
            new = create_user(store, role, name, provider=provider, learner_id=learner, counsellor_id=counsellor,
                              team=team)
        except InvalidUserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(EXIT_INVALID) from exc
        finally:
            store.dispose()
        print(f"created user {new.user.id} ({new.user.role}, {new.user.name}); its API key, shown once:",
              file=sys.stderr)
        print(new.token)

    @group.command("list")
    def list_cmd(as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table.")) -> None:
        """Every user, with their scope and how many active keys they hold (never the keys)."""
        from rich.console import Console
        from rich.table import Table

        from api.keys import list_users

        _, store = _store()
        users = list_users(store)
        store.dispose()
        if as_json:
            for u in users:
                print(u.model_dump_json())
            return
        table = Table(title="users")
        for col in ("id", "role", "name", "scope", "team", "keys"):
            table.add_column(col)
        for u in users:
            scope = u.provider or u.learner_id or u.counsellor_id or "-"
            table.add_row(str(u.id), u.role, u.name, scope, u.team or "-", str(u.active_keys))
        Console().print(table)

    @group.command("revoke")
    def revoke(user_id: int = typer.Argument(..., help="The user's id (upskill users list).")) -> None:
        """Revoke every key of a user."""
        from api.keys import revoke_user_keys

        _, store = _store()
        n = revoke_user_keys(store, user_id)
        store.dispose()
        print(f"revoked {n} key(s) of user {user_id}", file=sys.stderr)


def _learners(app: typer.Typer) -> None:
    from upskill.cli.links import register_links

    group = typer.Typer(help="GDPR requests about one learner, and links to their page.", no_args_is_help=True)
    app.add_typer(group, name="learners")
    register_links(group)

    @group.command("export")
    def export(learner_id: str = typer.Argument(..., help="Pseudonymous learner id.")) -> None:
        """Print everything the store holds about the learner, as JSON."""
        from store.privacy import export_learner

        _, store = _store()
        found = export_learner(store, learner_id)
        store.dispose()
        if found is None:
            print(f"nothing stored about {learner_id}", file=sys.stderr)
            raise typer.Exit(EXIT_NOT_FOUND)
        print(json.dumps(found.model_dump(mode="json"), indent=2, ensure_ascii=False))

    @group.command("erase")
    def erase(
        learner_id: str = typer.Argument(..., help="Pseudonymous learner id."),
        publish: bool = typer.Option(True, help="Publish the tombstones now (else the API's relay will)."),
    ) -> None:
        """Delete the learner's rows and queue Kafka tombstones for their key on the topics keyed by learner."""
        from store.privacy import erase_learner

        settings, store = _store()
        t = settings.kafka.topics
        report = erase_learner(store, learner_id, t.learner_keyed())
        print(json.dumps(report.model_dump(mode="json"), indent=2))
        if publish:
            _publish(settings, store)
        store.dispose()


def _publish(settings, store) -> None:  # type: ignore[no-untyped-def]
    from kafka.errors import KafkaError

    from kafka_io.client import KafkaUnavailableError
    from kafka_io.outbox_relay import OutboxRelay

    relay = OutboxRelay(settings, store)
    try:
        sent = relay.drain_once()
        print(f"published {sent} outbox record(s), tombstones included", file=sys.stderr)
    except (KafkaError, KafkaUnavailableError, OSError) as exc:
        print(f"broker unavailable ({type(exc).__name__}): tombstones stay queued in the outbox", file=sys.stderr)
    finally:
        if relay._producer is not None:  # noqa: SLF001 - the relay owns no thread here, only this producer
            relay._producer.close(timeout=2)


def register(app: typer.Typer) -> None:
    _users(app)
    _learners(app)
