"""Scoring a query against candidates: names, then qualifiers, then one explanation.

The score starts from the best name comparison between any query name and any listed
name, and qualifiers move it: a valid identifier equal on both sides is decisive; a
different valid identifier of the same kind, a birth year that does not fit, a country
or a gender that differs count against; agreeing ones count slightly for. Each step
adds a sentence to the explanation, so the result can be pasted into a case file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corridor.errors import CorridorError
from corridor.names.analysis import NameForm, analyse_name
from corridor.names.identifiers import Identifier, compare_identifiers, describe, parse_identifier
from corridor.screening.index import NAME_PROPS, Index, IndexedEntity, identifier_keys, name_keys
from corridor.screening.names import NameComparison, compare_names, explain_names

#: Recorded with every screening. Bumped whenever a change to name analysis or scoring
#: can change a score, so that a recorded result says which rules produced it.
ALGORITHM = "corridor-v2"

#: Query schema -> list schemata it may match. A person is never a company; a
#: LegalEntity (OFAC gives no finer type) may be either.
COMPATIBLE = {
    "Person": {"Person", "LegalEntity"},
    "Company": {"Company", "Organization", "LegalEntity"},
    "Organization": {"Company", "Organization", "LegalEntity"},
    "LegalEntity": {"Person", "Company", "Organization", "LegalEntity"},
    "Vessel": {"Vessel"},
    "Airplane": {"Airplane"},
}
#: Score changes from qualifiers. A birth year that differs is strong evidence of two
#: people (namesakes are common: "Ivan Petrov" born 1970 and 1985); a country mismatch is
#: weak (people move, companies have branches). A different valid identifier of one kind
#: is stronger still: each Russian or Kazakh legal entity has exactly one INN or BIN, so
#: two "ООО Ромашка" with different INNs are two companies (0.60 keeps them visible,
#: below the default threshold, for review). A birth year one off neither confirms nor
#: refutes: it is the commonest slip in dates of birth, and Hijri-to-Gregorian
#: conversions in UN records are often a year apart. A whole date of birth that agrees
#: is strong evidence (one day in some 25,000 against one year in 70): it outweighs a
#: dropped middle name, so "Zaurbek Guchaev" born 1975-09-07 finds the UN's "Zaurbek
#: Salimovich Guchaev" born that day before OFAC's "Zaurbek Guchayev" born 1975-09-04.
DOB_DAY, DOB_EXACT, DOB_YEAR, DOB_NEAR, DOB_MISMATCH = 0.10, 0.05, 0.02, 0.0, -0.30
COUNTRY_MATCH, COUNTRY_MISMATCH = 0.02, -0.05
GENDER_MISMATCH = -0.15
IDENTIFIER_DIFFERENT = -0.40
IDENTIFIER_SAME = 0.99
#: A LegalEntity matched by a person query: OFAC entities are organisations.
SCHEMA_LOOSE = -0.05
#: Two specific legal forms of different classes name two legal persons: "Deutsche Bank
#: AG" is not "Deutsche Bank GmbH". (A company that changed its form keeps its old name
#: as a previous name on the list.)
LEGAL_FORM_MISMATCH = -0.35


@dataclass
class Query:
    """What a user screens: names and, where known, qualifiers."""

    names: list[str]
    schema: str | None = None
    birth_date: str | None = None
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    gender: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The query as recorded with a screening."""
        return {
            "names": self.names,
            "schema": self.schema,
            "birth_date": self.birth_date,
            "countries": self.countries,
            "identifiers": self.identifiers,
            "gender": self.gender,
        }

    def __post_init__(self) -> None:
        self.names = [n.strip() for n in self.names if n and n.strip()]
        if not self.names and not self.identifiers:
            raise CorridorError("a query needs a name or an identifier")
        if self.schema is not None and self.schema not in COMPATIBLE:
            raise CorridorError(
                f"schema {self.schema!r} is unknown; expected one of {', '.join(COMPATIBLE)}"
            )


