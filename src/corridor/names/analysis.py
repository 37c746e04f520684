"""Names reduced to comparable forms, across Latin and Cyrillic (Russian, Kazakh, Kyrgyz).

Every name goes through the same steps, so any spelling meets any other:

1. transliterate to ASCII with rigour (``Тоқаев`` -> ``toqaev``, ``Жанат`` -> ``zhanat``);
2. split into tokens on anything but letters and digits (``Kassym-Jomart`` -> two tokens);
3. for organisations, take out the legal form and keep its class (`LEGAL_FORMS`:
   ТОО/ЖШС/TOO/LLP and ООО/LLC are all ``llc``; АО/АҚ/JSC/ПАО/PJSC are ``jsc``);
4. reduce patronymics of either language to one form (``Кемелұлы`` and ``Kemelevich`` both
   become ``kemel~p``), so Kazakh and Russian patronymics of one father meet;
5. reduce each token to a phonetic skeleton (`skeleton`) in which the usual
   transliteration choices coincide: Q/K, J/Zh/Dzh, Kh/H, Y/I, double letters.

The result keeps what was removed (legal form, patronymics) so that the scorer can weigh
it and the explanation can say it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.text.translit import ascii_text

#: Legal forms by class, as transliterated lower-case token sequences. Kazakh forms are
#: Corridor's own (rigour does not know them): ТОО "товарищество с ограниченной
#: ответственностью" = ЖШС "жауапкершілігі шектеулі серіктестік" = LLP; АҚ "акционерлік
#: қоғам" = АО = JSC; ОсОО is the Kyrgyz LLC; ИП/ЖК is an individual entrepreneur.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "llc": (
        "ooo",
        "llc",
        "too",
        "zhshs",
        "llp",
        "osoo",
        "ltd",
        "limited",
        "gmbh",
        "sarl",
        "srl",
        "gesellschaft mit beschrankter haftung",
        "limited liability company",
        "limited liability partnership",
        "obshchestvo s ogranichennoi otvetstvennostiu",
        "obshchestvo s ogranichennoi otvetstvennostyu",  # rigour writes ью as "yu"
        "tovarishchestvo s ogranichennoi otvetstvennostiu",
        "zhauapkershiligi shektuli seriktestik",
    ),
    "jsc": (
        "ao",
        "aq",
        "jsc",
        "pao",
        "pjsc",
        "zao",
        "cjsc",
        "oao",
        "ojsc",
        "ag",
        "plc",
        "sa",
        "aktiengesellschaft",
        "aktiengeselschaft",
        "joint stock company",
        "public joint stock company",
        "closed joint stock company",
        "open joint stock company",
        "aktsionernoe obshchestvo",
        "publichnoe aktsionernoe obshchestvo",
        "zakrytoe aktsionernoe obshchestvo",
        "otkrytoe aktsionernoe obshchestvo",
        "aktsionerlik qogam",
    ),
    "ie": ("ip", "ie", "zhk", "individual entrepreneur", "individualnyi predprinimatel"),
    # Words that say "a company" without saying which kind: "HOMS REFINERY CORPORATION"
    # and "The Homs Refinery Company" are one refinery.
    "corp": ("corporation", "company", "corp", "inc", "incorporated", "co"),
}
#: Words dropped from organisation names before comparing ("The Homs Refinery Company").
ORG_STOPWORDS = {"the", "of", "and"}
_FORM_PHRASES = sorted(
    ((tuple(phrase.split()), cls) for cls, phrases in LEGAL_FORMS.items() for phrase in phrases),
    key=lambda item: -len(item[0]),
)
#: Patronymic endings, Russian (-ович, -евич, -ич, -овна, -евна, -ична) and Kazakh/Kyrgyz
#: (-ұлы/-uly, -қызы/-kyzy/-qyzy, -улу/-uulu, -кызы), as transliterated by rigour.
_PATRONYMIC = re.compile(
    r"^(?P<stem>[a-z]{3,}?)(ovich|evich|ovna|evna|ichna|uly|ulu|uulu|kyzy|qyzy|kizi)$"
)
#: A separate Kazakh patronymic word: "Кемел ұлы".
_PATRONYMIC_WORDS = {"uly", "ulu", "uulu", "kyzy", "qyzy"}
PATRONYMIC_MARK = "~p"
_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTES = str.maketrans({c: " " for c in "«»“”„\"'`‘’‹›"})
#: Phonetic rewrites, applied in order to a transliterated token. Each line names the
#: spellings it unifies.
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch|sch", "sh"),  # Щербаков: Shcherbakov / Scherbakov
        (r"dzh|dj|zh|j", "J"),  # Жанат: Zhanat / Janat / Dzhanat
        (r"kh", "h"),  # Хасан: Khasan / Hasan
        (r"ck|c(?!h)|q", "k"),  # Қасым: Qasym / Kasym; telecom / telekom
        (r"x", "ks"),  # Alexei / Aleksei
        (r"ph", "f"),
        (r"w", "v"),
        (r"y", "i"),  # Yuriy / Iurii; Kassym / Kasim
        (r"(?<=[aeou])i(?=[aeou])", ""),  # Tokayev / Tokaev; Andreyev / Andreev
        # English "trade" through Russian: Трейд / Trade, Трейдинг / Trading.
        (r"(?<=tr)ei(?=d)", "a"),
        (r"(?<=trad)e$", ""),
        (r"(.)\1+", r"\1"),  # Kassym / Kasym; Iurii / Iuri
    )
)


@dataclass(frozen=True)
class NameForm:
    """A name as the scorer sees it."""

    original: str
    #: Phonetic skeletons of the name's tokens, legal form removed, in the name's order.
    tokens: tuple[str, ...]
    #: Legal-form class taken out of an organisation's name (``llc``, ``jsc``, ``ie``).
    legal_form: str | None = None
    #: The transliterated form, for explanations ("Kemeluly" rather than "kemel~p").
    latin: str = ""
    #: For names written in a syllabic or logographic script (Han, Hangul, Kana), the
    #: original characters: there one character more or less is another name (习近平 vs
    #: 习近朋), which their transliterations hide.
    glyphs: str = ""


def skeleton(token: str) -> str:
    """The phonetic skeleton of one transliterated, lower-case token."""
    if token.endswith(PATRONYMIC_MARK):
        return skeleton(token[: -len(PATRONYMIC_MARK)]) + PATRONYMIC_MARK
    for pattern, replacement in _SKELETON_RULES:
        token = pattern.sub(replacement, token)
    return token


#: Kazakh letters, written in Latin before rigour sees the text: rigour reads Cyrillic with
#: "і" as Ukrainian and writes г as "h" (Айгерім -> "Aiherim"), which no Kazakh passport
#: does. Ukrainian-only letters (ї, є, ґ) leave the text to rigour.
_KAZAKH = str.maketrans(
    {
        "ә": "a",
        "ғ": "g",
        "қ": "q",
        "ң": "n",
        "ө": "o",
        "ұ": "u",
        "ү": "u",
        "һ": "h",
        "і": "i",
        "Ә": "A",
        "Ғ": "G",
        "Қ": "Q",
        "Ң": "N",
        "Ө": "O",
        "Ұ": "U",
        "Ү": "U",
        "Һ": "H",
        "І": "I",
    }
)
_UKRAINIAN_ONLY = set("їєґЇЄҐ")


def latin_tokens(text: str) -> list[str]:
    """Lower-case ASCII tokens of ``text`` in any script (quotes and punctuation dropped)."""
    cleaned = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    if not _UKRAINIAN_ONLY & set(cleaned):
        cleaned = cleaned.translate(_KAZAKH)
    return _TOKEN.findall(ascii_text(cleaned).lower())


def _strip_legal_form(tokens: list[str]) -> tuple[list[str], str | None]:
    """Remove one legal form at the start or the end of the name; return its class.

    Only the edges: a form word inside a name is part of the name ("Ala-Too Trade":
    "too" is a Kyrgyz mountain range there, not ТОО).
    """
    for phrase, cls in _FORM_PHRASES:
        size = len(phrase)
        if len(tokens) <= size:
            continue
        if tuple(tokens[:size]) == phrase:
            return tokens[size:], cls
        if tuple(tokens[-size:]) == phrase:
            return tokens[:-size], cls
    return tokens, None


def _mark_patronymics(tokens: list[str]) -> list[str]:
    marked: list[str] = []
    for token in tokens:
        if token in _PATRONYMIC_WORDS and marked:
            marked[-1] = marked[-1].removesuffix(PATRONYMIC_MARK) + PATRONYMIC_MARK
            continue
        found = _PATRONYMIC.match(token) if len(tokens) >= 2 else None
        marked.append(found["stem"] + PATRONYMIC_MARK if found else token)
    return marked


@lru_cache(maxsize=200_000)
def analyse_name(text: str, is_person: bool | None = None) -> NameForm:
    """Reduce a name to its `NameForm`.

    ``is_person`` True treats the name as a person's (patronymics reduced, no legal form),
    False as an organisation's (legal form removed), None as either (both applied: a
    query whose schema is unknown).
    """
    tokens = latin_tokens(text)
    latin = " ".join(tokens)
    legal_form = None
    if is_person is not True:
        tokens, legal_form = _strip_legal_form(tokens)
        if legal_form == "corp":  # a second, specific form may follow ("Co. Ltd")
            tokens, specific = _strip_legal_form(tokens)
            legal_form = specific or legal_form
        if is_person is False:
            tokens = [t for t in tokens if t not in ORG_STOPWORDS] or tokens
    if is_person is not False:
        tokens = _mark_patronymics(tokens)
    glyphs = "".join(c for c in text if _is_glyph(c))
    return NameForm(text, tuple(skeleton(t) for t in tokens), legal_form, latin, glyphs)


def _is_glyph(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "HANGUL SYLLABLE", "HIRAGANA", "KATAKANA"))
