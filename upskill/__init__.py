"""upskill's entry points: the command line, the embedded broker and the demo that wire the packages together."""

from config import __version__

__all__ = ["__version__"]