@dataclass
class Match:
    """One listed entity as a result, with its score and the reasons for it."""

    entity: IndexedEntity
    score: float
    is_match: bool
    explanation: list[str]
    matched_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready result, as recorded and as the API and CLI show it."""
        return {
            "entity_id": self.entity.entity_id,
            "name": self.entity.caption,
            "schema": self.entity.schema,
            "score": self.score,
            "match": self.is_match,
            "matched_name": self.matched_name,
            "source_ids": self.entity.sources,
            "explanation": self.explanation,
        }


def query_forms(query: Query) -> list[NameForm]:
    is_person = {"Person": True, None: None, "LegalEntity": None}.get(query.schema, False)
    return [analyse_name(n, is_person) for n in query.names]


def screen(index: Index, query: Query, threshold: float, limit: int = 5) -> list[Match]:
    """The best ``limit`` listed entities for ``query``, highest score first.

    Every candidate is scored, but only the ``limit`` returned are explained: a query
    scores about 19 candidates and keeps 5, and the sentences were a tenth of its cost.
    """
    forms, idents = _prepared(query)
    keys = query_keys(forms, idents)
    name_only = frozenset(k for k in keys if not k.startswith("i:"))
    scored = []
    compared: _Compared = {}
    for candidate in _allowed(query, index.candidates(keys)):
        scored.append(_score(query, forms, idents, candidate, name_only, compared))
    scored.sort(key=lambda s: (-s.score, s.candidate.entity_id))
    return [s.match(query, idents, threshold) for s in scored[:limit]]


def candidates(index: Index, query: Query) -> list[IndexedEntity]:
    """The listed entities `screen` scores for ``query``: for comparing engines on the
    same candidates."""
    forms, idents = _prepared(query)
    return _allowed(query, index.candidates(query_keys(forms, idents)))


def query_keys(forms: list[NameForm], idents: list[Identifier]) -> set[str]:
    """The blocking keys of a query's names and identifiers."""
    keys = identifier_keys(idents)
    for form in forms:
        keys |= name_keys(form)
    return keys


def _prepared(query: Query) -> tuple[list[NameForm], list[Identifier]]:
    """The query's analysed names (those with words) and its valid identifiers."""
    forms = [f for f in query_forms(query) if f.tokens]
    idents = [i for text in query.identifiers for i in parse_identifier(text) if i.valid]
    return forms, idents


def _allowed(query: Query, found: list[IndexedEntity]) -> list[IndexedEntity]:
    """The candidates of a schema the query may match."""
    if query.schema is None:
        return found
    allowed = COMPATIBLE.get(query.schema, set())
    return [candidate for candidate in found if candidate.schema in allowed]


def score_candidate(
    query: Query,
    forms: list[NameForm],
    idents: list[Identifier],
    candidate: IndexedEntity,
    threshold: float,
    keys: frozenset[str] = frozenset(),
) -> Match:
    """Score one candidate and explain the score.

    ``keys`` (the query names' blocking keys), when given, limits the comparison to the
    listed names that share one of them.
    """
    return _score(query, forms, idents, candidate, keys, {}).match(query, idents, threshold)


#: The best query-name/listed-name pair of a candidate: score, query form, listed form,
#: the listed name's property, and the comparison that explains it.
BestName = tuple[float, NameForm, NameForm, str, NameComparison]


@dataclass(slots=True)
class _Scored:
    """A candidate's score with what its explanation is made of, not yet written out."""

    candidate: IndexedEntity
    #: The final score, clamped to [0, 1] and rounded as `Match.score` is.
    score: float
    #: The same score before rounding: the verdict is taken on it.
    exact: float
    best: BestName | None
    #: The best name pair's score, which the qualifiers move.
    name_score: float

    def match(self, query: Query, idents: list[Identifier], threshold: float) -> Match:
        """The `Match`, explained: the name sentence, the qualifiers', the verdict last."""
        reasons, matched = _explain_name(self.best)
        _qualified(query, idents, self.candidate, self.name_score, reasons)
        verdict = "above" if self.exact >= threshold else "below"
        reasons.append(f"score {self.exact:.2f}, {verdict} the threshold {threshold:.2f}")
        return Match(self.candidate, self.score, self.exact >= threshold, reasons, matched)


