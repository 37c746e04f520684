"""How similar two names are, token by token, and why.

Tokens of the two names (see `corridor.names.analysis`) are aligned one to one, most
similar pairs first, whatever their order ("Tokayev Kassym-Jomart" meets "Kassym-Jomart
Tokayev"). The score is the similarity of the aligned tokens weighted by their length,
against everything on both sides; a token left without a partner counts against the
match, a patronymic much less than a given or family name, because lists and customer
records drop patronymics all the time.
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz.distance import OSA

from corridor.names.analysis import (
    PARTICLES,
    PATRONYMIC_ENDINGS,
    PATRONYMIC_MARK,
    SERIES,
    NameForm,
    skeleton,
)

#: Below this similarity two tokens are different words, not spellings of one word:
#: "shulze"/"sholz" (Schulze/Scholz, 0.67) still meet; "ivan"/"igor" (0.25) do not.
TOKEN_FLOOR = 0.6
#: Words that differ only in their vowels are one name transliterated twice: Arabic and
#: Persian write few vowels ("Usama"/"Osama", "Laden"/"Ladin", "Moammar"/"Muammar").
VOWEL_VARIANT_SIMILARITY = 0.9
VOWEL_VARIANT_MIN = 5  # "Olga" / "Oleg" are two names
#: A three-letter word and a four-letter one that only adds a vowel: "Khwaa" (skeleton
#: "hva") / "Khawa" ("hava"), "Uld" / "Ould". Other short words must agree exactly.
SHORT_VOWEL_SIMILARITY = 0.75
#: A word this close to a patronymic spelt out is that patronymic misspelt.
MISSPELT_PATRONYMIC_MIN = 0.8
_ENDINGS = tuple(sorted({skeleton(ending) for ending in PATRONYMIC_ENDINGS}))
#: Latvian and Lithuanian add a nominative ending to every man's name ("Sergejs Lavrovs",
#: "Sergejus Lavrovas"): with it taken off, the word must agree exactly.
BALTIC_ENDINGS = ("s", "as", "us", "is")
BALTIC_STEM_MIN = 4
BALTIC_SIMILARITY = 0.95
#: Fixed elements of compound Arabic names (in skeleton spelling): "Abdul-" (servant of),
#: "-ullah" (of God), "-uddin" (of the faith). Two names that share one differ only in the
#: rest, where their letters must be compared: "Hamidullah" / "Waliullah" (80 % alike as
#: whole words) and "Shamsuddin" / "Shahabuddin" are different names.
COMPOUND_PREFIXES = ("abdul", "abdur", "abdus", "abdu")
COMPOUND_SUFFIXES = ("ulah", "alah", "udin", "edin", "adin")
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
#: An initial in such a disagreement stands for a whole name, and weighs like one:
#: "William G. Frost" / "William W. Frost" differ as much as George and Walter would.
#: (Short names keep their letters: "Hon Wai" / "Hon Hai" is one company misspelt.)
INITIAL_CONFLICT_LETTERS = 5
#: Merged or split words ("Kazakh Telecom" / "Kazakhtelecom") are compared as one string,
#: slightly discounted against a token-by-token agreement.
JOINED_DISCOUNT = 0.95
#: A series number on one side only ("Bowne Global Solutions" / "... Solutions II") names
#: another entity: the parent is not its numbered vehicle.
SERIES_EXTRA_FACTOR = 0.6
#: Two different numbers of one series ("Carlyle Partners VII" / "VIII", "Trust 2004-1" /
#: "2004-2") are siblings under one manager: less likely the same entity than the words
#: say, but a sibling of a listed fund or vessel is worth a reviewer's look.
SERIES_SIBLING_FACTOR = 0.9
#: Initials alone ("N.N.") cannot identify anyone.
INITIALS_ONLY_FACTOR = 0.5
#: Weight of an article or lineage word ("al", "bin", "van") against a name's letters.
PARTICLE_WEIGHT = 0.25
#: Two different fathers' names or patronymics, one on each side, name two people:
#: "Sergey Ivanovich Lavrov" is not "Sergey Viktorovich Lavrov"; "Noureddine ben Mohamed
#: ben Belkassem" is not "Noureddine ben Ali ben Belkassem".
LINEAGE_CONFLICT_FACTOR = 0.75
#: A father's name met as a given name, with lineage marked on both sides: "Muhammad bin
#: Salman" and "Salman bin Muhammad" are son and father.
LINEAGE_SWAP_FACTOR = 0.6
#: A place in one organisation's name the other lacks names a branch or subsidiary
#: ("Banco Santander México S.A." / "Banco Santander S.A."); two different places, two.
PLACE_EXTRA_FACTOR = 0.8
PLACE_CONFLICT_FACTOR = 0.6
#: When one name is wholly found in the other (every word of it, two or more), the other's
#: extra words weigh this much: a customer record with more given names than the list
#: ("Anjem Iftikhar Choudary Mahmood" / "ANJEM CHOUDARY") is still the listed person.
CONTAINED_EXTRA_WEIGHT = 0.25
#: An organisation's query found whole in a listed name: the listed name's other words
#: are often a region or a line of business the customer record leaves out ("Faberlic"
#: / "FABERLIC EUROPE Sp. z o.o.").
ORG_CONTAINED_WEIGHT = 0.5
#: An acronym meets the words it abbreviates: "PLA" / "People's Liberation Army".
ACRONYM_SIMILARITY = 0.8
#: A last word cut off by a field length ("TACTICAL MISSILES ... JOINT STOCK COMPAN"): the
#: prefix meets the word, when the name is as long as payment fields get (SWIFT name
#: lines hold 35 characters) and the prefix is long enough to mean something.
TRUNCATED_SIMILARITY = 0.95
TRUNCATED_MIN = 4
TRUNCATED_NAME_LENGTH = 30
#: Word pairs whose similarity is remembered. A screening compares the same words again
#: and again (given names, the words of a listed entity's aliases): on 3,000 negatives,
#: the UN positives and 3,000 company queries, 84 % of 4.6 million word pairs had been
#: compared before (with no bound on the memory). Cleared when full: 250,000 pairs take
#: about 7 MB (the rows, by `sys.getsizeof`, on 302,347 comparisons of a screening run).
SIMILARITY_CACHE_SIZE = 250_000
#: Query word -> listed word -> similarity: a query word's row is looked up once for all
#: the words of a listed name, and a pair needs no tuple built and hashed (a comparison
#: took 20-37 % less time than with (query, listed) keys, paired runs of 100,000).
_SIMILARITIES: dict[str, dict[str, float]] = {}
_remembered = 0


class TokenPair:
    """Two words aligned, and how alike they are."""

    # Plain classes with their own __init__, here and in NameComparison: compiled, one is
    # built in 0.12 µs, a NamedTuple in 0.67 and a frozen dataclass in 1.25 (its generated
    # __init__ stays interpreted), and a query builds some 60 pairs and 25 comparisons.
    def __init__(self, query: str, candidate: str, similarity: float) -> None:
        self.query = query
        self.candidate = candidate
        self.similarity = similarity


class NameComparison:
    """The result of comparing two names."""

    def __init__(
        self,
        score: float,
        pairs: tuple[TokenPair, ...],
        unmatched_query: tuple[str, ...],
        unmatched_candidate: tuple[str, ...],
        joined: bool = False,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.score = score
        self.pairs = pairs
        self.unmatched_query = unmatched_query
        self.unmatched_candidate = unmatched_candidate
        self.joined = joined
        #: What lowered the score beyond the words' letters ("a series number on one side").
        self.notes = notes


def token_similarity(a: str, b: str) -> float:
    """Similarity of two skeleton tokens in [0, 1]; 0 below `TOKEN_FLOOR`.

    Short tokens must agree exactly: one letter of three is a different word.
    """
    if a == b:
        return 1.0
    patronymic = a.endswith(PATRONYMIC_MARK)
    if patronymic != b.endswith(PATRONYMIC_MARK):
        return _misspelt_patronymic(a, b) if patronymic else _misspelt_patronymic(b, a)
    shorter = min(len(a), len(b))
    if shorter == 1:
        return INITIAL_SIMILARITY if a[0] == b[0] else 0.0
    if shorter <= 3:
        if shorter == 3 and len(a) + len(b) == 7 and (_vowel_dropped(a, b) or _vowel_dropped(b, a)):
            return SHORT_VOWEL_SIMILARITY
        return 0.0
    # Optimal string alignment: two swapped letters ("Slaim"/"Salim") are one slip.
    similarity = OSA.normalized_similarity(a, b)
    if similarity < VOWEL_VARIANT_SIMILARITY and _vowel_variants(a, b):
        similarity = VOWEL_VARIANT_SIMILARITY
    # Every rule below applies to words already this alike (a Baltic ending is one or
    # two letters on a stem of four or more), so most pairs, being unlike, stop here.
    if similarity < TOKEN_FLOOR:
        return 0.0
    if similarity < BALTIC_SIMILARITY and (_baltic_ending(a, b) or _baltic_ending(b, a)):
        return BALTIC_SIMILARITY
    stems = _distinctive_parts(a, b)
    if stems is not None and OSA.normalized_similarity(*stems) < TOKEN_FLOOR:
        return 0.0  # "Hamidullah" / "Waliullah"; a slip inside one name still meets
    return similarity


def _misspelt_patronymic(patronymic: str, word: str) -> float:
    """Similarity of a patronymic and a word that would be one but for a slip in its
    ending ("Salimoivch", "Ruslanovcih", "Avgazaorvich"), which analysis cannot mark."""
    stem = patronymic.removesuffix(PATRONYMIC_MARK)
    if len(word) < len(stem) + 3 or word[:2] != stem[:2]:
        return 0.0
    tail = word[len(stem) :]
    best = max(
        (
            OSA.normalized_similarity(stem + ending, word)
            for ending in _ENDINGS
            # A Russian ending keeps its "v" through a slip: "Lukashenka" is a surname.
            if "v" not in ending or "v" in tail
        ),
        default=0.0,
    )
    return best if best >= MISSPELT_PATRONYMIC_MIN else 0.0


def _vowel_dropped(short: str, long: str) -> bool:
    """``long`` is ``short`` with one more vowel, not at the end: "Khwa" / "Khawa", "Uld"
    / "Ould" (but "Ali" / "Alia" are a man's and a woman's name)."""
    if len(short) != 3 or len(long) != 4:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(3) if long[i] in "aeiou")


def _baltic_ending(a: str, b: str) -> bool:
    """``a`` is ``b`` with a Latvian or Lithuanian nominative ending: Lavrovs, Lavrovas /
    Lavrov; Sergejus / Sergej."""
    for ending in BALTIC_ENDINGS:
        if a.endswith(ending) and a[: -len(ending)] == b and len(b) >= BALTIC_STEM_MIN:
            return True
    return False


def _distinctive_parts(a: str, b: str) -> tuple[str, str] | None:
    """The parts of two compound Arabic names that tell them apart, when both share the
    compound's fixed element: "Hamidullah" / "Waliullah" compare as "hamid" / "vali",
    "Abdurrahim" / "Abdurrahman" as "ahim" / "ahman". None when they share none."""
    for prefix in COMPOUND_PREFIXES:
        if a.startswith(prefix) and b.startswith(prefix):
            a, b = a[len(prefix) :], b[len(prefix) :]
            break
    else:
        for suffix in COMPOUND_SUFFIXES:
            if a.endswith(suffix) and b.endswith(suffix):
                a, b = a[: -len(suffix)], b[: -len(suffix)]
                break
        else:
            return None
    return (a, b) if min(len(a), len(b)) >= 2 else None


_VOWELS = str.maketrans("", "", "aeiou")


def _vowel_variants(a: str, b: str) -> bool:
    """Same consonants, same last letter, length within one ("Barinova" / "Baranov" end
    differently: a woman's and a man's surname)."""
    return (
        a[-1] == b[-1]
        and abs(len(a) - len(b)) <= 1
        and min(len(a), len(b)) >= VOWEL_VARIANT_MIN
        and a.translate(_VOWELS) == b.translate(_VOWELS)
    )


def _weights(tokens: tuple[str, ...], side_weight: float, conflict: bool) -> float:
    """How much unmatched tokens weigh against the match, together."""
    weight = 0.0
    for token in tokens:
        weight += _weight(token, side_weight, conflict)
    return weight


def _weight(token: str, side_weight: float, conflict: bool) -> float:
    """How much an unmatched token weighs against the match."""
    if token.endswith(PATRONYMIC_MARK):
        return _letters(token.removesuffix(PATRONYMIC_MARK)) * UNMATCHED_PATRONYMIC_WEIGHT
    initial = conflict and len(token) == 1
    return (INITIAL_CONFLICT_LETTERS if initial else _letters(token)) * side_weight


def _letters(token: str) -> float:
    """How much a word weighs: its length, little for a particle."""
    return len(token) * PARTICLE_WEIGHT if token in PARTICLES else float(len(token))


def compare_names(
    query: NameForm, candidate: NameForm, *, organisation: bool = False
) -> NameComparison:
    """Align the tokens of two names and score the alignment.

    In an organisation's name every word counts fully ("Bank of China" is not "Bank of
    Chad"); in a person's, a listed middle name the query lacks counts less.
    """
    if not query.tokens or not candidate.tokens:
        return NameComparison(0.0, (), query.tokens, candidate.tokens)
    query, joined_q = _rejoin(query, candidate.tokens, organisation)
    candidate, joined_c = _rejoin(candidate, query.tokens, organisation)
    rejoined = [note for note in (joined_q, joined_c) if note]
    q, c = query.tokens, candidate.tokens
    if query.glyphs and candidate.glyphs and query.glyphs != candidate.glyphs:
        return NameComparison(0.0, (), q, c)
    if organisation and _acronym(q, c):
        return NameComparison(ACRONYM_SIMILARITY, (TokenPair(q[0], " ".join(c), 1.0),), (), ())
    aligned = _align(q, c, truncated=len(query.original) >= TRUNCATED_NAME_LENGTH)
    pairs = [TokenPair(q[i], c[j], similarity) for i, j, similarity in aligned]
    used_q = {i for i, _, _ in aligned}
    used_c = {j for _, j, _ in aligned}
    # Squared, so one word that is merely close among exact ones (Henriksen/Frederiksen)
    # costs more than its share of letters: such names are usually different people.
    matched = total = 0.0
    for pair in pairs:
        weight = (_letters(pair.query) + _letters(pair.candidate)) / 2
        matched += weight * pair.similarity**2
        total += weight
    left_q = tuple(t for i, t in enumerate(q) if i not in used_q)
    left_c = tuple(t for j, t in enumerate(c) if j not in used_c)
    listed_weight = UNMATCHED_QUERY_WEIGHT if organisation else UNMATCHED_LISTED_WEIGHT
    query_weight = 1.0 if organisation else UNMATCHED_QUERY_WEIGHT
    # In an organisation's name a series number is weighed by `_penalty`, not by letters.
    weighed_q, weighed_c = left_q, left_c
    if organisation:
        weighed_q = tuple(t for t in left_q if not SERIES.match(t))
        weighed_c = tuple(t for t in left_c if not SERIES.match(t))
    conflict = _names_conflict(weighed_q, weighed_c)
    if conflict:
        # A name on each side without a partner is a disagreement, not a dropped part:
        # Yuri and Mikhail Valentinovich Kovalchuk are brothers, not one man.
        listed_weight = query_weight = CONFLICT_WEIGHT
    elif not organisation and len(pairs) >= 2 and not (left_q and left_c):
        listed_weight = query_weight = CONTAINED_EXTRA_WEIGHT
    elif organisation and not weighed_q and all(p.similarity >= 0.9 for p in pairs):
        listed_weight = ORG_CONTAINED_WEIGHT
    total += _weights(weighed_q, query_weight, conflict)
    total += _weights(weighed_c, listed_weight, conflict)
    score = matched / total if total else 0.0
    if pairs and all(min(len(p.query), len(p.candidate)) == 1 for p in pairs):
        score *= INITIALS_ONLY_FACTOR
    joined = _joined_similarity(query, candidate) * JOINED_DISCOUNT
    result = (
        NameComparison(joined, (), left_q, left_c, joined=True)
        if joined > score
        else NameComparison(score, tuple(pairs), left_q, left_c)
    )
    factor, notes = _penalty(query, candidate, aligned, organisation, places=not result.joined)
    if not notes and not rejoined:
        return result
    return NameComparison(
        result.score * factor,
        result.pairs,
        result.unmatched_query,
        result.unmatched_candidate,
        result.joined,
        (*rejoined, *notes),
    )


def _rejoin(
    form: NameForm, other: tuple[str, ...], organisation: bool
) -> tuple[NameForm, str | None]:
    """``form`` with neighbouring words made one where together they are a word of
    ``other``, and a note saying so for the explanation: a name split by a stray space
    ("Patr ushev" / "Patrushev"), or, in an organisation's name, some of its words that
    ``other`` abbreviates ("United States" / "U.S."). A whole name abbreviated ("PLA")
    is `_acronym`'s, which scores it below a spelt-out agreement."""
    tokens = form.tokens
    if len(tokens) < 2:
        return form, None
    if not form.neighbours.isdisjoint(other):  # the search below finds nothing otherwise
        for i in range(len(tokens) - 1):
            first, second = tokens[i], tokens[i + 1]
            if first + second in other and first not in other and second not in other:
                return _joined(form, i, 2, first + second), f"{first} {second} read as one word"
    if organisation:
        for abbreviation in other:
            size = len(abbreviation)
            if 2 <= size < len(tokens) and abbreviation not in tokens:
                for i in range(len(tokens) - size + 1):
                    words = tokens[i : i + size]
                    if "".join(w[0] for w in words) == abbreviation and not any(
                        w in other for w in words
                    ):
                        note = f"{' '.join(words)} read as {abbreviation}"
                        return _joined(form, i, size, abbreviation), note
    return form, None


