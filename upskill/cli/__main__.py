"""``python -m upskill.cli`` (how the demo starts its worker and API with the same interpreter)."""

from upskill.cli import main

main()
