"""upskill's entry points: settings, the command line, the embedded broker and the demo."""

__version__ = "0.1.0"
