"""Scoring a shipment or payment on the published transshipment red flags.

Each rule of the rules file that fires adds its weight and a reason (its evidence and the
authority whose guidance it implements); the score is their sum capped at 100, its level
set by the file's thresholds and raised by any rule's floor. Parties are screened with
the screening engine, once per distinct party in a run (the same consignee appears on
many shipments of a batch).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from corridor import collector
from corridor.errors import CorridorError
from corridor.goods.check import CodeCheck, check_code, tier_rank
from corridor.goods.describe import get_describer
from corridor.goods.reference import Reference
from corridor.goods.rules import LEVELS, Level, RuleSet
from corridor.goods.shipments import GoodsLine, Party, Shipment
from corridor.screening.engine import Match, Query, screen
from corridor.screening.index import Index

#: Listed entries named per party: the same company is often on several lists (OFAC, UK,
#: Kazakhstan's AFM), and each listing matters to the decision.
MATCHES_NAMED = 3
BANK_ROLES = {"ordering_bank", "beneficiary_bank", "intermediary_bank"}
BUYER_ROLES = ("consignee", "importer", "end_user")
_SCHEMA = {"company": "Company", "bank": "Company", "person": "Person"}
_PUNCT = re.compile(r"[^\w\s]")


@dataclass
class Reason:
    rule: str
    weight: float
    evidence: list[str]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "weight": self.weight,
            "evidence": self.evidence,
            "source": self.source,
        }


@dataclass
class Assessment:
    shipment_id: str
    level: Level
    score: float
    reasons: list[Reason]
    rules_version: str
    reference_version: str
    list_versions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        return [r.rule for r in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.shipment_id,
            "level": self.level,
            "score": self.score,
            "reasons": [r.to_dict() for r in self.reasons],
            "rules_version": self.rules_version,
            "reference_version": self.reference_version,
            "list_versions": [f"{n}:{v}" for n, v in self.list_versions],
        }


@dataclass
class GoodsFacts:
    """What is known of one goods line: the code checked, or the best description guess."""

    line: int
    check: CodeCheck | None
    hs6: str | None
    how: str


class PartyScreener:
    """Screen parties against the index, remembering each distinct party's result."""

    def __init__(self, index: Index | None, threshold: float, review: float) -> None:
        self.index = index
        self.threshold = threshold
        self.review = min(review, threshold)
        self.cache: dict[tuple[Any, ...], list[Match]] = {}
        self.calls = 0

    def best(self, name: str, kind: str, country: str | None, ids: list[str]) -> list[Match]:
        """The listed entities at or above the review threshold, best first (a party may be
        on several lists: each entry is named)."""
        if self.index is None or not self.index.entities:
            return []
        key = (name, kind, country, tuple(ids))
        if key not in self.cache:
            self.calls += 1
            query = Query(
                names=[name],
                schema=_SCHEMA.get(kind, "LegalEntity"),
                countries=[country.lower()] if country else [],
                identifiers=ids,
            )
            found = screen(self.index, query, self.threshold, limit=MATCHES_NAMED)
            self.cache[key] = [m for m in found if m.score >= self.review]
        return self.cache[key]


