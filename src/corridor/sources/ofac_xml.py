"""OFAC ``sdn.xml`` / ``consolidated.xml`` (the classic ``sdnList`` schema).

The namespace changed when OFAC moved to its Sanctions List Service
(``http://tempuri.org/sdnList.xsd`` before, the service URL since), so elements are
matched by local name. Neither file says which list it is; the file name does (see
`corridor.sources.ofac_common.list_name_for`: a name containing "cons" is ``ofac_cons``).

This module also holds `apply_ofac_field`, the reading of OFAC's labelled values
(``idType`` here, ``Label value (Country)`` in the CSV Remarks, ``FeatureType`` and
``IDRegDocType`` in the advanced XML): OFAC writes the same labels in all three formats,
so the three parsers share one vocabulary and give the same record the same properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from followthemoney.util import sanitize_text
from lxml import etree
from normality import squash_spaces

from corridor.errors import CorridorError
from corridor.sources.base import (
    IDENTIFIER_PROPS,
    ParsedEntity,
    ParsedList,
    entity_id,
    make_entity,
    make_sanction,
    require_date,
)
from corridor.sources.inputs import iter_xml, local_name, release
from corridor.sources.ofac_common import (
    AUTHORITY,
    ID_KINDS,
    ID_PREFIX,
    ID_PROPERTIES,
    identifier_kind,
    list_name_for,
    ofac_birth_dates,
    schema_for,
)

#: ``<Publish_Date>01/08/2026</Publish_Date>``: US month-first dates.
_US_DATE = ("%m/%d/%Y",)
#: The root element, with or without a namespace prefix: ``<sdnList xmlns=...>``.
_ROOT = re.compile(rb"<(?:[\w.-]+:)?sdnList[\s/>]")
#: ``<idNumber>1026303117642 (Russia)</idNumber>`` with no idCountry (uid 17064).
_NUMBER_IN_BRACKETS = re.compile(r"^(.+?)\s*\(([^()]+)\)$")
#: Only these elements reach Python; the rest stay inside their ``sdnEntry``.
_TAGS = ("{*}sdnList", "{*}Publish_Date", "{*}Record_Count", "{*}sdnEntry")
#: Address parts in the order a postal address is written.
_ADDRESS_PARTS = (
    "address1",
    "address2",
    "address3",
    "city",
    "stateOrProvince",
    "postalCode",
    "country",
)

# --- OFAC's labelled values, shared by all three formats -------------------------------

#: Labels whose value is a date, and the property it goes to:
#: ``Organization Established Date 17 Oct 1990`` (VTB), ``Vessel Year of Build 1999``.
_DATE_FIELDS = {
    "organization established date": "incorporationDate",
    "aircraft manufacture date": "buildDate",
    "vessel year of build": "buildDate",
}
#: Labels that are plain FtM properties (beyond ofac_common.ID_PROPERTIES), e.g.
#: ``Aircraft Model A300B4-622R``, ``Former Vessel Flag Malta``, ``Telephone: 0097282851500``.
_PROPERTY_FIELDS = {
    "vessel call sign": "callSign",
    "other vessel call sign": "callSign",
    "vessel type": "type",
    "other vessel type": "type",
    "vessel flag": "flag",
    "other vessel flag": "flag",
    "former vessel flag": "pastFlags",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "aircraft model": "model",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft tail number": "registrationNumber",
    "title": "position",
    "telephone": "phone",
    "telephone no.": "phone",
    "nationality of registration": "country",
    "organization type": "sector",
    "d-u-n-s number": "dunsCode",
    "ssn": "socialSecurityNumber",
}
#: Identifier labels missing from ofac_common.ID_KINDS, by identifier kind. These are the
#: ones the 2024 SDN list uses more than a few times (``NIT # 800018928-0 (Colombia)``,
#: ``Commercial Registry Number 513174466 (Israel)``, ``D.N.I. 78.865.882 (Spain)``).
_MORE_ID_KINDS = {
    **dict.fromkeys(
        (
            "commercial registry number",
            "chamber of commerce number",
            "certificate of incorporation number",
            "trade license no.",
            "folio mercantil no.",
            "matricula mercantil no",
            "enterprise number",
            "business number",
            "branch unit number",
            "central registration system number",
            "economic register number (cbls)",
            "uk company number",
            "registered charity no.",
            "istanbul chamber of comm. no.",
            "dubai chamber of commerce membership no.",
            "business registration document #",
            "united social credit code certificate (usccc)",
            "le number",
            "license",
            "government gazette number",
        ),
        "registration",
    ),
    **dict.fromkeys(("nit #", "ruc #", "rif #", "c.u.i.t.", "rtn", "us fein"), "tax"),
    **dict.fromkeys(
        (
            "d.n.i.",
            "c.u.i.",
            "c.u.r.p.",
            "citizen's card number",
            "personal id card",
            "turkish identification number",
            "national foreign id number",
            "numero de identidad",
            "birth certificate number",
            "residency number",
            "credencial electoral",
            "cartilla de servicio militar nacional",
            "driver's license no.",
        ),
        "national_id",
    ),
    **dict.fromkeys(("diplomatic passport", "travel document number"), "passport"),
}
#: Every label the parsers recognise, for finding them at the start of a Remarks field.
FIELD_LABELS: frozenset[str] = frozenset(
    [*ID_KINDS, *ID_PROPERTIES, *_DATE_FIELDS, *_PROPERTY_FIELDS, *_MORE_ID_KINDS]
)
#: Where an identifier goes when its own property is missing or refuses it.
_GENERIC_PROPS = ("registrationNumber", "idNumber")
#: Kinds whose bare number loses its meaning without the label and country beside it.
_GENERIC_KINDS = ("registration", "tax", "national_id", "passport")
#: A Russian "Government Gazette Number" is the OKPO statistics code: 8 digits for an
#: organisation (VTB Bank: 00032520), 10 for a sole trader.
_OKPO_LENGTHS = (8, 10)
_RUSSIA = ("russia", "russian federation", "ru")


def field_key(label: str) -> str:
    """How a label is looked up: ``"Secondary sanctions risk:"`` -> ``secondary sanctions risk``."""
    return squash_spaces(label).lower().rstrip(":- ")


def add_note(entity: EntityProxy, label: str, value: str, country: str | None = None) -> None:
    """Keep a value nothing else reads in ``notes``, written the way OFAC's own Remarks
    write it (``Target Type Financial Institution``, ``Passport 123 (Russia)``), so the
    same record carries the same notes whichever format it came from."""
    text = squash_spaces(f"{label} {value}").removesuffix(".")
    if country:
        text = f"{text} ({country})"
    entity.add("notes", text, quiet=True)


def add_or_note(entity: EntityProxy, prop: str, value: str, label: str) -> None:
    """Add ``value`` to ``prop`` when the schema has it and FtM accepts the value;
    otherwise keep it as a note, so nothing OFAC published is silently dropped."""
    if not _add_checked(entity, prop, value):
        add_note(entity, label, value)


def _add_checked(entity: EntityProxy, prop: str | None, value: str) -> bool:
    """Add ``value`` to ``prop`` if the schema has it and FtM's type accepts it.

    ``EntityProxy.add`` drops a value its type rejects without a word: an INN or IMO
    number with a bad check digit, a country FtM does not know. Callers need to know, so
    the value can go somewhere else instead of being lost.
    """
    prop_ = entity.schema.get(prop) if prop else None
    text = sanitize_text(value)
    if prop_ is None or prop_.stub or text is None:
        return False
    return entity.unsafe_add(prop_, text) is not None


def ofac_dates(text: str) -> list[str]:
    """ISO (possibly partial) dates from OFAC's ``12 Mar 1978`` / ``circa 1960`` style, or
    from an ISO date the advanced XML already gives."""
    found = ofac_birth_dates(text)
    if found:
        return found
    iso = registry.date.clean(text)
    return [iso] if iso else []


def apply_ofac_field(
    entity: EntityProxy, label: str, value: str, country: str | None = None
) -> None:
    """Put one labelled OFAC value on ``entity``: a property, an identifier, or a note."""
    value = squash_spaces(value)
    if not value:
        return
    key = field_key(label)
    if key in _DATE_FIELDS:
        dates = ofac_dates(value)
        prop = _DATE_FIELDS[key]
        if dates and prop in entity.schema.properties:
            entity.add(prop, dates)
        else:
            add_note(entity, label, value)
    elif key in _PROPERTY_FIELDS or key in ID_PROPERTIES:
        add_or_note(entity, _PROPERTY_FIELDS.get(key) or ID_PROPERTIES[key], value, label)
    elif _is_okpo(key, value, country) and "okpoCode" in entity.schema.properties:
        entity.add("okpoCode", value)
    else:
        _add_id(entity, key, label, value, country)


def _is_okpo(key: str, value: str, country: str | None) -> bool:
    """A Russian Government Gazette Number of OKPO length, digits only."""
    russian = (country or "").strip().lower() in _RUSSIA
    return (
        key == "government gazette number"
        and russian
        and value.isdigit()
        and len(value) in _OKPO_LENGTHS
    )


def _add_id(entity: EntityProxy, key: str, label: str, value: str, country: str | None) -> None:
    """An identifier of a kind ofac_common knows (refined to INN/OGRN for Russia) or of
    one of `_MORE_ID_KINDS`; an unknown label is kept as a note.

    A number the specific property refuses (an INN with a wrong check digit) still goes
    to the generic ``registrationNumber``/``idNumber``, with the note saying what it is.
    """
    kind = identifier_kind(key, value, country) if key in ID_KINDS else _MORE_ID_KINDS.get(key)
    if kind is None:
        add_note(entity, label, value, country)
        return
    specific = _add_checked(entity, IDENTIFIER_PROPS.get(kind), value)
    if not specific:
        for generic in _GENERIC_PROPS:
            if _add_checked(entity, generic, value):
                break
    if kind in _GENERIC_KINDS or not specific:
        # A bare "123456" says little: keep what it is and who issued it beside it.
        add_note(entity, label, value, country)


def split_remarks(text: str) -> list[str]:
    """OFAC's free-text remarks as separate fields, the same in every format.

    The CSV writes ``...#directives.; Linked To: VTB BANK``; the XML's leftover
    ``<remarks>`` writes ``...#directives.; (Linked To: VTB BANK)``. Both become
    ``["...#directives", "Linked To: VTB BANK"]``.
    """
    fields = []
    for part in re.split(r";\s+", squash_spaces(text)):
        item = part.strip().removesuffix(".").strip()
        if item.startswith("(") and item.endswith(")") and "(" not in item[1:-1]:
            item = item[1:-1].strip()
        if item:
            fields.append(item)
    return fields


def person_name(name: str) -> tuple[str, str | None, str | None]:
    """``"PROKOPENKO, Ivan Pavlovitch"`` -> (``Ivan Pavlovitch PROKOPENKO``, first, last).

    OFAC writes a person "LAST, First" in its CSV and its weak akas; the sdnList XML
    splits the two, and Corridor names people given names first in every format.
    """
    if "," not in name:
        return name, None, None
    last, first = (squash_spaces(p) for p in name.split(",", 1))
    return f"{first} {last}".strip(), first or None, last or None


# --- the sdnList format ---------------------------------------------------------------


class OfacSdnXml:
    """The sdnList XML format (``sdn.xml``, ``consolidated.xml``)."""

    name = "ofac-sdn-xml"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _ROOT.search(head) is not None

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse(path, parsed),
            list_name=list_name_for(path),
            source=self.source,
            format=self.name,
            files=[path],
        )


def _parse(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Stream the entries, then check the file was an sdnList and held what it declared."""
    declared: int | None = None
    count = 0
    is_sdn_list = False
    for element in iter_xml(path, _TAGS):
        tag = local_name(element)
        if tag == "sdnEntry":
            yield from _entry(path, element)
            count += 1
            release(element)
        elif tag == "Publish_Date":
            parsed.published = require_date(path, element.text, "Publish_Date", _US_DATE)
        elif tag == "Record_Count":
            declared = _record_count(path, element)
        elif tag == "sdnList":
            is_sdn_list = element.getparent() is None
    if not is_sdn_list:
        raise CorridorError.at(path, "root element is not <sdnList>; expected OFAC sdn.xml")
    if count == 0:
        raise CorridorError.at(path, "holds no <sdnEntry>; expected OFAC's list entries")
    if declared is not None and declared != count:
        raise CorridorError.at(
            path,
            f"Record_Count says {declared:,} entries but the file holds {count:,}; "
            "expected a complete OFAC publication",
        )


