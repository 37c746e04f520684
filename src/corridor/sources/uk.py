"""UK sanctions lists: OFSI's consolidated list (``ConList.csv``) and the FCDO's UK Sanctions
List (CSV and XML), which replaced OFSI's as the single official source on 28 January 2026.

All three serialisations describe a subject (person, organisation or ship) through several
records: the CSVs write one row per name variant and repeat the subject's other fields on
each row; the XML nests names, addresses and documents inside one ``<Designation>``. Each is
first turned into the same thing, a list of *rows* keyed by canonical field names (`_FIELDS`),
so one builder (`_subject`) maps every layout to FollowTheMoney. Columns are found by header
name, so the 2018 and 2022+ ConList layouts and the FCDO CSV all load.

The list-wide ids are the publishers' own: OFSI ``Group ID`` (``gb-hmt-13349``) and the
FCDO ``Unique ID`` (``gb-fcdo-rus0001``); the FCDO file also carries the old OFSI group id,
which is kept as a second ``authorityId`` so the two lists can be lined up.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree
from normality import normalize
from rigour.ids import IMO, INN, OGRN

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
    open_binary,
    read_csv,
    read_head,
    release,
)

#: A row of a subject: canonical field name -> text (see `_FIELDS`), plus ``_line``.
Row = dict[str, str]

OFSI_AUTHORITY = "UK HM Treasury (OFSI)"
FCDO_AUTHORITY = "UK Foreign, Commonwealth & Development Office (FCDO)"

#: Dates as the UK files write them: "13/04/2018" (OFSI), "Report Date: 29-Apr-2026" (FCDO
#: CSV), "2026-09-29" (some XML exports).
_UK_DATES = ("%d/%m/%Y", "%d-%b-%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")
#: Subject type (OFSI "Group Type", FCDO "Designation Type"/``IndividualEntityShip``).
_SCHEMATA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
#: Name types that give the subject's main name: OFSI "Prime Alias" (2018) and "Primary
#: name" (2022 ConList, FCDO). "Primary name variation" is a transliteration: an alias.
_PRIMARY = frozenset({"prime alias", "primary name"})
#: Former names: OFSI "FKA" (formerly known as).
_PREVIOUS = frozenset({"fka"})
#: Cell values that mean "no value".
_PLACEHOLDERS = frozenset({"unknown", "not known", "n/a", "-"})
#: Alias quality that marks a name too common to match on by itself: OFSI "Low quality",
#: FCDO "Low quality a.k.a", and the "Weak" some re-exports write.
_WEAK = re.compile(r"\b(low|weak)\b", re.IGNORECASE)
#: OFSI/FCDO birth dates with unknown parts: "00/00/1980" and "dd/mm/1950" -> 1980/1950,
#: "00/05/1980" -> 1980-05.
_PARTIAL_DOB = re.compile(r"^(\d\d|dd)/(\d\d|mm)/(\d{4})$", re.IGNORECASE)
#: Enumerated values inside one cell: "(1) German (2) Moroccan", "1) Saudi Arabia 2) Qatar",
#: "a) French, b) Tunisian" (all in the 2018 ConList); "Ltd)" or "(Russia)" never match.
_ENUMERATION = re.compile(r"\(?\b(?:\d{1,2}|[a-z])\)", re.IGNORECASE)
#: A document number in OFSI prose ("Passport No: 592667 (Qatari passport issued on 3 May
#: 2007)", "(1) A-333602 (Indian) issued on 4 June 1985"): a token of letters, digits and
#: hyphens holding at least four digits in a row, so "1 June" or "No." never qualify.
_DOC_NUMBER = re.compile(
    r"(?<![\w-])(?=[A-Z0-9-]{0,30}\d{4})[A-Z0-9][A-Z0-9-]{0,30}[A-Z0-9](?![\w-])"
)
#: A labelled number in a registration cell: "INN: 7709123453", "OGRN - 1027739582089",
#: "TIN 7703436139" (the FCDO writes these labels, see OpenSanctions' gb_fcdo lookups).
_LABELLED = re.compile(r"\b(INN|OGRNIP|OGRN|TIN)\b[\s:.\-–]*(\d{9,15})\b", re.IGNORECASE)
#: Bare digit runs long enough to be a Russian INN (10/12) or OGRN (13/15).
_DIGITS = re.compile(r"(?<!\d)(\d{10}|\d{12}|\d{13}|\d{15})(?!\d)")
#: A subject is Russian in context when its address, nationality or registration text says
#: so: only then are bare 10-15 digit numbers checked as INN/OGRN. Not the regime: the Russia
#: regime also lists Kazakh and Turkish firms, whose 12-digit BIN is no INN.
_RUSSIAN = re.compile(r"\b(russia|russian federation|ogrn|inn)\b", re.IGNORECASE)
#: Seven digits of an IMO ship number in "9273416" or "IMO 9273416".
_IMO_DIGITS = re.compile(r"(?<!\d)(\d{7})(?!\d)")
#: An IMO number labelled in prose, for ConList ships, which have no IMO column:
#: "IMO 9123463", "IMO number: 9123463".
_IMO_LABELLED = re.compile(r"\bIMO\b(?: ?(?:number|no\.?))? ?:? ?(\d{7})(?!\d)", re.IGNORECASE)
#: Several e-mail addresses in one cell: "a@b.ru; c@d.ru", "a@b.ru, c@d.ru" or "a@b c@d".
_EMAIL_SPLIT = re.compile(r"[\s;,|]+")
#: Several phone numbers ("+7 495 123 45 67; +7 ...") or companies (owners, parents,
#: subsidiaries: "A | B", "A; B") in one cell. Separators only: the parts are stripped
#: afterwards, since "\s*;\s*" backtracks quadratically over a long run of spaces.
_LIST_SPLIT = re.compile(r"[;|]")

# ---------------------------------------------------------------- canonical fields

#: Header name (lower case, single spaces) -> canonical field, for all three CSV layouts.
#: The 2018 ConList has "Passport Details"/"NI Number" holding the number inside prose; the
#: 2022 ConList and the FCDO split number and details; `_header_fields` resolves that.
_FIELDS: dict[str, str] = {
    "unique id": "id",
    "group id": "id",
    "designation type": "type",
    "individual, entity, ship": "type",
    "group type": "type",
    "name type": "name_type",
    "alias type": "name_type",
    "alias strength": "strength",
    "alias quality": "strength",
    **{f"name {i}": f"name{i}" for i in range(1, 7)},
    "title": "title",
    "name non-latin script": "non_latin",
    "non-latin script language": "non_latin_lang",
    "regime name": "regime",
    "regime": "regime",
    "date designated": "designated",
    "uk sanctions list date designated": "designated",
    "listed on": "listed",
    "last updated": "updated",
    "d.o.b": "dob",
    "dob": "dob",
    "town of birth": "birth_town",
    "country of birth": "birth_country",
    "nationality(/ies)": "nationality",
    "nationality": "nationality",
    "passport number": "passport",
    "passport additional information": "passport_info",
    "national identifier number": "national_id",
    "national identification number": "national_id",
    "national identifier additional information": "national_id_info",
    "national identification details": "national_id_info",
    "position": "position",
    "gender": "gender",
    **{f"address {i}": f"addr{i}" for i in range(1, 7)},
    **{f"address line {i}": f"addr{i}" for i in range(1, 7)},
    "post/zip code": "postcode",
    "address postal code": "postcode",
    "country": "country",
    "address country": "country",
    "phone number": "phone",
    "website": "website",
    "email address": "email",
    "other information": "other_info",
    "uk statement of reasons": "statement",
    "sanctions imposed": "sanctions_imposed",
    "designation source": "designation_source",
    "un reference number": "un_ref",
    "ofsi group id": "ofsi_group",
    "type of entity": "entity_type",
    "subsidiaries": "subsidiaries",
    "parent company": "parent",
    "business registration number (s)": "registration",
    "business registration number(s)": "registration",
    "imo number": "imo",
    "current owner/operator (s)": "owner",
    "previous owner/operator (s)": "previous_owner",
    "current believed flag of ship": "flag",
    "previous flags": "past_flags",
    "type of ship": "ship_type",
    "tonnage of ship": "tonnage",
    "length of ship": "length",
    "year built": "year_built",
    "hull identification number (hin)": "hin",
}

#: XML element (local name) -> canonical field, for the FCDO ``UK-Sanctions-List.xml``.
_XML_FIELDS: dict[str, str] = {
    "UniqueID": "id",
    "IndividualEntityShip": "type",
    "NameType": "name_type",
    "AliasStrength": "strength",
    **{f"Name{i}": f"name{i}" for i in range(1, 7)},
    "Title": "title",
    "NameNonLatinScript": "non_latin",
    "NonLatinScriptLanguage": "non_latin_lang",
    "RegimeName": "regime",
    "DateDesignated": "designated",
    "LastUpdated": "updated",
    "DOB": "dob",
    "TownOfBirth": "birth_town",
    "CountryOfBirth": "birth_country",
    "Nationality": "nationality",
    "PassportNumber": "passport",
    "PassportAdditionalInformation": "passport_info",
    "NationalIdentifierNumber": "national_id",
    "NationalIdentifierAdditionalInformation": "national_id_info",
    "Position": "position",
    "Gender": "gender",
    **{f"AddressLine{i}": f"addr{i}" for i in range(1, 7)},
    "AddressPostalCode": "postcode",
    "AddressCountry": "country",
    "PhoneNumber": "phone",
    "Website": "website",
    "EmailAddress": "email",
    "OtherInformation": "other_info",
    "UKStatementofReasons": "statement",
    "SanctionsImposed": "sanctions_imposed",
    "DesignationSource": "designation_source",
    "UNReferenceNumber": "un_ref",
    "OFSIGroupID": "ofsi_group",
    "TypeOfEntity": "entity_type",
    "Subsidiary": "subsidiaries",
    "ParentCompany": "parent",
    "BusinessRegistrationNumber": "registration",
    "IMONumber": "imo",
    "CurrentOwnerOperator": "owner",
    "PreviousOwnerOperator": "previous_owner",
    "CurrentBelievedFlagOfShip": "flag",
    "PreviousFlag": "past_flags",
    "TypeOfShip": "ship_type",
    "TonnageOfShip": "tonnage",
    "LengthOfShip": "length",
    "YearBuilt": "year_built",
    "HullIdentificationNumber": "hin",
}
#: XML elements whose fields belong together (one name, one address, one passport...).
_XML_GROUPS = frozenset(
    {"Name", "NonLatinName", "Address", "Passport", "NationalIdentifier", "Location"}
)


def _value(text: str | None) -> str:
    """A cell's text with spacing collapsed; placeholders ("Unknown", "N/A") are empty.

    The FCDO writes "Unknown" for a website or an owner it does not know (OpenSanctions'
    gb_fcdo lookups map these to nothing); it is no value to match on.
    """
    value = " ".join((text or "").split())
    return "" if value.lower() in _PLACEHOLDERS else value


def _norm_header(name: str) -> str:
    """Header names compared without case, BOM or spacing ("Name  6" == "name 6")."""
    return " ".join(name.lower().lstrip("\ufeff").split())


def uk_birth_date(text: str | None) -> str | None:
    """ISO (possibly partial) date from "24/11/1974", "00/00/1980" or "dd/05/1950"."""
    if not text or not text.strip():
        return None
    found = _PARTIAL_DOB.match(text.strip())
    if found is None:
        parsed = parse_date(text, _UK_DATES)
        if parsed is not None:
            return parsed.isoformat()
        year = text.strip()
        return year if re.fullmatch(r"(19|20)\d\d", year) else None
    day, month, year = found.groups()
    if not month.isdigit() or month == "00":
        return year
    if not day.isdigit() or day == "00":
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


def _digest(text: str) -> str:
    """A short stable key for a name with no id of its own (a ship owner, a parent company)."""
    key = normalize(text, lowercase=True) or text.strip().lower()
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- layouts and formats


@dataclass(frozen=True)
class _List:
    """What distinguishes the two UK lists once their rows are canonical."""

    list_name: str
    prefix: str
    authority: str
    encoding: str
    #: Canonical fields the header must provide.
    required: tuple[str, ...]
    #: The header words that name each required field in the error message.
    required_headers: tuple[str, ...]


_OFSI = _List(
    list_name="gb_hmt",
    prefix="gb-hmt",
    authority=OFSI_AUTHORITY,
    # Detected per file by `_ofsi_encoding`: the 2018 ConList is Windows-1252.
    encoding="",
    required=("id", "type", "name_type", "name6"),
    required_headers=("group id", "group type", "alias type", "name 6"),
)
_FCDO = _List(
    list_name="gb_fcdo",
    prefix="gb-fcdo",
    authority=FCDO_AUTHORITY,
    # The FCDO publishes UTF-8 with a byte-order mark; -sig accepts it with or without.
    encoding="utf-8-sig",
    required=("id", "name_type", "name6", "type"),
    required_headers=("unique id", "name type", "name 6", "designation type"),
)


def _csv_head(head: bytes) -> bytes:
    return head[:4096].lower().removeprefix(b"\xef\xbb\xbf").lstrip()


class OfsiConListCsv:
    """OFSI's consolidated list CSV: ``Last Updated,dd/mm/yyyy``, a header, one row per name."""

    name = "uk-ofsi-conlist-csv"
    source = "uk"

    def sniff(self, path: Path, head: bytes) -> bool:
        """Row 1 is "Last Updated,<date>" and the header names "Group ID"; the FCDO header
        also has "Last Updated" and "OFSI Group ID", so its "Unique ID" rules it out."""
        text = _csv_head(head)
        return (
            text.startswith(b"last updated,")
            and b"group id" in text
            and b"alias type" in text
            and b"unique id" not in text
        )

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse_csv(path, _OFSI, parsed),
            list_name=_OFSI.list_name,
            source=self.source,
            format=self.name,
            files=[path],
        )


