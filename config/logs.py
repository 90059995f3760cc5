"""Logging set-up, done once in each entry point: text for people, JSON lines for log collectors.

In JSON, fields passed with ``extra=`` (``event_id``, ``learner_id``...) become keys of the line, so a log
search by event id finds every step of its processing.
"""

from __future__ import annotations

import logging.config
from typing import Any

_NOISY = ("aiokafka", "kafka", "faust", "mode", "sentence_transformers", "httpx", "urllib3", "alembic")


def logging_config(level: str = "INFO", fmt: str = "text") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for stderr, as text or as JSON lines."""
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"levelname": "level", "asctime": "time"},
        }
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"}
    )
    quiet = max(logging.WARNING, logging.getLevelName(level.upper()))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "default"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {name: {"level": quiet} for name in _NOISY},
    }


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Apply :func:`logging_config`."""
    logging.config.dictConfig(logging_config(level, fmt))
