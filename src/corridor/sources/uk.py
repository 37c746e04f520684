"""UK sanctions lists: OFSI's consolidated list (ConList CSV) and the FCDO's UK Sanctions
List CSV, which replaced it as the official source in 2025.

Both write one row per name variant of a subject; rows are grouped into one entity by
the subject's id (OFSI ``Group ID``, FCDO ``Unique ID`` such as ``RUS0001``). Columns are
found by header name, so the pre-2022 and 2022+ ConList layouts both load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from followthemoney.proxy import EntityProxy

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
from corridor.sources.inputs import read_csv, require_columns

#: Dates as the two UK files write them: "13/04/2018" (OFSI), "01-Nov-2026" (FCDO report date).
_UK_DATE = ("%d/%m/%Y", "%d-%m-%Y", "%d-%b-%Y", "%d %B %Y", "%Y-%m-%d")
#: Subject type ("Group Type" / "Designation Type") -> FtM schema, e.g. "Ship" -> Vessel.
_SCHEMATA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
#: Name kinds that make the entity's main name: OFSI "Prime Alias", FCDO "Primary name".
_PRIMARY = ("prime alias", "primary name")
#: Name kinds for former names: OFSI "FKA" (formerly known as).
_PREVIOUS = ("fka",)
#: Alias quality/strength values that mark a name too common to match on: "Low", "Weak".
_WEAK = ("low", "weak")
#: OFSI dates of birth use 00 for unknown parts: "00/00/1980" -> 1980, "00/05/1980" -> 1980-05.
_PARTIAL_DOB = re.compile(r"^(\d\d)/(\d\d)/(\d{4})$")
#: A document number inside prose: letters and digits, at least one digit, 5+ characters.
_DOC_NUMBER = re.compile(r"\b(?=[A-Z0-9]*\d)[A-Z0-9]{5,}\b")
#: Russian registration (OGRN, 13/15 digits) inside a free-text cell.
_OGRN = re.compile(r"\b(\d{13}|\d{15})\b")
#: A labelled Russian INN in the same cell: "OGRN 1227700456785; INN 7709123453".
_INN = re.compile(r"\bINN:?\s*(\d{12}|\d{10})\b")
#: Words showing a registration number is Russian, so 13/15 digits are an OGRN:
#: "OGRN 1227700456785" or a subject whose address country / regime is "Russia".
_RUSSIAN = re.compile(r"\b(ogrn|russia|russian federation)\b", re.IGNORECASE)
#: "IMO 9273416" or "9273416" -> the seven digits FtM's IMO type expects.
_IMO = re.compile(r"(\d{7})")


def _norm(name: str) -> str:
    """Header names compared without case or spacing ("Name  6" == "name 6")."""
    return " ".join(name.lower().split())


def uk_birth_date(text: str | None) -> str | None:
    """ISO (possibly partial) date from "24/11/1974" or "00/00/1980"."""
    if not text:
        return None
    found = _PARTIAL_DOB.match(text.strip())
    if found is None:
        parsed = parse_date(text, _UK_DATE)
        return parsed.isoformat() if parsed else None
    day, month, year = found.groups()
    if month == "00":
        return year
    if day == "00":
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


@dataclass(frozen=True)
class _Layout:
    """How one of the two UK CSVs names its columns."""

    name: str
    list_name: str
    prefix: str
    authority: str
    id_column: str
    type_columns: tuple[str, ...]
    required: tuple[str, ...]


_OFSI = _Layout(
    name="uk-ofsi-conlist-csv",
    list_name="gb_hmt",
    prefix="gb-hmt",
    authority="UK HM Treasury (OFSI)",
    id_column="group id",
    type_columns=("group type",),
    required=("name 6", "group type", "alias type", "regime", "group id"),
)
_FCDO = _Layout(
    name="uk-fcdo-csv",
    list_name="gb_fcdo",
    prefix="gb-fcdo",
    authority="UK FCDO",
    id_column="unique id",
    type_columns=("designation type", "individual, entity, ship", "type"),
    required=("unique id", "name 6", "name type"),
)


class UkCsv:
    """One of the UK list CSVs: a date row, then a header row, then one row per name."""

    source = "uk"

    def __init__(self, layout: _Layout, markers: tuple[bytes, ...], start: bytes = b"") -> None:
        self.layout = layout
        self.name = layout.name
        self._markers = markers
        self._start = start

    def sniff(self, path: Path, head: bytes) -> bool:
        """Recognise the file by its header words, which both files write in ASCII.

        The FCDO header also holds ``Last Updated`` and ``OFSI Group ID``, so the OFSI
        check refuses heads that carry the FCDO-only ``Unique ID``/``Name type``.
        """
        lowered = head[:4096].lower().removeprefix(b"\xef\xbb\xbf")
        if not lowered.startswith(self._start):
            return False
        if self.layout is _OFSI and b"unique id" in lowered and b"name type" in lowered:
            return False
        return all(marker in lowered for marker in self._markers)

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse(path, self.layout, parsed),
            list_name=self.layout.list_name,
            source=self.source,
            format=self.name,
            files=[path],
        )


def _encoding(layout: _Layout) -> str:
    """OFSI's ConList is Windows-1252; the FCDO publishes UTF-8 (with a byte-order mark)."""
    return "cp1252" if layout is _OFSI else "utf-8-sig"


