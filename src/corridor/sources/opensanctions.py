"""OpenSanctions exports: FollowTheMoney JSON lines and ``targets.simple.csv``.

OpenSanctions ids (``NK-26WkuEefVYLmYk8aTHMC9E``) are already global and stable, so they are
kept as entity ids and as record ids.

**List name.** ``os_<dataset>``. FtM lines carry the machine name in ``datasets``
(``["ua_war_sanctions"]``): when every entity of the file names the same single dataset, that
is the list. Otherwise (a collection such as ``sanctions`` mixes datasets), and always for
``targets.simple.csv`` (whose ``dataset`` column holds the title, "Ukraine War and
Sanctions"), the name comes from the file name as OpenSanctions mirrors save it
(``ua_war_sanctions_targets.simple_2026-03-13.csv`` -> ``os_ua_war_sanctions``); a bare
``targets.simple.csv`` falls back to the slug of its ``dataset`` title, a bare
``entities.ftm.json`` to ``os_opensanctions``.

**Publication date.** The newest ``last_seen`` in the file: OpenSanctions stamps every entity
it still sees with the time of the export run (``last_change`` is older: when the data last
changed), so the newest ``last_seen`` is when the export was made.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy
from normality import slugify
from rigour.ids import IMO, INN, OGRN

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    add_identifier,
    make_entity,
    make_sanction,
    parse_date,
)
from corridor.sources.inputs import read_csv, read_head, require_columns, text_lines

SOURCE = "opensanctions"
#: Columns targets.simple.csv must have; the others (birth_date, countries, addresses,
#: sanctions, phones, emails, program_ids, first_seen, last_seen, last_change) are optional.
_CSV_REQUIRED = ("id", "schema", "name", "aliases", "identifiers", "dataset")
#: Parts of an OpenSanctions export file name that are not the dataset.
_FILE_NOISE = re.compile(
    r"((\.(gz|zip|json|jsonl|csv))+$)|entities\.ftm|targets\.(simple|nested)|(?<![a-z])ftm(?![a-z])"
    r"|(19|20)\d\d-?\d\d-?\d\d"
)
#: Nested entities deeper than this are refused (real exports nest two or three levels:
#: a Person's ``ownershipOwner`` -> Ownership -> ``asset`` Company).
_MAX_DEPTH = 8
#: ``IMO9253325``: IMO numbers are written with their prefix in targets.simple.csv.
_IMO = re.compile(r"IMO\d{7}")
#: An MMSI is nine digits, the first (2-7) starting the country's maritime identification
#: digits (ITU-R M.585): "273451870" is a Russian-flagged ship.
_MMSI = re.compile(r"[2-7]\d{8}")
#: ITU call signs have at most seven characters and at least one letter: "UBRS8", "9LU2058".
_CALL_SIGN = re.compile(r"(?=[0-9]*[A-Z])[A-Z0-9]{3,7}")


def _slug(text: str | None) -> str | None:
    return slugify(text, sep="_") if text else None


def list_name_from_file(path: Path) -> str | None:
    """``os_<dataset>`` from a mirror's file name, or None when the name is generic."""
    stem = _slug(_FILE_NOISE.sub("_", path.name.lower()))
    return f"os_{stem}" if stem else None


def _later(current: date | None, *texts: Any) -> date | None:
    """The later of ``current`` and the first of ``texts`` that is a date."""
    found = next((d for t in texts if isinstance(t, str) and (d := parse_date(t))), None)
    if found is None:
        return current
    return found if current is None or found > current else current


