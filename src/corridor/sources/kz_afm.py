"""Kazakhstan Financial Monitoring Agency (AFM) list of persons and organisations linked
to terrorism and extremism financing (``afmrk.gov.kz/blacklist/export/active/xml``).

The element names (``person`` with ``fname``, ``mname``, ``lname``, ``birthdate``,
``iin``, ``note``, ``correction``, ``added_to_list``; ``org`` with ``org_name``,
``org_name_en``) are those OpenSanctions' crawler reads (see ../shared/data/sanctions/
SOURCES.md); the root element is not documented, so records are matched at any depth.

The list has no stable record id: ``num`` is a row number that shifts when an entry is
removed. A person with an IIN is keyed by it (it is unique and permanent in Kazakhstan);
otherwise the key is a digest of the normalised name and birth date, so the same entry
keeps its id from version to version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree
from normality import normalize

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
from corridor.sources.inputs import iter_xml, local_name, release

AUTHORITY = "Kazakhstan Financial Monitoring Agency (AFM)"
PREFIX = "kz-afm"
#: Dates as the AFM writes them: "12.03.1978" (and ISO in some exports).
_KZ_DATES = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")


class KzAfmXml:
    """The AFM list XML."""

    name = "kz-afm-xml"
    source = "kz-afm"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (b"<person" in head and b"<fname" in head) or (
            b"<org" in head and b"<org_name" in head
        )

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse(path, parsed),
            list_name="kz_afm",
            source=self.source,
            format=self.name,
            files=[path],
        )


def _text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if local_name(child) == name:
            value = " ".join((child.text or "").split())
            return value or None
    return None


def _parse(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    for element in iter_xml(path):
        tag = local_name(element)
        if tag not in ("person", "org"):
            continue
        entity, record_id = _person(path, element) if tag == "person" else _org(path, element)
        added = parse_date(_text(element, "added_to_list"), _KZ_DATES)
        # The file carries no publication date; the newest listing date is the best bound.
        if added is not None and (parsed.published is None or added > parsed.published):
            parsed.published = added
        sanction = make_sanction(
            entity, authority=AUTHORITY, listing_date=added.isoformat() if added else None
        )
        entity.add("notes", [_text(element, "note"), _text(element, "correction")])
        yield ParsedEntity(entity, record_id)
        yield ParsedEntity(sanction, record_id)
        release(element)


def _key(*parts: str | None) -> str:
    text = "|".join(normalize(p or "", lowercase=True) or "" for p in parts)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _person(path: Path, element: etree._Element) -> tuple[EntityProxy, str]:
    first, middle, last = (_text(element, n) for n in ("fname", "mname", "lname"))
    if not (first or last):
        raise CorridorError.at(path, "person without fname or lname", line=element.sourceline)
    born: date | None = parse_date(_text(element, "birthdate"), _KZ_DATES)
    iin = _text(element, "iin")
    iin = iin if iin and iin.isdigit() and len(iin) == 12 else None
    key = iin or _key(last, first, middle, born.isoformat() if born else None)
    entity = make_entity("Person", entity_id(PREFIX, key))
    # The AFM writes names surname first, as Kazakh and Russian documents do.
    entity.add("name", " ".join(p for p in (last, first, middle) if p))
    entity.add("alias", " ".join(p for p in (first, middle, last) if p))
    entity.add("firstName", first)
    entity.add("fatherName", middle)
    entity.add("lastName", last)
    entity.add("birthDate", born.isoformat() if born else None)
    # The IIN is both the national identity number and the tax number of a resident.
    add_identifier(entity, "national_id", iin)
    add_identifier(entity, "tax", iin)
    return entity, _text(element, "num") or key


def _org(path: Path, element: etree._Element) -> tuple[EntityProxy, str]:
    name, name_en = _text(element, "org_name"), _text(element, "org_name_en")
    if not (name or name_en):
        raise CorridorError.at(path, "org without org_name", line=element.sourceline)
    key = _key(name or name_en)
    entity = make_entity("Organization", entity_id(PREFIX, "org", key))
    entity.add("name", name or name_en)
    entity.add("alias", name_en if name else None)
    return entity, _text(element, "num") or key


FORMATS = (KzAfmXml(),)