def _parse(path: Path, layout: _Layout, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Read the date row and header, group the name rows by subject id, yield entities."""
    rows = read_csv(path, encoding=_encoding(layout))
    first = next(rows, None)
    if first is None:
        raise CorridorError.at(path, "no rows; expected a date row and a header row", line=1)
    if layout.id_column in (_norm(c) for c in first[1]):
        header = first  # some re-exports drop the date row; the header comes first
    else:
        parsed.published = parse_date(_report_date(first[1]), _UK_DATE)
        found = next(rows, None)
        if found is None:
            raise CorridorError.at(path, "no header row after the date row", line=first[0] + 1)
        header = found
    names = [_norm(h) for h in header[1]]
    index = require_columns(path, names, layout.required, line=header[0])
    type_col = next((c for c in layout.type_columns if c in index), None)
    if type_col is None:
        raise CorridorError.at(
            path, f"missing column {layout.type_columns[0]!r} (subject type)", line=header[0]
        )
    # Rows of one subject are not always adjacent (the 2018 ConList interleaves them),
    # so group over the whole file; a list holds thousands of subjects, not millions.
    groups: dict[str, list[dict[str, str]]] = {}
    for line, row in rows:
        if len(row) < len(names):
            raise CorridorError.at(path, f"{len(row)} fields; expected {len(names)}", line=line)
        values = {name: row[i].strip() for name, i in index.items()}
        values["_line"] = str(line)
        groups.setdefault(values[layout.id_column], []).append(values)
    for group in groups.values():
        yield from _subject(path, layout, type_col, group)


def _report_date(row: list[str]) -> str:
    """The date text of row 1: "Last Updated,13/04/2018" or "Report Date: 29-Apr-2026"."""
    cells = [c.strip() for c in row if c.strip()]
    if len(cells) >= 2:
        return cells[1]
    return cells[0].split(":", 1)[-1].strip() if cells else ""


def _subject(
    path: Path, layout: _Layout, type_col: str, rows: list[dict[str, str]]
) -> Iterator[ParsedEntity]:
    """One subject's entity and its Sanction, from all of its name rows."""
    first = rows[0]
    subject_id = first[layout.id_column]
    line = int(first["_line"])
    if not any(c.isalnum() for c in subject_id):
        raise CorridorError.at(path, f"{layout.id_column!r} is {subject_id!r}", line=line)
    schema = _SCHEMATA.get(first[type_col].lower())
    if schema is None:
        raise CorridorError.at(
            path,
            f"{type_col!r} is {first[type_col]!r}; expected Individual, Entity or Ship",
            line=line,
        )
    entity = make_entity(schema, entity_id(layout.prefix, subject_id))
    for row in rows:
        _names(entity, row, schema == "Person")
        _details(entity, row)
    if not entity.has("name"):  # no primary-name row: promote the first alias
        entity.add("name", next(iter(entity.get("alias") + entity.get("weakAlias")), None))
    listed = _first(rows, "listed on", "date designated")
    sanction = make_sanction(
        entity,
        authority=layout.authority,
        programs=sorted(
            {r for row in rows if (r := row.get("regime") or row.get("regime name", ""))}
        ),
        listing_date=uk_birth_date(listed),
        authority_id=subject_id,
        unsc_id=_first(rows, "un reference number"),
        reason=_first(rows, "uk statement of reasons"),
    )
    # FCDO "Sanctions Imposed" is pipe-separated: "Asset freeze|Trust services sanctions".
    for measure in (_first(rows, "sanctions imposed") or "").split("|"):
        sanction.add("provisions", measure.strip() or None)
    yield ParsedEntity(entity, subject_id)
    yield ParsedEntity(sanction, subject_id)


def _first(rows: list[dict[str, str]], *columns: str) -> str | None:
    """The first non-empty value of ``columns``: subject fields sit on any one name row."""
    for column in columns:
        for row in rows:
            if row.get(column):
                return row[column]
    return None


def _names(entity: EntityProxy, row: dict[str, str], is_person: bool) -> None:
    """Add one name row: persons read "Name 1..5 Name 6" (surname last), others Name 6.

    Only the first primary name is the name (the 2018 ConList repeats "Prime Alias"
    for transliterations); later ones, AKAs and variations become aliases.
    """
    given = [row.get(f"name {i}", "") for i in range(1, 6)]
    surname = row.get("name 6", "")
    whole = " ".join(p for p in [*given, surname] if p) if is_person else surname
    kind = (row.get("alias type") or row.get("name type") or "").lower()
    weak = (row.get("alias quality") or row.get("alias strength") or "").lower() in _WEAK
    if kind in _PRIMARY and not entity.has("name"):
        entity.add("name", whole or None)
        if is_person:
            entity.add("firstName", given[0] or None)
            entity.add("lastName", surname or None)
    elif kind in _PREVIOUS:
        entity.add("previousName", whole or None)
    elif whole and whole not in entity.get("name"):
        entity.add("weakAlias" if weak else "alias", whole)
    non_latin = row.get("name non-latin script") or row.get("name non latin script")
    entity.add("alias", non_latin or None)


def _document(entity: EntityProxy, kind: str, text: str | None) -> None:
    """The number out of OFSI's prose ("Passport No: 515458008 (Russian foreign travel
    passport number, expires 30.5.2017)"), with the prose kept in notes."""
    if not text:
        return
    found = _DOC_NUMBER.search(text)
    add_identifier(entity, kind, found.group(0) if found else text)
    if found is None or found.group(0) != text.strip():
        entity.add("notes", text)


def _registration(entity: EntityProxy, text: str, context: str) -> None:
    """Type a business registration cell: 13/15 digits are an OGRN only in a Russian
    context (a label or a Russian subject), otherwise the number stays generic."""
    ogrn = _OGRN.search(text) if _RUSSIAN.search(f"{text} {context}") else None
    inn = _INN.search(text)
    add_identifier(entity, "ogrn" if ogrn else "registration", ogrn[1] if ogrn else text)
    add_identifier(entity, "inn", inn[1] if inn else None)


def _details(entity: EntityProxy, row: dict[str, str]) -> None:
    """Copy one row's personal, document, vessel and address fields onto ``entity``.

    Properties a schema lacks (a ship has no birth date) are skipped quietly, since
    OFSI repeats every column on every row whatever the subject type.
    """

    def get(*names: str) -> str | None:
        return next((row[n] for n in names if row.get(n)), None)

    entity.add("title", get("title"), quiet=True)
    entity.add("birthDate", uk_birth_date(get("dob", "d.o.b")), quiet=True)
    entity.add("birthPlace", get("town of birth"), quiet=True)
    entity.add("birthCountry", get("country of birth"), quiet=True)
    for nationality in re.split(r"\s*\d\)\s*|,\s*", get("nationality", "nationality(/ies)") or ""):
        entity.add("nationality", nationality or None, quiet=True)
    entity.add("position", get("position"), quiet=True)
    entity.add("gender", (get("gender") or "").lower() or None, quiet=True)
    for kind, text in (
        ("passport", get("passport details", "passport number")),
        (
            "national_id",
            get("ni number", "national identification number", "national identifier number"),
        ),
    ):
        _document(entity, kind, text)
    registration = get("business registration number (s)", "business registration number(s)")
    if registration:
        context = " ".join(filter(None, (get("address country", "country"), get("regime name"))))
        _registration(entity, registration, context)
    imo = get("imo number")
    if imo:
        found = _IMO.search(imo)
        add_identifier(entity, "imo", f"IMO{found[1]}" if found else imo)
    entity.add("flag", get("current believed flag of ship"), quiet=True)
    entity.add("type", get("type of ship"), quiet=True)
    entity.add("website", get("website"), quiet=True)
    entity.add("email", get("email address"), quiet=True)
    address = [get(f"address {i}", f"address line {i}") for i in range(1, 7)]
    address += [get("post/zip code", "address postal code"), get("country", "address country")]
    entity.add("address", ", ".join(p for p in address if p) or None)
    entity.add("country", get("country", "address country"), quiet=True)
    entity.add("notes", get("other information"))


#: OFSI first (tests unpack ``OFSI, FCDO = FORMATS``); its sniff defers to FCDO's header.
FORMATS = (
    UkCsv(_OFSI, markers=(b"group id",), start=b"last updated,"),
    UkCsv(_FCDO, markers=(b"unique id", b"name type")),
)
