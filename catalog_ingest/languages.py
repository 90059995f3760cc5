"""Teaching languages: ISO 639-1 codes and the names providers write instead of them."""

from __future__ import annotations

import unicodedata

# Every ISO 639-1 code (184), so a well-formed but unknown code such as "xx" is caught.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu""".split()
)

# Codes providers use that are not the ISO 639-1 code of the language they mean. "lu" is Luba-Katanga in
# ISO 639-1, but in a Luxembourg feed it always means Luxembourgish; the three-letter codes are ISO 639-2/3.
_CODE_ALIASES = {
    "lu": "lb", "ltz": "lb", "lux": "lb", "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de",
    "por": "pt", "ita": "it", "spa": "es", "nld": "nl", "dut": "nl", "ara": "ar", "ukr": "uk", "rus": "ru",
    "gb": "en", "uk-en": "en", "en-gb": "en", "en-us": "en", "fr-fr": "fr", "fr-lu": "fr", "de-de": "de",
    "de-lu": "de", "pt-pt": "pt", "pt-br": "pt",
}

# Language names in English, French, German, Luxembourgish and the language itself (accents folded).
_NAMES = {
    "en": "english anglais englisch engllesch",
    "fr": "french francais franzosisch franseisch",
    "de": "german allemand deutsch daitsch",
    "lb": "luxembourgish luxembourgeois luxemburgisch letzebuergesch luxemburgish",
    "pt": "portuguese portugais portugiesisch portugues portugisesch",
    "it": "italian italien italienisch italiano",
    "es": "spanish espagnol spanisch espanol castellano",
    "nl": "dutch neerlandais niederlandisch nederlands hollannesch",
    "ar": "arabic arabe arabisch",
    "uk": "ukrainian ukrainien ukrainisch",
    "ru": "russian russe russisch",
    "pl": "polish polonais polnisch polski",
    "ro": "romanian roumain rumanisch romana",
    "sq": "albanian albanais albanisch shqip",
    "sr": "serbian serbe serbisch",
    "hr": "croatian croate kroatisch hrvatski",
    "bs": "bosnian bosniaque bosnisch",
    "tr": "turkish turc turkisch turkce",
    "fa": "persian farsi persan persisch",
    "ti": "tigrinya tigrigna",
    "zh": "chinese chinois chinesisch mandarin",
    "el": "greek grec griechisch",
    "cs": "czech tcheque tschechisch",
    "hu": "hungarian hongrois ungarisch magyar",
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names.split()}


def fold(text: str) -> str:
    """Lower-case, strip and drop accents: ``"Lëtzebuergesch "`` -> ``"letzebuergesch"``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def language_code(value: str) -> str | None:
    """The ISO 639-1 code for a code or a language name, or ``None`` when it names no known language.

    >>> language_code("English"), language_code("FR"), language_code("lu")
    ('en', 'fr', 'lb')
    """
    key = fold(value).replace("_", "-")
    if key in _CODE_ALIASES:
        return _CODE_ALIASES[key]
    if key in ISO_639_1:
        return key
    return _BY_NAME.get(key)
