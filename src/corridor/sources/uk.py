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

_UK_DATE = ("%d/%m/%Y", "%d-%m-%Y", "%d-%b-%Y", "%d %B %Y", "%Y-%m-%d")
_SCHEMATA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
#: OFSI dates of birth use 00 for unknown parts: "00/00/1980" -> 1980, "00/05/1980" -> 1980-05.
_PARTIAL_DOB = re.compile(r"^(\d\d)/(\d\d)/(\d{4})$")
#: A document number inside prose: letters and digits, at least one digit, 5+ characters.
_DOC_NUMBER = re.compile(r"\b(?=[A-Z0-9]*\d)[A-Z0-9]{5,}\b")
#: Russian registration (OGRN, 13/15 digits) inside a free-text cell.
_OGRN = re.compile(r"\b(\d{13}|\d{15})\b")
#: A labelled Russian INN in the same cell: "OGRN 1227700456785; INN 7709123453".
_INN = re.compile(r"\bINN:?\s*(\d{12}|\d{10})\b")


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

    def __init__(self, layout: _Layout, marker: bytes) -> None:
        self.layout = layout
        self.name = layout.name
        self._marker = marker

    def sniff(self, path: Path, head: bytes) -> bool:
        lowered = head[:4096].lower().removeprefix(b"\xef\xbb\xbf")
        return lowered.startswith(self._marker) and self.layout.id_column.encode() in lowered

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            lambda parsed: _parse(path, self.layout, parsed),
            list_name=self.layout.list_name,
            source=self.source,
            format=self.name,
            files=[path],
        )


def _encoding(layout: _Layout) -> str:
    # OFSI's ConList is Windows-1252; the FCDO publishes UTF-8 (with a byte-order mark).
    return "cp1252" if layout is _OFSI else "utf-8-sig"


def _parse(path: Path, layout: _Layout, parsed: ParsedList) -> Iterator[ParsedEntity]:
    rows = read_csv(path, encoding=_encoding(layout))
    date_row = next(rows, None)
    header = next(rows, None)
    if date_row is None or header is None:
        raise CorridorError.at(path, "expected a date row and a header row", line=1)
    parsed.published = parse_date(_report_date(date_row[1]), _UK_DATE)
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
    """ "Last Updated,13/04/2018" or "Report Date: 29-Apr-2026" -> the date text."""
    cells = [c.strip() for c in row if c.strip()]
    if len(cells) >= 2:
        return cells[1]
    return cells[0].split(":", 1)[-1].strip() if cells else ""


def _subject(
    path: Path, layout: _Layout, type_col: str, rows: list[dict[str, str]]
) -> Iterator[ParsedEntity]:
    first = rows[0]
    subject_id = first[layout.id_column]
    schema = _SCHEMATA.get(first[type_col].lower())
    if not subject_id or schema is None:
        raise CorridorError.at(
            path,
            f"{type_col!r} is {first[type_col]!r} or {layout.id_column!r} is empty; "
            "expected Individual, Entity or Ship and an id",
            line=int(first["_line"]),
        )
    entity = make_entity(schema, entity_id(layout.prefix, subject_id))
    for row in rows:
        _names(entity, row, schema == "Person")
        _details(entity, row, schema)
    listed = _first(rows, "listed on", "date designated")
    sanction = make_sanction(
        entity,
        authority=layout.authority,
        programs=sorted(
            {r for row in rows if (r := row.get("regime") or row.get("regime name", ""))}
        ),
        listing_date=uk_birth_date(listed),
        authority_id=subject_id,
        unsc_id=_first(rows, "un reference number") or None,
    )
    yield ParsedEntity(entity, subject_id)
    yield ParsedEntity(sanction, subject_id)


def _first(rows: list[dict[str, str]], *columns: str) -> str | None:
    for column in columns:
        for row in rows:
            if row.get(column):
                return row[column]
    return None


def _names(entity: EntityProxy, row: dict[str, str], is_person: bool) -> None:
    given = [row.get(f"name {i}", "") for i in range(1, 6)]
    surname = row.get("name 6", "")
    whole = " ".join(p for p in [*given, surname] if p) if is_person else surname
    kind = (row.get("alias type") or row.get("name type") or "").lower()
    weak = (row.get("alias quality") or row.get("alias strength") or "").lower() in ("low", "weak")
    if kind in ("prime alias", "primary name") and not entity.has("name"):
        entity.add("name", whole or None)
        if is_person:
            entity.add("firstName", given[0] or None)
            entity.add("lastName", surname or None)
    elif kind == "fka":
        entity.add("previousName", whole or None)
    elif whole and whole not in entity.get("name"):
        entity.add("weakAlias" if weak else "alias", whole)
    non_latin = row.get("name non-latin script") or row.get(
        "name non-latin script".replace("-", " ")
    )
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


def _details(entity: EntityProxy, row: dict[str, str], schema: str) -> None:
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
        ("national_id", get("ni number", "national identifier number")),
    ):
        _document(entity, kind, text)
    registration = get("business registration number (s)", "business registration number(s)")
    if registration:
        ogrn, inn = _OGRN.search(registration), _INN.search(registration)
        kind = "ogrn" if ogrn else "registration"
        add_identifier(entity, kind, ogrn[1] if ogrn else registration)
        add_identifier(entity, "inn", inn[1] if inn else None)
    imo = get("imo number")
    if imo:
        add_identifier(entity, "imo", imo.upper().removeprefix("IMO").strip())
    entity.add("flag", get("current believed flag of ship"), quiet=True)
    entity.add("type", get("type of ship"), quiet=True)
    entity.add("website", get("website"), quiet=True)
    entity.add("email", get("email address"), quiet=True)
    address = [get(f"address {i}", f"address line {i}") for i in range(1, 7)]
    address += [get("post/zip code", "address postal code"), get("country", "address country")]
    entity.add("address", ", ".join(p for p in address if p) or None)
    entity.add("country", get("country", "address country"), quiet=True)
    entity.add("notes", get("other information"))


FORMATS = (
    UkCsv(_OFSI, marker=b"last updated,"),
    UkCsv(_FCDO, marker=b"report date"),
)
