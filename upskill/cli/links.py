"""``upskill learners link ID`` and ``upskill learners revoke-links ID``: the learner page's links.

The link is signed with ``api.session_secret``: the API that opens it must have the same one, so the command
refuses to issue a link when the secret is not set (a random one would make a link no API accepts).
"""

from __future__ import annotations

import sys

import typer

EXIT_INVALID = 2
CLI_ISSUER = "command line"


def register_links(group: typer.Typer) -> None:
    """Add the link commands to the ``learners`` group."""

    @group.command("link")
    def link(
        learner_id: str = typer.Argument(..., help="Pseudonymous learner id."),
        days: int = typer.Option(None, "--days", min=1, max=366, help="Valid this many days (default api.link_days)."),
    ) -> None:
        """Print a link that opens the learner's page (no key needed) until it expires or is revoked."""
        from api.links import issue_link
        from upskill.cli.users import _store

        settings, store = _store()
        if "session_secret" not in settings.api.model_fields_set:
            print("error: set UPSKILL_API__SESSION_SECRET to the API's own secret: links are signed with it",
                  file=sys.stderr)
            store.dispose()
            raise typer.Exit(EXIT_INVALID)
        try:
            issued = issue_link(store, settings.api.session_secret.get_secret_value(), learner_id, CLI_ISSUER,
                                days or settings.api.link_days)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(EXIT_INVALID) from exc
        finally:
            store.dispose()
        print(f"a link to learner {learner_id}'s page, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC; "
              "send it to them only:", file=sys.stderr)
        print(issued.url(settings.api.public_url))

    @group.command("revoke-links")
    def revoke(learner_id: str = typer.Argument(..., help="Pseudonymous learner id.")) -> None:
        """Revoke every link of the learner; the sessions they opened end at once."""
        from api.links import revoke_links
        from upskill.cli.users import _store

        _, store = _store()
        try:
            revoked = revoke_links(store, learner_id, CLI_ISSUER)
        finally:
            store.dispose()
        print(f"revoked {revoked} link(s) of learner {learner_id}", file=sys.stderr)
