"""Where a learner can go: the countries whose in-person sessions they reach, the employment service they can
register with and the public services they use, from where they live (``data/places.json``, a table, not
code)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

DEFAULT_HOME = "LU"


def _fold(text: str) -> str:
    """Lower case without accents or punctuation: ``"Liège"`` and ``"liege"`` match."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in plain.lower()).split())


@dataclass(frozen=True)
class NationalService:
    """A country's service that only its residents use: its public employment service, or its online public
    services. Who runs it, and the words that name it in an offering's requirements or title."""

    country: str
    name: str
    providers: frozenset[str]
    words: tuple[str, ...]


@dataclass(frozen=True)
class LocalPart:
    """A part of a country that offerings name as where their people live (the north of Luxembourg): the words
    that name it, and the cantons it is made of (folded)."""

    country: str
    name: str
    cantons: frozenset[str]
    pattern: re.Pattern[str]  # the text of an offering for the residents of this part


def _local_pattern(words: list[str], country_words: list[str]) -> re.Pattern[str]:
    """'residents of the north', 'communes in the Minett', 'northern (Luxembourg) communes' (not where sessions
    are held: 'courses held in the north' admits anyone who comes)."""
    part = "|".join(re.escape(w) for w in words)
    country = "|".join(re.escape(w) for w in country_words)
    people = r"(?:residents?|inhabitants?|communes|municipalities|villages|towns)"
    return re.compile(
        rf"\b{people}\s+(?:of|in)\s+(?:the\s+)?(?:{part})\b"
        rf"|\b(?:{part})\s+(?:(?:{country})\s+)?(?:communes|municipalities|villages|towns)\b",
        re.I,
    )


@dataclass(frozen=True)
class Places:
    """The reachability table and the employment services."""

    also_reach: dict[tuple[str, str], frozenset[str]]  # (country, folded region or alias) -> other countries
    services: dict[str, NationalService]  # country -> its employment service
    one_area: frozenset[str] = frozenset()  # countries where every session is near home
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (country, folded alias) -> folded region
    contains: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # larger region -> regions
    public: dict[str, NationalService] = field(default_factory=dict)  # country -> its online public services
    # (country of one_area, folded commune or canton) -> folded canton
    canton: dict[tuple[str, str], str] = field(default_factory=dict)
    local_parts: tuple[LocalPart, ...] = ()

    def local_part_of(self, country: str | None, text: str) -> LocalPart | None:
        """The part of ``country`` whose residents alone an offering's text says it is for, if it says so."""
        return next((p for p in self.local_parts if p.country == country and p.pattern.search(text)), None)

    def lives_in(self, part: LocalPart, country: str, region: str | None) -> bool | None:
        """Whether a learner living in ``country`` / ``region`` lives in ``part``; None when their home within
        the country is unknown (no region, or one this table does not place)."""
        if country != part.country:
            return False
        canton = self.canton.get((country, self.region(country, region) or ""))
        return None if canton is None else canton in part.cantons

    def region(self, country: str, region: str | None) -> str | None:
        """The folded name of a region, an alias resolved (``"Arlon"`` is the Province de Luxembourg)."""
        if not region:
            return None
        folded = _fold(region)
        return self.names.get((country, folded), folded)

    def near(self, home: tuple[str, str | None], site: tuple[str, str | None]) -> bool:
        """Whether in-person sessions at ``site`` (country, region) are near a learner living at ``home``."""
        if site[0] != home[0]:
            return False
        country, mine = site[0], self.region(*home)
        places = [self.region(country, p) for p in (site[1] or "").split(",")]  # a site may list several
        return any(self._near(country, mine, theirs) for theirs in places)  # no region: [None], near

    def _near(self, country: str, mine: str | None, theirs: str | None) -> bool:
        if mine is None or theirs is None:
            return True
        if country in self.one_area:  # near unless both are places known here in different cantons
            a, b = self.canton.get((country, mine)), self.canton.get((country, theirs))
            return a is None or b is None or a == b
        return theirs == mine or mine in self.contains.get((country, theirs), frozenset())

    def locate(self, place: str, countries: list[str]) -> tuple[str, str] | None:
        """Where a place a learner names (``preferences.location``: "Esch-sur-Alzette", "Arlon") lies, as
        (country, folded region): in the first of ``countries`` (theirs first, then those they reach) whose table
        knows the name; None when none does (an unknown place says nothing of what is near it)."""
        folded = _fold(place)
        for country in countries:
            key = (country, folded)
            known = key in self.canton or key in self.names or key in self.contains or any(
                folded in inside for (c, _), inside in self.contains.items() if c == country)
            if known:
                return country, self.names.get(key, folded)
        return None

    def reach(self, country: str, region: str | None) -> frozenset[str]:
        """The countries whose in-person sessions a resident of ``country`` / ``region`` can attend."""
        extra = self.also_reach.get((country, _fold(region))) if region else None
        return frozenset({country}) | (extra or frozenset())

    def public_services_of(self, provider: str, title: str) -> NationalService | None:
        """The country's public services a training is about: run by them, or naming them in its title."""
        folded = title.lower()
        return next((s for s in self.public.values()
                     if provider in s.providers or any(w.lower() in folded for w in s.words)), None)

    def service_of(self, provider: str, requirements: list[str]) -> NationalService | None:
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
    names: dict[tuple[str, str], str] = {}  # an alias -> the region it names
    for area in raw["border_areas"]:
        for name in (area["region"], *area.get("aliases", [])):
            also[(area["country"], _fold(name))] = frozenset(area["also_reach"])
            names[(area["country"], _fold(name))] = _fold(area["region"])
    areas = raw.get("areas", {})
    contains: dict[tuple[str, str], frozenset[str]] = {}
    for big in areas.get("larger_regions", []):
        inside = frozenset(_fold(r) for r in big["contains"])
        contains[(big["country"], _fold(big["region"]))] = inside
        for name in big.get("aliases", []):
            names[(big["country"], _fold(name))] = _fold(big["region"])
    canton: dict[tuple[str, str], str] = {}
    for country, table in areas.get("cantons", {}).items():
        if country == "note":
            continue
        for name, communes in table.items():
            for place in (name, *communes):
                canton[(country, _fold(place))] = _fold(name)
    services, public = _national(raw["employment_services"]), _national(raw.get("public_services", {}))
    parts = tuple(
        LocalPart(country, name, frozenset(_fold(c) for c in part["cantons"]),
                  _local_pattern(part["words"], table.get("country_words", [])))
        for country, table in raw.get("local_parts", {}).items() if country != "note"
        for name, part in table.items() if name != "country_words"
    )
    return Places(also, services, frozenset(areas.get("one_area", [])), names, contains, public, canton, parts)


def _national(section: dict[str, Any]) -> dict[str, NationalService]:
    """A section of the table naming one service per country (its ``note`` aside)."""
    return {country: NationalService(country, s["name"], frozenset(s["providers"]), tuple(s["words"]))
            for country, s in section.items() if country != "note"}
