"""Kazakhstan Financial Monitoring Agency (AFM): the list of organisations and persons linked
to the financing of terrorism and extremism (``afmrk.gov.kz/blacklist/export/active/xml``).

No copy of the file is public, so the format follows OpenSanctions' crawler
(``datasets/kz/afmrk_sanctions/crawler.py``, see ../shared/data/sanctions/SOURCES.md):
``<person>`` with ``num, fname, mname, lname, birthdate, iin, note, correction,
added_to_list`` and ``<org>`` with ``num, org_name, org_name_en, note, correction,
added_to_list`` (and ``org_iin`` in the AFM's list of terrorists, which writes persons in
``<org>`` tags). The crawler finds records at any depth (``.//person``), so the root element
is not fixed and nothing here depends on it. ``fname`` is the given name, ``mname`` the
patronymic, ``lname`` the surname (the crawler passes them as given/middle/last name).

**Ids.** The list has no record id: ``num`` is a row number that shifts when an entry is
removed. A record with an IIN/BIN is keyed by it (unique and permanent in Kazakhstan);
otherwise the key is a digest of the normalised name and birth date, so the same entry keeps
its id from version to version and earlier decisions still apply. ``num`` stays the record id
a user can find in the file.
"""

from __future__ import annotations

import hashlib
import re
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
#: Dates as the AFM writes them: "12.03.1978" (the crawler's only format); ISO as a fallback.
_KZ_DATES = ("%d.%m.%Y", "%Y-%m-%d")
#: A birth date known only by its year: "00.00.1978" or "1978".
_YEAR_ONLY = re.compile(r"^(?:00\.00\.)?((?:19|20)\d\d)$")
#: "включен от 15.01.2025" ("included from"): the listing date some records give only in
#: ``correction``, as OpenSanctions' crawler reads it.
_INCLUDED = re.compile(r"включен\w*\s+от\s+(\d\d\.\d\d\.\d{4})", re.IGNORECASE)
#: Several names of one organisation in ``org_name``: "A; B" (the crawler splits on "; ").
_NAME_SPLIT = re.compile(r";")
#: IIN and BIN have 12 digits. In an IIN the first six are the birth date (YYMMDD), so the
#: fifth digit (day tens) is 0-3; in a BIN the fifth gives the kind of legal entity, 4-6
#: (4 resident, 5 non-resident, 6 individual entrepreneur in a joint venture).
_TWELVE = re.compile(r"^\d{12}$")


def iin_or_bin(value: str | None) -> tuple[str, str] | None:
    """``("iin", value)`` or ``("bin", value)`` for a 12-digit Kazakh number, else None."""
    if not value or not _TWELVE.match(value):
        return None
    return ("iin", value) if value[4] in "0123" else ("bin", value)


class KzAfmXml:
    """The AFM list XML: ``<person>`` and ``<org>`` records."""

    name = "kz-afm-xml"
    source = "kz-afm"

    def sniff(self, path: Path, head: bytes) -> bool:
        """A ``<person>`` with ``<fname>``/``<lname>``, or an ``<org>`` with ``<org_name>``."""
        return (b"<person" in head and (b"<fname" in head or b"<lname" in head)) or (
            (b"<org>" in head or b"<org " in head) and b"<org_name" in head
        )

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse(path, parsed),
            list_name="kz_afm",
            source=self.source,
            format=self.name,
            files=[path],
        )


