"""OFAC ``sdn.xml`` / ``consolidated.xml`` (the classic ``sdnList`` schema).

The namespace changed when OFAC moved to its Sanctions List Service
(``http://tempuri.org/sdnList.xsd`` before, the service URL since), so elements are
matched by local name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    entity_id,
    make_entity,
    make_sanction,
    parse_date,
)
from corridor.sources.inputs import iter_xml, local_name, release
from corridor.sources.ofac_common import (
    AUTHORITY,
    ID_PREFIX,
    add_ofac_id,
    list_name_for,
    ofac_birth_dates,
    schema_for,
)

#: ``<Publish_Date>01/08/2026</Publish_Date>``: US month-first dates.
_US_DATE = ("%m/%d/%Y",)


class OfacSdnXml:
    """The sdnList XML format."""

    name = "ofac-sdn-xml"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<sdnList" in head

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse(path, parsed),
            list_name=list_name_for(path),
            source=self.source,
            format=self.name,
            files=[path],
        )


def _parse(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    for element in iter_xml(path):
        tag = local_name(element)
        if tag == "Publish_Date":
            parsed.published = parse_date(element.text, _US_DATE)
        elif tag == "sdnEntry":
            yield from _entry(path, element)
            release(element)


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in element.iter() if local_name(c) == name and c is not element)


def _text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if local_name(child) == name:
            value = " ".join((child.text or "").split())
            return value or None
    return None


def _entry(path: Path, element: etree._Element) -> Iterator[ParsedEntity]:
    uid = _text(element, "uid")
    sdn_type = _text(element, "sdnType") or ""
    schema = schema_for(sdn_type)
    if uid is None or schema is None:
        what = "uid" if uid is None else f"sdnType {sdn_type!r}"
        raise CorridorError.at(
            path, f"sdnEntry with missing or unknown {what}", line=element.sourceline
        )
    entity = make_entity(schema, entity_id(ID_PREFIX, uid))
    first, last = _text(element, "firstName"), _text(element, "lastName")
    entity.add("name", " ".join(p for p in (first, last) if p))
    if schema == "Person":
        entity.add("firstName", first)
        entity.add("lastName", last)
    entity.add("position", _text(element, "title"), quiet=True)
    entity.add("notes", _text(element, "remarks"))
    _akas(entity, element)
    _ids(entity, element)
    _addresses(entity, element)
    _personal(entity, element)
    _vessel(entity, element)
    programs = [" ".join((p.text or "").split()) for p in _children(element, "program")]
    sanction = make_sanction(entity, authority=AUTHORITY, programs=[p for p in programs if p])
    yield ParsedEntity(entity, uid)
    yield ParsedEntity(sanction, uid)


def _akas(entity: EntityProxy, element: etree._Element) -> None:
    for aka in _children(element, "aka"):
        name = " ".join(p for p in (_text(aka, "firstName"), _text(aka, "lastName")) if p)
        kind = (_text(aka, "type") or "").lower()
        weak = (_text(aka, "category") or "").lower() == "weak"
        if kind.startswith("f.k.a"):
            entity.add("previousName", name or None)
        else:
            entity.add("weakAlias" if weak else "alias", name or None)


def _ids(entity: EntityProxy, element: etree._Element) -> None:
    for item in _children(element, "id"):
        add_ofac_id(
            entity,
            _text(item, "idType") or "",
            _text(item, "idNumber") or "",
            _text(item, "idCountry"),
        )


def _addresses(entity: EntityProxy, element: etree._Element) -> None:
    fields = (
        "address1",
        "address2",
        "address3",
        "city",
        "stateOrProvince",
        "postalCode",
        "country",
    )
    for address in _children(element, "address"):
        parts = [_text(address, f) for f in fields]
        entity.add("address", ", ".join(p for p in parts if p) or None)
        entity.add("country", _text(address, "country"), quiet=True)


def _personal(entity: EntityProxy, element: etree._Element) -> None:
    for item in _children(element, "dateOfBirthItem"):
        entity.add("birthDate", ofac_birth_dates(_text(item, "dateOfBirth")), quiet=True)
    for item in _children(element, "placeOfBirthItem"):
        entity.add("birthPlace", _text(item, "placeOfBirth"), quiet=True)
    for item in _children(element, "nationality"):
        entity.add("nationality", _text(item, "country"), quiet=True)
    for item in _children(element, "citizenship"):
        entity.add("citizenship", _text(item, "country"), quiet=True)


def _vessel(entity: EntityProxy, element: etree._Element) -> None:
    for info in _children(element, "vesselInfo"):
        entity.add("callSign", _text(info, "callSign"), quiet=True)
        entity.add("type", _text(info, "vesselType"), quiet=True)
        entity.add("flag", _text(info, "vesselFlag"), quiet=True)
        entity.add("tonnage", _text(info, "tonnage"), quiet=True)
        entity.add("grossRegisteredTonnage", _text(info, "grossRegisteredTonnage"), quiet=True)
        owner = _text(info, "vesselOwner")
        entity.add("notes", f"Owner: {owner}" if owner else None)


FORMATS = (OfacSdnXml(),)
