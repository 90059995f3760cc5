"""The ``upskill`` command line (Typer). Each command group lives in its own module and registers itself."""

from __future__ import annotations

import importlib

import typer

from config.logs import configure_logging
from config.settings import Settings

app = typer.Typer(
    name="upskill",
    help="Event-driven upskilling recommendations: DigComp skill gaps in, training paths out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """upskill: DigComp skill gaps in, training paths out. Settings come from UPSKILL_* variables."""


# Modules that define commands; each has ``register(app: typer.Typer) -> None``.
_COMMAND_MODULES = (
    "upskill.cli.catalog",
    "upskill.cli.eval",
    "upskill.cli.demo",
    "upskill.cli.dlq",
    "upskill.cli.imports",
    "upskill.cli.outbox",
    "upskill.cli.recommend",
    "upskill.cli.schemas",
    "upskill.cli.serve",
    "upskill.cli.users",
)


def settings_from_env() -> Settings:
    """Read the settings once for this command, and set up logging from them."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Console-script entry point."""
    app()
