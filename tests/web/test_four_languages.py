"""Both pages in the country's four languages: every label, every DigComp name, and Luxembourgish chosen."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from api.feedback import FeedbackValue
from api.web.i18n import LABELS, LANGUAGE_NAMES, LANGUAGES, choose_language
from api.web.learner import LANG_NAMES
from api.web.learner_path import title_language
from api.web.pages import STATUSES
from schemas.framework import NAME_LANGUAGES, competence_names, load_framework


def test_the_four_languages_of_the_country():
    assert set(LANGUAGES) == set(NAME_LANGUAGES) == {"lb", "fr", "de", "en"}
    assert LANGUAGE_NAMES["lb"] == "Lëtzebuergesch"


def test_luxembourgish_labels_are_written_not_copied():
    as_english = [k for k in LABELS["en"] if LABELS["lb"][k] == LABELS["en"][k]]
    assert set(as_english) <= {"status", "score", "action", "kind_helpline", "kind_guide", "lang_lb"}, as_english
    as_german = [k for k in LABELS["en"] if LABELS["lb"][k] == LABELS["de"][k]]  # some words are the same
    assert len(as_german) < len(LABELS["en"]) // 8, as_german


def test_learner_page_labels_built_from_data_exist_in_every_language():
    dynamic = {f"fb_{v}" for v in FeedbackValue.__args__} | {f"learner_status_{s}" for s in STATUSES}
    dynamic |= {f"lang_{code}" for code in LANG_NAMES}
    for lang in LANGUAGES:
        assert dynamic <= set(LABELS[lang]), (lang, dynamic - set(LABELS[lang]))


@pytest.mark.parametrize("lang", NAME_LANGUAGES)
def test_every_competence_and_area_has_a_name_in_every_language(lang):
    fw = load_framework()
    codes = set(fw.competences) | {c.area_code for c in fw.competences.values()}
    assert len(codes) == 26  # 21 competences in 5 areas
    names = competence_names(lang)
    assert set(names) == codes and all(names[c].strip() for c in codes)
    if lang != "en":  # translated, not the English title again (Netiquette is Netiquette everywhere)
        english = competence_names("en")
        assert [c for c in codes if names[c] == english[c]] in ([], ["2.5"]), lang


def test_the_translations_file_names_only_known_codes():
    data = json.loads(resources.files("schemas.data").joinpath("digcomp-2.2.names.json").read_text("utf-8"))
    fw = load_framework()
    assert set(data["competences"]) == set(fw.competences)
    for part in ("areas", "competences"):
        assert all(set(by_lang) == {"fr", "de", "lb"} for by_lang in data[part].values())


def test_luxembourgish_is_chosen_from_the_browser():
    assert choose_language(None, None, "lb-LU,lb;q=0.9,fr;q=0.8") == "lb"
    assert choose_language("lb", "fr", None) == "lb"


@pytest.mark.parametrize(("title", "languages", "expected"), [
    ("Skills4Job – tailor-made upskilling with digital and transversal skills", ["fr", "en", "de"], "en"),
    ("Protéger ses données et sa vie privée sur les réseaux", ["en", "fr"], "fr"),
    ("Einführung in die künstliche Intelligenz für Einsteiger", ["lb", "de", "fr"], "de"),
    ("Pix", ["fr", "en"], "fr"),  # nothing to tell by: the first teaching language
    ("Anything", [], None),
])
def test_an_offering_title_is_marked_with_its_own_language(title, languages, expected):
    assert title_language(title, languages) == expected
