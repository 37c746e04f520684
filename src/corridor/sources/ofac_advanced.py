"""OFAC's Advanced Sanctions Data Standard XML (``sdn_advanced.xml``, ``cons_advanced.xml``).

Everything in this format is a reference: a party's aliases point at name-part types, its
features (birth date, citizenship, SWIFT code...) at feature types and locations, its
documents live in a separate ``IDRegDocuments`` section keyed by identity, and its
programmes in ``SanctionsEntries`` *after* the parties. The file is therefore read in two
streaming passes. The first, in `OfacAdvancedXml.open`, keeps the reference values,
locations, documents, sanctions entries and relationships (small next to the parties)
and checks the whole file parses; the second builds one entity per ``DistinctParty``,
freeing each as it goes. Memory stays bounded on OFAC's 120 MB ``sdn_advanced.xml``.

Reference: OFAC, "Explanatory Documentation for Advanced Sanctions Data Model format".
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections import defaultdict
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree
from normality import squash_spaces

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    entity_id,
    make_entity,
    make_sanction,
)
from corridor.sources.inputs import iter_xml, local_name, release
from corridor.sources.ofac_common import AUTHORITY, ID_PREFIX, list_name_for
from corridor.sources.ofac_xml import add_or_note, apply_ofac_field, postal_address, split_remarks

#: ``<Sanctions xmlns="http://www.un.org/sanctions/1.0" Version="3" ...>``.
_ROOT = re.compile(rb"<(?:[\w.-]+:)?Sanctions[\s>]")
_NAMESPACE = b"http://www.un.org/sanctions/1.0"
#: What pass one reads; everything else sits inside one of these or is skipped.
_PASS_ONE = (
    "{*}DateOfIssue",
    "{*}ReferenceValueSets",
    "{*}Location",
    "{*}IDRegDocument",
    "{*}DistinctParty",
    "{*}ProfileRelationship",
    "{*}SanctionsEntry",
)
#: What pass two reads: the parties, and the sections before them so they can be freed.
_PASS_TWO = (
    "{*}ReferenceValueSets",
    "{*}Location",
    "{*}IDRegDocument",
    "{*}DistinctParty",
    "{*}DistinctParties",
)
#: PartyType / PartySubType values -> FtM schema. OFAC's "Entity" does not say company
#: or organisation, so it is LegalEntity, as in the sdnList XML and the CSV.
_PARTY_SCHEMA = {
    "individual": "Person",
    "entity": "LegalEntity",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
#: Name-part types that are a person's given names, in the order they are written.
_PERSON_PARTS = {
    "first name": "firstName",
    "middle name": "middleName",
    "patronymic": "fatherName",
    "matronymic": "motherName",
    "last name": "lastName",
}
#: A country OFAC gives as "undetermined" (AreaCode 11291) says nothing.
_NO_COUNTRY = "undetermined"


@dataclass(frozen=True)
class _Location:
    address: str
    country: str | None


@dataclass
class _Entry:
    """What the SanctionsEntries say about one profile, over all the lists it is on."""

    programs: list[str] = field(default_factory=list)
    provisions: set[str] = field(default_factory=set)
    reasons: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    listed: date | None = None


@dataclass(frozen=True)
class _Relation:
    id: str
    source: str
    target: str
    kind: str
    former: bool


@dataclass
class _References:
    """What pass one keeps: everything a party points at."""

    path: Path
    #: (value type, ID) -> text, e.g. ("AliasType", "1400") -> "A.K.A.".
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    #: PartySubType ID -> its PartyTypeID (``<PartySubType ID="4" PartyTypeID="1">``).
    subtype_party: dict[str, str] = field(default_factory=dict)
    #: AreaCode ID -> its CountryID (``<AreaCode ID="11171" CountryID="11171" ...>RU``).
    area_country: dict[str, str] = field(default_factory=dict)
    locations: dict[str, _Location] = field(default_factory=dict)
    #: IdentityID -> (document type, number, issuing country name).
    documents: dict[str, list[tuple[str, str, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    entries: dict[str, _Entry] = field(default_factory=lambda: defaultdict(_Entry))
    relations: list[_Relation] = field(default_factory=list)
    issued: date | None = None
    unresolved: int = 0

    def text(self, kind: str, ref: str | None) -> str:
        """The text of reference value ``ref`` of type ``kind``, "" when it does not resolve.

        OFAC's own files always resolve; a dangling reference is counted (and reported in
        the list's notes) rather than refused, so one bad value does not lose the list.
        """
        value = self.values.get((kind, ref or ""))
        if value is None:
            self.unresolved += 1
            return ""
        return value

    def country(self, ref: str | None) -> str | None:
        """A country's name, None for none or OFAC's "undetermined"."""
        name = self.values.get(("Country", ref or ""))
        return name if name and name.lower() != _NO_COUNTRY else None


class OfacAdvancedXml:
    """The advanced sanctions data standard format."""

    name = "ofac-advanced-xml"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _NAMESPACE in head and _ROOT.search(head) is not None

    def open(self, path: Path) -> ParsedList:
        refs = _collect(path)
        parsed = ParsedList(
            list_name=list_name_for(path),
            source=self.source,
            format=self.name,
            files=[path],
            entities=iter(()),
            published=refs.issued,
        )
        parsed.entities = _parties(refs, parsed)
        return parsed


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for child in element:
        if local_name(child) == name:
            return child
    return None


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in element if local_name(c) == name)


def _descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in element.iterdescendants() if local_name(c) == name)


def _text(element: etree._Element | None) -> str:
    return squash_spaces(element.text or "") if element is not None else ""


# --- pass one: references ----------------------------------------------------------------


def _collect(path: Path) -> _References:
    """Pass one: everything but the parties themselves, which are freed unread."""
    refs = _References(path)
    for element in iter_xml(path, _PASS_ONE):
        tag = local_name(element)
        if tag == "ReferenceValueSets":
            _reference_values(refs, element)
        elif tag == "DateOfIssue":
            refs.issued = _date(_ymd(element))
            if refs.issued is None:
                raise CorridorError.at(path, "DateOfIssue is not a date", line=element.sourceline)
        elif tag == "Location":
            refs.locations[element.get("ID") or ""] = _location(refs, element)
        elif tag == "IDRegDocument":
            _document(refs, element)
        elif tag == "SanctionsEntry":
            _sanctions_entry(refs, element)
        elif tag == "ProfileRelationship":
            _relation(refs, element)
        release(element)
    if refs.issued is None:
        raise CorridorError.at(path, "no DateOfIssue; expected an OFAC advanced XML file")
    return refs


def _reference_values(refs: _References, element: etree._Element) -> None:
    """``<AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType>...`` -> values."""
    for group in element:
        for value in group:
            ref = value.get("ID")
            if ref is None:
                continue
            kind = local_name(value)
            refs.values[(kind, ref)] = _text(value)
            if kind == "PartySubType":
                refs.subtype_party[ref] = value.get("PartyTypeID") or ""
            elif kind == "AreaCode":
                refs.area_country[ref] = value.get("CountryID") or ""


def _location(refs: _References, element: etree._Element) -> _Location:
    """A Location as one address string, laid out as OFAC's other formats lay it out."""
    parts: dict[str, str] = {}
    for part in _children(element, "LocationPart"):
        kind = refs.values.get(("LocPartType", part.get("LocPartTypeID") or ""), "").lower()
        values = [_text(v) for v in _descendants(part, "Value")]
        if any(values):
            parts[kind] = " ".join(v for v in values if v)
    country_el, area_el = _child(element, "LocationCountry"), _child(element, "LocationAreaCode")
    country = refs.country(country_el.get("CountryID")) if country_el is not None else None
    if country is None and area_el is not None:
        country = refs.country(refs.area_country.get(area_el.get("AreaCodeID") or ""))
    # "Unknown" holds a whole free-text address; a region sits with the state.
    address = postal_address(
        address1=_joined(parts, "unknown", "address1"),
        address2=parts.get("address2"),
        address3=parts.get("address3"),
        city=parts.get("city"),
        stateOrProvince=_joined(parts, "state/province", "region", sep=", "),
        postalCode=parts.get("postal code"),
        country=country,
    )
    return _Location(address, country)


