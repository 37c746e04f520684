"""UN Security Council consolidated sanctions list (``consolidated.xml``, sc-sanctions.xsd).

One ``INDIVIDUAL`` or ``ENTITY`` element per listed party; ``DATAID`` is the UN's stable
record id and ``REFERENCE_NUMBER`` (e.g. ``QDi.001``) the permanent reference the
Security Council committees cite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
from corridor.sources.inputs import iter_xml, local_name, read_head, release

#: ``<CONSOLIDATED_LIST ... dateGenerated="2026-02-27T00:00:09.554Z">`` on the root.
_DATE_GENERATED = re.compile(rb'dateGenerated="([^"]+)"')
#: A birth-year range wider than this is noise, not an estimate ("1900 to 1990").
_MAX_YEAR_SPAN = 15
#: Document types as the UN writes them, in English, French and Spanish.
_PASSPORT = ("passport", "passeport", "pasaporte")
_NATIONAL_ID = ("national identification", "national id", "identity card")


class UnXml:
    """The UN consolidated list XML format."""

    name = "un-sc-xml"
    source = "un"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<CONSOLIDATED_LIST" in head

    def open(self, path: Path) -> ParsedList:
        found = _DATE_GENERATED.search(read_head(path))
        published = parse_date(found.group(1).decode("ascii", "replace")) if found else None
        return ParsedList(
            list_name="un_sc",
            source=self.source,
            format=self.name,
            files=[path],
            entities=_parse(path),
            published=published,
        )


def _parse(path: Path) -> Iterator[ParsedEntity]:
    for element in iter_xml(path, tags=("INDIVIDUAL", "ENTITY")):
        yield from _record(path, element)
        release(element)


def _text(element: etree._Element, path: str) -> str | None:
    value = element.findtext(path)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _texts(element: etree._Element, path: str) -> list[str]:
    return [v for v in (" ".join((e.text or "").split()) for e in element.iterfind(path)) if v]


def _record(path: Path, element: etree._Element) -> Iterator[ParsedEntity]:
    dataid = _text(element, "DATAID")
    if dataid is None:
        raise CorridorError.at(
            path,
            f"{local_name(element)} without DATAID; expected the UN record id",
            line=element.sourceline,
        )
    is_person = element.tag == "INDIVIDUAL"
    entity = make_entity("Person" if is_person else "Organization", entity_id("un", dataid))
    parts = [
        _text(element, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    ]
    entity.add("name", " ".join(p for p in parts if p))
    if is_person:
        entity.add("firstName", parts[0])
    entity.add("alias", _text(element, "NAME_ORIGINAL_SCRIPT"))
    _aliases(entity, element, "INDIVIDUAL_ALIAS" if is_person else "ENTITY_ALIAS")
    _addresses(entity, element, "INDIVIDUAL_ADDRESS" if is_person else "ENTITY_ADDRESS")
    entity.add("notes", _text(element, "COMMENTS1"))
    entity.add("modifiedAt", _texts(element, "LAST_DAY_UPDATED/VALUE"))
    if is_person:
        _person_details(entity, element)
    sanction = make_sanction(
        entity,
        authority="UN Security Council",
        programs=[p for p in [_text(element, "UN_LIST_TYPE")] if p],
        listing_date=_text(element, "LISTED_ON"),
        unsc_id=_text(element, "REFERENCE_NUMBER"),
    )
    yield ParsedEntity(entity, dataid)
    yield ParsedEntity(sanction, dataid)


def _aliases(entity: EntityProxy, element: etree._Element, tag: str) -> None:
    for alias in element.iterfind(tag):
        name = _text(alias, "ALIAS_NAME")
        # QUALITY "Low" is the UN's own flag for an alias too weak to match on alone.
        quality = (_text(alias, "QUALITY") or "").lower()
        entity.add("weakAlias" if quality == "low" else "alias", name)


def _addresses(entity: EntityProxy, element: etree._Element, tag: str) -> None:
    for address in element.iterfind(tag):
        parts = [
            _text(address, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        ]
        entity.add("address", ", ".join(p for p in parts if p) or None)
        entity.add("country", _text(address, "COUNTRY"), quiet=True)


def _person_details(entity: EntityProxy, element: etree._Element) -> None:
    entity.add("secondName", _text(element, "SECOND_NAME"))
    entity.add("title", _texts(element, "TITLE/VALUE"))
    entity.add("position", _texts(element, "DESIGNATION/VALUE"))
    entity.add("nationality", _texts(element, "NATIONALITY/VALUE"), quiet=True)
    entity.add("gender", (_text(element, "GENDER") or "").lower() or None, quiet=True)
    for birth in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        entity.add("birthDate", _birth_dates(birth), quiet=True)
    for place in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = [_text(place, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY")]
        entity.add("birthPlace", ", ".join(p for p in parts if p) or None)
        entity.add("birthCountry", _text(place, "COUNTRY"), quiet=True)
    for document in element.iterfind("INDIVIDUAL_DOCUMENT"):
        _document(entity, document)


def _birth_dates(birth: etree._Element) -> list[str]:
    """Exact date, a year, or each year of a FROM_YEAR-TO_YEAR range.

    A range such as 1964-1966 becomes three candidate years, so a customer born in any
    of them meets the listing; spans over `_MAX_YEAR_SPAN` keep only their ends.
    """
    exact = _text(birth, "DATE")
    if exact:
        return [exact[:10]]
    year = _text(birth, "YEAR")
    if year:
        return [year]
    start, end = _text(birth, "FROM_YEAR"), _text(birth, "TO_YEAR")
    if start and end and start.isdigit() and end.isdigit():
        first, last = int(start), int(end)
        if 0 <= last - first <= _MAX_YEAR_SPAN:
            return [str(y) for y in range(first, last + 1)]
        return [start, end]
    return [y for y in (start, end) if y]


def _document(entity: EntityProxy, document: etree._Element) -> None:
    number = _text(document, "NUMBER")
    if number is None:
        return
    kind = (_text(document, "TYPE_OF_DOCUMENT") or "").lower()
    if any(word in kind for word in _PASSPORT):
        add_identifier(entity, "passport", number)
    elif any(word in kind for word in _NATIONAL_ID):
        add_identifier(entity, "national_id", number)
    else:
        add_identifier(entity, "national_id", number)
        entity.add("notes", f"{_text(document, 'TYPE_OF_DOCUMENT') or 'Document'}: {number}")


FORMATS = (UnXml(),)
