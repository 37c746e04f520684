"""The shipment risk rules file: weights, lists and thresholds a compliance team edits.

Rules are implemented in `corridor.goods.shipments`; this module only reads and validates
their settings, so a typo in a weight or an unknown rule name is refused with the field
named ("rules.yaml: rules.chpl_goods.tier_weights.5: ...") instead of silently scoring
with a default.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from corridor.errors import CorridorError

DEFAULT_RULES = Path(__file__).with_name("data") / "rules.yaml"
LEVELS = ("low", "medium", "high", "critical")
Level = Literal["low", "medium", "high", "critical"]
ROLES = (
    "exporter",
    "importer",
    "consignee",
    "end_user",
    "forwarder",
    "payer",
    "ordering_bank",
    "beneficiary_bank",
    "intermediary_bank",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Strict):
    weight: float = Field(default=0, ge=0, le=100)
    floor: Level | None = None
    enabled: bool = True
    source: str = Field(min_length=1)


def _countries(values: list[str]) -> list[str]:
    for value in values:
        if len(value) != 2 or not value.isalpha():
            raise ValueError(f"{value!r} is not a two-letter ISO country code")
    return [v.upper() for v in values]


def _roles(values: list[str]) -> list[str]:
    for value in values:
        if value not in ROLES:
            raise ValueError(f"role {value!r} is unknown; expected one of {', '.join(ROLES)}")
    return values


Countries = Annotated[list[str], AfterValidator(_countries)]
Roles = Annotated[list[str], AfterValidator(_roles)]


class PossibleListedRule(Rule):
    review_threshold: float = Field(ge=0, le=1)


class ChplRule(Rule):
    tier_weights: dict[Literal["1", "2", "3.A", "3.B", "4.A", "4.B"], float]


class HubRule(Rule):
    #: The authority that named the countries -> the countries.
    countries: dict[str, Countries]


class CountryRule(Rule):
    countries: Countries


class RolesCountryRule(CountryRule):
    roles: Roles


class KeywordRule(Rule):
    roles: Roles
    keywords: list[str] = Field(min_length=1)


class DateRule(Rule):
    after: date
    roles: Roles


class SimilarityRule(Rule):
    similarity: float = Field(ge=0, le=100)


class RolesRule(Rule):
    roles: Roles


class EmailRule(RolesRule):
    personal_domains: list[str]


class ValueRule(Rule):
    payment_mismatch: float = Field(gt=0, le=1)
    split_thresholds: list[float]
    split_margin: float = Field(ge=0, lt=1)
    unit_value_ratio: float = Field(gt=1)


class Rules(_Strict):
    listed_party: Rule
    possible_listed_party: PossibleListedRule
    chpl_goods: ChplRule
    eu_sanctioned_goods: Rule
    hub_country: HubRule
    russia_belarus_destination: CountryRule
    russia_belarus_party: RolesCountryRule
    forwarder_or_trading_consignee: KeywordRule
    recently_incorporated: DateRule
    third_country_payment: Rule
    payer_not_on_documents: SimilarityRule
    goods_outside_business: RolesRule
    personal_email_or_no_website: EmailRule
    value_anomaly: ValueRule


class BusinessLine(_Strict):
    name: str
    keywords: list[str] = Field(min_length=1)
    #: HS chapters as "84" or ranges "01-24".
    chapters: list[str] = Field(min_length=1)

    @field_validator("chapters")
    @classmethod
    def _chapters(cls, value: list[str]) -> list[str]:
        for item in value:
            parts = item.split("-")
            if len(parts) > 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
                raise ValueError(f'{item!r} is not an HS chapter ("84") or range ("01-24")')
        return value

    def chapter_set(self) -> frozenset[str]:
        found = set()
        for item in self.chapters:
            first, _, last = item.partition("-")
            for n in range(int(first), int(last or first) + 1):
                found.add(f"{n:02d}")
        return frozenset(found)


class Levels(_Strict):
    medium: float = Field(ge=0)
    high: float = Field(ge=0)
    critical: float = Field(ge=0)


class RuleSet(_Strict):
    """A whole rules file."""

    version: str
    levels: Levels
    rules: Rules
    business_lines: list[BusinessLine] = Field(default_factory=list)

    def level(self, score: float) -> Level:
        if score >= self.levels.critical:
            return "critical"
        if score >= self.levels.high:
            return "high"
        if score >= self.levels.medium:
            return "medium"
        return "low"


def load_rules(path: Path | None = None) -> RuleSet:
    """Read and validate a rules file (the packaged default when ``path`` is None)."""
    path = path or DEFAULT_RULES
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorridorError.at(path, f"cannot read the rules file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CorridorError.at(path, f"not valid YAML: {exc}", line=line) from exc
    if not isinstance(data, dict):
        raise CorridorError.at(path, "expected a mapping with version, levels and rules")
    try:
        rules = RuleSet.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise CorridorError.at(path, f"{where}: {error['msg']}") from exc
    levels = rules.levels
    if not levels.medium <= levels.high <= levels.critical:
        raise CorridorError.at(path, "levels: expected medium <= high <= critical")
    return rules
