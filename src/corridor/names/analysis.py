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
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Generic, TypeVar, overload

from rigour.names import extract_org_types, remove_person_prefixes
from rigour.territories import lookup_by_identifier
from rigour.territories.lookup import _load_territory_names
from rigour.territories.territory import Territory
from rigour.territories.util import normalize_territory_name
from rigour.text.translit import ascii_text, should_ascii

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
    "ie": ("ip", "ie", "sp", "zhk", "individual entrepreneur", "individualnyi predprinimatel"),
    "lp": ("lp", "limited partnership"),
    # АНО "автономная некоммерческая организация", a non-profit: not a company.
    "npo": ("ano", "avtonomnaia nekommercheskaia organizatsiia"),
    # Words that say "a company" without saying which kind: "HOMS REFINERY CORPORATION"
    # and "The Homs Refinery Company" are one refinery.
    "corp": ("corp", "co", "inc"),
}
#: Words of organisation names written in full or abbreviated ("First Bank Int'l" /
#: "First International Bank"; "Tactical Missiles Corp." / "... Corporation").
_ORG_WORDS = {
    "corporation": "corp",
    "company": "co",
    "incorporated": "inc",
    "international": "intl",
    "int": "intl",
}
#: rigour's generic legal-form classes (``replace_org_types_compare(generic=True)``)
#: folded into Corridor's: rigour calls ТОО an LLP, which in Kazakhstan is the LLC.
_RIGOUR_FORMS = {"llp": "llc", "sp": "ie"}
#: Words dropped from organisation names before comparing ("The Homs Refinery Company").
ORG_STOPWORDS = {"the", "of", "and"}
_FORM_PHRASES = sorted(
    ((tuple(phrase.split()), cls) for cls, phrases in LEGAL_FORMS.items() for phrase in phrases),
    key=lambda item: -len(item[0]),
)
#: Patronymic endings, Russian (-ович, -евич, -ич, -овна, -евна, -ична) and Kazakh/Kyrgyz
#: (-ұлы/-uly, -қызы/-kyzy/-qyzy, -уулу/-uulu, -кызы), as transliterated by rigour. Not a
#: bare "-ulu" at the end of a word, which ends many other names (Mukulu, Ssekandi
#: Mulu); Kyrgyz writes "улу" as a word of its own.
PATRONYMIC_ENDINGS = (
    "ovich",
    "evich",
    "ovna",
    "evna",
    "ichna",
    "uly",
    "uulu",
    "kyzy",
    "qyzy",
    "kizi",
)
_PATRONYMIC = re.compile(r"^(?P<stem>[a-z]{3,}?)(" + "|".join(PATRONYMIC_ENDINGS) + ")$")
#: A separate Kazakh patronymic word: "Кемел ұлы".
_PATRONYMIC_WORDS = {"uly", "ulu", "uulu", "kyzy", "qyzy"}
PATRONYMIC_MARK = "~p"
#: Series and fund numbers in organisation and vessel names ("Fund IX", "Solutions II",
#: "Zu Zag Bong 6"): kept as written, since "II" and "III" are different entities.
SERIES = re.compile(r"^(\d+|(?=[ivx])x{0,3}(ix|iv|v?i{0,3}))$")
#: Arabic lineage words: "bin Laden" is "son of Laden". Not as a first word, where "Ben"
#: is a given name (Ben Netanyahu).
_LINEAGE = {"bin": "bin", "ibn": "bin", "ben": "bin", "bint": "bint", "binti": "bint"}
#: Articles and lineage words inside names ("al-Assad", "bin Laden", "van Dijk"): they
#: tell little about who is named, so the scorer weighs them lightly.
PARTICLES = frozenset({"al", "el", "bin", "bint", "de", "da", "del", "van", "von", "der"})
_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTES = str.maketrans({c: " " for c in "«»“”„\"'`‘’‹›"})
#: An apostrophe inside a word is not a word break: "Qa'ida", "Int'l", "O'Brien".
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’`ʼ](?=\w)")
#: Letters with dots ("L.L.C.", "p.l.c.", "A.B.C.", "U.K.") are one abbreviation.
_DOTTED = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.){2,})")
#: A legal form glued to the name in camel case: "SiemensAG".
_GLUED_FORM = re.compile(r"(?<=[a-z])(AG|GmbH|LLC|LLP|Ltd|PLC|JSC|Inc)\b")
#: Letters joined by "&" or "and" are one abbreviation: "AT&T" / "AT and T", "P&G". (Not
#: "& Co": "AB & Co" is AB and company.) Rigour would read the "AT" of "AT T" as a
#: Ukrainian joint-stock company.
_AMPERSAND = re.compile(r"\b([^\W\d_]{1,2})\s*(?:&|\band\b)\s*(?!co\b)([^\W\d_]{1,2})\b", re.I)
#: Initials written together: "JC Juncker" is J. C. Juncker.
_GLUED_INITIALS = re.compile(r"\b[A-Z]{2,3}\b")
#: Digits written for letters ("Ig0r Sech1n", "I9or"): only inside a word of letters.
_LEET = str.maketrans("0134579", "oieastg")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
#: Number words, so "Three Percenters" meets "3 Percenters" and "Brigade Forty-Four"
#: meets "Brigade 44".
_UNITS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_ORDINALS = {
    w: i
    for i, w in enumerate(
        [
            "zeroth",
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        ]
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if w != "_"
} | {"fourty": 40}  # the common misspelling
#: Every number word: a name with none of them and no digits is left to itself by `_numbers`.
_NUMBER_WORDS = frozenset([*_UNITS, *_ORDINALS, *_TENS])
#: Phonetic rewrites, applied in order to a transliterated token. Each line names the
#: spellings it unifies.
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch|sch", "sh"),  # Щербаков: Shcherbakov / Scherbakov
        # Й after a vowel, written "j" in German, Polish and Latvian: Sergej / Sergey,
        # Andrejs / Andreys. Before a vowel "j" is a consonant (Tajik, Bajram).
        (r"(?<=[aeiou])j(?![aeiou])", "y"),
        # "Servant of the": Abdel Aziz / Abdul Aziz / Abdolaziz (and "Abd al-", read as
        # one word by `_lineage`).
        (r"^abd[aeo]u?l", "abdul"),
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
        (r"([a-z])\1+", r"\1"),  # Kassym / Kasym; Iurii / Iuri (not digits: "44")
    )
)


_T = TypeVar("_T")


class _derived(Generic[_T]):
    """`functools.cached_property` without its lock.

    Python 3.11's takes a lock on each first access (3.12 dropped it): a screening meets
    hundreds of listed names for the first time, and the lock was most of deriving their
    forms.
    """

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, form: None, owner: type) -> _derived[_T]: ...
    @overload
    def __get__(self, form: object, owner: type | None = None) -> _T: ...
    def __get__(self, form: object | None, owner: type | None = None) -> _T | _derived[_T]:
        if form is None:
            return self
        # Written past the frozen dataclass's __setattr__, as cached_property does.
        value = form.__dict__[self.name] = self.compute(form)
        return value


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
    #: Positions of fathers' names ("Laden" in "Osama bin Laden"): "Muhammad bin Salman"
    #: and "Salman bin Muhammad" are father and son, not one man.
    fathers: frozenset[int] = frozenset()
    #: Positions of place names in an organisation's name ("Banco Santander México").
    places: frozenset[int] = frozenset()

    # Derived once per name, not per comparison: a listed name meets dozens of queries
    # (`dataclasses.replace` makes a new form, which derives its own).

    @_derived
    def analysed(self) -> tuple[object, ...]:
        """Every field but the original text: two names alike in it compare alike."""
        return (
            self.tokens,
            self.legal_form,
            self.latin,
            self.glyphs,
            self.fathers,
            self.places,
        )

    @_derived
    def flat(self) -> str:
        """The skeletons written as one word, without patronymic marks."""
        return "".join(self.tokens).replace(PATRONYMIC_MARK, "")

    @_derived
    def latin_flat(self) -> str:
        """The transliterated name written as one word."""
        return self.latin.replace(" ", "")

    @_derived
    def neighbours(self) -> frozenset[str]:
        """Each two neighbouring tokens written as one: "patr ushev" -> "patrushev"."""
        return frozenset(a + b for a, b in zip(self.tokens, self.tokens[1:], strict=False))


@lru_cache(maxsize=100_000)
def skeleton(token: str) -> str:
    """The phonetic skeleton of one transliterated, lower-case token.

    Cached: fourteen substitutions per token were 2.9 s of a 21 s index build, and
    tokens repeat across names far more than names do.
    """
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
    cleaned = _INNER_APOSTROPHE.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)
    if not cleaned.isascii() and not _UKRAINIAN_ONLY & set(cleaned):
        cleaned = cleaned.translate(_KAZAKH)  # nothing to translate in ASCII (most names)
    return _numbers(_TOKEN.findall(_ascii(cleaned).lower()))


def _ascii(text: str) -> str:
    """``ascii_text(text)``, transliterated word by word where that is the same.

    rigour's transliteration costs about 30 µs per non-ASCII character (300 µs for a
    Cyrillic name) and remembers only whole strings, while words repeat across names
    (given names, patronymics) far more than whole names do: by word, the index build
    spent 1.2 s instead of 4.1 s transliterating. Where rigour transliterates the text
    itself (`should_ascii`), word by word gave the same on all 46,000 non-ASCII list and
    query names tried; a text that mixes one of its scripts with another ("Шевченко
    محمد") goes whole to normality, as before, which word by word would not.
    """
    if text.isascii():
        return text
    if not should_ascii(text):
        return ascii_text(text)
    return "".join(_ascii_word(part) for part in _SPACES.split(text))


#: Whitespace, kept (as a part of its own) when text is split into words.
_SPACES = re.compile(r"(\s+)")


@lru_cache(maxsize=100_000)
def _ascii_word(word: str) -> str:
    return ascii_text(word)


def _numbers(tokens: list[str]) -> list[str]:
    """Digits for number words and ordinals; letters for digits inside words.

    Words of letters only, none a number, are left as they are without the pass below:
    that is most names, for which it was 0.5 s of the index build.
    """
    if all(token.isalpha() and token not in _NUMBER_WORDS for token in tokens):
        return tokens
    out: list[str] = []
    for token in tokens:
        ordinal = _ORDINAL.match(token)
        if ordinal:
            token = ordinal[1]
        elif not token.isdigit() and not token.isalpha() and sum(c.isalpha() for c in token) > 1:
            token = token.translate(_LEET)
        value = _UNITS.get(token, _ORDINALS.get(token))
        tens = _TENS.get(out[-1]) if out else None
        if (
            tens is not None
            and (value is not None or token.isdigit())
            and int(token if value is None else value) < 10
        ):
            out[-1] = str(tens + int(token if value is None else value))
            continue
        if token in _TENS:
            out.append(token)
            continue
        out.append(str(value) if value is not None else token)
    return [str(_TENS[t]) if t in _TENS else t for t in out]


def _org_text(text: str) -> tuple[str, str | None]:
    """An organisation's name without the legal form rigour finds at its start or end,
    and that form's generic class (``llc``, ``jsc``...).

    Only at the edges, as in `_strip_legal_form`: rigour also finds "тоо" inside
    "Ала-Тоо Трейд", where it is a mountain range. Dotted letters become one word
    ("L.L.C." -> "LLC", "A.B.C."), which in a person's name would be initials. Series
    numbers are hidden from rigour, which reads "II" as a legal form ("Bowne Global
    Solutions II"), as Unicode Roman numerals that NFKC turns back into letters.
    """
    text = _GLUED_FORM.sub(r" \1", unicodedata.normalize("NFKC", text))
    text = _AMPERSAND.sub(r"\1\2", text)
    text = _DOTTED.sub(lambda m: m[1].replace(".", "") + " ", text)
    text = _ROMAN.sub(lambda m: _ROMAN_GLYPHS[m[1].lower()], text).lower()
    bare = text.strip(_EDGE_PUNCTUATION)
    for alias, form in extract_org_types(text, generic=True):
        cls = _RIGOUR_FORMS.get(form, form)
        if bare.endswith(alias) and not bare[: -len(alias)][-1:].isalnum():
            return bare[: -len(alias)], cls
        if bare.startswith(alias) and not bare[len(alias) :][:1].isalnum():
            return bare[len(alias) :], cls
    return text, None


_EDGE_PUNCTUATION = " \t.,;:()[]«»\"'“”„"
_ROMAN_GLYPHS = {"ii": "ⅱ", "iii": "ⅲ", "iv": "ⅳ", "vi": "ⅵ", "vii": "ⅶ", "viii": "ⅷ"}
_ROMAN = re.compile(r"\b(" + "|".join(_ROMAN_GLYPHS) + r")\b", re.IGNORECASE)


def _strip_legal_form(tokens: list[str]) -> tuple[list[str], str | None]:
    """Remove one legal form at the start or the end of the name; return its class.

    Only the edges: a form word inside a name is part of the name ("Ala-Too Trade":
    "too" is a Kyrgyz mountain range there, not ТОО).

    The longest form wins, then the one listed first, then the start over the end: by
    look-up of the edge words for each length of form, where comparing the edges with
    each of the 54 forms was 0.5 s of the index build.
    """
    for size in _FORM_SIZES:
        if len(tokens) <= size:
            continue
        head = _FORM_RANKS.get(tuple(tokens[:size]))
        tail = _FORM_RANKS.get(tuple(tokens[-size:]))
        if head is not None and (tail is None or head <= tail):
            return tokens[size:], head[1]
        if tail is not None:
            return tokens[:-size], tail[1]
    return tokens, None


#: Each legal form's place in `_FORM_PHRASES` (longest first), and its class.
_FORM_RANKS = {phrase: (rank, cls) for rank, (phrase, cls) in enumerate(_FORM_PHRASES)}
_FORM_SIZES = sorted({len(phrase) for phrase in _FORM_RANKS}, reverse=True)


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

    ``is_person`` True treats the name as a person's (titles dropped, patronymics
    reduced, no legal form), False as an organisation's (legal form removed), None as
    either (both applied: a query whose schema is unknown).
    """
    # Titles go: "President Erdoğan", "Monsieur Ilie Bolojan".
    text_in = text if is_person is False else remove_person_prefixes(text).strip() or text
    if is_person:
        text_in = _split_initials(text_in)
    tokens = latin_tokens(text_in)
    latin = " ".join(tokens)
    legal_form = None
    if is_person is not True:
        org_text, legal_form = _org_text(text_in)
        tokens = [_ORG_WORDS.get(t, t) for t in latin_tokens(org_text)]
        tokens, own_form = _strip_legal_form(tokens)
        legal_form = legal_form or own_form
        tokens, generic = _strip_generic_forms(tokens)
        legal_form = legal_form or generic
        if is_person is False:
            tokens = [t for t in tokens if t not in ORG_STOPWORDS] or tokens
    places: frozenset[int] = frozenset()
    fathers: frozenset[int] = frozenset()
    if is_person is not False:
        tokens = _mark_patronymics(tokens)
        tokens, fathers = _lineage(tokens)
    if is_person is not True:
        places = frozenset(i for i, t in enumerate(tokens) if _is_place(t))
    glyphs = _glyphs(text)
    skeletons = tuple(
        t if is_person is not True and SERIES.match(t) else skeleton(t) for t in tokens
    )
    return NameForm(text, skeletons, legal_form, latin, glyphs, fathers, places)


def _split_initials(text: str) -> str:
    """Capitals written together as initials, in a name whose other words are not in
    capitals ("JC Juncker"; not "AL BEN ALI, Isa", where lists write the surname in
    capitals, nor "KIM JONG UN")."""
    words = re.findall(r"[^\W\d_]+", text)
    glued = [w for w in words if _GLUED_INITIALS.fullmatch(w) and w.lower() not in PARTICLES]
    if not glued or any(w.isupper() for w in words if w not in glued) or len(glued) == len(words):
        return text
    return _GLUED_INITIALS.sub(lambda m: " ".join(m[0]) if m[0] in glued else m[0], text)


def _strip_generic_forms(tokens: list[str]) -> tuple[list[str], str | None]:
    """Remove "Co", "Corp", "Inc" at either edge, as often as they occur ("& Co. Inc")."""
    generic = set(LEGAL_FORMS["corp"])
    found = None
    while len(tokens) > 1 and tokens[-1] in generic:
        tokens, found = tokens[:-1], "corp"
    while len(tokens) > 1 and tokens[0] in generic:
        tokens, found = tokens[1:], "corp"
    return tokens, found


def _lineage(tokens: list[str]) -> tuple[list[str], frozenset[int]]:
    """Lineage words in one spelling, and the positions of the fathers' names they mark."""
    out: list[str] = []
    fathers: set[int] = set()
    expect_father = False
    for i, token in enumerate(tokens):
        word = _LINEAGE.get(token) if i > 0 else None
        if word is not None:
            out.append(word)
            expect_father = True
            continue
        token = {"el": "al", "abd": "abdul"}.get(token, token)
        if token in {"al", "ul"} and out and out[-1] == "abdul":  # Abd al-Aziz / Abdul Aziz
            continue
        if expect_father and token != "al":
            fathers.add(len(out))
            expect_father = False
        out.append(token)
    return out, frozenset(fathers)


@lru_cache(maxsize=50_000)
def _is_place(token: str) -> bool:
    """A country's name ("Mexico", "Canada") or its common abbreviation ("UK", "USA")."""
    if token in {"uk", "usa", "uae"}:
        return True
    if len(token) < 4 or not token.isalpha():
        return False
    # `lookup_territory`, for a token that is one lower-case ASCII word: its own key.
    territory = lookup_by_identifier(token)
    if territory is None:
        territory = _territory_words().get(token)
    return territory is not None and territory.is_country


@cache
def _territory_words() -> dict[str, Territory]:
    """rigour's table of territory names for `lookup_territory`, only the one-word names.

    rigour's own table normalises all 29,000 names in every language, which was 2.7 s of
    a 21 s index build; names of several words do not become the one word `_is_place`
    looks up, and the one-word names cost 1 s. The same precedence as rigour's: a strong
    name over a weak one over a place, a later name over an earlier one of the same kind.
    tests/names/test_places.py checks `_is_place` against `lookup_territory` on every
    word rigour knows, so a change of rigour's data or rules that breaks this shows.
    """
    strong: dict[str, Territory] = {}
    weak: dict[str, Territory] = {}
    place: dict[str, Territory] = {}
    for territory, strongs, weaks, places in _load_territory_names():
        for table, names in ((strong, strongs), (weak, weaks), (place, places)):
            for name in names:
                if len(name.split()) == 1:
                    table[normalize_territory_name(name)] = territory
    return place | weak | strong


def _glyphs(text: str) -> str:
    """The syllabic and logographic characters of ``text``; none in ASCII text, whose
    characters need not be looked up one by one (1.1 s of a 21 s index build)."""
    return "" if text.isascii() else "".join(c for c in text if _is_glyph(c))


@cache
def _is_glyph(char: str) -> bool:
    """Remembered: characters repeat across names, and looking each one's name up was
    about a tenth of analysing a query name in another script than Latin."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "HANGUL SYLLABLE", "HIRAGANA", "KATAKANA"))
