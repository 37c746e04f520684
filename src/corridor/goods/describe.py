"""Free-text goods descriptions (English or Russian) -> ranked HS6 suggestions.

Payments and invoices name goods as people say them ("microchips", "подшипники
шариковые", "CNC milling machine"), not as the HS does ("Electronic integrated circuits;
processors and controllers ..."). Three things meet them:

1. trade phrases from Corridor's vocabulary (`data/synonyms.yaml`), matched on word stems
   in any order and inflection, each pointing at the HS6 codes it usually means;
2. the HS 2022 subheading texts themselves, searched by word stems weighted by rarity
   (a word that occurs in few subheadings says more), with the heading text behind each
   subheading counting half; Russian words reach them through the vocabulary's glossary;
3. typos: a word the vocabulary does not know is replaced by its closest known word
   (rapidfuzz), if it is close enough.

The result is a pointer for an analyst, ranked, with the CHPL tier of each suggestion.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
import yaml
from rapidfuzz import fuzz, process

from corridor.errors import CorridorError
from corridor.goods.reference import Reference

SYNONYMS = Path(__file__).with_name("data") / "synonyms.yaml"
_TOKEN = re.compile(r"[0-9a-zа-яёәғқңөұүһі]+")
_CODE = re.compile(r"\b\d{4}(?:[.\s]?\d{2}){1,3}\b")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
#: Words that say nothing about what the goods are.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "of",
        "for",
        "the",
        "with",
        "without",
        "in",
        "on",
        "to",
        "by",
        "its",
        "thereof",
        "whether",
        "than",
        "not",
        "new",
        "used",
        "pcs",
        "pc",
        "piece",
        "pieces",
        "set",
        "sets",
        "kg",
        "unit",
        "type",
        "model",
        "series",
        "brand",
        "no",
        "nos",
        "и",
        "или",
        "для",
        "с",
        "со",
        "в",
        "во",
        "на",
        "из",
        "по",
        "от",
        "до",
        "не",
        "без",
        "шт",
        "штук",
        "новый",
        "новые",
        "комплект",
        "модель",
        "марка",
    ]
)
#: A description word unknown to the vocabulary is replaced by its closest known word
#: from this similarity (0-100) up: "bearnigs" -> "bearing" (91), but not "bearing" ->
#: "hearing" for a known word, since only unknown words are corrected.
TYPO_CUTOFF = 86
MIN_TYPO_LENGTH = 5
#: Score of a phrase match: a base plus more per word, so "ball bearing" outranks "bearing";
#: the codes of one phrase after the first get a little less each.
PHRASE_BASE, PHRASE_PER_WORD, PHRASE_RANK_STEP = 0.6, 0.4, 0.15
#: Shortest word that may meet a longer one by being its start ("модем" in "модемы").
MIN_PREFIX = 4
#: The heading text behind a subheading counts this much of the subheading's own words.
HEADING_WEIGHT = 0.5


@dataclass(frozen=True)
class Suggestion:
    """One HS6 code suggested for a description, with why."""

    hs6: str
    score: float
    description: str
    chpl_tier: str | None
    why: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "hs6": self.hs6,
            "score": round(self.score, 3),
            "description": self.description,
            "chpl_tier": self.chpl_tier,
            "why": self.why,
        }


_EN = snowballstemmer.stemmer("english")
_RU = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    word = word.replace("ё", "е")
    return str(_RU.stemWord(word) if _CYRILLIC.search(word) else _EN.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased words minus stopwords and bare numbers."""
    return [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS and not w.isdigit()]


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


@dataclass
class _Phrase:
    text: str
    #: Each word of the phrase as (stem, word): a description word meets it by its stem or
    #: by starting with the word, since a dictionary form and an inflected form can stem
    #: apart (Russian snowball: "модем" -> "мод", "модемы" -> "модем").
    parts: tuple[tuple[str, str], ...]
    codes: list[str]

    def met_by(self, query: list[tuple[str, str]]) -> bool:
        return all(any(_meets(q, part) for q in query) for part in self.parts)


def _meets(query: tuple[str, str], part: tuple[str, str]) -> bool:
    q_stem, q_word = query
    p_stem, p_word = part
    if q_stem == p_stem:
        return True
    if len(p_word) >= MIN_PREFIX and q_word.startswith(p_word):
        return True
    return len(q_stem) >= MIN_PREFIX and p_word.startswith(q_stem) and len(q_stem) >= len(p_stem)


