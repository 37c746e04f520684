"""EU Financial Sanctions Files (FSF): the consolidated list in XML and in CSV.

Both carry the EU's ``logicalId`` per sanctioned entity (the XML's ``sanctionEntity``
attribute, the CSV's ``Entity_logical_id`` column), so both give entity ``eu-<logicalId>``
and versions loaded from either format line up.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    add_identifier,
    entity_id,
    make_entity,
    make_sanction,
    parse_date,
)
from corridor.sources.inputs import (
    iter_xml,
    local_name,
    read_csv,
    read_head,
    release,
    require_columns,
)

AUTHORITY = "European Union"
PREFIX = "eu"
#: ``<export ... generationDate="2026-01-27T18:00:00.000+01:00">``.
_GENERATION_DATE = re.compile(rb'generationDate="([^"]+)"')
#: EU subject types: P (person), E (enterprise: companies, groups, other bodies).
_SCHEMATA = {"p": "Person", "person": "Person", "e": "Organization", "enterprise": "Organization"}
#: EU identification type codes -> Corridor identifier kinds.
_ID_KINDS = {
    "passport": "passport",
    "id": "national_id",
    "nationalid": "national_id",
    "regnumber": "registration",
    "fiscalcode": "tax",
    "tax": "tax",
    "swiftbic": "bic",
    "bic": "bic",
    "imo": "imo",
    "other": "national_id",
}
_DIGITS = re.compile(r"\d+")
_CSV_ID = re.compile(r"^(?P<number>\S+)\s*\((?P<code>[a-z]+)\b")


def _identifier(entity: EntityProxy, code: str, number: str, country: str | None) -> None:
    """Add an EU identification; Russian tax (10/12 digits) and registration numbers
    (13/15 digits) become INN and OGRN (Sberbank: INN 7707083893, OGRN 1027700132195)."""
    kind = _ID_KINDS.get(code.lower().strip(), "national_id")
    digits = number.strip()
    russian = (country or "").upper() in ("RU", "RUS", "RUSSIAN FEDERATION")
    if russian and kind == "tax" and _DIGITS.fullmatch(digits) and len(digits) in (10, 12):
        kind = "inn"
    if russian and kind == "registration" and _DIGITS.fullmatch(digits) and len(digits) in (13, 15):
        kind = "ogrn"
    add_identifier(entity, kind, number)


# --------------------------------------------------------------------------- XML


class EuFsfXml:
    """The FSF XML export (``xmlFullSanctionsList_1_1``)."""

    name = "eu-fsf-xml"
    source = "eu"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"fpi/fsd/export" in head

    def open(self, path: Path) -> ParsedList:
        found = _GENERATION_DATE.search(read_head(path))
        return ParsedList(
            list_name="eu_fsf",
            source=self.source,
            format=self.name,
            files=[path],
            entities=_parse_xml(path),
            published=parse_date(found.group(1).decode("ascii", "replace")) if found else None,
        )


def _parse_xml(path: Path) -> Iterator[ParsedEntity]:
    for element in iter_xml(path):
        if local_name(element) != "sanctionEntity":
            continue
        yield from _xml_entity(path, element)
        release(element)


def _kids(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if local_name(c) == name]


def _attr(element: etree._Element, *names: str) -> str | None:
    for name in names:
        value = element.get(name)
        if value is not None and value.strip():
            return " ".join(value.split())
    return None


def _country(element: etree._Element) -> str | None:
    return _attr(element, "countryIso2Code", "countryIsoAlpha2Code", "countryDescription")


def _xml_entity(path: Path, element: etree._Element) -> Iterator[ParsedEntity]:
    logical_id = _attr(element, "logicalId")
    subject = _kids(element, "subjectType")
    kind = _attr(subject[0], "classificationCode", "code") if subject else None
    schema = _SCHEMATA.get((kind or "").lower())
    if logical_id is None or schema is None:
        raise CorridorError.at(
            path,
            "sanctionEntity without logicalId or a known subjectType (P or E)",
            line=element.sourceline,
        )
    entity = make_entity(schema, entity_id(PREFIX, logical_id))
    _xml_names(entity, _kids(element, "nameAlias"))
    for item in _kids(element, "citizenship"):
        entity.add("nationality" if schema == "Person" else "country", _country(item), quiet=True)
    for item in _kids(element, "birthdate"):
        entity.add("birthDate", _attr(item, "birthdate", "year"), quiet=True)
        place = [_attr(item, a) for a in ("city", "place", "region", "countryDescription")]
        entity.add("birthPlace", ", ".join(p for p in place if p) or None, quiet=True)
    for item in _kids(element, "identification"):
        number = _attr(item, "number", "latinNumber")
        if number:
            _identifier(entity, _attr(item, "identificationTypeCode") or "", number, _country(item))
    for item in _kids(element, "address"):
        parts = [
            _attr(item, a)
            for a in ("street", "poBox", "zipCode", "city", "region", "place", "countryDescription")
        ]
        entity.add("address", ", ".join(p for p in parts if p) or None)
        entity.add("country", _country(item), quiet=True)
    for remark in _kids(element, "remark"):
        entity.add("notes", " ".join((remark.text or "").split()) or None)
    regulations = _kids(element, "regulation")
    dates = sorted(d for r in regulations if (d := _attr(r, "publicationDate")))
    urls = [
        " ".join((u.text or "").split()) for r in regulations for u in _kids(r, "publicationUrl")
    ]
    sanction = make_sanction(
        entity,
        authority=AUTHORITY,
        programs=sorted({p for r in regulations if (p := _attr(r, "programme"))}),
        listing_date=_attr(element, "designationDate") or (dates[0] if dates else None),
        authority_id=_attr(element, "euReferenceNumber"),
        unsc_id=_attr(element, "unitedNationId"),
        source_url=urls[0] if urls else None,
        reason=_attr(element, "designationDetails"),
    )
    yield ParsedEntity(entity, logical_id)
    yield ParsedEntity(sanction, logical_id)


def _xml_names(entity: EntityProxy, aliases: list[etree._Element]) -> None:
    """The first strong alias names the entity; weak ones (``strong="false"``) stay weak."""
    for alias in aliases:
        whole = _attr(alias, "wholeName") or " ".join(
            p for p in (_attr(alias, n) for n in ("firstName", "middleName", "lastName")) if p
        )
        strong = (alias.get("strong") or "true").lower() != "false"
        if not whole:
            continue
        if strong and not entity.has("name"):
            entity.add("name", whole)
            if entity.schema.name == "Person":
                entity.add("firstName", _attr(alias, "firstName"))
                entity.add("middleName", _attr(alias, "middleName"))
                entity.add("lastName", _attr(alias, "lastName"))
        else:
            entity.add("alias" if strong else "weakAlias", whole)
        if entity.schema.name == "Person":
            gender = {"M": "male", "F": "female"}.get((alias.get("gender") or "").upper())
            entity.add("gender", gender)
        entity.add("position", _attr(alias, "function"), quiet=True)
        entity.add("title", _attr(alias, "title"), quiet=True)


# --------------------------------------------------------------------------- CSV


#: Columns a v1.0 FSF CSV must have; the rest are read when present.
_CSV_REQUIRED = ("Date_file", "Entity_logical_id", "Subject_type", "Naal_wholename")


@dataclass
class _CsvEntity:
    logical_id: str
    subject: str
    rows: list[dict[str, str]] = field(default_factory=list)


class EuFsfCsv:
    """The FSF CSV v1.0 (semicolon-separated, cp1252, one row per detail of an entity).

    Some copies quote each whole line (``"04/07/2018;1;P;...;EU.36.64<tabs>"``) with the
    fields inside quoted by doubled quotes; those lines are split a second time.
    """

    name = "eu-fsf-csv"
    source = "eu"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.lstrip(b'\xef\xbb\xbf"').startswith(b"Date_file")

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse_csv(path, parsed),
            list_name="eu_fsf",
            source=self.source,
            format=self.name,
            files=[path],
        )


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    for line, row in read_csv(path, encoding="cp1252", delimiter=";"):
        if len(row) == 1 and ";" in row[0]:  # a whole-line-quoted copy
            row = next(csv.reader([row[0].rstrip("\t ")], delimiter=";"))
        yield line, [value.rstrip("\t ") for value in row]


def _parse_csv(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    rows = _csv_rows(path)
    first = next(rows, None)
    if first is None:
        raise CorridorError.at(path, "no header; expected an EU FSF CSV header line")
    header = ["Date_file" if h.startswith("Date_file") else h.strip() for h in first[1]]
    index = require_columns(path, header, _CSV_REQUIRED, line=first[0])
    current: _CsvEntity | None = None
    for line, row in rows:
        if len(row) != len(header):
            raise CorridorError.at(
                path, f"{len(row)} fields; expected {len(header)} as in the header", line=line
            )
        values = {name: row[i] for name, i in index.items()}
        if parsed.published is None:
            parsed.published = parse_date(values["Date_file"], ("%d/%m/%Y",))
        logical_id = values["Entity_logical_id"].strip()
        if not logical_id:
            raise CorridorError.at(path, "empty Entity_logical_id", line=line)
        if current is not None and current.logical_id != logical_id:
            yield from _csv_entity(path, current)
            current = None
        if current is None:
            current = _CsvEntity(logical_id, values["Subject_type"].strip())
        current.rows.append(values)
    if current is not None:
        # A file cut short (as the 1,000-line sample is) still yields its last entity with
        # the rows it has: an entity is never dropped for missing details.
        yield from _csv_entity(path, current)


def _csv_entity(path: Path, item: _CsvEntity) -> Iterator[ParsedEntity]:
    schema = _SCHEMATA.get(item.subject.lower())
    if schema is None:
        raise CorridorError.at(
            path, f"entity {item.logical_id}: Subject_type {item.subject!r}; expected P or E"
        )
    entity = make_entity(schema, entity_id(PREFIX, item.logical_id))
    seen: set[tuple[str, str]] = set()
    for row in item.rows:
        for group in ("Naal", "Addr", "Birt", "Iden", "Citi"):
            key = (group, row.get(f"{group}_logical_id", ""))
            if key[1] and key not in seen:
                seen.add(key)
                _csv_detail(entity, group, row)
    first = item.rows[0]
    sanction = make_sanction(
        entity,
        authority=AUTHORITY,
        programs=sorted({p for r in item.rows if (p := r.get("Programme", "").strip())}),
        listing_date=min(
            (d for r in item.rows if (d := r.get("Leba_publication_date", ""))), default=None
        ),
        authority_id=first.get("EU_ref_num") or None,
        source_url=first.get("Leba_url") or None,
    )
    for remark in sorted({r.get("Entity_remark", "") for r in item.rows} - {""}):
        entity.add("notes", remark.replace("\\n", " "))
    yield ParsedEntity(entity, item.logical_id)
    yield ParsedEntity(sanction, item.logical_id)


def _csv_detail(entity: EntityProxy, group: str, row: dict[str, str]) -> None:
    def get(name: str) -> str | None:
        return row.get(name, "").strip() or None

    if group == "Naal":
        whole = get("Naal_wholename") or " ".join(
            p for p in (get("Naal_firstname"), get("Naal_middlename"), get("Naal_lastname")) if p
        )
        if whole and whole not in entity.get("name"):
            entity.add("alias" if entity.has("name") else "name", whole)
        if entity.schema.name == "Person":
            entity.add("gender", {"M": "male", "F": "female"}.get(get("Naal_gender") or ""))
        entity.add("position", get("Naal_function"), quiet=True)
        entity.add("title", get("Naal_title"), quiet=True)
    elif group == "Addr":
        parts = [
            get(c)
            for c in (
                "Addr_number",
                "Addr_street",
                "Addr_zipcode",
                "Addr_city",
                "Addr_country",
                "Addr_other",
            )
        ]
        entity.add("address", ", ".join(p for p in parts if p) or None)
        entity.add("country", get("Addr_country"), quiet=True)
    elif group == "Birt":
        entity.add("birthDate", get("Birt_date"), quiet=True)
        place = ", ".join(p for p in (get("Birt_place"), get("Birt_country")) if p)
        entity.add("birthPlace", place or None, quiet=True)
    elif group == "Iden":
        number = get("Iden_number")
        if number:
            # v1.0 writes the type after the number: "AD001095 (passport-National passport)".
            typed = _CSV_ID.match(number)
            code, number = (typed["code"], typed["number"]) if typed else ("id", number)
            _identifier(entity, code, number, get("Iden_country"))
    elif group == "Citi":
        entity.add(
            "nationality" if entity.schema.name == "Person" else "country",
            get("Citi_country"),
            quiet=True,
        )


FORMATS = (EuFsfXml(), EuFsfCsv())