class FcdoXml:
    """The FCDO UK Sanctions List XML (``UK-Sanctions-List.xml``): ``<Designations>`` with a
    ``<DateGenerated>`` and one ``<Designation>`` per subject, no namespace."""

    name = "uk-fcdo-xml"
    source = "uk"

    def sniff(self, path: Path, head: bytes) -> bool:
        """The root ``<Designations>`` and a ``<Designation>`` or ``<DateGenerated>`` child.

        NUL bytes are dropped first so a UTF-16 export is recognised too.
        """
        text = head.replace(b"\x00", b"")
        return b"<Designations" in text and (
            b"<Designation>" in text or b"<Designation " in text or b"<DateGenerated" in text
        )

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse_xml(path, parsed),
            list_name=_FCDO.list_name,
            source=self.source,
            format=self.name,
            files=[path],
        )


class FcdoCsv:
    """The FCDO UK Sanctions List CSV: ``Report Date: 29-Apr-2026``, a header, one row per name.

    Until the registry lists `FCDO_XML` itself (see the module's FORMATS note), this format
    also recognises the XML serialisation of the same list and hands it to `FCDO_XML`, so
    ``corridor lists update gb_fcdo`` (whose default URL is the XML) works.
    """

    name = "uk-fcdo-csv"
    source = "uk"

    def sniff(self, path: Path, head: bytes) -> bool:
        if FCDO_XML.sniff(path, head):
            return True
        text = _csv_head(head)
        return b"unique id" in text and b"name type" in text and not text.startswith(b"<")

    def open(self, path: Path) -> ParsedList:
        if FCDO_XML.sniff(path, read_head(path)):
            return FCDO_XML.open(path)
        return ParsedList.streaming(
            lambda parsed: _parse_csv(path, _FCDO, parsed),
            list_name=_FCDO.list_name,
            source=self.source,
            format=self.name,
            files=[path],
        )


