"""Labels in three languages, and which language a request gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.web.i18n import LABELS, LANGUAGES, choose_language, parse_accept_language, translator
from api.web.pages import ROLES, STATUSES
from schemas.offering import SERVICE_KINDS

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"


def test_every_language_has_every_label_with_the_same_placeholders():
    keys = set(LABELS["en"])
    for lang in LANGUAGES:
        assert set(LABELS[lang]) == keys, lang
        for key in keys:
            assert re.findall(r"{\w+}", LABELS[lang][key]) == re.findall(r"{\w+}", LABELS["en"][key]), (lang, key)


def test_labels_are_translated_not_copied():
    same = [k for k in LABELS["en"] if LABELS["fr"][k] == LABELS["en"][k] and LABELS["de"][k] == LABELS["en"][k]]
    assert set(same) <= {"status", "score", "action", "actions"}, same


def test_every_label_the_templates_use_exists():
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["'](\w+)["']\s*[,)]""", template.read_text()))
    assert used, "no label found in the templates"
    assert used <= set(LABELS["en"]), used - set(LABELS["en"])
    # Labels built from data: every status, review action, role and service kind has one.
    dynamic = {f"status_{s}" for s in STATUSES} | {f"action_{a}" for a in ("approve", "reject", "edit")}
    dynamic |= {f"role_{r}" for r in ROLES}
    dynamic |= {f"kind_{k}" for k in SERVICE_KINDS}
    assert dynamic <= set(LABELS["en"])


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("de", "fr", "fr-FR", "de"),
        (None, "fr", "de-DE,de;q=0.9", "fr"),
        (None, None, "de-LU,de;q=0.9,fr;q=0.8", "de"),
        (None, None, "pt-BR,pt;q=0.9,fr;q=0.5,en;q=0.8", "en"),
        (None, None, "en;q=0.1,fr", "fr"),
        ("xx", None, None, "en"),
        ("FR", None, None, "fr"),
        (None, None, "fr;q=banana, de", "de"),
    ],
)
def test_language_choice(query, cookie, header, expected):
    assert choose_language(query, cookie, header) == expected


def test_accept_language_order_and_zero_quality():
    assert parse_accept_language("fr;q=0.5, de, en;q=0") == ["de", "fr"]


def test_translator_fills_values():
    assert translator("de")("recommendation_for", learner="lrn-1") == "Empfehlung für lrn-1"
    assert translator("xx")("approve") == "Approve"
