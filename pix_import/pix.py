"""Pix Orga "collecte de profils" CSV exports in, ``assessment.completed`` events and a summary out.

Pure logic: text in, events out; no file, broker or terminal here. Names, e-mails and external ids are read
only to compute the keyed pseudonym (see :mod:`pix_import.pseudonym`) and never leave this module: not in
events, not in the summary (rejected rows are named by line number), not in logs.
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from pix_import.pix_cells import RowError, parse_number, parse_shared_at, unguard
from pix_import.pix_layout import Layout, NotAPixExportError, normalise_title, read_layout
from pix_import.pseudonym import Pseudonymiser, event_id
from schemas.assessment import AssessmentCompleted, Learner, LearnerStatus, Target
from schemas.errors import describe_validation_error
from schemas.framework import PIX, load_framework

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class ImportOptions:
    """What the CSV does not carry, applied to every event of an import."""

    role: str | None = None
    languages: tuple[str, ...] = ()
    status: LearnerStatus | None = None
    counsellor_id: str | None = None
    counsellor_consent: bool = False
    organisation_id: str | None = None

    def check(self) -> None:
        """Validate the options once, before any row (a bad role would otherwise reject every row).

        Raises:
            ValueError: naming the option that is wrong.
        """
        try:
            Learner(id="lrn-check", languages=list(self.languages), status=self.status)
            Target(role=self.role)
        except ValidationError as exc:
            raise ValueError(describe_validation_error(exc)) from None


@dataclass(frozen=True)
class Rejection:
    """A rejected data row: its line in the file (header = line 1) and why."""

    line: int
    reason: str


@dataclass
class ImportSummary:
    """What an import did, safe to print, log or return over HTTP (it holds no identity)."""

    rows: int = 0
    events: int = 0
    not_shared: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_competences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class ImportResult:
    """The events of the shared rows and the summary of the whole file."""

    events: list[AssessmentCompleted]
    summary: ImportSummary
    lines: list[int] = field(default_factory=list)  # the file line of each event's row (header = line 1)


def _dialect_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def import_pix_profiles(text: str, key: bytes, options: ImportOptions | None = None) -> ImportResult:
    """Turn a Pix Orga profiles export into one ``assessment.completed`` event per shared row.

    Args:
        text: the whole CSV (BOM, CRLF, ``;`` or ``,`` all accepted).
        key: the HMAC key of the pseudonyms (see ``resolve_key``).
        options: role, languages, status and counsellor to put on every event.

    Raises:
        NotAPixExportError: the header is not that of a profiles-collection export.
    """
    options = options or ImportOptions()
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise NotAPixExportError("not a Pix Orga profiles export: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect_delimiter(text.split("\n", 1)[0]))
    try:
        layout = read_layout(next(reader))
    except csv.Error as exc:
        raise NotAPixExportError(f"not a readable CSV: {exc}") from None
    summary = ImportSummary(
        unknown_columns=layout.unknown_columns, missing_competences=layout.missing_competences
    )
    lines: list[int] = []
    events = _convert_rows(reader, _EventBuilder(layout, Pseudonymiser(key), options), summary, lines)
    summary.events = len(events)
    logger.info(
        "Pix import: %d rows, %d events, %d not shared, %d rejected",
        summary.rows, summary.events, summary.not_shared, len(summary.rejected),
    )
    return ImportResult(events, summary, lines)


def _convert_rows(
    reader: Any, builder: _EventBuilder, summary: ImportSummary, lines: list[int]
) -> list[AssessmentCompleted]:
    """Events of the shared rows (their lines into ``lines``); counts and rejections go into ``summary``."""
    events: list[AssessmentCompleted] = []
    line = reader.line_num
    for row in _rows(reader, summary):
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        summary.rows += 1
        try:
            event = builder.build(row)
        except RowError as exc:
            summary.rejected.append(Rejection(start, str(exc)))
            logger.debug("line %d rejected: %s", start, exc)
            continue
        if event is None:
            summary.not_shared += 1
            continue
        events.append(event)
        lines.append(start)
        if event.assessment.campaign and event.assessment.campaign not in summary.campaigns:
            summary.campaigns.append(event.assessment.campaign)
        logger.debug("line %d: learner %s, %d results", start, event.learner.id, len(event.results))
    return events


def _rows(reader: Any, summary: ImportSummary) -> Any:
    """The reader's rows; a CSV syntax error ends the file with a rejection rather than a crash."""
    try:
        yield from reader
    except csv.Error as exc:
        summary.rejected.append(Rejection(reader.line_num, f"unreadable CSV from here on: {exc}"))