class _SchemaGuard:
    """Refuse an id that comes back with an incompatible schema (a Person, then a Vessel).

    The store merges repeated ids; FtM cannot merge two such entities, so the file is wrong.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._seen: dict[str, str] = {}

    def check(self, entity: EntityProxy, line: int) -> None:
        key = str(entity.id)
        before = self._seen.setdefault(key, entity.schema.name)
        if before == entity.schema.name:
            return
        try:
            model.common_schema(before, entity.schema.name)
        except FollowTheMoneyException as exc:
            raise CorridorError.at(
                self._path,
                f"entity {key!r} is a {entity.schema.name} here but a {before} earlier",
                line=line,
            ) from exc


# ----------------------------------------------------------------- FtM JSON lines


class FtmJsonLines:
    """FollowTheMoney entities, one JSON object per line (``entities.ftm.json``).

    Both the flat export and the "nested" one (property values that are entity objects,
    ``targets.nested.json``) load: nested entities are emitted as entities of their own and
    their place in the parent becomes their id.
    """

    name = "opensanctions-ftm-json"
    source = SOURCE

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        return first.startswith(b"{") and all(
            key in first for key in (b'"id"', b'"schema"', b'"properties"')
        )

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse_jsonl(path, parsed),
            list_name=_ftm_list_name(path),
            source=self.source,
            format=self.name,
            files=[path],
        )


def _ftm_list_name(path: Path) -> str:
    """The one dataset all entities name, else the file name, else ``os_opensanctions``."""
    dataset = _slug(_common_dataset(path))
    return f"os_{dataset}" if dataset else list_name_from_file(path) or "os_opensanctions"


def _common_dataset(path: Path) -> str | None:
    """The one dataset every line's ``datasets`` names, if there is one.

    This reads the file once before parsing (the list name is needed before the entities);
    it stops at the first line without, or disagreeing on, a dataset. Errors are left for
    the parse to report with their line.
    """
    common: set[str] | None = None
    try:
        for line in text_lines(path):
            if not line.strip():
                continue
            data = json.loads(line)
            datasets = data.get("datasets") if isinstance(data, dict) else None
            if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
                return None
            common = set(datasets) if common is None else common & set(datasets)
            if not common:
                return None
    except (CorridorError, ValueError, RecursionError):
        return None
    return next(iter(common)) if common is not None and len(common) == 1 else None


def _parse_jsonl(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    guard = _SchemaGuard(path)
    for number, line in enumerate(text_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise CorridorError.at(path, f"not a JSON object ({exc})", line=number) from exc
        if not isinstance(data, dict):
            raise CorridorError.at(
                path, f"expected a JSON object per line, found {type(data).__name__}", line=number
            )
        parsed.published = _later(parsed.published, data.get("last_seen"), data.get("last_change"))
        for item in _flatten(path, number, data, depth=0):
            entity = _proxy(path, number, item)
            guard.check(entity, number)
            target = item.get("target")
            yield ParsedEntity(
                entity, str(entity.id), target=target if isinstance(target, bool) else None
            )


def _flatten(path: Path, line: int, data: dict[str, Any], depth: int) -> Iterator[dict[str, Any]]:
    """Yield the entities nested in ``data``'s properties before ``data`` itself, replacing
    each nested entity by its id.

    A nested entity under a reverse property (a Person's ``sanctions`` holding the Sanction)
    may omit the forward link back to its parent; it is added, so the Sanction still names
    its ``entity``.
    """
    if depth > _MAX_DEPTH:
        raise CorridorError.at(path, f"entities nested more than {_MAX_DEPTH} deep", line=line)
    properties = data.get("properties")
    schema = model.get(data["schema"]) if isinstance(data.get("schema"), str) else None
    if isinstance(properties, dict):
        for name, values in list(properties.items()):
            flat: list[Any] = []
            for value in values if isinstance(values, list) else [values]:
                if not isinstance(value, dict):
                    flat.append(value)
                    continue
                if not value.get("id") or not isinstance(value.get("properties", {}), dict):
                    raise CorridorError.at(
                        path, f"nested entity in {name!r} without an id", line=line
                    )
                prop = schema.get(name) if schema is not None else None
                if prop is not None and prop.stub and prop.reverse is not None:
                    back = value.setdefault("properties", {}).setdefault(prop.reverse.name, [])
                    if isinstance(back, list) and data.get("id") not in back:
                        back.append(data.get("id"))
                yield from _flatten(path, line, value, depth + 1)
                flat.append(value["id"])
            properties[name] = flat
    yield data


def _proxy(path: Path, line: int, data: dict[str, Any]) -> EntityProxy:
    """FtM's own loading (values are cleaned: an invalid date or INN is dropped)."""
    try:
        entity = model.get_proxy(data, cleaned=False)
    except (FollowTheMoneyException, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise CorridorError.at(path, f"not a FollowTheMoney entity ({exc})", line=line) from exc
    if not entity.id:
        raise CorridorError.at(path, "entity without an id", line=line)
    return entity


# ----------------------------------------------------------------- targets.simple.csv


class TargetsSimpleCsv:
    """The flat ``targets.simple.csv`` export: one row per listed entity."""

    name = "opensanctions-targets-csv"
    source = SOURCE

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].replace(b'"', b"")
        return first.startswith(b"id,schema,name,aliases")

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse_csv(path, parsed),
            list_name=list_name_from_file(path) or _title_list_name(path),
            source=self.source,
            format=self.name,
            files=[path],
        )


def _title_list_name(path: Path) -> str:
    """``os_`` + the slug of the first row's ``dataset`` title ("Ukraine War" -> os_ukraine_war)."""
    lines = read_head(path, 65536).decode("utf-8-sig", errors="replace").splitlines()
    rows = list(csv.reader(lines[:2]))
    if len(rows) == 2 and "dataset" in rows[0] and len(rows[1]) == len(rows[0]):
        title = _slug(rows[1][rows[0].index("dataset")])
        if title:
            return f"os_{title}"
    return "os_opensanctions"