def _joined(parts: dict[str, str], *kinds: str, sep: str = " ") -> str | None:
    return sep.join(parts[k] for k in kinds if parts.get(k)) or None


def _document(refs: _References, element: etree._Element) -> None:
    number = _text(_child(element, "IDRegistrationNo"))
    if not number:
        return
    kind = refs.text("IDRegDocType", element.get("IDRegDocTypeID"))
    country = refs.country(element.get("IssuedBy-CountryID"))
    refs.documents[element.get("IdentityID") or ""].append((kind, number, country))


def _sanctions_entry(refs: _References, element: etree._Element) -> None:
    """Programmes, measures, legal bases, list and first listing date of one entry.

    A measure of type "Program" names the programme in its Comment (``NS-PLC``); other
    measures ("Block", "13662 Sectoral Directive 1") are what the listing does.
    """
    entry = refs.entries[element.get("ProfileID") or ""]
    entry.lists.add(refs.text("List", element.get("ListID")))
    entry.lists.discard("")
    for event in _children(element, "EntryEvent"):
        when = _date(_ymd(_child(event, "Date")))
        if when is not None and (entry.listed is None or when < entry.listed):
            entry.listed = when
        basis = event.get("LegalBasisID")
        reason = refs.text("LegalBasis", basis) if basis is not None else ""
        if reason:
            entry.reasons.add(reason)
    for measure in _children(element, "SanctionsMeasure"):
        kind = refs.text("SanctionsType", measure.get("SanctionsTypeID"))
        if kind.lower() == "program":
            program = _text(_child(measure, "Comment"))
            if program and program not in entry.programs:
                entry.programs.append(program)
        elif kind:
            entry.provisions.add(kind)