def _record_count(path: Path, element: etree._Element) -> int:
    text = (element.text or "").strip()
    if not text.isdigit():
        raise CorridorError.at(
            path, f"Record_Count {text!r} is not a number", line=element.sourceline
        )
    return int(text)


def _text(element: etree._Element, name: str) -> str | None:
    """The squashed text of the first child called ``name``, None when absent or blank."""
    for child in element:
        if local_name(child) == name:
            return squash_spaces(child.text or "") or None
    return None


def _descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in element.iterdescendants() if local_name(c) == name)


def _entry(path: Path, element: etree._Element) -> Iterator[ParsedEntity]:
    """One ``sdnEntry``: the listed party and its Sanction, both under the OFAC uid."""
    uid = _text(element, "uid")
    if uid is None or not uid.isdigit():
        raise CorridorError.at(
            path, f"sdnEntry uid {uid!r} is not a number", line=element.sourceline
        )
    sdn_type = _text(element, "sdnType") or ""
    schema = schema_for(sdn_type)
    if schema is None:
        raise CorridorError.at(
            path,
            f"sdnEntry {uid}: sdnType {sdn_type!r} is unknown; "
            "expected Individual, Entity, Vessel or Aircraft",
            line=element.sourceline,
        )
    first, last = _text(element, "firstName"), _text(element, "lastName")
    if last is None and first is None:
        raise CorridorError.at(path, f"sdnEntry {uid} has no lastName", line=element.sourceline)
    entity = make_entity(schema, entity_id(ID_PREFIX, uid))
    entity.add("name", " ".join(p for p in (first, last) if p))
    if schema == "Person":
        entity.add("firstName", first)
        entity.add("lastName", last)
    title = _text(element, "title")
    if title:
        add_or_note(entity, "position", title, "Title")
    entity.add("notes", split_remarks(_text(element, "remarks") or ""))
    _akas(entity, element)
    _ids(entity, element)
    _addresses(entity, element)
    _personal(entity, element)
    _vessel(entity, element)
    programs = [p for p in (_own_text(e) for e in _descendants(element, "program")) if p]
    sanction = make_sanction(entity, authority=AUTHORITY, programs=programs, authority_id=uid)
    yield ParsedEntity(entity, uid)
    yield ParsedEntity(sanction, uid)


