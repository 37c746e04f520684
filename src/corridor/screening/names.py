"""How similar two names are, token by token, and why.

Tokens of the two names (see `corridor.names.analysis`) are aligned one to one, most
similar pairs first, whatever their order ("Tokayev Kassym-Jomart" meets "Kassym-Jomart
Tokayev"). The score is the similarity of the aligned tokens weighted by their length,
against everything on both sides; a token left without a partner counts against the
match, a patronymic much less than a given or family name, because lists and customer
records drop patronymics all the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from corridor.names.analysis import PATRONYMIC_MARK, NameForm

#: Below this similarity two tokens are different words, not spellings of one word:
#: "shulze"/"sholz" (Schulze/Scholz, 0.67) still meet; "ivan"/"igor" (0.25) do not.
TOKEN_FLOOR = 0.6
#: An initial meets any word it begins: "J" / "Joachim", "N." / "Nursultan".
INITIAL_SIMILARITY = 0.9
#: Weight of a token without a partner. A word in the query that the list lacks says more
#: against a match than a listed middle name the customer record left out ("Barack
#: Obama" vs "Барак Хусеин Обама"); a missing patronymic costs least of all.
UNMATCHED_QUERY_WEIGHT = 0.8
UNMATCHED_LISTED_WEIGHT = 0.5
UNMATCHED_PATRONYMIC_WEIGHT = 0.2
#: Weight of unmatched names when both sides have one (see `compare_names`).
CONFLICT_WEIGHT = 1.2
#: Merged or split words ("Kazakh Telecom" / "Kazakhtelecom") are compared as one string,
#: slightly discounted against a token-by-token agreement.
JOINED_DISCOUNT = 0.95
#: A series number on one side only ("Solutions" / "Solutions II") names another entity.
MARKER_MISMATCH_FACTOR = 0.6
#: Initials alone ("N.N.") cannot identify anyone.
INITIALS_ONLY_FACTOR = 0.5


@dataclass(frozen=True)
class TokenPair:
    query: str
    candidate: str
    similarity: float


@dataclass(frozen=True)
class NameComparison:
    """The result of comparing two names."""

    score: float
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_candidate: tuple[str, ...]
    joined: bool = False


def token_similarity(a: str, b: str) -> float:
    """Similarity of two skeleton tokens in [0, 1]; 0 below `TOKEN_FLOOR`.

    Short tokens must agree exactly: one letter of three is a different word.
    """
    if a == b:
        return 1.0
    if a.endswith(PATRONYMIC_MARK) != b.endswith(PATRONYMIC_MARK):
        return 0.0
    if min(len(a), len(b)) == 1:
        return INITIAL_SIMILARITY if a[0] == b[0] else 0.0
    if min(len(a), len(b)) <= 3:
        return 0.0
    # Optimal string alignment: two swapped letters ("Slaim"/"Salim") are one slip.
    similarity = OSA.normalized_similarity(a, b)
    return similarity if similarity >= TOKEN_FLOOR else 0.0


def _weight(token: str, side_weight: float) -> float:
    patronymic = token.endswith(PATRONYMIC_MARK)
    base = len(token.removesuffix(PATRONYMIC_MARK))
    return base * (UNMATCHED_PATRONYMIC_WEIGHT if patronymic else side_weight)


#: Tokens that tell apart entities of one family: series and fund numbers ("Fund VIII" /
#: "Fund IX", "Solutions II"). They must agree exactly.
_MARKER = re.compile(r"^([ivxl]+|\d+)$")


def compare_names(
    query: NameForm, candidate: NameForm, *, organisation: bool = False
) -> NameComparison:
    """Align the tokens of two names and score the alignment.

    In an organisation's name every word counts fully ("Bank of China" is not "Bank of
    Chad"); in a person's, a listed middle name the query lacks counts less.
    """
    q, c = query.tokens, candidate.tokens
    if not q or not c:
        return NameComparison(0.0, (), q, c)
    if query.glyphs and candidate.glyphs and query.glyphs != candidate.glyphs:
        return NameComparison(0.0, (), q, c)
    scored = sorted(
        ((token_similarity(a, b), i, j) for i, a in enumerate(q) for j, b in enumerate(c)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[TokenPair] = []
    for similarity, i, j in scored:
        if similarity <= 0 or i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append(TokenPair(q[i], c[j], similarity))
    # Squared, so one word that is merely close among exact ones (Henriksen/Frederiksen)
    # costs more than its share of letters: such names are usually different people.
    matched = sum((len(p.query) + len(p.candidate)) / 2 * p.similarity**2 for p in pairs)
    total = sum((len(p.query) + len(p.candidate)) / 2 for p in pairs)
    left_q = tuple(t for i, t in enumerate(q) if i not in used_q)
    left_c = tuple(t for j, t in enumerate(c) if j not in used_c)
    listed_weight = UNMATCHED_QUERY_WEIGHT if organisation else UNMATCHED_LISTED_WEIGHT
    query_weight = 1.0 if organisation else UNMATCHED_QUERY_WEIGHT
    if _names_conflict(left_q, left_c):
        # A name on each side without a partner is a disagreement, not a dropped part:
        # Yuri and Mikhail Valentinovich Kovalchuk are brothers, not one man.
        listed_weight = query_weight = CONFLICT_WEIGHT
    total += sum(_weight(t, query_weight) for t in left_q)
    total += sum(_weight(t, listed_weight) for t in left_c)
    score = matched / total if total else 0.0
    if any(_MARKER.match(t) for t in left_q + left_c):
        score *= MARKER_MISMATCH_FACTOR
    if pairs and all(min(len(p.query), len(p.candidate)) == 1 for p in pairs):
        score *= INITIALS_ONLY_FACTOR
    joined = _joined_similarity(q, c) * JOINED_DISCOUNT
    if joined > score:
        return NameComparison(joined, (), left_q, left_c, joined=True)
    return NameComparison(score, tuple(pairs), left_q, left_c)


def _names_conflict(left_q: tuple[str, ...], left_c: tuple[str, ...]) -> bool:
    def named(tokens: tuple[str, ...]) -> bool:
        return any(len(t) > 1 and not t.endswith(PATRONYMIC_MARK) for t in tokens)

    return named(left_q) and named(left_c)


def _joined_similarity(q: tuple[str, ...], c: tuple[str, ...]) -> float:
    a = "".join(t.removesuffix(PATRONYMIC_MARK) for t in q)
    b = "".join(t.removesuffix(PATRONYMIC_MARK) for t in c)
    if len(q) == len(c) == 1 or min(len(a), len(b)) < 6:
        return 0.0  # single words were already compared; short strings match too easily
    similarity = OSA.normalized_similarity(a, b)
    return similarity if similarity >= 0.9 else 0.0


def explain_names(comparison: NameComparison) -> str:
    """Which words met which, in a sentence."""
    if comparison.joined:
        return "the names agree when written as one word"
    parts = []
    for pair in comparison.pairs:
        a, b = _show(pair.query), _show(pair.candidate)
        parts.append(f"{a} = {b}" if pair.similarity == 1 else f"{a} ~ {b} ({pair.similarity:.0%})")
    text = "; ".join(parts) if parts else "no word in common"
    missing = [_show(t) for t in comparison.unmatched_query + comparison.unmatched_candidate]
    if missing:
        text += f"; unmatched: {', '.join(missing)}"
    return text


def _show(token: str) -> str:
    if token.endswith(PATRONYMIC_MARK):
        return f"{token.removesuffix(PATRONYMIC_MARK)}- (patronymic)"
    return token.replace("J", "zh/j")
