"""Turning the ways providers write a field into the catalogue's one way (or a message saying why not).

Each normaliser takes a raw value (from JSON or a CSV cell) and returns the canonical value, or raises
:class:`FieldError` with a message for the provider. ``None`` and empty strings mean "not given".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from catalog_ingest.languages import fold, language_code
from schemas.framework import MAX_LEVEL, load_framework


class FieldError(ValueError):
    """A value that cannot be normalised; the message is written for the provider."""


_FORMATS = {
    "online": ["online", "e learning", "elearning", "en ligne", "distanciel", "a distance", "remote",
               "virtual", "mooc", "webinar", "fernunterricht", "digital"],
    "in_person": ["in person", "presentiel", "face to face", "classroom", "on site", "onsite", "praesenz",
                  "prasenz", "vor ort", "en salle", "sur site", "instructor led"],
    "blended": ["blended", "hybrid", "hybride", "mixed", "mixte", "gemischt"],
}
_FORMAT_PATTERNS = {fmt: re.compile(r"\b(?:" + "|".join(words) + r")\b") for fmt, words in _FORMATS.items()}
_TRUE = {"true", "yes", "y", "1", "oui", "ja", "vrai", "x"}
_FALSE = {"false", "no", "n", "0", "non", "nein", "faux"}
_FREE = {"free", "gratuit", "gratuite", "kostenlos", "gratis", "free of charge", "0", "0.0", "0,00", "0 eur",
         "0 €", "€0", "none", "no cost", "sans frais"}
_PAID = {"paid", "payant", "payante", "kostenpflichtig", "fee", "fees", "not free"}
_LEVEL_WORDS = {"foundation": (1, 2), "basic": (1, 2), "beginner": (1, 2), "debutant": (1, 2),
                "intermediate": (3, 4), "intermediaire": (3, 4), "advanced": (5, 6), "avance": (5, 6),
                "expert": (7, 8), "highly specialised": (7, 8), "highly specialized": (7, 8)}
_NUMBER = re.compile(r"^[€$]?\s*(\d+(?:[.,]\d+)?)\s*(?:€|eur|euros?|h|hrs?|hours?|heures?|std|stunden)?\.?$")


def empty(value: Any) -> bool:
    """True for ``None``, an empty or blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_list(value: Any, separators: str = ";") -> list[Any]:
    """A list from a list, or from a string separated by any of ``separators`` (empty -> []).

    Split on the characters, then stripped: linear in the text (a pattern such as ``\\s*;\\s*`` backtracks
    quadratically on long runs of spaces, and provider text is anyone's input)."""
    if empty(value):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        pieces = re.split("[" + re.escape(separators) + "]", value) if len(separators) > 1 else value.split(separators)
        return [part for part in (p.strip() for p in pieces) if part]
    raise FieldError(f"expected a list or a ';'-separated text, got {type(value).__name__}")


def languages(value: Any) -> list[str]:
    """ISO 639-1 codes from codes or names: ``"English; FR; lu"`` -> ``["en", "fr", "lb"]``."""
    raw = as_list(value, ";,/") if isinstance(value, str) else as_list(value)
    codes: list[str] = []
    for item in raw:
        code = language_code(str(item))
        if code is None:
            raise FieldError(f"unknown language {item!r} (use ISO 639-1 codes such as en, fr, de, lb)")
        if code not in codes:
            codes.append(code)
    return codes


def course_format(value: Any) -> str | None:
    """``online``, ``in_person`` or ``blended`` from the provider's wording ("présentiel", "e-learning")."""
    if empty(value):
        return None
    key = re.sub(r"[\s_-]+", " ", fold(str(value)))
    found = {fmt for fmt, pattern in _FORMAT_PATTERNS.items() if pattern.search(key)}
    if len(found) == 1:
        return found.pop()
    if found:
        return "blended"  # both online and in-person wording
    raise FieldError(f"unknown format {value!r} (use online, in_person or blended)")


def level(value: Any, upper: bool = False) -> int | None:
    """A DigComp level 1–8 from a number, "level 3", "niveau 3" or a band name (its low or high end)."""
    if empty(value):
        return None
    if isinstance(value, bool):
        raise FieldError(f"{value!r} is not a DigComp level (1–{MAX_LEVEL})")
    if isinstance(value, int | float):
        number = float(value)
    else:
        key = fold(str(value))
        if key in _LEVEL_WORDS:
            return _LEVEL_WORDS[key][1 if upper else 0]
        match = re.fullmatch(r"(?:level|niveau|stufe|l)?\s*(\d+(?:\.0+)?)", key)
        if not match:
            raise FieldError(f"{value!r} is not a DigComp level (1–{MAX_LEVEL} or a band name)")
        number = float(match.group(1))
    if not number.is_integer() or not 1 <= number <= MAX_LEVEL:
        raise FieldError(f"{value!r} is not a DigComp level (1–{MAX_LEVEL})")
    return int(number)


