"""The ground every process stands on: settings read once from ``UPSKILL_*`` variables, and logging set-up."""

__version__ = "0.1.0"
