"""The columns of a Pix Orga "collecte de profils" export, recognised by title whatever their spelling."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from schemas.errors import UpskillError
from schemas.framework import load_framework

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "\u00a0": " "})

ORGANISATION = "nom de l'organisation"
CAMPAIGN_ID = "id campagne"
CAMPAIGN_CODE = "code"
LAST_NAME = "nom du participant"
FIRST_NAME = "prénom du participant"
SHARED = "envoi (o/n)"
STUDENT_NUMBER = "numéro étudiant"
IDENTITY_KNOWN = {"classe", "groupe", "division", STUDENT_NUMBER}
SHARED_AT = ("date et heure de l'envoi", "date de l'envoi")
INFORMATIVE = {
    "nom de la campagne",
    "nombre de pix total",
    "certifiable (o/n)",
    "nombre de compétences certifiables",
}
_LEVEL = re.compile(r"^niveau pour la compétence (?P<name>.+)$")
_PIX = re.compile(r"^nombre de pix pour la compétence (?P<name>.+)$")


class NotAPixExportError(UpskillError, ValueError):
    """The file is not a Pix Orga profiles-collection export (exit code 2 of the CLI)."""


def normalise_title(title: str) -> str:
    """A column title compared without case, typographic apostrophes, odd spaces or a BOM."""
    text = unicodedata.normalize("NFC", title.replace("\ufeff", "")).translate(_APOSTROPHES)
    return " ".join(text.casefold().split())


@dataclass
class Layout:
    """Where each thing the importer reads sits in a row (column indices)."""

    width: int
    organisation: int
    shared: int
    shared_at: int
    campaign_code: int | None = None
    campaign_id: int | None = None
    last_name: int | None = None
    first_name: int | None = None
    external_id: int | None = None
    student_number: int | None = None
    levels: dict[str, int] = field(default_factory=dict)
    pix: dict[str, int] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def missing_competences(self) -> list[str]:
        """Pix competence codes with no level column in this file."""
        return sorted(set(load_framework().pix) - set(self.levels))


def _pix_names() -> dict[str, str]:
    return {normalise_title(p.name_fr): code for code, p in load_framework().pix.items()}


def _find(titles: list[str], wanted: str) -> int | None:
    return titles.index(wanted) if wanted in titles else None


def _shared_at_column(titles: list[str]) -> int | None:
    for i, t in enumerate(titles):
        if t.startswith(SHARED_AT):  # "(Europe/Paris)" or any zone note after it
            return i
    return None


def read_layout(header: list[str]) -> Layout:
    """Recognise the columns of a header row.

    Raises:
        NotAPixExportError: a column every profiles export has is missing, or no competence column at all.
    """
    titles = [normalise_title(h) for h in header]
    organisation, shared = _find(titles, ORGANISATION), _find(titles, SHARED)
    shared_at = _shared_at_column(titles)
    if organisation is None or shared is None or shared_at is None:
        found = {"Nom de l'organisation": organisation, "Envoi (O/N)": shared, "Date de l'envoi": shared_at}
        missing = ", ".join(name for name, idx in found.items() if idx is None)
        raise NotAPixExportError(f"not a Pix Orga profiles export: no column {missing}")
    layout = Layout(
        width=len(header),
        organisation=organisation,
        shared=shared,
        shared_at=shared_at,
        campaign_code=_find(titles, CAMPAIGN_CODE),
        campaign_id=_find(titles, CAMPAIGN_ID),
        last_name=_find(titles, LAST_NAME),
        first_name=_find(titles, FIRST_NAME),
        student_number=_find(titles, STUDENT_NUMBER),
    )
    if layout.campaign_code is None and layout.campaign_id is None:
        raise NotAPixExportError("not a Pix Orga profiles export: no column Code or ID Campagne")
    _read_identity_columns(layout, titles, header)
    _read_result_columns(layout, titles, header)
    if not layout.levels:
        raise NotAPixExportError("not a Pix Orga profiles export: no 'Niveau pour la compétence …' column")
    return layout


def _read_identity_columns(layout: Layout, titles: list[str], header: list[str]) -> None:
    """The campaign's external-id column: the one Pix puts before "Envoi (O/N)" that no fixed title claims."""
    fixed = {ORGANISATION, CAMPAIGN_ID, CAMPAIGN_CODE, LAST_NAME, FIRST_NAME, *IDENTITY_KNOWN, *INFORMATIVE}
    for i, title in enumerate(titles[: layout.shared]):
        if title in fixed or not title:
            continue
        if layout.external_id is None:
            layout.external_id = i
        else:
            layout.unknown_columns.append(header[i].strip())


def _read_result_columns(layout: Layout, titles: list[str], header: list[str]) -> None:
    names = _pix_names()
    for i, title in enumerate(titles[layout.shared + 1 :], start=layout.shared + 1):
        if i == layout.shared_at or title in INFORMATIVE:
            continue
        match = _LEVEL.match(title) or _PIX.match(title)
        code = names.get(match.group("name")) if match else None
        if match is None or code is None:
            layout.unknown_columns.append(header[i].replace("\ufeff", "").strip())
            continue
        target = layout.levels if match.re is _LEVEL else layout.pix
        if code in target:
            raise NotAPixExportError(f"column {header[i].strip()!r} appears twice")
        target[code] = i