def _own_text(element: etree._Element) -> str:
    return squash_spaces(element.text or "")


def _akas(entity: EntityProxy, element: etree._Element) -> None:
    """a.k.a. to ``alias`` (``weakAlias`` when OFAC rates it weak), f.k.a. to ``previousName``."""
    is_person = entity.schema.name == "Person"
    for aka in _descendants(element, "aka"):
        first, last = _text(aka, "firstName"), _text(aka, "lastName")
        if first is None and last is not None and is_person:
            # Weak akas come whole in lastName, "AL-ZAHAR, Mahmoud", like the CSV's.
            name = person_name(last)[0]
        else:
            name = " ".join(p for p in (first, last) if p)
        if not name:
            continue
        kind = (_text(aka, "type") or "").lower()
        weak = (_text(aka, "category") or "").lower() == "weak"
        if kind.startswith("f.k.a"):
            entity.add("previousName", name)
        else:
            entity.add("weakAlias" if weak else "alias", name)


def _ids(entity: EntityProxy, element: etree._Element) -> None:
    for item in _descendants(element, "id"):
        number, country = _text(item, "idNumber") or "", _text(item, "idCountry")
        found = _NUMBER_IN_BRACKETS.match(number)
        if country is None and found is not None:
            # A few entries put the country in the number: "1026303117642 (Russia)".
            number, country = found.group(1), found.group(2)
        apply_ofac_field(entity, _text(item, "idType") or "", number, country)


