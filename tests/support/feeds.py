"""Provider feeds with deliberate errors, shared by the catalogue tests (written to a temp dir per test)."""

from __future__ import annotations

import json
from pathlib import Path

GOOD = {
    "id": "acme-excel-basics", "provider": "acme", "provider_name": "ACME Training",
    "title": "Spreadsheets for beginners", "description": "Formulas, sorting and simple charts in a spreadsheet.",
    "competences": ["3.1", "1.3"], "level_min": 1, "level_max": 3, "format": "In person",
    "languages": ["English", "FR", "lu"], "cost": "gratuit",
}
BAD_ROWS = [
    GOOD,
    {**GOOD, "id": "acme-no-title", "title": None},                      # line 2: missing title
    {**GOOD, "id": "acme-level-12", "level_max": 12},                    # line 3: level 12
    {**GOOD, "id": "acme-klingon", "languages": ["en", "Klingon"]},      # line 4: unknown language
    {**GOOD, "id": "acme-dup", "title": "First copy"},                    # line 5: duplicate id ...
    {**GOOD, "id": "acme-dup", "title": "Second copy"},                   # line 6: ... and its twin
]
BAD_JSONL_PROBLEMS = [
    "{p}:2: title: required field is missing",
    "{p}:3: level_max: 12 is not a DigComp level (1–8)",
    "{p}:4: languages: unknown language 'Klingon' (use ISO 639-1 codes such as en, fr, de, lb)",
    "{p}:5: id: duplicate id 'acme-dup' (also at {p}:6)",
    "{p}:6: id: duplicate id 'acme-dup' (also at {p}:5)",
]
BAD_CSV = (
    "id,provider,provider_name,title,competences,level_min,level_max,format,languages,cost_free,"
    "cost_amount_eur,prerequisites\n"
    'acme-csv-ok,acme,ACME,Online safety,4.1;4.2,1,2,e-learning,en;fr,gratuit,,\n'
    'acme-csv-broken,acme,ACME,"Broken quote,4.1,1,2,online,en,yes,,\n'
    'acme-csv-after,acme,ACME,"Passwords, safely",4.1,2,3,présentiel,Deutsch,no,120 €,acme-csv-ok|acme-x;acme-y\n'
)
BAD_CSV_PROBLEMS = [
    "{p}:3: (row): broken CSV quoting (',' expected after '\"'): check the double quotes that open on this line",
]
GOOD_IDS = {"acme-excel-basics", "acme-csv-ok", "acme-csv-after"}
BAD_IDS = {"acme-no-title", "acme-level-12", "acme-klingon", "acme-dup", "acme-csv-broken"}


def write_bad_feeds(directory: Path) -> tuple[Path, Path]:
    """The JSON Lines and CSV feeds with errors; returns their paths."""
    jsonl = directory / "acme.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in BAD_ROWS), encoding="utf-8")
    csv = directory / "acme.csv"
    csv.write_text(BAD_CSV, encoding="utf-8")
    return jsonl, csv
