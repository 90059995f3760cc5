"""Imports of what organisations already have (Pix Orga exports) as ``assessment.completed`` events."""

from upskill.imports.pix import (
    ImportOptions,
    ImportResult,
    ImportSummary,
    Rejection,
    import_pix_profiles,
    shipped_example,
)
from upskill.imports.pix_cells import decode_export
from upskill.imports.pix_layout import NotAPixExportError
from upskill.imports.pseudonym import DEMO_PSEUDONYM_KEY, MissingPseudonymKeyError, Pseudonymiser, resolve_key

__all__ = [
    "DEMO_PSEUDONYM_KEY",
    "ImportOptions",
    "ImportResult",
    "ImportSummary",
    "MissingPseudonymKeyError",
    "NotAPixExportError",
    "Pseudonymiser",
    "Rejection",
    "decode_export",
    "import_pix_profiles",
    "resolve_key",
    "shipped_example",
]