def _parse_csv(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    rows = read_csv(path, encoding="utf-8-sig")
    header = next(rows, None)
    if header is None:
        raise CorridorError.at(path, "no header; expected id,schema,name,aliases,...", line=1)
    index = require_columns(path, header[1], _CSV_REQUIRED, line=header[0])
    guard = _SchemaGuard(path)
    for line, row in rows:
        if len(row) != len(header[1]):
            raise CorridorError.at(path, f"{len(row)} fields; expected {len(header[1])}", line=line)
        values = {name: row[i].strip() for name, i in index.items()}
        parsed.published = _later(parsed.published, values.get("last_seen"))
        for item in _target(path, line, values):
            guard.check(item.entity, line)
            yield item


def _multi(value: str | None) -> list[str]:
    '''The values of a ;-separated cell.

    OpenSanctions quotes a value that holds a ``;`` or a quote, CSV-style inside the cell:
    ``"ANO ""NIKEA"""`` is the one alias ``ANO "NIKEA"``.
    '''
    if not value:
        return []
    try:
        cells = next(csv.reader([value], delimiter=";", strict=True), [])
    except csv.Error:
        cells = value.split(";")
    return [c.strip() for c in cells if c.strip()]


def _target(path: Path, line: int, values: dict[str, str]) -> Iterator[ParsedEntity]:
    """The row's entity and, when it names sanctions or programmes, its Sanction."""
    schema = model.get(values["schema"])
    if schema is None or schema.abstract:
        raise CorridorError.at(
            path, f"schema {values['schema']!r} is not a FollowTheMoney schema", line=line
        )
    if not values["id"]:
        raise CorridorError.at(path, "row without an id", line=line)
    entity = make_entity(schema.name, values["id"])
    entity.add("name", values["name"] or None, quiet=True)
    entity.add("alias", _multi(values["aliases"]), quiet=True)
    entity.add("birthDate", _multi(values.get("birth_date")), quiet=True)
    countries = _multi(values.get("countries"))
    # "countries" merges every country-typed property (nationality, jurisdiction, flag...);
    # FtM's generic "country" says no more than that.
    entity.add("country", countries, quiet=True)
    entity.add("address", _multi(values.get("addresses")), quiet=True)
    entity.add("phone", _multi(values.get("phones")), quiet=True)
    entity.add("email", _multi(values.get("emails")), quiet=True)
    russian = not countries or "ru" in countries
    for identifier in _multi(values["identifiers"]):
        add_identifier(entity, identifier_kind(entity, identifier, russian), identifier)
    entity.context.update(
        {k: values[k] for k in ("first_seen", "last_seen", "last_change") if values.get(k)}
    )
    yield ParsedEntity(entity, values["id"], target=True)
    reasons = _multi(values.get("sanctions"))
    programs = _multi(values.get("program_ids"))
    if reasons or programs:
        sanction = make_sanction(
            entity, authority=values["dataset"] or "OpenSanctions", programs=programs
        )
        sanction.add("reason", reasons)
        yield ParsedEntity(sanction, values["id"], target=False)


def identifier_kind(entity: EntityProxy, value: str, russian: bool) -> str:
    """The kind (see `corridor.sources.base.IDENTIFIER_PROPS`) of an untyped identifier.

    The ``identifiers`` column does not say what each value is; a value is typed only where
    its form proves it: an IMO number with a valid check digit; for vessels a nine-digit
    MMSI or a call sign; for Russian entities (``ru`` among the countries, or no country,
    as for the Crimean companies of ua_war_sanctions) a 10/12-digit INN or 13/15-digit
    OGRN whose check digits Rigour accepts. Everything else stays generic: a person's
    ``idNumber``, anyone else's ``registrationNumber``.
    """
    if _IMO.fullmatch(value) and IMO.is_valid(value):
        return "imo"
    if entity.schema.is_a("Vessel"):
        if _MMSI.fullmatch(value):
            return "mmsi"
        return "call_sign" if _CALL_SIGN.fullmatch(value) else "registration"
    if russian and value.isdigit():
        # A person's INN has 12 digits; 10 digits are a company's.
        inn_lengths = (12,) if entity.schema.is_a("Person") else (10, 12)
        if len(value) in inn_lengths and INN.is_valid(value):
            return "inn"
        if len(value) in (13, 15) and OGRN.is_valid(value):
            return "ogrn"
    return "national_id" if entity.schema.is_a("Person") else "registration"


FORMATS = (FtmJsonLines(), TargetsSimpleCsv())
