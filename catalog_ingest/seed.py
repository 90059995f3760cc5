"""The seed catalogue and funding schemes shipped inside the package (ids as in the shared catalogue)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from schemas.offering import Offering


def _read_jsonl(path: Path | None, shipped: str) -> list[Offering]:
    if path is not None:
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("catalog_ingest.data").joinpath(shipped).read_text(encoding="utf-8")
    return [Offering.model_validate_json(line) for line in text.splitlines() if line.strip()]


def load_offerings(path: Path | None = None) -> list[Offering]:
    """Offerings from a trusted JSON Lines file; ``None`` reads the shipped seed catalogue."""
    return _read_jsonl(path, "offerings.jsonl")


def load_funding(path: Path | None = None) -> list[Offering]:
    """Funding schemes (same field set as offerings); ``None`` reads the shipped ones."""
    return _read_jsonl(path, "funding.jsonl")