def _addresses(entity: EntityProxy, element: etree._Element) -> None:
    for address in _descendants(element, "address"):
        parts = {name: _text(address, name) for name in _ADDRESS_PARTS}
        entity.add("address", postal_address(**parts) or None)
        country = parts["country"]
        if country:
            add_or_note(entity, "country", country, "Address country")


def postal_address(
    address1: str | None = None,
    address2: str | None = None,
    address3: str | None = None,
    city: str | None = None,
    stateOrProvince: str | None = None,
    postalCode: str | None = None,
    country: str | None = None,
) -> str:
    """One address line the way OFAC's CSV writes it, so formats agree on the string:
    ``81-B, 8th Floor, ..., Mumbai, Maharashtra 400051, India``."""
    place = ", ".join(p for p in (city, stateOrProvince) if p)
    place = " ".join(p for p in (place, postalCode) if p)
    return ", ".join(p for p in (address1, address2, address3, place, country) if p)


def _personal(entity: EntityProxy, element: etree._Element) -> None:
    is_person = entity.schema.name == "Person"
    for item in _descendants(element, "dateOfBirthItem"):
        text = _text(item, "dateOfBirth")
        if text:
            dates = ofac_dates(text)
            if dates and is_person:
                entity.add("birthDate", dates)
            else:
                add_note(entity, "DOB", text)
    for item in _descendants(element, "placeOfBirthItem"):
        place = _text(item, "placeOfBirth")
        if place:
            add_or_note(entity, "birthPlace", place, "POB")
    for tag, prop, label in (
        ("nationality", "nationality" if is_person else "country", "Nationality"),
        ("citizenship", "citizenship" if is_person else "country", "Citizenship"),
    ):
        for item in _descendants(element, tag):
            country = _text(item, "country")
            if country:
                add_or_note(entity, prop, country, label)


def _vessel(entity: EntityProxy, element: etree._Element) -> None:
    for info in _descendants(element, "vesselInfo"):
        for tag, label in (
            ("callSign", "Vessel Call Sign"),
            ("vesselType", "Vessel Type"),
            ("vesselFlag", "Vessel Flag"),
            ("tonnage", "Vessel Tonnage"),
            ("grossRegisteredTonnage", "Vessel Gross Registered Tonnage"),
        ):
            value = _text(info, tag)
            if value:
                apply_ofac_field(entity, label, value)
        owner = _text(info, "vesselOwner")
        if owner:
            add_note(entity, "Owner", owner)


FORMATS = (OfacSdnXml(),)