def _joined(form: NameForm, start: int, size: int, word: str) -> NameForm:
    """``form`` with its ``size`` words from ``start`` replaced by ``word``."""
    return replace(
        form,
        tokens=(*form.tokens[:start], word, *form.tokens[start + size :]),
        fathers=_shift(form.fathers, start, size),
        places=_shift(form.places, start, size),
    )


def _shift(positions: frozenset[int], start: int, size: int) -> frozenset[int]:
    """Positions after the ``size`` words from ``start`` became one."""
    return frozenset(
        p if p <= start else p - size + 1 for p in positions if not start < p < start + size
    )


def _align(
    q: tuple[str, ...], c: tuple[str, ...], truncated: bool = False
) -> list[tuple[int, int, float]]:
    """Pair the words of two names one to one, most similar pairs first."""
    cut = len(q) - 1 if truncated else -1
    # Most pairs of words are unlike (similarity 0) and take no part: only the others
    # are sorted.
    scored = []
    for i, a in enumerate(q):
        known = _SIMILARITIES.get(a)
        if known is None:
            known = _SIMILARITIES[a] = {}
        for j, b in enumerate(c):
            similarity = known.get(b)
            if similarity is None:
                similarity = _remember(known, a, b)
            if i == cut:
                similarity = _truncated(a, b, similarity)
            if similarity > 0:
                scored.append((similarity, i, j))
    scored.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned = []
    for similarity, i, j in scored:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        aligned.append((i, j, similarity))
    return aligned


