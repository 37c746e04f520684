"""OpenSanctions exports: FollowTheMoney JSON lines and ``targets.simple.csv``.

OpenSanctions ids (``NK-26WkuEefVYLmYk8aTHMC9E``) are already global and stable, so
they are kept as entity ids and as record ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy

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

_SLUG = re.compile(r"[^a-z0-9]+")
#: ``IMO9253325``: the only identifier in targets.simple.csv whose type its form reveals.
_IMO = re.compile(r"^IMO\d{7}$")
_CSV_REQUIRED = ("id", "schema", "name", "aliases", "identifiers", "dataset")


def _slug(text: str) -> str:
    return _SLUG.sub("_", text.lower()).strip("_")


def list_name_from_file(path: Path, dataset: str | None) -> str:
    """``os_<dataset>``: from the file name OpenSanctions mirrors use
    (``ua_war_sanctions_targets.simple_2026-03-13.csv`` -> ``os_ua_war_sanctions``), else
    from the dataset named inside the file."""
    stem = path.name.lower().split("targets.simple")[0].split("entities.ftm")[0].strip("_.-")
    if stem:
        return f"os_{_slug(stem)}"
    return f"os_{_slug(dataset or 'default')}"


def _later(current: date | None, text: str | None) -> date | None:
    found = parse_date(text)
    if found is None:
        return current
    return found if current is None or found > current else current


# ----------------------------------------------------------------- FtM JSON lines


class FtmJsonLines:
    """FollowTheMoney entities, one JSON object per line (``entities.ftm.json``)."""

    name = "opensanctions-ftm-json"
    source = "opensanctions"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.lstrip().split(b"\n", 1)[0]
        return first.startswith(b"{") and b'"schema"' in first and b'"properties"' in first

    def open(self, path: Path) -> ParsedList:
        first = read_head(path).split(b"\n", 1)[0]
        try:
            datasets = json.loads(first).get("datasets") or []
        except (ValueError, AttributeError):
            datasets = []
        return ParsedList.streaming(
            lambda parsed: _parse_jsonl(path, parsed),
            list_name=list_name_from_file(path, datasets[0] if datasets else None),
            source=self.source,
            format=self.name,
            files=[path],
        )


def _parse_jsonl(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    for number, line in enumerate(text_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise CorridorError.at(path, f"not a JSON object ({exc})", line=number) from exc
        if not isinstance(data, dict):
            raise CorridorError.at(path, "expected a JSON object per line", line=number)
        for item in _flatten(data):
            yield _entity(path, number, item)
        parsed.published = _later(
            parsed.published, data.get("last_change") or data.get("last_seen")
        )


def _flatten(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield nested entities (a property value that is itself an entity) before their
    parent, with the parent's value replaced by the nested entity's id."""
    properties = data.get("properties")
    if isinstance(properties, dict):
        for prop, values in properties.items():
            if not isinstance(values, list):
                continue
            flat = []
            for value in values:
                if isinstance(value, dict) and "schema" in value:
                    yield from _flatten(value)
                    flat.append(value.get("id"))
                else:
                    flat.append(value)
            properties[prop] = flat
    yield data


def _entity(path: Path, line: int, data: dict[str, Any]) -> ParsedEntity:
    try:
        entity = model.get_proxy(data, cleaned=False)
    except (FollowTheMoneyException, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise CorridorError.at(path, f"not a FollowTheMoney entity ({exc})", line=line) from exc
    if not entity.id:
        raise CorridorError.at(path, "entity without an id", line=line)
    target = data.get("target")
    return ParsedEntity(entity, entity.id, target=target if isinstance(target, bool) else None)


# ----------------------------------------------------------------- targets.simple.csv


class TargetsSimpleCsv:
    """The flat ``targets.simple.csv`` export: one row per target entity."""

    name = "opensanctions-targets-csv"
    source = "opensanctions"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].replace(b'"', b"")
        return first.startswith(b"id,schema,name,aliases")

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse_csv(path, parsed),
            list_name=list_name_from_file(path, None),
            source=self.source,
            format=self.name,
            files=[path],
        )


def _parse_csv(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    rows = read_csv(path, encoding="utf-8-sig")
    header = next(rows, None)
    if header is None:
        raise CorridorError.at(path, "no header; expected id,schema,name,aliases,...")
    index = require_columns(path, header[1], _CSV_REQUIRED, line=header[0])
    for line, row in rows:
        if len(row) != len(header[1]):
            raise CorridorError.at(path, f"{len(row)} fields; expected {len(header[1])}", line=line)
        values = {name: row[i] for name, i in index.items()}
        yield from _target(path, line, values)
        parsed.published = _later(parsed.published, values.get("last_seen"))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _target(path: Path, line: int, values: dict[str, str]) -> Iterator[ParsedEntity]:
    schema = model.get(values["schema"])
    if schema is None or schema.abstract or not values["id"]:
        raise CorridorError.at(
            path, f"schema {values['schema']!r} is not a FollowTheMoney schema", line=line
        )
    entity = make_entity(schema.name, values["id"])
    entity.add("name", values["name"] or None)
    entity.add("alias", _split(values["aliases"]))
    entity.add("birthDate", _split(values.get("birth_date")), quiet=True)
    countries = _split(values.get("countries"))
    entity.add("nationality" if schema.name == "Person" else "country", countries, quiet=True)
    entity.add("address", _split(values.get("addresses")), quiet=True)
    entity.add("phone", _split(values.get("phones")), quiet=True)
    entity.add("email", _split(values.get("emails")), quiet=True)
    for identifier in _split(values["identifiers"]):
        _identifier(entity, identifier)
    yield ParsedEntity(entity, values["id"])
    reason = values.get("sanctions", "").strip().strip('"').strip()
    programs = _split(values.get("program_ids"))
    if reason or programs:
        sanction = make_sanction(
            entity,
            authority=values["dataset"] or "OpenSanctions",
            programs=programs,
            reason=reason or None,
        )
        yield ParsedEntity(sanction, values["id"])


def _identifier(entity: EntityProxy, value: str) -> None:
    """Type an identifier when its form says what it is; otherwise keep it generic
    (registration number for organisations, id number for people and vessels)."""
    if _IMO.match(value):
        add_identifier(entity, "imo", value)
    elif entity.schema.name == "Person":
        add_identifier(entity, "national_id", value)
    else:
        add_identifier(entity, "registration", value)


FORMATS = (FtmJsonLines(), TargetsSimpleCsv())
