"""Translating between yente's shapes and Corridor's screening.

A yente query entity (schema + FtM properties) becomes a `Query`; each `Match` becomes
a yente scored entity, with the listed entity's full properties read from the store
and Corridor's explanation sentences as yente ``explanations`` (feature -> sub-score and
sentence), so a yente client sees why a hit is a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from followthemoney import model
from sqlalchemy import select

from corridor.api.models import EntityExample, FeatureResult, ScoredEntityResponse
from corridor.errors import CorridorError
from corridor.screening.engine import COMPATIBLE, Match, Query
from corridor.store.db import Store
from corridor.store.models import ListEntity, ListVersion

#: FtM properties read as names, countries and identifiers of a query.
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "flag", "mainCountry")
ID_PROPS = (
    "idNumber",
    "taxNumber",
    "registrationNumber",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "bicCode",
    "imoNumber",
    "leiCode",
    "vatCode",
)
#: Longest name screened: the batch reader's limit (`corridor.screening.batch`).
MAX_NAME = 1000
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_COUNTRY = re.compile(r"^[a-z]{2}(-[a-z0-9]{1,8})?$")
#: The sub-score a sentence ends with: "(+0.05)", "(-0.30)", "(0.92)".
_SUBSCORE = re.compile(r"\(([+-]?\d+(?:\.\d+)?)\)\s*$")


def as_utc(moment: datetime) -> datetime:
    """SQLite returns stored UTC times without their zone; PostgreSQL with it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _values(properties: dict[str, Any], prop: str) -> list[str]:
    raw = properties.get(prop)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise CorridorError(f"property {prop!r}: expected strings, got {type(item).__name__}")
        value = str(item).strip()
        if value:
            out.append(value)
    return out


def query_schema(name: str) -> str | None:
    """The Corridor query schema for an FtM schema name; None screens every kind."""
    if name in COMPATIBLE:
        return name
    schema = model.get(name)
    if schema is None:
        raise CorridorError(f"schema {name!r} is not a FollowTheMoney schema")
    for parent in ("Vessel", "Airplane", "Person", "Company", "Organization", "LegalEntity"):
        if schema.is_a(parent) and parent in COMPATIBLE:
            return parent
    if schema.is_a("Thing"):
        return None
    raise CorridorError(f"schema {name!r} cannot be screened; expected a Thing such as Person")


def example_to_query(example: EntityExample) -> Query:
    """The screening query for one yente query entity."""
    props = example.properties
    names = [n for p in NAME_PROPS for n in _values(props, p)]
    if not names:
        parts = [v for p in NAME_PARTS for v in _values(props, p)[:1]]
        if parts:
            names = [" ".join(parts)]
    for name in names:
        if len(name) > MAX_NAME:
            raise CorridorError(f"a name is {len(name):,} characters; at most {MAX_NAME:,}")
    names = ["".join(c if c.isprintable() else " " for c in n) for n in names]
    dates = [d for d in _values(props, "birthDate") if _DATE.match(d)]
    countries = [c.lower() for p in COUNTRY_PROPS for c in _values(props, p)]
    genders = _values(props, "gender")
    return Query(
        names=names,
        schema=query_schema(example.schema_),
        birth_date=dates[0] if dates else None,
        countries=[c for c in countries if _COUNTRY.match(c)],
        identifiers=[i for p in ID_PROPS for i in _values(props, p) if len(i) <= 100],
        gender=genders[0].lower() if genders else None,
    )


def feature_of(sentence: str) -> str | None:
    """Which feature an explanation sentence is about (None for the verdict)."""
    text = sentence.lower()
    for start, feature in (
        ("score ", None),
        ("name ", "name"),
        ("no listed name", "name"),
        ("same identifier", "identifier"),
        ("different ", "identifier"),
        ("birth ", "birth_date"),
        ("country ", "country"),
        ("gender", "gender"),
        ("listed as", "schema"),
    ):
        if text.startswith(start):
            return feature
    return "other"


def explanations(match: Match) -> dict[str, FeatureResult]:
    """Corridor's explanation sentences keyed by feature, with their sub-scores."""
    found: dict[str, FeatureResult] = {}
    for sentence in match.explanation:
        feature = feature_of(sentence)
        if feature is None:
            continue
        number = _SUBSCORE.search(sentence)
        if number is not None:
            score = float(number.group(1))
        else:
            score = match.score if "decisive" in sentence else 0.0
        key, n = feature, 2
        while key in found:
            key, n = f"{feature}_{n}", n + 1
        found[key] = FeatureResult(score=score, detail=sentence)
    return found


#: (list version id, entity id) -> (FtM properties, target) of a listed entity.
Stored = dict[tuple[int, str], tuple[dict[str, list[str]], bool]]


def stored_entities(store: Store, matches: Iterable[Match], cache: Stored | None = None) -> Stored:
    """(version id, entity id) -> (properties, target) of the matched entities.

    A list version's entities never change once loaded (a new file makes a new
    version), so ``cache`` (kept with the loaded index, see `corridor.api.state`) may
    hold them for as long as that index serves: the store is read only for entities not
    seen before, which saves about 0.7 ms per request once the usual hits are cached.
    """
    wanted = {(v, m.entity.entity_id) for m in matches for v in m.entity.list_versions.values()}
    if not wanted:
        return {}
    found: Stored = {}
    missing = wanted
    if cache is not None:
        found = {k: cache[k] for k in wanted if k in cache}
        missing = wanted - found.keys()
    if missing:
        read = _read_entities(store, missing)
        found.update(read)
        if cache is not None:
            cache.update(read)
    return found


def _read_entities(store: Store, wanted: set[tuple[int, str]]) -> Stored:
    # Filter on the entity id alone, which has its own index: with the version ids in
    # the WHERE clause too, SQLite may pick the version index and read a whole list.
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                ListEntity.version_id,
                ListEntity.entity_id,
                ListEntity.properties,
                ListEntity.target,
            ).where(ListEntity.entity_id.in_({e for _, e in wanted}))
        )
        return {
            (r.version_id, r.entity_id): (r.properties, r.target)
            for r in rows
            if (r.version_id, r.entity_id) in wanted
        }


def scored_entity(
    match: Match,
    stored: Stored,
    versions: dict[int, ListVersion],
) -> ScoredEntityResponse:
    """One match in yente's shape."""
    entity = match.entity
    properties: dict[str, list[str]] = {}
    target = True
    last_seen = None
    for version_id in entity.list_versions.values():
        props, target = stored.get((version_id, entity.entity_id), ({}, True))
        for prop, values in props.items():
            properties.setdefault(prop, []).extend(
                v for v in values if v not in properties.get(prop, [])
            )
        version = versions.get(version_id)
        if version is not None:
            last_seen = as_utc(version.loaded_at)
    if not properties:
        properties = {"name": [entity.caption]}
    explained = explanations(match)
    return ScoredEntityResponse(
        id=entity.entity_id,
        caption=entity.caption,
        schema=entity.schema,
        properties=properties,
        datasets=sorted(entity.list_versions),
        referents=list(entity.sources),
        target=target,
        last_seen=last_seen,
        score=match.score,
        match=match.is_match,
        features={k: v.score for k, v in explained.items()},
        explanations=explained,
    )