def _remember(known: dict[str, float], a: str, b: str) -> float:
    """`token_similarity` of two words, remembered in ``a``'s row ``known`` (see
    `SIMILARITY_CACHE_SIZE`)."""
    global _remembered
    if _remembered >= SIMILARITY_CACHE_SIZE:
        _SIMILARITIES.clear()  # ``known`` is left out too: it serves the rest of this name
        _remembered = 0
    similarity = known[b] = token_similarity(a, b)
    _remembered += 1
    return similarity


def _truncated(a: str, b: str, similarity: float) -> float:
    """The similarity of a name's last word ``a``, cut off by a field length, to ``b``."""
    if similarity < TRUNCATED_SIMILARITY and len(a) >= TRUNCATED_MIN and b.startswith(a):
        return TRUNCATED_SIMILARITY
    return similarity


def _acronym(q: tuple[str, ...], c: tuple[str, ...]) -> bool:
    """``q`` is one word made of the first letters of ``c``'s words ("PLA")."""
    words = [t for t in c if t not in PARTICLES]
    return (
        len(q) == 1
        and 2 <= len(q[0]) <= 6
        and len(words) == len(q[0])
        and q[0] == "".join(t[0] for t in words)
    )


def _penalty(
    query: NameForm,
    candidate: NameForm,
    aligned: list[tuple[int, int, float]],
    organisation: bool,
    places: bool,
) -> tuple[float, list[str]]:
    """What the unmatched words say against the match: a factor on the score, and why."""
    if not organisation and not (_has_lineage(query) and _has_lineage(candidate)):
        return 1.0, []  # most people's names: nothing below can apply
    left_q = set(range(len(query.tokens))) - {i for i, _, _ in aligned}
    left_c = set(range(len(candidate.tokens))) - {j for _, j, _ in aligned}
    found: list[tuple[float, str]] = []
    # Series numbers count only between organisations: people's names skip the search.
    series_q = organisation and any(SERIES.match(query.tokens[i]) for i in left_q)
    series_c = organisation and any(SERIES.match(candidate.tokens[j]) for j in left_c)
    if organisation and series_q and series_c:
        found.append((SERIES_SIBLING_FACTOR, "different numbers of one series"))
    elif organisation and (series_q or series_c):
        found.append((SERIES_EXTRA_FACTOR, "a series number on one side only"))
    if _lineage(query, left_q) and _lineage(candidate, left_c):
        found.append((LINEAGE_CONFLICT_FACTOR, "different patronymics or fathers' names"))
    if _swapped(query, candidate, aligned):
        found.append((LINEAGE_SWAP_FACTOR, "a father's name met a given name"))
    if organisation and places:
        extra_q, extra_c = query.places & left_q, candidate.places & left_c
        if extra_q and extra_c:
            found.append((PLACE_CONFLICT_FACTOR, "different places in the names"))
        elif extra_q or extra_c:
            found.append((PLACE_EXTRA_FACTOR, "a place in one name only (branch or subsidiary?)"))
    factor = 1.0
    for value, _ in found:
        factor *= value
    return factor, [f"{why} (x{value:.2f})" for value, why in found]


