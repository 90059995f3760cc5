"""Where a learner can go: the countries whose in-person sessions they reach, and the employment service they
can register with, from where they live (``data/places.json``, a table, not code)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DEFAULT_HOME = "LU"


def _fold(text: str) -> str:
    """Lower case without accents or punctuation: ``"Liège"`` and ``"liege"`` match."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in plain.lower()).split())


@dataclass(frozen=True)
class EmploymentService:
    """A country's public employment service: who runs its programmes and how requirements name it."""

    country: str
    name: str
    providers: frozenset[str]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Places:
    """The reachability table and the employment services."""

    also_reach: dict[tuple[str, str], frozenset[str]]  # (country, folded region or alias) -> other countries
    services: dict[str, EmploymentService]

    def reach(self, country: str, region: str | None) -> frozenset[str]:
        """The countries whose in-person sessions a resident of ``country`` / ``region`` can attend."""
        extra = self.also_reach.get((country, _fold(region))) if region else None
        return frozenset({country}) | (extra or frozenset())

    def service_of(self, provider: str, requirements: list[str]) -> EmploymentService | None:
        """The employment service whose programme this is: run by it, or requiring registration with it."""
        for svc in self.services.values():
            if provider in svc.providers:
                return svc
        text = " ".join(requirements).lower()
        if "regist" in text:
            return next((s for s in self.services.values() if any(w.lower() in text for w in s.words)), None)
        return None


@cache
def load_places() -> Places:
    """The shipped table."""
    raw = json.loads(files("recommender").joinpath("data/places.json").read_text(encoding="utf-8"))
    also: dict[tuple[str, str], frozenset[str]] = {}
    for area in raw["border_areas"]:
        for name in (area["region"], *area.get("aliases", [])):
            also[(area["country"], _fold(name))] = frozenset(area["also_reach"])
    services = {
        country: EmploymentService(country, s["name"], frozenset(s["providers"]), tuple(s["words"]))
        for country, s in raw["employment_services"].items() if country != "note"
    }
    return Places(also, services)
