"""What ``make test`` needs beyond the venv, checked before pytest starts: one line per missing thing, with how
to get it, and exit status 1 (run as ``python -m tests.prerequisites``)."""

from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from tests.support.postgres import PG_URL
from tests.web.conftest import CHROMIUM


def missing() -> list[str]:
    """What is missing, each as one line saying how to get it."""
    out = []
    if not os.access(CHROMIUM, os.X_OK):
        out.append(f"Chromium is missing ({CHROMIUM}, for the browser tests): apt-get install chromium")
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(exc.orig or exc).splitlines()[0] if getattr(exc, "orig", None) else type(exc).__name__
        out.append(f"PostgreSQL does not answer at {PG_URL.split('@', 1)[1]} (for the tests marked postgres; "
                   f"{reason}): start it, with trust auth and a database 'test' (see README, Two commands)")
    finally:
        engine.dispose()
    return out


if __name__ == "__main__":
    problems = missing()
    for line in problems:
        sys.stderr.write(f"make test: {line}\n")
    sys.exit(1 if problems else 0)