def _score(
    query: Query,
    forms: list[NameForm],
    idents: list[Identifier],
    candidate: IndexedEntity,
    keys: frozenset[str],
    compared: _Compared,
) -> _Scored:
    best = _best_name(forms, candidate, keys, compared)
    name_score = best[0] if best is not None and best[0] > 0 else 0.0
    score = _qualified(query, idents, candidate, name_score, None)
    return _Scored(candidate, round(score, 4), score, best, name_score)


def _qualified(
    query: Query,
    idents: list[Identifier],
    candidate: IndexedEntity,
    score: float,
    reasons: list[str] | None,
) -> float:
    """``score`` moved by the identifiers, birth date, country, gender and schema, in
    [0, 1]; a sentence for each step into ``reasons`` when given, which is only for the
    results returned (`screen`): a birth date that does not fit, the commonest case,
    lists every date listed."""
    score = _identifiers(score, idents, candidate, reasons)
    score += _birth_date(query.birth_date, candidate, reasons)
    score += _countries(query.countries, candidate, reasons)
    score += _gender(query.gender, candidate, reasons)
    if query.schema == "Person" and candidate.schema == "LegalEntity":
        score += SCHEMA_LOOSE
        if reasons is not None:
            reasons.append(f"listed as a legal entity of unspecified kind ({SCHEMA_LOOSE:+.2f})")
    return max(0.0, min(1.0, score))


#: Comparisons made for one query, by query name, listed name (as analysed, whatever its
#: original spelling) and kind: the lists name one person or company alike, so the same
#: listed name comes back under several entities (UN, EU, UK and OFAC each list Putin),
#: and a tenth of a query's comparisons were made before.
_Compared = dict[tuple[int, tuple[object, ...], bool], NameComparison]


def _best_name(
    forms: list[NameForm],
    candidate: IndexedEntity,
    keys: frozenset[str],
    compared: _Compared,
) -> BestName | None:
    """The best query-name/listed-name pair; only the winner is explained (it is the
    only one a user reads, and explaining every pair doubled the cost of a query)."""
    best: BestName | None = None
    organisation = candidate.schema not in ("Person", "LegalEntity")
    for number, form in enumerate(forms):
        for (listed, prop), listed_keys in zip(candidate.names, candidate.name_keys, strict=True):
            if keys and keys.isdisjoint(listed_keys):
                continue  # shares no word or word start with the query: cannot score well
            key = (number, listed.analysed, organisation)
            comparison = compared.get(key)
            if comparison is None:
                comparison = compared[key] = compare_names(form, listed, organisation=organisation)
            score = comparison.score * NAME_PROPS[prop]
            # Most names carry no legal form (people never do): skip the call then.
            if (
                form.legal_form is not None
                and listed.legal_form is not None
                and _forms_differ(form, listed)
            ):
                score += LEGAL_FORM_MISMATCH
            if best is None or score > best[0]:
                best = (score, form, listed, prop, comparison)
                if score >= 1.0:
                    # No name scores above 1 and a tie keeps the first: the entity's other
                    # names (dozens, for the UN's and OFAC's best-known entries) cannot
                    # change the result.
                    return best
    return best


def _explain_name(best: BestName | None) -> tuple[list[str], str]:
    """The sentence on the best name pair, and the listed name as shown with a result."""
    if best is None or best[0] <= 0:
        return ["no listed name resembles the query"], ""
    score, form, listed, prop, comparison = best
    how = explain_names(comparison)
    if _forms_differ(form, listed):
        how += f"; legal forms differ ({form.legal_form} vs {listed.legal_form}"
        how += f", {LEGAL_FORM_MISMATCH:+.2f})"
    listed_name = f"{listed.original} ({prop})"
    reason = f"name {form.original!r} met {listed_name!r}: {how} ({score:.2f})"
    return [reason], listed_name


