"""Imports of what organisations already have (Pix Orga exports) as ``assessment.completed`` events."""

from pix_import.pix import (
    ImportOptions,
    ImportResult,
    ImportSummary,
    Rejection,
    import_pix_profiles,
)
from pix_import.pix_cells import decode_export
from pix_import.pix_layout import NotAPixExportError
from pix_import.pseudonym import DEMO_PSEUDONYM_KEY, MissingPseudonymKeyError, Pseudonymiser, resolve_key

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
]