def _parse(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Stream the records; the newest listing date stands for the publication date, since
    the file carries none."""
    counts = {"person": 0, "org": 0}
    for element in iter_xml(path):
        tag = local_name(element)
        if tag not in counts:
            continue
        counts[tag] += 1
        yield from _record(path, element, tag, parsed)
        release(element)
    if not any(counts.values()):
        raise CorridorError.at(path, "no <person> or <org> records; expected the AFM list XML")
    parsed.notes.update({"persons": counts["person"], "orgs": counts["org"]})


def _record(
    path: Path, element: etree._Element, tag: str, parsed: ParsedList
) -> Iterator[ParsedEntity]:
    """One record's entity and Sanction. ``note`` describes the subject (kept as notes),
    ``correction`` the listing ("включен от ..."; kept as the Sanction's summary)."""
    entity = _person(path, element) if tag == "person" else _org(path, element)
    listed = _listing_date(element)
    if listed is not None and (parsed.published is None or listed > parsed.published):
        parsed.published = listed
    sanction = make_sanction(
        entity, authority=AUTHORITY, listing_date=listed.isoformat() if listed else None
    )
    sanction.add("summary", _text(element, "correction"))
    entity.add("notes", _text(element, "note"))
    record_id = _text(element, "num") or str(entity.id).removeprefix(f"{PREFIX}-")
    yield ParsedEntity(entity, record_id)
    yield ParsedEntity(sanction, record_id)


def _text(element: etree._Element, name: str) -> str | None:
    """The whitespace-collapsed text of the first child called ``name``."""
    for child in element:
        if local_name(child) == name:
            value = " ".join((child.text or "").split())
            return value or None
    return None


def _listing_date(element: etree._Element) -> date | None:
    """``added_to_list``, else "включен от <date>" in ``correction``."""
    listed = parse_date(_text(element, "added_to_list"), _KZ_DATES)
    if listed is None:
        found = _INCLUDED.search(_text(element, "correction") or "")
        listed = parse_date(found[1], _KZ_DATES) if found else None
    return listed


def _birth_date(text: str | None) -> str | None:
    """ISO birth date from "12.03.1978"; "00.00.1978" or "1978" give the year."""
    if not text:
        return None
    year = _YEAR_ONLY.match(text)
    if year:
        return year[1]
    found = parse_date(text, _KZ_DATES)
    return found.isoformat() if found else None


def _digest(*parts: str | None) -> str:
    """A stable key from names and dates: case, punctuation and spacing do not change it."""
    text = "|".join(normalize(p or "", lowercase=True) or "" for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _person(path: Path, element: etree._Element) -> EntityProxy:
    first, middle, last = (_text(element, n) for n in ("fname", "mname", "lname"))
    if not (first or last):
        raise CorridorError.at(path, "person without fname or lname", line=element.sourceline)
    born = _birth_date(_text(element, "birthdate"))
    number = iin_or_bin(_text(element, "iin"))
    key = number[1] if number else _digest(last, first, middle, born)
    entity = make_entity("Person", entity_id(PREFIX, key))
    _person_names(entity, first, middle, last)
    entity.add("birthDate", born)
    _add_iin(entity, number)
    return entity


def _person_names(
    entity: EntityProxy, first: str | None, middle: str | None, last: str | None
) -> None:
    """The name as Kazakh and Russian documents write it (surname first), the Western order
    as an alias, and the parts."""
    entity.add("name", " ".join(p for p in (last, first, middle) if p))
    western = " ".join(p for p in (first, middle, last) if p)
    if western not in entity.get("name"):
        entity.add("alias", western)
    entity.add("firstName", first)
    entity.add("fatherName", middle)
    entity.add("lastName", last)


def _add_iin(entity: EntityProxy, number: tuple[str, str] | None) -> None:
    """An IIN is the national identity number and, since IIN/BIN replaced the RNN in 2012,
    also the taxpayer number a payment order carries; so it is kept under both."""
    if number is None:
        return
    add_identifier(entity, "national_id" if number[0] == "iin" else "registration", number[1])
    add_identifier(entity, "tax", number[1])


def _org(path: Path, element: etree._Element) -> EntityProxy:
    """An organisation; or a person, when the ``org_iin`` is an IIN (the AFM's list of
    terrorists writes persons in ``<org>`` tags, as OpenSanctions' crawler notes)."""
    names = _NAME_SPLIT.split(_text(element, "org_name") or "")
    names_en = _NAME_SPLIT.split(_text(element, "org_name_en") or "")
    all_names = [n.strip() for n in [*names, *names_en] if n.strip()]
    if not all_names:
        raise CorridorError.at(path, "org without org_name", line=element.sourceline)
    number = iin_or_bin(_text(element, "org_iin") or _text(element, "org_bin"))
    if number is not None:
        schema = "Person" if number[0] == "iin" else "Organization"
        entity = make_entity(schema, entity_id(PREFIX, number[1]))
    else:
        entity = make_entity("Organization", entity_id(PREFIX, "org", _digest(all_names[0])))
    entity.add("name", all_names[0])
    entity.add("alias", all_names[1:])
    _add_iin(entity, number)
    return entity


FORMATS = (KzAfmXml(),)