# ---------------------------------------------------------------- CSV


def _parse_csv(path: Path, layout: _List, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Read the date row and the header, group the rows by subject id, build each subject.

    Rows of one subject are not always adjacent (the 2018 ConList interleaves them), so the
    whole file is grouped first; a list holds thousands of subjects, not millions.
    """
    rows = read_csv(path, encoding=layout.encoding or _ofsi_encoding(path))
    line, header = _header(path, layout, rows, parsed)
    fields = _header_fields(header)
    missing = [
        head
        for field, head in zip(layout.required, layout.required_headers, strict=True)
        if field not in fields.values()
    ]
    if missing:
        raise CorridorError.at(
            path,
            f"missing column(s) {', '.join(missing)}; expected the "
            f"{'OFSI ConList' if layout is _OFSI else 'FCDO UK Sanctions List'} header",
            line=line,
        )
    groups: dict[str, list[Row]] = {}
    count = 0
    for number, cells in rows:
        row = _csv_row(path, number, header, fields, cells)
        groups.setdefault(row["id"], []).append(row)
        count += 1
    parsed.notes["rows"] = count
    for group in groups.values():
        yield from _subject(path, layout, group)


def _ofsi_encoding(path: Path) -> str:
    """Windows-1252 unless the whole file is valid UTF-8 with some non-ASCII text.

    The ConList was published in Windows-1252 (the 2018 file: "Ã©" would be mojibake); a
    2022-format file carrying "Name Non-Latin Script" (Cyrillic, Arabic) cannot be, so it is
    read as UTF-8. One streaming pass decides; a list is a few megabytes.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    ascii_only = True
    try:
        with open_binary(path) as stream:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                decoder.decode(chunk)
                ascii_only = ascii_only and chunk.isascii()
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "cp1252" if ascii_only else "utf-8-sig"


def _header(
    path: Path, layout: _List, rows: Iterator[tuple[int, list[str]]], parsed: ParsedList
) -> tuple[int, list[str]]:
    """The header row, after reading the publication date from the row before it.

    Re-exports that drop the date row are accepted (the date is then unknown).
    """
    first = next(rows, None)
    if first is None:
        raise CorridorError.at(path, "no rows; expected a date row and a header row", line=1)
    if "id" in _header_fields(first[1]).values():
        return first
    parsed.published = _date_row(path, first)
    found = next(rows, None)
    if found is None:
        raise CorridorError.at(path, "no header row after the date row", line=first[0] + 1)
    return found


def _date_row(path: Path, row: tuple[int, list[str]]) -> date:
    """The date in "Last Updated,13/04/2018" (OFSI) or "Report Date: 29-Apr-2026" (FCDO)."""
    cells = [c.strip() for c in row[1] if c.strip()]
    text = cells[1] if len(cells) >= 2 else (cells[0].split(":", 1)[-1] if cells else "")
    found = parse_date(text.strip(), _UK_DATES)
    if found is None:
        raise CorridorError.at(
            path,
            f"first row {','.join(cells)[:60]!r} holds no date; expected "
            "'Last Updated,13/04/2018' or 'Report Date: 29-Apr-2026' before the header",
            line=row[0],
        )
    return found


def _header_fields(header: list[str]) -> dict[int, str]:
    """Column index -> canonical field; the first of repeated columns wins.

    In the 2018 ConList "Passport Details" and "NI Number" are the only document columns and
    hold the number inside prose; where a separate number column exists (2022 ConList) the
    "details" columns are additional information.
    """
    names = [_norm_header(h) for h in header]
    fields: dict[int, str] = {}
    for index, name in enumerate(names):
        field = _FIELDS.get(name)
        if name == "passport details":
            field = "passport_info" if "passport number" in names else "passport"
        elif name == "ni number":
            field = "national_id"
        if field is not None and field not in fields.values():
            fields[index] = field
    return fields


def _csv_row(
    path: Path, line: int, header: list[str], fields: dict[int, str], cells: list[str]
) -> Row:
    """One data row as canonical fields; a short row means a truncated or broken file."""
    if len(cells) < len(header) or any(c.strip() for c in cells[len(header) :]):
        raise CorridorError.at(
            path, f"{len(cells)} fields; expected {len(header)} as in the header", line=line
        )
    row = {field: value for index, field in fields.items() if (value := _value(cells[index]))}
    if not any(ch.isalnum() for ch in row.get("id", "")):
        raise CorridorError.at(path, "row without a subject id (Group ID / Unique ID)", line=line)
    row["_line"] = str(line)
    return row


# ---------------------------------------------------------------- XML


def _parse_xml(path: Path, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Stream ``<Designation>`` elements; ``<DateGenerated>`` gives the publication date."""
    count = 0
    for element in iter_xml(path):
        tag = local_name(element)
        if tag == "DateGenerated":
            parsed.published = parse_date(element.text, _UK_DATES)
        elif tag == "Designation":
            count += 1
            yield from _subject(path, _FCDO, _designation_rows(path, element))
            release(element)
    if count == 0:
        raise CorridorError.at(path, "no <Designation> elements; expected the FCDO list XML")
    parsed.notes["designations"] = count


def _designation_rows(path: Path, designation: etree._Element) -> list[Row]:
    """A ``<Designation>`` as rows: one per name, address, document or detail value.

    Fields that are direct children (``UniqueID``, ``RegimeName``...) go on every row; the
    fields of one ``<Name>``/``<Address>``/``<Passport>`` stay together on one row. Other
    values (``DOB``, ``Nationality``, ``IMONumber``...) are found at any depth, so the exact
    wrapper elements (``IndividualDetails/Individual/DOBs``) do not matter.
    """
    common: Row = {"_line": str(designation.sourceline or 0)}
    grouped: dict[etree._Element, Row] = {}
    for element in designation.iterdescendants():
        field = _XML_FIELDS.get(local_name(element))
        text = _value(element.text)
        if field is None or not text or len(element):
            continue
        parent = element.getparent()
        if parent is designation:
            common.setdefault(field, text)
            continue
        owner = _xml_group(designation, element)
        grouped.setdefault(owner, {}).setdefault(field, text)
    if "id" not in common:
        raise CorridorError.at(
            path, "<Designation> without <UniqueID>", line=designation.sourceline
        )
    return [common] + [{**common, **fields} for fields in grouped.values()]


def _xml_group(designation: etree._Element, element: etree._Element) -> etree._Element:
    """The nearest ``Name``/``Address``/... ancestor of ``element``, else ``element`` itself."""
    node = element.getparent()
    while node is not None and node is not designation:
        if local_name(node) in _XML_GROUPS:
            return node
        node = node.getparent()
    return element


# ---------------------------------------------------------------- subjects


def _subject(path: Path, layout: _List, rows: list[Row]) -> Iterator[ParsedEntity]:
    """One subject's entity, its Sanction and its linked owners, from all of its rows."""
    first = rows[0]
    subject_id, line = first["id"], int(first["_line"])
    kind = next((r["type"] for r in rows if r.get("type")), "")
    schema = _SCHEMATA.get(kind.lower())
    if schema is None:
        raise CorridorError.at(
            path,
            f"subject {subject_id!r} has type {kind!r}; expected Individual, Entity or Ship",
            line=line,
        )
    entity = make_entity(schema, entity_id(layout.prefix, subject_id))
    russian = bool(_RUSSIAN.search(" ".join(r.get(k, "") for r in rows for k in _CONTEXT)))
    for row in rows:
        _names(entity, row)
        _details(entity, row, russian)
    if not entity.has("name"):  # no primary-name row: promote the first alias
        fallback = entity.get("alias") + entity.get("weakAlias") + entity.get("previousName")
        if not fallback:
            raise CorridorError.at(path, f"subject {subject_id!r} has no name", line=line)
        entity.add("name", fallback[0])
    for prop in ("alias", "weakAlias"):  # an alias row may come before the primary name
        for name in set(entity.get(prop)) & set(entity.get("name")):
            entity.remove(prop, name)
    yield ParsedEntity(entity, subject_id)
    yield ParsedEntity(_sanction(entity, layout, subject_id, rows), subject_id)
    yield from _links(entity, layout, subject_id, rows)


#: Fields that tell whether a subject is Russian (see `_RUSSIAN`).
_CONTEXT = ("country", "registration", "nationality")


def _name_parts(row: Row) -> tuple[list[str], str]:
    return [row.get(f"name{i}", "") for i in range(1, 6)], row.get("name6", "")


def _names(entity: EntityProxy, row: Row) -> None:
    """Add the name on ``row``: persons read "Name 1..5 Name 6" (surname last), others "Name 6".

    Only the first primary name becomes the name (the 2018 ConList repeats "Prime Alias"
    once per date of birth, and a few subjects have two); the others become aliases.
    """
    given, surname = _name_parts(row)
    is_person = entity.schema.is_a("Person")
    whole = " ".join(p for p in [*given, surname] if p) if is_person else surname
    if not surname and not is_person:
        whole = " ".join(p for p in given if p)
    entity.add("alias", row.get("non_latin") or None)
    if not whole:
        return
    kind = row.get("name_type", "").lower()
    if kind in _PRIMARY and not entity.has("name"):
        entity.add("name", whole)
        if is_person:
            entity.add("firstName", given[0] or None)
            entity.add("lastName", surname or None)
    elif kind in _PREVIOUS:
        entity.add("previousName", whole)
    elif whole not in entity.get("name"):
        weak = kind not in _PRIMARY and bool(_WEAK.search(row.get("strength", "")))
        entity.add("weakAlias" if weak else "alias", whole)


def _details(entity: EntityProxy, row: Row, russian: bool) -> None:
    """Copy one row's personal, document, contact, vessel and address fields.

    Properties a schema lacks (a ship has no birth date) are skipped quietly: OFSI repeats
    every column on every row whatever the subject type.
    """

    def put(prop: str, *values: str | None) -> None:
        entity.add(prop, [v for v in values if v], quiet=True)

    put("title", row.get("title"))
    put("birthDate", uk_birth_date(row.get("dob")))
    put("birthPlace", row.get("birth_town"))
    put("birthCountry", row.get("birth_country"))
    put("nationality", *_enumerated(row.get("nationality")))
    put("position", row.get("position"))
    put("gender", row.get("gender", "").lower())
    _documents(entity, "passport", row.get("passport"))
    _documents(entity, "national_id", row.get("national_id"))
    for info in ("passport_info", "national_id_info"):
        put("notes", row.get(info))
    put("phone", *_split(row.get("phone"), _LIST_SPLIT))
    put("email", *_split(row.get("email"), _EMAIL_SPLIT))
    put("website", row.get("website"))
    put("summary", row.get("entity_type"))
    if row.get("registration"):
        _registration(entity, row["registration"], russian)
    _imo(entity, row.get("imo"))
    put("flag", row.get("flag"))
    put("pastFlags", *_enumerated(row.get("past_flags")))
    put("type", row.get("ship_type"))
    put("tonnage", row.get("tonnage"))
    put("buildDate", row.get("year_built"))
    add_identifier(entity, "registration", row.get("hin"))
    put("address", _address(row))
    put("country", row.get("country"))
    put("notes", row.get("other_info"))
    if entity.schema.is_a("Vessel") and not row.get("imo"):
        for number in _IMO_LABELLED.findall(row.get("other_info", "")):
            _imo(entity, number)


def _split(text: str | None, pattern: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in pattern.split(text or "") if part.strip()]


def _enumerated(text: str | None) -> list[str]:
    """The values of "(1) German (2) Moroccan" or "Russia; Belarus"."""
    parts = _ENUMERATION.split(text or "")
    return [p.strip(" .,;") for part in parts for p in part.split(";") if p.strip(" .,;")]


def _address(row: Row) -> str | None:
    """The address lines, postcode and country; a country alone is no address."""
    parts = [row.get(f"addr{i}") for i in range(1, 7)] + [row.get("postcode")]
    if not any(parts):
        return None
    return ", ".join(p for p in [*parts, row.get("country")] if p)


def _documents(entity: EntityProxy, kind: str, text: str | None) -> None:
    """The document numbers in a cell: the cell itself when it is one token ("N11223344"),
    else the numbers in its prose, which may list several: "(1) Provisional 28642163
    (German) issued by the city of Hamburg (2) 954242 (Moroccan)".

    Prose is kept in notes, and prose without a number ("Uganda Passport.") only there.
    """
    if not text:
        return
    if len(text.split()) == 1:
        add_identifier(entity, kind, text)
        return
    for part in _ENUMERATION.split(text):
        found = _DOC_NUMBER.search(part)
        add_identifier(entity, kind, found[0] if found else None)
    entity.add("notes", text)


def _registration(entity: EntityProxy, text: str, russian: bool) -> None:
    """Type a "Business registration number (s)" cell.

    Labelled numbers ("INN: 7709123453", "OGRN - 1027739582089") are typed when Rigour's
    checksum accepts them; bare 10-15 digit runs only in a Russian context (OGRN and INN are
    Russian; a Syrian "CR 4471-2019" is not). FtM silently drops an innCode or ogrnCode that
    fails its check, so anything not typed is kept whole as ``registrationNumber``.
    """
    typed: list[tuple[str, str]] = []
    for label, number in _LABELLED.findall(text):
        kind = {"inn": "inn", "tin": "tax"}.get(label.lower(), "ogrn")
        typed.append((_checked(kind, number), number))
    if russian and not typed:
        for number in _DIGITS.findall(text):
            kind = "ogrn" if len(number) in (13, 15) else "inn"
            if _checked(kind, number) == kind:
                typed.append((kind, number))
    for kind, number in typed:
        add_identifier(entity, kind, number)
    if not typed:
        add_identifier(entity, "registration", text)


def _checked(kind: str, number: str) -> str:
    """``kind`` when Rigour accepts ``number`` as one, else the generic "registration"."""
    validator: dict[str, Callable[[str], bool]] = {"inn": INN.is_valid, "ogrn": OGRN.is_valid}
    check = validator.get(kind)
    return kind if check is None or check(number) else "registration"


def _imo(entity: EntityProxy, text: str | None) -> None:
    """ "9273416" or "IMO 9273416" -> IMO9273416; an invalid number stays a registration."""
    if not text:
        return
    found = _IMO_DIGITS.search(text)
    if found and IMO.is_valid(f"IMO{found[1]}"):
        add_identifier(entity, "imo", f"IMO{found[1]}")
    else:
        add_identifier(entity, "registration", text)


def _sanction(entity: EntityProxy, layout: _List, subject_id: str, rows: list[Row]) -> EntityProxy:
    """The Sanction: regime, listing date, UN reference, statement of reasons, measures."""

    def first(*fields: str) -> str | None:
        return next((r[f] for f in fields for r in rows if r.get(f)), None)

    listed = first("listed", "designated")
    sanction = make_sanction(
        entity,
        authority=layout.authority,
        programs=sorted({r["regime"] for r in rows if r.get("regime")}),
        listing_date=uk_birth_date(listed),
        authority_id=subject_id,
        unsc_id=first("un_ref"),
        reason=first("statement"),
    )
    # The FCDO keeps OFSI's old group id: a second authority id lines the two lists up.
    sanction.add("authorityId", first("ofsi_group"))
    sanction.add("startDate", uk_birth_date(first("designated")))
    sanction.add("modifiedAt", uk_birth_date(first("updated")))
    source = first("designation_source")
    sanction.add("summary", f"Designation source: {source}" if source else None)
    # "Sanctions Imposed" is pipe-separated: "Asset freeze|Trust services sanctions".
    for measure in (first("sanctions_imposed") or "").split("|"):
        sanction.add("provisions", measure.strip() or None)
    return sanction


def _links(
    entity: EntityProxy, layout: _List, subject_id: str, rows: list[Row]
) -> Iterator[ParsedEntity]:
    """Ownership links to the companies the FCDO names: a ship's current owner/operator, an
    entity's parent company (owner) and subsidiaries (assets). The named companies are not
    themselves listed by this record, so they are emitted as non-targets."""
    kinds = (("owner", True), ("parent", True), ("subsidiaries", False))
    for field, owns_subject in kinds:
        names = {n for r in rows for n in _split(r.get(field), _LIST_SPLIT)}
        for name in sorted(names):
            company = make_entity("Organization", f"{layout.prefix}-named-{_digest(name)}")
            company.add("name", name)
            link = make_entity("Ownership", f"{entity.id}-{field}-{_digest(name)}")
            link.add("owner", company.id if owns_subject else entity.id)
            link.add("asset", entity.id if owns_subject else company.id)
            link.add("role", "Current owner/operator" if field == "owner" else None)
            yield ParsedEntity(company, subject_id, target=False)
            yield ParsedEntity(link, subject_id, target=False)


#: The FCDO XML format object (also reached through `FcdoCsv` until it is registered).
FCDO_XML = FcdoXml()

#: OFSI first, then FCDO (tests unpack ``OFSI, FCDO = FORMATS``). `FCDO_XML` belongs here as
#: a third entry; it is reached through `FcdoCsv` until the tests that unpack two formats
#: and the fuzz samples (tests/sources/test_eu_uk.py, test_fuzz.py) know about it.
FORMATS = (OfsiConListCsv(), FcdoCsv())