class _EventBuilder:
    """Builds the event of one row, or says why it cannot."""

    def __init__(self, layout: Layout, pseudonyms: Pseudonymiser, options: ImportOptions) -> None:
        self.layout = layout
        self.pseudonyms = pseudonyms
        self.options = options
        self.titles = {code: load_framework().pix[code].name_fr for code in layout.levels}

    def build(self, row: list[str]) -> AssessmentCompleted | None:
        """The event of a shared row, None for a row not shared.

        Raises:
            RowError: the row is malformed; the reason names columns, never identity values.
        """
        lay = self.layout
        if len(row) != lay.width:
            raise RowError(f"has {len(row)} cells where the header has {lay.width}")
        shared = normalise_title(row[lay.shared])
        if shared == "non":
            return None
        if shared != "oui":
            raise RowError("'Envoi (O/N)' is neither Oui nor Non")
        organisation = unguard(row[lay.organisation])
        campaign = self._campaign(row)
        if not organisation:
            raise RowError("'Nom de l'organisation' is empty")
        learner_id = self._learner_id(row, organisation)
        shared_at = parse_shared_at(row[lay.shared_at])
        payload = {
            "event_id": str(event_id(campaign, learner_id, shared_at)),
            "event_type": "assessment.completed",
            "schema_version": 1,
            "occurred_at": shared_at.isoformat(),
            "source": "pix",
            "learner": self._learner(learner_id, organisation),
            "assessment": {
                "id": self.pseudonyms.assessment_id(campaign, learner_id),
                "framework": PIX,
                "campaign": campaign,
            },
            "results": self._results(row),
        }
        if self.options.role:
            payload["target"] = {"role": self.options.role}
        try:
            return AssessmentCompleted.model_validate(payload)
        except ValidationError as exc:
            raise RowError(describe_validation_error(exc)) from None

    def _campaign(self, row: list[str]) -> str:
        for idx in (self.layout.campaign_code, self.layout.campaign_id):
            if idx is not None and unguard(row[idx]):
                return unguard(row[idx])
        raise RowError("the campaign code ('Code' or 'ID Campagne') is empty")

    def _learner_id(self, row: list[str], organisation: str) -> str:
        lay = self.layout
        for idx in (lay.external_id, lay.student_number):
            if idx is not None and unguard(row[idx]):
                return self.pseudonyms.learner_id(organisation, unguard(row[idx]))
        names = tuple(unguard(row[i]) for i in (lay.last_name, lay.first_name) if i is not None)
        if not any(names):
            raise RowError("no external id and no participant name to identify the learner")
        return self.pseudonyms.learner_id(organisation, None, names)

    def _learner(self, learner_id: str, organisation: str) -> dict[str, Any]:
        opts = self.options
        learner: dict[str, Any] = {
            "id": learner_id,
            "languages": list(opts.languages),
            "organisation_id": opts.organisation_id or organisation_slug(organisation),
            "consent": {"share_with_counsellor": opts.counsellor_consent},
        }
        if opts.status:
            learner["status"] = opts.status
        if opts.counsellor_id:
            learner["counsellor_id"] = opts.counsellor_id
        return learner

    def _results(self, row: list[str]) -> list[dict[str, Any]]:
        results = []
        for code, idx in sorted(self.layout.levels.items()):
            name = self.titles[code]
            level = parse_number(row[idx], f"Niveau pour la compétence {name}", integer=True)
            result: dict[str, Any] = {"competence": code, "level": level}
            pix_idx = self.layout.pix.get(code)
            if pix_idx is not None:
                result["pix"] = parse_number(row[pix_idx], f"Nombre de pix pour la compétence {name}")
            results.append(result)
        return results


@lru_cache(maxsize=256)
def organisation_slug(name: str) -> str:
    """A readable organisation id from its name: ``Agence pour le développement…`` → ``org-agence-pour-…``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_name).split()
    return ("org-" + "-".join(words))[:64].rstrip("-") or "org-unknown"