def _swapped(query: NameForm, candidate: NameForm, aligned: list[tuple[int, int, float]]) -> bool:
    """A father's name met a given name in both directions: "Muhammad bin Salman" /
    "Salman bin Muhammad". One direction alone is a dropped "bin" ("Mohamed Belgacem ben
    Abdallah" / "Mohamed ben Belgacem ben Abdallah"), which changes nobody's father."""
    if not (query.fathers and candidate.fathers):
        return False
    roles = {(i in query.fathers, j in candidate.fathers) for i, j, _ in aligned}
    return (True, False) in roles and (False, True) in roles


def _has_lineage(form: NameForm) -> bool:
    """A patronymic or a father's name anywhere in the name."""
    return bool(form.fathers) or any(t.endswith(PATRONYMIC_MARK) for t in form.tokens)


def _lineage(form: NameForm, left: set[int]) -> bool:
    """An unmatched patronymic or father's name."""
    return any(form.tokens[i].endswith(PATRONYMIC_MARK) or i in form.fathers for i in left)


def _names_conflict(left_q: tuple[str, ...], left_c: tuple[str, ...]) -> bool:
    """A name or initial on each side without a partner ("Hans O. Friedrich" / "Hans
    Joachim Friedrich": an initial that fits no name is another name)."""

    def named(tokens: tuple[str, ...]) -> bool:
        return any(not t.endswith(PATRONYMIC_MARK) and t not in PARTICLES for t in tokens)

    return named(left_q) and named(left_c)