def _forms_differ(a: NameForm, b: NameForm) -> bool:
    """Both names carry a specific legal form (not just "company") and the classes differ."""
    specific = {a.legal_form, b.legal_form} - {None, "corp"}
    return a.legal_form in specific and b.legal_form in specific and len(specific) == 2


def _identifiers(
    score: float, idents: list[Identifier], candidate: IndexedEntity, reasons: list[str] | None
) -> float:
    for mine in idents:
        for theirs in candidate.identifiers:
            verdict = compare_identifiers(mine, theirs)
            if verdict == "same":
                score = max(score, IDENTIFIER_SAME)
                if reasons is not None:
                    reasons.append(f"same identifier: {describe(mine)} (decisive)")
            elif verdict == "different":
                score += IDENTIFIER_DIFFERENT
                if reasons is not None:
                    reasons.append(
                        f"different {mine.kind.upper()}: query {mine.value}, "
                        f"list {theirs.value} ({IDENTIFIER_DIFFERENT:+.2f})"
                    )
    return score


def _birth_date(date: str | None, candidate: IndexedEntity, reasons: list[str] | None) -> float:
    listed = candidate.birth_dates
    if not date or not listed:
        return 0.0
    if date in listed:
        bonus = DOB_DAY if len(date) >= len("1975-09-07") else DOB_EXACT
        if reasons is not None:
            reasons.append(f"birth date {date} listed ({bonus:+.2f})")
        return bonus
    # One pass over the listed dates: every candidate of a query with a birth date comes
    # here, and most of them are namesakes born in other years.
    year = date[:4]
    if year.isdigit():
        number = int(year)
        same = near = partial = False
        for day in listed:
            start = day[:4]
            if start == year:
                same = True
            elif start.isdigit() and abs(int(start) - number) <= 1:
                near = True
            partial = partial or day == year or date.startswith(day)
        if same and partial:
            if reasons is not None:
                reasons.append(f"birth year {year} listed ({DOB_YEAR:+.2f})")
            return DOB_YEAR
        if same or near:
            if reasons is not None:
                years = sorted({d[:4] for d in listed if d[:4].isdigit()})
                reasons.append(
                    f"birth date {date} is within a year of {', '.join(years)} ({DOB_NEAR:+.2f})"
                )
            return DOB_NEAR
    if reasons is not None:
        shown = ", ".join(sorted(listed))
        reasons.append(f"birth date {date} does not fit the listed {shown} ({DOB_MISMATCH:+.2f})")
    return DOB_MISMATCH


def _countries(countries: list[str], candidate: IndexedEntity, reasons: list[str] | None) -> float:
    mine = {c.lower() for c in countries if c}
    if not mine or not candidate.countries:
        return 0.0
    shared = mine & candidate.countries
    if shared:
        if reasons is not None:
            reasons.append(f"country {', '.join(sorted(shared))} agrees ({COUNTRY_MATCH:+.2f})")
        return COUNTRY_MATCH
    if reasons is not None:
        listed = ", ".join(sorted(candidate.countries))
        reasons.append(
            f"country {', '.join(sorted(mine))} differs from listed {listed} "
            f"({COUNTRY_MISMATCH:+.2f})"
        )
    return COUNTRY_MISMATCH


def _gender(gender: str | None, candidate: IndexedEntity, reasons: list[str] | None) -> float:
    if not gender or not candidate.genders or gender.lower() in candidate.genders:
        return 0.0
    if reasons is not None:
        listed = ", ".join(sorted(candidate.genders))
        reasons.append(f"gender {gender} differs from listed {listed} ({GENDER_MISMATCH:+.2f})")
    return GENDER_MISMATCH
