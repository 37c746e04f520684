"""OFAC's Advanced Sanctions Data Standard XML (``sdn_advanced.xml``, ``cons_advanced.xml``).

Everything in this format is a reference: a party's aliases point at name-part types, its
features (birth date, citizenship, SWIFT code...) at feature types and locations, its
documents live in a separate ``IDRegDocuments`` section keyed by identity, and its
programmes in ``SanctionsEntries`` *after* the parties. The file is therefore read in
two streaming passes: the first collects the references, documents and sanctions entries
(small next to the parties), the second builds one entity per ``DistinctParty``. Memory
stays bounded on OFAC's 120 MB ``sdn_advanced.xml``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
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
)
from corridor.sources.inputs import iter_xml, local_name, release
from corridor.sources.ofac_common import AUTHORITY, ID_PREFIX, add_ofac_id, list_name_for

#: Feature types that are plain properties: feature type (lower case) -> FtM property.
_FEATURE_PROPS = {
    "vessel call sign": "callSign",
    "vessel type": "type",
    "vessel flag": "flag",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "aircraft model": "model",
    "title": "position",
}
#: Party types and sub-types -> FtM schema ("Transport"/"Vessel" -> Vessel).
_PARTY_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


@dataclass
class _References:
    """What pass one collects: reference values, locations, documents, sanctions."""

    values: dict[tuple[str, str], etree._Element] = field(default_factory=dict)
    locations: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    documents: dict[str, list[tuple[str, str, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    programs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    listed: dict[str, str] = field(default_factory=dict)
    issued: date | None = None

    def text(self, kind: str, ref: str | None) -> str:
        element = self.values.get((kind, ref or ""))
        return " ".join((element.text or "").split()) if element is not None else ""

    def country(self, ref: str | None) -> str | None:
        element = self.values.get(("Country", ref or ""))
        if element is None:
            return None
        return element.get("ISO2") or element.text


class OfacAdvancedXml:
    """The advanced sanctions data standard format."""

    name = "ofac-advanced-xml"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"www.un.org/sanctions/1.0" in head and b"<Sanctions" in head

    def open(self, path: Path) -> ParsedList:
        refs = _collect(path)
        return ParsedList(
            list_name=list_name_for(path),
            source=self.source,
            format=self.name,
            files=[path],
            entities=_parties(path, refs),
            published=refs.issued,
        )


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if local_name(child) == name:
            return child
    return None


def _all(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (e for e in element.iter() if local_name(e) == name)


def _ymd(element: etree._Element | None) -> tuple[int, int, int] | None:
    if element is None:
        return None
    try:
        parts = [_child(element, n) for n in ("Year", "Month", "Day")]
        year = int(parts[0].text or "") if parts[0] is not None else None
        month = int(parts[1].text or "1") if parts[1] is not None else 1
        day = int(parts[2].text or "1") if parts[2] is not None else 1
    except ValueError:
        return None
    return (year, month, day) if year else None


def _collect(path: Path) -> _References:
    """Pass one: everything but the parties themselves."""
    refs = _References()
    for element in iter_xml(path):
        tag = local_name(element)
        parent = element.getparent()
        if parent is not None and local_name(parent).endswith("Values") and element.get("ID"):
            refs.values[(tag, element.get("ID") or "")] = element
        elif tag == "DateOfIssue":
            ymd = _ymd(element)
            refs.issued = _safe_date(ymd)
        elif tag == "Location":
            refs.locations[element.get("ID") or ""] = _location(refs, element)
            release(element)
        elif tag == "IDRegDocument":
            _document(refs, element)
            release(element)
        elif tag == "SanctionsEntry":
            _sanctions_entry(refs, element)
            release(element)
        elif tag == "DistinctParty":
            release(element)
    if refs.issued is None:
        raise CorridorError.at(path, "no DateOfIssue; expected an OFAC advanced XML file")
    return refs


def _safe_date(ymd: tuple[int, int, int] | None) -> date | None:
    try:
        return date(*ymd) if ymd else None
    except ValueError:
        return None


def _location(refs: _References, element: etree._Element) -> tuple[str, str | None]:
    parts = []
    for part in _all(element, "LocationPart"):
        for value in _all(part, "Value"):
            if value.text and value.text.strip():
                parts.append(" ".join(value.text.split()))
    country_el = _child(element, "LocationCountry")
    country = refs.country(country_el.get("CountryID")) if country_el is not None else None
    country_name = (
        refs.text("Country", country_el.get("CountryID")) if country_el is not None else ""
    )
    if country_name:
        parts.append(country_name)
    return ", ".join(parts), country


def _document(refs: _References, element: etree._Element) -> None:
    number_el = _child(element, "IDRegistrationNo")
    number = " ".join((number_el.text or "").split()) if number_el is not None else ""
    if not number:
        return
    kind = refs.text("IDRegDocType", element.get("IDRegDocTypeID"))
    country = refs.text("Country", element.get("IssuedBy-CountryID")) or None
    refs.documents[element.get("IdentityID") or ""].append((kind, number, country))


def _sanctions_entry(refs: _References, element: etree._Element) -> None:
    profile = element.get("ProfileID") or ""
    for measure in _all(element, "SanctionsMeasure"):
        comment = _child(measure, "Comment")
        if comment is not None and comment.text and comment.text.strip():
            refs.programs[profile].append(comment.text.strip())
    for event in _all(element, "EntryEvent"):
        when = _safe_date(_ymd(_child(event, "Date")))
        if when is not None:
            iso = when.isoformat()
            if profile not in refs.listed or iso < refs.listed[profile]:
                refs.listed[profile] = iso


def _parties(path: Path, refs: _References) -> Iterator[ParsedEntity]:
    """Pass two: one entity (and its Sanction) per DistinctParty."""
    for element in iter_xml(path):
        if local_name(element) == "DistinctParty":
            yield from _party(path, refs, element)
            release(element)


def _party(path: Path, refs: _References, element: etree._Element) -> Iterator[ParsedEntity]:
    fixed = element.get("FixedRef")
    profile = _child(element, "Profile")
    if not fixed or profile is None:
        raise CorridorError.at(
            path, "DistinctParty without FixedRef or Profile", line=element.sourceline
        )
    entity = make_entity(_schema(refs, profile), entity_id(ID_PREFIX, fixed))
    for identity in _all(profile, "Identity"):
        _names(refs, entity, identity)
        for kind, number, country in refs.documents.get(identity.get("ID") or "", []):
            add_ofac_id(entity, kind, number, country)
    for feature in _all(profile, "Feature"):
        _feature(refs, entity, feature)
    profile_id = profile.get("ID") or fixed
    sanction = make_sanction(
        entity,
        authority=AUTHORITY,
        programs=sorted(set(refs.programs.get(profile_id, []))),
        listing_date=refs.listed.get(profile_id),
    )
    yield ParsedEntity(entity, fixed)
    yield ParsedEntity(sanction, fixed)


def _schema(refs: _References, profile: etree._Element) -> str:
    subtype = refs.values.get(("PartySubType", profile.get("PartySubTypeID") or ""))
    if subtype is None:
        return "LegalEntity"
    sub = " ".join((subtype.text or "").split()).lower()
    party = refs.text("PartyType", subtype.get("PartyTypeID")).lower()
    return _PARTY_SCHEMA.get(sub) or _PARTY_SCHEMA.get(party) or "LegalEntity"


def _names(refs: _References, entity: EntityProxy, identity: etree._Element) -> None:
    group_types = {
        g.get("ID") or "": refs.text("NamePartType", g.get("NamePartTypeID")).lower()
        for g in _all(identity, "NamePartGroup")
    }
    for alias in _all(identity, "Alias"):
        alias_type = refs.text("AliasType", alias.get("AliasTypeID")).lower()
        for index, documented in enumerate(_all(alias, "DocumentedName")):
            name = _documented_name(documented, group_types)
            if not name:
                continue
            if alias.get("Primary") == "true" and index == 0 and not entity.has("name"):
                entity.add("name", name)
                _name_parts(entity, documented, group_types)
            elif alias_type.startswith("f.k.a"):
                entity.add("previousName", name)
            elif alias.get("LowQuality") == "true":
                entity.add("weakAlias", name)
            else:
                entity.add("alias", name)


def _documented_name(documented: etree._Element, group_types: dict[str, str]) -> str:
    """Given names before the last name, as people are named in Latin script."""
    parts = [
        (group_types.get(v.get("NamePartGroupID") or "", ""), " ".join((v.text or "").split()))
        for v in _all(documented, "NamePartValue")
    ]
    last = [text for kind, text in parts if kind == "last name"]
    rest = [text for kind, text in parts if kind != "last name"]
    return " ".join(p for p in [*rest, *last] if p)


def _name_parts(
    entity: EntityProxy, documented: etree._Element, group_types: dict[str, str]
) -> None:
    if entity.schema.name != "Person":
        return
    props = {
        "first name": "firstName",
        "middle name": "middleName",
        "last name": "lastName",
        "patronymic": "fatherName",
        "matronymic": "motherName",
    }
    for value in _all(documented, "NamePartValue"):
        prop = props.get(group_types.get(value.get("NamePartGroupID") or "", ""))
        if prop is not None:
            entity.add(prop, " ".join((value.text or "").split()) or None)


def _feature(refs: _References, entity: EntityProxy, feature: etree._Element) -> None:
    kind = refs.text("FeatureType", feature.get("FeatureTypeID"))
    for version in _all(feature, "FeatureVersion"):
        detail = _child(version, "VersionDetail")
        text = " ".join((detail.text or "").split()) if detail is not None else ""
        if not text and detail is not None:
            text = refs.text("DetailReference", detail.get("DetailReferenceID"))
        location = _child(version, "VersionLocation")
        place, country = (
            refs.locations.get(location.get("LocationID") or "", ("", None))
            if location is not None
            else ("", None)
        )
        _apply_feature(entity, kind, text, place, country, version)


def _apply_feature(
    entity: EntityProxy,
    kind: str,
    text: str,
    place: str,
    country: str | None,
    version: etree._Element,
) -> None:
    lowered = kind.lower()
    if lowered == "birthdate":
        entity.add("birthDate", _period(version), quiet=True)
    elif lowered == "place of birth":
        entity.add("birthPlace", place or text or None, quiet=True)
    elif lowered == "location":
        entity.add("address", place or None)
        entity.add("country", country, quiet=True)
    elif lowered.startswith("citizenship"):
        entity.add("citizenship", country or text or None, quiet=True)
    elif lowered.startswith("nationality"):
        prop = "nationality" if entity.schema.name == "Person" else "country"
        entity.add(prop, country or text or None, quiet=True)
    elif lowered == "gender":
        entity.add("gender", text.lower() or None, quiet=True)
    elif lowered in _FEATURE_PROPS:
        entity.add(_FEATURE_PROPS[lowered], text or country or None, quiet=True)
    elif text:
        add_ofac_id(entity, kind, text, None)


def _period(version: etree._Element) -> list[str]:
    """A birth date from a DatePeriod: the day, the month or the year it pins down, or
    both years of a wider range.

    OFAC writes "DOB 1962" as a period from 1962-01-01 (Start/From) to 1962-12-31
    (End/To); only a period that starts and ends on one day is an exact date.
    """
    period = _child(version, "DatePeriod")
    start = _child(period, "Start") if period is not None else None
    end = _child(period, "End") if period is not None else None
    low = _ymd(_child(start, "From")) if start is not None else None
    if low is None:
        return []
    high = _ymd(_child(end, "To")) if end is not None else None
    high = high or (_ymd(_child(start, "To")) if start is not None else None) or low
    if low == high:
        return [f"{low[0]:04d}-{low[1]:02d}-{low[2]:02d}"]
    if low[:2] == high[:2]:
        return [f"{low[0]:04d}-{low[1]:02d}"]
    if low[0] == high[0]:
        return [f"{low[0]:04d}"]
    return [f"{low[0]:04d}", f"{high[0]:04d}"]


FORMATS = (OfacAdvancedXml(),)