def _joined_similarity(query: NameForm, candidate: NameForm) -> float:
    """Similarity of the two names written as one word, for merged or split words.

    For names with different numbers of words ("Kazakh Telecom" / "Kazakhtelecom",
    "Plat Ono Vich" / "Platonovich"). With as many words on both sides only an exact
    agreement counts (words split at another letter, "Han Yu-ro" / "Han Y-uro"): otherwise
    the word-by-word alignment has said everything, and one word of seven that differs
    ("al-Mosuli" / "al-Qaduli") must not drown in the letters that agree.
    """
    q, c = query.tokens, candidate.tokens
    best = 0.0
    for a, b in ((query.flat, candidate.flat), (query.latin_flat, candidate.latin_flat)):
        if min(len(a), len(b)) < 6:  # short strings match too easily
            continue
        if len(q) == len(c):  # only words split elsewhere: "Han Yu-ro" / "Han Y-uro"
            if a == b:
                return 1.0
        else:  # the cutoff lets rapidfuzz stop early on the many pairs far apart
            best = max(best, OSA.normalized_similarity(a, b, score_cutoff=0.9))
    return best


def explain_names(comparison: NameComparison) -> str:
    """Which words met which, in a sentence."""
    notes = "".join(f"; {note}" for note in comparison.notes)
    if comparison.joined:
        return "the names agree when written as one word" + notes
    parts = []
    for pair in comparison.pairs:
        a, b = _show(pair.query), _show(pair.candidate)
        parts.append(f"{a} = {b}" if pair.similarity == 1 else f"{a} ~ {b} ({pair.similarity:.0%})")
    text = "; ".join(parts) if parts else "no word in common"
    missing = [_show(t) for t in comparison.unmatched_query + comparison.unmatched_candidate]
    if missing:
        text += f"; unmatched: {', '.join(missing)}"
    return text + notes


def _show(token: str) -> str:
    if token.endswith(PATRONYMIC_MARK):
        return f"{token.removesuffix(PATRONYMIC_MARK)}- (patronymic)"
    return token.replace("J", "zh/j")
