"""DigComp 2.2, the Pix-16 alignment and the target role profiles shipped with upskill."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from schemas.errors import UnknownCompetenceError, UnknownRoleError

DIGCOMP = "digcomp-2.2"
PIX = "pix-16"
MAX_LEVEL = 8
BASELINE_ROLE = "citizen-baseline"


@dataclass(frozen=True)
class Competence:
    """One DigComp 2.2 competence."""

    code: str
    name: str
    summary: str
    area_code: str
    area_name: str

    @property
    def descriptor(self) -> str:
        """The text embedded to represent this competence."""
        return f"{self.name}. {self.summary} ({self.area_name})"


@dataclass(frozen=True)
class PixCompetence:
    """One of Pix's own 16 competences and the DigComp competences it informs."""

    code: str
    name_en: str
    name_fr: str
    digcomp: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    """A target role: DigComp levels to reach."""

    id: str
    title: str
    audience: str
    targets: dict[str, int] = field(hash=False)


@dataclass(frozen=True)
class Framework:
    """The reference data: competences, levels, the Pix alignment and roles."""

    competences: dict[str, Competence] = field(hash=False)
    level_bands: dict[int, str] = field(hash=False)
    pix: dict[str, PixCompetence] = field(hash=False)
    roles: dict[str, Role] = field(hash=False)

    def competence(self, code: str) -> Competence:
        """The DigComp competence with this code, or UnknownCompetenceError."""
        try:
            return self.competences[code]
        except KeyError:
            raise UnknownCompetenceError(f"unknown DigComp 2.2 competence {code!r}") from None

    def role(self, role_id: str) -> Role:
        """The role with this id, or UnknownRoleError."""
        try:
            return self.roles[role_id]
        except KeyError:
            known = ", ".join(sorted(self.roles))
            raise UnknownRoleError(f"unknown role {role_id!r} (known: {known})") from None

    def codes(self, framework: str) -> frozenset[str]:
        """The competence codes valid in a framework (``digcomp-2.2`` or ``pix-16``)."""
        if framework == PIX:
            return frozenset(self.pix)
        return frozenset(self.competences)

    def band(self, level: int) -> str:
        """Foundation, Intermediate, Advanced or Highly specialised."""
        return self.level_bands.get(max(1, min(MAX_LEVEL, level)), "Foundation")


def _read(name: str) -> Any:
    return json.loads(resources.files("schemas.data").joinpath(name).read_text(encoding="utf-8"))


@cache
def load_framework() -> Framework:
    """The shipped framework (read once, on first use)."""
    dig = _read("digcomp-2.2.json")
    competences = {
        c["code"]: Competence(c["code"], c["name"], c["summary"], a["code"], a["name"])
        for a in dig["areas"]
        for c in a["competences"]
    }
    bands = {lv["level"]: lv["band"] for lv in dig["proficiency_levels"]}
    pix = {
        p["code"]: PixCompetence(p["code"], p["name_en"], p["name_fr"], tuple(p["digcomp"]))
        for p in dig["pix"]["competences"]
    }
    roles = {
        r["id"]: Role(r["id"], r["title"], r["audience"], dict(r["targets"]))
        for r in _read("target-profiles.json")["roles"]
    }
    return Framework(competences, bands, pix, roles)


#: Languages the competence and area names are given in (English from the framework file, the others beside it).
NAME_LANGUAGES = ("en", "fr", "de", "lb")


@cache
def competence_names(lang: str) -> dict[str, str]:
    """DigComp 2.2 competence and area titles in ``lang`` (en, fr, de, lb), by code (``"4.2"``, ``"4"``).

    A language other than these gives the English titles.
    """
    fw = load_framework()
    english = {c.code: c.name for c in fw.competences.values()}
    english |= {c.area_code: c.area_name for c in fw.competences.values()}
    if lang not in NAME_LANGUAGES[1:]:
        return english
    names = _read("digcomp-2.2.names.json")
    translated = {code: by_lang[lang] for part in ("areas", "competences") for code, by_lang in names[part].items()}
    return english | translated