def _relation(refs: _References, element: etree._Element) -> None:
    source, target = element.get("From-ProfileID"), element.get("To-ProfileID")
    if not source or not target:
        return
    refs.relations.append(
        _Relation(
            id=element.get("ID") or f"{source}-{target}",
            source=source,
            target=target,
            kind=refs.text("RelationType", element.get("RelationTypeID")),
            former=element.get("Former") == "true",
        )
    )


# --- dates -----------------------------------------------------------------------------


def _ymd(element: etree._Element | None) -> tuple[int, int, int] | None:
    """``<Year>1962</Year><Month>1</Month><Day>1</Day>``; month and day default to 1."""
    if element is None:
        return None
    try:
        year = int(_text(_child(element, "Year")))
        month = int(_text(_child(element, "Month")) or 1)
        day = int(_text(_child(element, "Day")) or 1)
    except ValueError:
        return None
    return year, month, day


def _date(ymd: tuple[int, int, int] | None) -> date | None:
    try:
        return date(*ymd) if ymd else None
    except (ValueError, OverflowError):  # month 13, or a year of 30 digits
        return None


def _period(period: etree._Element | None) -> list[str]:
    """The dates a DatePeriod pins down: a day, a month, a year, or both ends of a range.

    OFAC writes "DOB 1962" as a period from 1962-01-01 (Start/From) to 1962-12-31
    (End/To), and "DOB 1960 to 1962" as 1960-01-01 to 1962-12-31; only a period that
    starts and ends on one day is an exact date. The results match what the CSV's
    ``DOB 1962`` and ``DOB 1960 to 1962`` give.
    """
    start, end = _child(period, "Start"), _child(period, "End")
    low = _date(_ymd(_child(start, "From")))
    if low is None:
        return []
    high = _date(_ymd(_child(end, "To"))) or _date(_ymd(_child(start, "To"))) or low
    if low >= high:
        return [low.isoformat()]
    whole_years = (low.month, low.day, high.month, high.day) == (1, 1, 12, 31)
    if whole_years:
        return sorted({str(low.year), str(high.year)})
    last_day = monthrange(high.year, high.month)[1]
    if (low.year, low.month) == (high.year, high.month) and (low.day, high.day) == (1, last_day):
        return [low.isoformat()[:7]]
    return [low.isoformat(), high.isoformat()]


# --- pass two: parties -----------------------------------------------------------------