def boolean(value: Any) -> bool | None:
    """True / false from yes/no, oui/non, ja/nein, 1/0."""
    if empty(value) or isinstance(value, bool):
        return value if isinstance(value, bool) else None
    key = fold(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise FieldError(f"{value!r} is not yes or no")


def number(value: Any, what: str = "number") -> float | None:
    """A non-negative number from ``7``, ``"7,5"``, ``"7 h"``, ``"250 €"``."""
    if empty(value):
        return None
    if isinstance(value, bool):
        raise FieldError(f"{value!r} is not a {what}")
    if isinstance(value, int | float):
        return float(value)
    match = _NUMBER.match(fold(str(value)))
    if not match:
        raise FieldError(f"{value!r} is not a {what}")
    return float(match.group(1).replace(",", "."))


def cost(value: Any) -> dict[str, Any]:
    """The cost object from a dict, a number or words: "free", "gratuit", "0", "250 €", "payant"."""
    if empty(value):
        return {}
    if isinstance(value, dict):
        out = dict(value)
        free = cost_free(out.get("free"))
        amount = number(out.get("amount_eur"), "amount in euros")
        out.update(free=free if free is not None or amount is None else amount == 0, amount_eur=amount)
        return out
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"free": value == 0, "amount_eur": float(value)}
    key = fold(str(value))
    if key in _FREE:
        return {"free": True, "amount_eur": 0.0}
    if key in _PAID:
        return {"free": False, "note": str(value)}
    try:
        amount = number(value, "cost")
    except FieldError:
        raise FieldError(f"{value!r} is not a cost (use free, paid or an amount in euros)") from None
    return {"free": amount == 0, "amount_eur": amount}


def cost_free(value: Any) -> bool | None:
    """``cost.free`` from yes/no or free/paid words."""
    if not empty(value) and not isinstance(value, bool):
        key = fold(str(value))
        if key in _FREE - {"none"}:
            return True
        if key in _PAID:
            return False
    return boolean(value)


def prerequisites(value: Any) -> list[list[str]]:
    """Groups of offering ids: ``"a|b; c"`` -> ``[["a", "b"], ["c"]]`` (each group met by any one id)."""
    groups = []
    for group in as_list(value):
        ids = as_list(group, "|") if isinstance(group, str) else group
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise FieldError("each prerequisite group must be a list of offering ids")
        if ids:
            groups.append([i.strip() for i in ids])
    return groups


def competences(value: Any) -> list[str]:
    """DigComp codes from a list or ``"1.2; 3.4"`` (a leading "DigComp" is dropped)."""
    codes = [re.sub(r"^(?:digcomp(?:\s*2\.2)?)\s*", "", str(c).strip(), flags=re.I) for c in as_list(value)]
    known = load_framework().competences
    unknown = [c for c in codes if c not in known]
    if unknown:
        listed = ", ".join(map(repr, unknown))
        raise FieldError(f"unknown DigComp 2.2 competence {listed} (codes are 1.1 to 5.4)")
    return list(dict.fromkeys(codes))


def tags(value: Any) -> list[str]:
    """Lower-case snake_case tags ("Job seekers" -> "job_seekers"; "jobseekers" kept)."""
    out = [re.sub(r"[\s-]+", "_", fold(str(v))) for v in as_list(value)]
    return [{"job_seekers": "jobseekers", "smes": "smes", "sme": "smes"}.get(t, t) for t in out]


def text(value: Any) -> str | None:
    """A stripped string (``None`` when empty)."""
    return None if empty(value) else str(value).strip()


def status(value: Any) -> str | None:
    """Lower-case status; ``withdrawn`` is not a status (withdraw with a tombstone instead)."""
    return None if empty(value) else fold(str(value))


NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "languages": languages,
    "format": course_format,
    "level_min": level,
    "level_max": lambda v: level(v, upper=True),
    "self_paced": boolean,
    "duration_hours": lambda v: number(v, "number of hours"),
    "cost": cost,
    "prerequisites": prerequisites,
    "competences": competences,
    "audience": tags,
    "requirements": lambda v: [str(x).strip() for x in as_list(v)],
    "inferred_fields": lambda v: [str(x).strip() for x in as_list(v)],
    "status": status,
    "kind": lambda v: None if empty(v) else fold(str(v)).replace(" ", "_"),
    "id": text,
    "provider": lambda v: None if empty(v) else str(v).strip().lower(),
    "url": text,
    "part_of": text,
    "certificate": text,
}


def normalise(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise every known field of one row.

    Returns:
        The normalised row (fields not given are left out, so the model's defaults apply) and the problems
        found, as {field: message}. A row with problems must be rejected as a whole.
    """
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, value in data.items():
        fn = NORMALISERS.get(field)
        try:
            norm = fn(value) if fn else value
        except FieldError as exc:
            problems[field] = str(exc)
            continue
        if norm is not None and norm != {}:
            out[field] = norm
    raw_format = data.get("format")
    reworded = not empty(raw_format) and str(raw_format) != out.get("format")
    if "format" in out and reworded and "format_note" not in out:
        out["format_note"] = str(raw_format).strip()
    return out, problems