class RiskScorer:
    """Scores shipments with one rules file, one reference version and one list index."""

    def __init__(
        self,
        rules: RuleSet,
        reference: Reference,
        index: Index | None = None,
        threshold: float = 0.7,
    ) -> None:
        self.rules = rules
        self.reference = reference
        self.describer = get_describer(reference)
        self.screener = PartyScreener(
            index, threshold, rules.rules.possible_listed_party.review_threshold
        )
        self.list_versions = list(index.versions) if index is not None else []
        self._checks: dict[str, CodeCheck] = {}
        self._guesses: dict[str, str | None] = {}
        self.hub = _hub_countries(rules)
        self.lines = [
            (line, line.chapter_set(), _words_pattern(line.keywords))
            for line in rules.business_lines
        ]
        self.trader_words = _words_pattern(rules.rules.forwarder_or_trading_consignee.keywords)
        self._business: dict[str, tuple[frozenset[str], str]] = {}
        #: HS6 -> median unit value over the batch being scored (see `score_batch`).
        self.unit_medians: dict[str, float] = {}

    # -- goods -----------------------------------------------------------------
    def goods_facts(self, n: int, line: GoodsLine) -> GoodsFacts:
        if line.code:
            if line.code not in self._checks:
                self._checks[line.code] = check_code(self.reference, line.code)
            check = self._checks[line.code]
            return GoodsFacts(n, check, check.hs6, f"code {line.code}")
        if line.description:
            if line.description not in self._guesses:
                found = self.describer.suggest(line.description, limit=1)
                self._guesses[line.description] = found[0].hs6 if found else None
            hs6 = self._guesses[line.description]
            if hs6 is not None:
                if hs6 not in self._checks:
                    self._checks[hs6] = check_code(self.reference, hs6)
                how = f"description {line.description!r}, read as HS {hs6}"
                return GoodsFacts(n, self._checks[hs6], hs6, how)
        return GoodsFacts(n, None, None, "no code and no recognisable description")

    # -- scoring ---------------------------------------------------------------
    def score_batch(self, shipments: list[Shipment]) -> list[Assessment]:
        """Score many shipments; unit values are compared with the batch's median per HS6.

        The cyclic garbage collector is paused meanwhile: a batch makes millions of small
        objects that all live until it ends, and the collector rescanned them again and
        again (100,000 shipments: 92 s with it, see bench/shipments.py).
        """
        with collector.paused():
            return self._score_batch(shipments)

    def _score_batch(self, shipments: list[Shipment]) -> list[Assessment]:
        values: dict[str, list[float]] = defaultdict(list)
        for shipment in shipments:
            for n, line in enumerate(shipment.goods, start=1):
                unit = _unit_value(line)
                facts = self.goods_facts(n, line)
                if unit is not None and facts.hs6:
                    values[facts.hs6].append(unit)
        self.unit_medians = {hs6: statistics.median(v) for hs6, v in values.items() if len(v) >= 5}
        return [self.score(s) for s in shipments]

    def score(self, shipment: Shipment) -> Assessment:
        reasons: list[Reason] = []
        floors: list[Level] = []
        parties = shipment.all_parties()
        goods = [self.goods_facts(n, line) for n, line in enumerate(shipment.goods, start=1)]
        r = self.rules.rules

        def fire(name: str, weight: float, evidence: list[str], floor: Level | None) -> None:
            rule = getattr(r, name)
            reasons.append(Reason(name, weight, evidence, rule.source))
            if floor is not None:
                floors.append(floor)

        # P1: parties and their owners on a list
        listed: list[str] = []
        possible: list[str] = []
        for party in parties:
            for name, what in [(party.name, party.role)] + [
                (o, f"owner of {party.role} {party.name!r}") for o in party.owners
            ]:
                kind = party.type if name == party.name else "owner"  # person or company
                ids = party.identifiers if name == party.name else []
                for match in self.screener.best(name, kind, party.country, ids):
                    text = (
                        f"{what} {name!r} matches {match.entity.caption!r} "
                        f"[{', '.join(match.entity.sources)}] score {match.score:.2f}: "
                        f"{'; '.join(match.explanation[:-1])}"
                    )
                    if match.is_match:
                        listed.append(text)
                    elif not any(
                        m.is_match for m in self.screener.best(name, kind, party.country, ids)
                    ):
                        possible.append(text)
        if listed and r.listed_party.enabled:
            fire("listed_party", r.listed_party.weight, listed, r.listed_party.floor)
        if possible and r.possible_listed_party.enabled:
            fire(
                "possible_listed_party",
                r.possible_listed_party.weight,
                possible,
                r.possible_listed_party.floor,
            )

        # G1: CHPL tier (the highest-priority tier among the lines)
        chpl = [g for g in goods if g.check is not None and g.check.chpl_tier is not None]
        if chpl and r.chpl_goods.enabled:
            top = min(chpl, key=lambda g: tier_rank(g.check.chpl_tier if g.check else None))
            tier = top.check.chpl_tier if top.check else None
            weight = r.chpl_goods.tier_weights.get(tier, 0) if tier else 0  # type: ignore[call-overload]
            evidence = [
                f"line {g.line} ({g.how}): CHPL tier {g.check.chpl_tier} "
                f"(HS {g.check.chpl_code}: {self._chpl_text(g.check.chpl_code)})"
                for g in chpl
                if g.check is not None and g.check.chpl_code is not None
            ]
            fire("chpl_goods", weight, evidence, r.chpl_goods.floor)

        # EU Reg. 833/2014
        eu = [g for g in goods if g.check is not None and g.check.eu_listed]
        if eu and r.eu_sanctioned_goods.enabled:
            evidence = []
            for g in eu:
                assert g.check is not None
                cats = ", ".join(g.check.to_dict()["eu_categories"]) or "listed"
                since = f" since {g.check.eu_date}" if g.check.eu_date else ""
                evidence.append(f"line {g.line} ({g.how}): {cats}{since}")
            fire("eu_sanctioned_goods", r.eu_sanctioned_goods.weight, evidence, None)

        # R2: named transshipment countries on the route or as buyer's country
        route = shipment.route
        places: list[tuple[str, str | None]] = [("transit", c) for c in route.transit if c]
        places += [
            ("destination", route.destination),
            ("final destination", route.final_destination),
        ]
        places += [(p.role, p.country) for p in parties if p.role in BUYER_ROLES]
        hubs = []
        seen = set()
        for where, country in places:
            if country and country in self.hub and country not in seen:
                seen.add(country)
                hubs.append(f"{where} {country}: named by {'; '.join(self.hub[country])}")
        if hubs and r.hub_country.enabled:
            fire("hub_country", r.hub_country.weight, hubs, r.hub_country.floor)

        # Final destination Russia or Belarus
        rb = set(r.russia_belarus_destination.countries)
        dest = [
            f"{where} {c}"
            for where, c in (
                ("final destination", route.final_destination),
                ("destination", route.destination),
            )
            if c in rb
        ]
        dest += [
            f"end user {p.name!r} in {p.country}"
            for p in parties
            if p.role == "end_user" and p.country in rb
        ]
        if dest and r.russia_belarus_destination.enabled:
            rule = r.russia_belarus_destination
            fire("russia_belarus_destination", rule.weight, dest, rule.floor)

        # P10: Russian or Belarusian parties
        rb_party = set(r.russia_belarus_party.countries)
        linked = [
            f"{p.role} {p.name!r} in {p.country}"
            for p in parties
            if p.role in r.russia_belarus_party.roles
            and p.country in rb_party
            and not (p.role == "end_user" and dest)
        ]
        if linked and r.russia_belarus_party.enabled:
            fire(
                "russia_belarus_party",
                r.russia_belarus_party.weight,
                linked,
                r.russia_belarus_party.floor,
            )

        # R1: forwarder or trading firm as consignee
        rule_k = r.forwarder_or_trading_consignee
        traders = []
        for p in parties:
            if p.role not in rule_k.roles:
                continue
            found = self.trader_words.search(f"{p.name} {p.business or ''}".lower())
            hit = found.group(0) if found else None
            if hit:
                traders.append(f"{p.role} {p.name!r} ({p.business or 'by name'}): {hit!r}")
        if traders and rule_k.enabled:
            fire("forwarder_or_trading_consignee", rule_k.weight, traders, rule_k.floor)

        # P2: incorporated after 24 Feb 2022
        rule_d = r.recently_incorporated
        recent = [
            f"{p.role} {p.name!r} incorporated {p.incorporated.isoformat()}"
            for p in parties
            if p.role in rule_d.roles and p.incorporated and p.incorporated > rule_d.after
        ]
        if recent and rule_d.enabled:
            fire("recently_incorporated", rule_d.weight, recent, rule_d.floor)

        # F1/F3: payment from a third country, or by someone not on the documents
        payer = next((p for p in parties if p.role == "payer"), None)
        buyers = [p for p in parties if p.role in BUYER_ROLES]
        if payer is not None and payer.country and buyers and r.third_country_payment.enabled:
            buyer_countries = {p.country for p in buyers if p.country}
            if buyer_countries and payer.country not in buyer_countries:
                fire(
                    "third_country_payment",
                    r.third_country_payment.weight,
                    [
                        f"payer {payer.name!r} in {payer.country}; buyer in "
                        f"{', '.join(sorted(c for c in buyer_countries if c))}"
                    ],
                    r.third_country_payment.floor,
                )
        if payer is not None and r.payer_not_on_documents.enabled:
            named = [p for p in parties if p.role != "payer" and p.role not in BANK_ROLES]
            best = max(
                (fuzz.token_set_ratio(_plain(payer.name), _plain(p.name)) for p in named),
                default=0.0,
            )
            if best < r.payer_not_on_documents.similarity:
                fire(
                    "payer_not_on_documents",
                    r.payer_not_on_documents.weight,
                    [
                        f"payer {payer.name!r} is none of the parties named "
                        f"({', '.join(p.name for p in named) or 'none'}); "
                        f"best similarity {best:.0f}"
                    ],
                    r.payer_not_on_documents.floor,
                )

        # P5: goods outside the buyer's line of business
        if r.goods_outside_business.enabled:
            outside = self._outside_business(parties, goods)
            if outside:
                fire("goods_outside_business", r.goods_outside_business.weight, outside, None)

        # P3: personal e-mail or no website
        rule_e = r.personal_email_or_no_website
        personal = set(rule_e.personal_domains)
        contact = []
        for p in parties:
            if p.role not in rule_e.roles or p.type == "person":
                continue
            domain = p.email.rsplit("@", 1)[-1].lower() if p.email and "@" in p.email else None
            if domain in personal:
                contact.append(f"{p.role} {p.name!r} uses a personal e-mail ({p.email})")
            elif not p.website and domain is None:
                contact.append(f"{p.role} {p.name!r} gives no website and no company e-mail")
        if contact and rule_e.enabled:
            fire("personal_email_or_no_website", rule_e.weight, contact, rule_e.floor)

        # G3: value anomalies
        if r.value_anomaly.enabled:
            anomalies = self._value_anomalies(shipment, goods)
            if anomalies:
                fire("value_anomaly", r.value_anomaly.weight, anomalies, r.value_anomaly.floor)

        score = min(100.0, round(sum(x.weight for x in reasons), 2))
        level = self.rules.level(score)
        for floor in floors:
            if LEVELS.index(floor) > LEVELS.index(level):
                level = floor
        return Assessment(
            shipment_id=shipment.id,
            level=level,
            score=score,
            reasons=reasons,
            rules_version=self.rules.version,
            reference_version=self.reference.version,
            list_versions=self.list_versions,
        )

    def _chpl_text(self, code: str) -> str:
        return self.reference.chpl[code]["description"][:80]

    def _outside_business(self, parties: list[Party], goods: list[GoodsFacts]) -> list[str]:
        found = []
        roles = self.rules.rules.goods_outside_business.roles
        for p in parties:
            if p.role not in roles or not p.business:
                continue
            allowed, names = self._business_chapters(p.business)
            if not allowed:
                continue
            for g in goods:
                if g.hs6 and g.hs6[:2] not in allowed:
                    found.append(
                        f"{p.role} {p.name!r} states {p.business!r} ({names}); "
                        f"line {g.line} is HS chapter {g.hs6[:2]} ({g.how})"
                    )
        return found

    def _business_chapters(self, business: str) -> tuple[frozenset[str], str]:
        """The HS chapters that fit a stated business, and the lines it matched."""
        if business not in self._business:
            text = business.lower()
            matched = [
                (line, chapters) for line, chapters, words in self.lines if words.search(text)
            ]
            allowed: frozenset[str] = frozenset().union(*(chapters for _, chapters in matched))
            self._business[business] = (allowed, ", ".join(line.name for line, _ in matched))
        return self._business[business]

    def _value_anomalies(self, shipment: Shipment, goods: list[GoodsFacts]) -> list[str]:
        rule = self.rules.rules.value_anomaly
        found = []
        total = sum(line.value or 0 for line in shipment.goods)
        currencies = {line.currency for line in shipment.goods if line.currency}
        pay = shipment.payment
        if pay is not None and pay.amount is not None and total > 0:
            same = not pay.currency or not currencies or currencies == {pay.currency}
            if same and abs(pay.amount - total) > rule.payment_mismatch * total:
                found.append(f"payment {pay.amount:,.2f} against goods value {total:,.2f}")
        for threshold in rule.split_thresholds:
            for label, value in [("total", total)] + [
                (f"line {n}", line.value or 0) for n, line in enumerate(shipment.goods, start=1)
            ]:
                if threshold * (1 - rule.split_margin) <= value < threshold:
                    found.append(
                        f"{label} value {value:,.2f} just below the threshold {threshold:,.0f}"
                    )
                    break
        for g, line in zip(goods, shipment.goods, strict=True):
            if line.quantity and not line.value:
                found.append(f"line {g.line}: quantity {line.quantity:g} declared without a value")
            unit = _unit_value(line)
            median = self.unit_medians.get(g.hs6 or "")
            if unit and median:
                ratio = unit / median
                if ratio > rule.unit_value_ratio or ratio < 1 / rule.unit_value_ratio:
                    found.append(
                        f"line {g.line}: unit value {unit:,.2f} is {ratio:.2f} times the "
                        f"batch median {median:,.2f} for HS {g.hs6}"
                    )
        return found


def _unit_value(line: GoodsLine) -> float | None:
    if line.value and line.quantity:
        return line.value / line.quantity
    return None


@lru_cache(maxsize=65536)
def _plain(name: str) -> str:
    return _PUNCT.sub(" ", name.lower())


def _words_pattern(keywords: list[str]) -> re.Pattern[str]:
    """Matches any keyword at the start of a word ("trading" in "almaty trading llp")."""
    alternatives = "|".join(re.escape(k.lower()) for k in sorted(keywords, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})")


def _hub_countries(rules: RuleSet) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for authority, countries in rules.rules.hub_country.countries.items():
        for country in countries:
            found[country].append(authority)
    return dict(found)


def require_index(index: Index | None) -> Index | None:
    """An empty index screens nothing; say so rather than score every party as clean."""
    if index is not None and not index.entities:
        raise CorridorError(
            "no sanctions list is loaded, so parties cannot be screened: run "
            "`corridor lists load PATH` first (or pass --no-screening)"
        )
    return index