class Describer:
    """Suggest HS6 codes for descriptions, from one reference version and the vocabulary."""

    def __init__(self, reference: Reference, synonyms: Path = SYNONYMS) -> None:
        self.reference = reference
        phrases, glossary_words = _read_synonyms(synonyms)
        self.phrases = phrases
        self.glossary_words = glossary_words
        self.glossary = {s: english for (s, _), english in glossary_words.items()}
        self._translated: dict[str, list[str]] = {}
        self.docs: dict[str, dict[str, float]] = {}
        doc_freq: dict[str, int] = defaultdict(int)
        for code in reference.hs6_codes:
            weights: dict[str, float] = {}
            for s in stems(reference.hs.get(code[:4], "")):
                weights[s] = HEADING_WEIGHT
            for s in stems(reference.hs[code]):
                weights[s] = 1.0
            self.docs[code] = weights
            for s in weights:
                doc_freq[s] += 1
        total = len(self.docs)
        self.idf = {s: math.log(1 + total / n) for s, n in doc_freq.items()}
        self.postings: dict[str, list[str]] = defaultdict(list)
        for code, weights in self.docs.items():
            for s in weights:
                self.postings[s].append(code)
        known = set(self.idf) | set(self.glossary) | {s for p in phrases for s, _ in p.parts}
        self.vocabulary = sorted(known)

    def suggest(self, text: str, limit: int = 5) -> list[Suggestion]:
        """The best ``limit`` HS6 codes for ``text``, best first."""
        if not text.strip():
            raise CorridorError("a goods description is empty")
        scores: dict[str, float] = defaultdict(float)
        why: dict[str, list[str]] = defaultdict(list)
        for raw in _CODE.findall(text):
            digits = re.sub(r"\D", "", raw)[:6]
            if digits in self.reference.hs:
                scores[digits] += 10.0
                why[digits].append(f"code {raw} written in the description")
        pairs = [(self._known(stem(w)), w) for w in words(text)]
        for phrase in self.phrases:
            if phrase.met_by(pairs):
                boost = PHRASE_BASE + PHRASE_PER_WORD * len(phrase.parts)
                for rank, code in enumerate(phrase.codes):
                    scores[code] += boost * (1 - PHRASE_RANK_STEP * rank)
                    why[code].append(f"trade term {phrase.text!r}")
        english: list[str] = []
        for pair in pairs:
            english.extend(self._translate(pair))
        self._text_scores(english, scores, why)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [
            Suggestion(
                hs6=code,
                score=score,
                description=self.reference.hs.get(code, ""),
                chpl_tier=self.reference.chpl.get(code, {}).get("tier"),
                why=why[code],
            )
            for code, score in ranked
        ]

    def _translate(self, pair: tuple[str, str]) -> list[str]:
        """English stems for a Russian word via the glossary; other words as they are."""
        s, word = pair
        if s in self.glossary:
            return self.glossary[s]
        if word not in self._translated:
            found = [s]
            for (g_stem, g_word), english in self.glossary_words.items():
                if _meets(pair, (g_stem, g_word)):
                    found = english
                    break
            self._translated[word] = found
        return self._translated[word]

    def _known(self, s: str) -> str:
        """``s`` if the vocabulary knows it, else its closest known word if close enough."""
        if s in self.idf or s in self.glossary or len(s) < MIN_TYPO_LENGTH:
            return s
        found = process.extractOne(s, self.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return str(found[0]) if found else s

    def _text_scores(
        self, query: list[str], scores: dict[str, float], why: dict[str, list[str]]
    ) -> None:
        terms = {s for s in query if s in self.idf}
        if not terms:
            return
        possible = sum(self.idf[s] for s in terms)
        found: dict[str, float] = defaultdict(float)
        for s in terms:
            for code in self.postings[s]:
                found[code] += self.idf[s] * self.docs[code][s]
        for code, value in found.items():
            # Shorter texts that hold the query words are the more specific subheadings.
            length = len(self.docs[code])
            score = value / possible / (1 + 0.02 * length)
            scores[code] += score
            if score > 0.3:
                why[code].append(
                    f"HS text shares {', '.join(sorted(terms & set(self.docs[code])))}"
                )


def _read_synonyms(
    path: Path,
) -> tuple[list[_Phrase], dict[tuple[str, str], list[str]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorridorError.at(path, f"cannot read the goods vocabulary: {exc}") from exc
    if not isinstance(data, dict):
        raise CorridorError.at(path, "expected a mapping with phrases and glossary")
    phrases = []
    for n, entry in enumerate(data.get("phrases") or []):
        codes = [str(c).zfill(6) for c in entry.get("hs", [])]
        if not codes or not all(c.isdigit() and len(c) == 6 for c in codes):
            raise CorridorError.at(path, f"phrases[{n}].hs: expected a list of HS6 codes")
        for term in entry.get("terms") or []:
            parts = tuple(sorted({(stem(w), w) for w in words(str(term))}))
            if parts:
                phrases.append(_Phrase(str(term), parts, codes))
    glossary: dict[tuple[str, str], list[str]] = {}
    for word, english in (data.get("glossary") or {}).items():
        key = words(str(word))
        if len(key) != 1:
            raise CorridorError.at(path, f"glossary.{word}: expected one Russian word")
        glossary.setdefault((stem(key[0]), key[0]), []).extend(stems(str(english)))
    return phrases, glossary


_DESCRIBERS: dict[str, Describer] = {}


def get_describer(reference: Reference) -> Describer:
    """One `Describer` per reference version (building one takes a fraction of a second)."""
    if reference.version not in _DESCRIBERS:
        _DESCRIBERS.clear()
        _DESCRIBERS[reference.version] = Describer(reference)
    return _DESCRIBERS[reference.version]