def _parties(refs: _References, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Pass two: one entity and its Sanction per DistinctParty, then the relationships."""
    fixed_refs: dict[str, str] = {}
    for element in iter_xml(refs.path, _PASS_TWO):
        tag = local_name(element)
        if tag == "DistinctParty":
            profile_id, fixed = yield from _party(refs, element)
            fixed_refs[profile_id] = fixed
        release(element)
        if tag == "DistinctParties":
            break  # the rest was read in pass one
    yield from _relations(refs, fixed_refs)
    if refs.unresolved:
        parsed.notes["unresolved references"] = refs.unresolved


def _party(
    refs: _References, element: etree._Element
) -> Generator[ParsedEntity, None, tuple[str, str]]:
    """Yield the party and its Sanction; return (profile id, FixedRef) for relationships."""
    fixed = element.get("FixedRef") or ""
    profile = _child(element, "Profile")
    if not fixed.isdigit() or profile is None:
        raise CorridorError.at(
            refs.path,
            f"DistinctParty FixedRef {fixed!r} without a number or a Profile",
            line=element.sourceline,
        )
    entity = make_entity(_schema(refs, profile), entity_id(ID_PREFIX, fixed))
    for identity in _children(profile, "Identity"):
        _names(refs, entity, identity)
        for kind, number, country in refs.documents.get(identity.get("ID") or "", []):
            apply_ofac_field(entity, kind, number, country)
    if not entity.has("name"):
        raise CorridorError.at(
            refs.path, f"DistinctParty {fixed} has no name", line=element.sourceline
        )
    for feature in _children(profile, "Feature"):
        _feature(refs, entity, feature)
    entity.add("notes", split_remarks(_text(_child(element, "Comment"))))
    profile_id = profile.get("ID") or fixed
    yield ParsedEntity(entity, fixed)
    yield ParsedEntity(_sanction(refs, entity, profile_id, fixed), fixed)
    return profile_id, fixed


def _schema(refs: _References, profile: etree._Element) -> str:
    """PartySubType ("Vessel", "Aircraft"), or its PartyType when the sub-type is "Unknown"."""
    ref = profile.get("PartySubTypeID")
    sub = refs.text("PartySubType", ref).lower()
    if sub in _PARTY_SCHEMA:
        return _PARTY_SCHEMA[sub]
    party_type = refs.subtype_party.get(ref or "", "")
    return _PARTY_SCHEMA.get(refs.values.get(("PartyType", party_type), "").lower(), "LegalEntity")


def _sanction(refs: _References, entity: EntityProxy, profile_id: str, fixed: str) -> EntityProxy:
    entry = refs.entries.get(profile_id, _Entry())
    sanction = make_sanction(
        entity,
        authority=AUTHORITY,
        programs=entry.programs,
        listing_date=entry.listed.isoformat() if entry.listed else None,
        authority_id=fixed,
    )
    sanction.add("provisions", sorted(entry.provisions))
    sanction.add("reason", sorted(entry.reasons))
    sanction.add("summary", sorted(entry.lists))
    return sanction


# --- names -----------------------------------------------------------------------------


def _names(refs: _References, entity: EntityProxy, identity: etree._Element) -> None:
    """Every alias, in every script: the primary alias's Latin name is ``name``."""
    group_types = {
        group.get("ID") or "": refs.text("NamePartType", group.get("NamePartTypeID"))
        for group in _descendants(identity, "NamePartGroup")
    }
    for alias in _children(identity, "Alias"):
        alias_type = refs.text("AliasType", alias.get("AliasTypeID")).lower()
        names = [
            parts
            for documented in _children(alias, "DocumentedName")
            if (parts := _name_parts(refs, documented, group_types))
        ]
        if not names:
            continue
        if alias.get("Primary") == "true" and not entity.has("name"):
            main = next((parts for parts in names if _is_latin(parts)), names[0])
            entity.add("name", _join_name(main))
            _person_parts(entity, main)
            names = [parts for parts in names if parts is not main]
        if alias_type.startswith("f.k.a"):
            prop = "previousName"
        elif alias.get("LowQuality") == "true":
            prop = "weakAlias"
        else:
            prop = "alias"
        for parts in names:
            entity.add(prop, _join_name(parts))


def _is_latin(parts: list[tuple[str, str, str]]) -> bool:
    return all(script in ("", "latin") for _, _, script in parts)


def _name_parts(
    refs: _References, documented: etree._Element, group_types: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(part type, text, script) for each part, all lower-case but the text."""
    parts = []
    for value in _descendants(documented, "NamePartValue"):
        text = _text(value)
        if not text:
            continue
        kind = group_types.get(value.get("NamePartGroupID") or "", "").lower()
        script = refs.values.get(("Script", value.get("ScriptID") or ""), "").lower()
        parts.append((kind, text, script))
    return parts


def _join_name(parts: list[tuple[str, str, str]]) -> str:
    """Given names before the last name in Latin script (``Ismail Abdul Salah HANIYA``,
    as the sdnList XML and the CSV give it); other scripts keep OFAC's order."""
    if not _is_latin(parts):
        return " ".join(text for _, text, _ in parts)
    last = [text for kind, text, _ in parts if kind == "last name"]
    rest = [text for kind, text, _ in parts if kind != "last name"]
    return " ".join([*rest, *last])


def _person_parts(entity: EntityProxy, parts: list[tuple[str, str, str]]) -> None:
    if entity.schema.name != "Person":
        return
    for kind, text, _ in parts:
        prop = _PERSON_PARTS.get(kind)
        if prop is not None:
            entity.add(prop, text)


# --- features --------------------------------------------------------------------------


def _feature(refs: _References, entity: EntityProxy, feature: etree._Element) -> None:
    """One Feature: each version's value is a location, a date period or a detail text."""
    label = refs.text("FeatureType", feature.get("FeatureTypeID"))
    for version in _children(feature, "FeatureVersion"):
        location_el = _child(version, "VersionLocation")
        location = (
            refs.locations.get(location_el.get("LocationID") or "")
            if location_el is not None
            else None
        )
        dates = _period(_child(version, "DatePeriod"))
        detail = _child(version, "VersionDetail")
        text = _text(detail)
        if not text and detail is not None and detail.get("DetailReferenceID"):
            text = refs.text("DetailReference", detail.get("DetailReferenceID"))
        _apply_feature(entity, label, location, dates, text)


def _apply_feature(
    entity: EntityProxy,
    label: str,
    location: _Location | None,
    dates: list[str],
    text: str,
) -> None:
    key = label.lower()
    is_person = entity.schema.name == "Person"
    if key == "birthdate" and is_person:
        entity.add("birthDate", dates)
    elif key == "place of birth":
        place = location.address if location else text
        if place:
            add_or_note(entity, "birthPlace", place, label)
    elif key == "location":
        entity.add("address", (location.address if location else None) or text or None)
        if location and location.country:
            add_or_note(entity, "country", location.country, label)
    elif key.startswith(("nationality country", "citizenship country")):
        country = (location.country if location else None) or text
        prop = "nationality" if key.startswith("nationality") else "citizenship"
        if country:
            add_or_note(entity, prop if is_person else "country", country, label)
    else:
        value = location.country if location and location.country else text
        for item in [*dates, value] if value else dates:
            apply_ofac_field(entity, label, item)


def _relations(refs: _References, fixed_refs: dict[str, str]) -> Iterator[ParsedEntity]:
    """``ProfileRelationship``s between parties in the file, as FtM ``UnknownLink``s.

    OFAC's only relation type in practice is "Owned or Controlled By": it says neither
    which nor what share, so it cannot be an FtM Ownership (which the 50 % rule needs);
    ``subject`` is the owned or controlled party, ``object`` its owner or controller. A
    link belongs to the record of the party it describes (From-ProfileID).
    """
    for relation in refs.relations:
        source = fixed_refs.get(relation.source)
        target = fixed_refs.get(relation.target)
        if source is None or target is None:
            continue
        link = make_entity("UnknownLink", entity_id(ID_PREFIX, "relation", relation.id))
        link.add("subject", entity_id(ID_PREFIX, source))
        link.add("object", entity_id(ID_PREFIX, target))
        link.add("role", f"{relation.kind} (former)" if relation.former else relation.kind)
        yield ParsedEntity(link, source)


FORMATS = (OfacAdvancedXml(),)
