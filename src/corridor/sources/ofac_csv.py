"""OFAC's legacy CSV set: ``sdn.csv`` with ``add.csv``, ``alt.csv``, ``sdn_comments.csv``
(and the consolidated list's ``cons_prim.csv``, ``cons_add.csv``, ``cons_alt.csv``,
``cons_comments.csv``).

The files have no header; ``-0-`` means empty; each ends with a Ctrl-Z line. Dates of
birth, nationalities, identifiers and weak aliases exist only inside the free-text
``Remarks`` column (``DOB 28 Sep 1973; nationality Russia; Tax ID No. 773407989940
(Russia).``). OFAC cuts Remarks at 1,000 characters, mid-word, and continues them in the
comments file; `parse_remarks` reads the joined text.

Given a folder, the set is read from it (the primary file is required, companions are
optional). Given a file, companions are read beside it only when it has its official
name (``sdn.csv``, ``cons_prim.csv``): a renamed snapshot such as ``sdn_2024-05-03.csv``
stands alone rather than borrowing whatever ``add.csv`` shares its folder.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney.proxy import EntityProxy
from normality import squash_spaces

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    date_from_filename,
    entity_id,
    make_entity,
    make_sanction,
)
from corridor.sources.inputs import CTRL_Z, open_binary, read_csv
from corridor.sources.ofac_common import (
    AUTHORITY,
    ID_PREFIX,
    list_name_for,
    schema_for,
    split_programs,
)
from corridor.sources.ofac_xml import (
    FIELD_LABELS,
    add_note,
    add_or_note,
    apply_ofac_field,
    ofac_dates,
    person_name,
    split_remarks,
)

#: Column counts of each file of the set, from OFAC's published layout (dat_spec.txt):
#: ``ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
#: Vess_flag, Vess_owner, Remarks`` and ``ent_num, add_num, address, city/state/postal,
#: country, add_remarks`` and ``ent_num, alt_num, alt_type, alt_name, alt_remarks``.
_COLUMNS = {"primary": 12, "add": 6, "alt": 5, "comments": 2}
#: The file names of each set: primary first.
_SETS = {
    "sdn.csv": {"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "cons_prim.csv": {
        "add": "cons_add.csv",
        "alt": "cons_alt.csv",
        "comments": "cons_comments.csv",
    },
}
_COMPANION_NAMES = {name for names in _SETS.values() for name in names.values()}
#: First line of a primary file: ``15892,"PROKOPENKO, Ivan Pavlovitch","individual",...``
#: or ``36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",...``.
_PRIMARY_ROW = re.compile(
    rb'^\d+,"[^"\r\n]*","?(?:individual|vessel|aircraft|-0- ?)"?,', re.IGNORECASE
)
#: OFAC's empty value, written with a trailing space: ``-0- ``.
_EMPTY = "-0-"
#: A quoted name after a.k.a./f.k.a./n.k.a.: ``a.k.a. 'RUSAG'``.
_QUOTED = re.compile(r"""^['"](.+)['"]$""")
#: ``773407989940 (Russia)``, ``P0017003 (Belize) expires 30 May 2017``: the number, the
#: country in brackets, and the dates OFAC appends (dropped: FtM ids carry no dates).
_NUMBER_COUNTRY = re.compile(
    r"^(?P<num>.*?)(?:\s*\((?P<country>[^()]*)\))?(?:[,;]?\s+(?:issued|expires)\b.*)?$"
)
#: Labels longest first, so ``Registration Number`` is not read as a shorter label.
_LABELS = sorted(FIELD_LABELS, key=len, reverse=True)
#: Remarks fields that are personal data rather than labelled ids: prefix -> property.
_PERSONAL = (
    ("dob ", "birthDate"),
    ("pob ", "birthPlace"),
    ("nationality ", "nationality"),
    ("citizen ", "citizenship"),
)


@dataclass
class _FileSet:
    primary: Path
    companions: dict[str, Path] = field(default_factory=dict)


class OfacCsv:
    """The legacy CSV set, given as its folder or its primary file."""

    name = "ofac-csv"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return bool(_files_in(path).keys() & (_SETS.keys() | _COMPANION_NAMES))
        return path.name.lower() in _SETS or bool(_PRIMARY_ROW.match(head))

    def open(self, path: Path) -> ParsedList:
        files = _file_set(path)
        parsed = ParsedList.streaming(
            lambda parsed: _parse(files, parsed),
            list_name=list_name_for(files.primary),
            source=self.source,
            format=self.name,
            files=[files.primary, *files.companions.values()],
        )
        # The files carry no date; mirrors name them (or their folder) by the day fetched.
        parsed.published = date_from_filename(files.primary) or date_from_filename(path)
        return parsed


def _file_set(path: Path) -> _FileSet:
    """The primary file and the companions that belong with it."""
    if path.is_dir():
        found = _files_in(path)
        for primary, companions in _SETS.items():
            if primary in found:
                return _FileSet(found[primary], _existing(found, companions))
        present = sorted(_COMPANION_NAMES & found.keys())
        expected = "cons_prim.csv" if any(n.startswith("cons_") for n in present) else "sdn.csv"
        raise CorridorError.at(
            path,
            f"holds {', '.join(present) or 'no OFAC CSV files'} but no primary file; "
            f"expected {expected} beside them (the entries they belong to)",
        )
    name = path.name.lower()
    if name in _COMPANION_NAMES:
        raise CorridorError.at(
            path,
            "is an OFAC companion file; give its folder or the primary sdn.csv/cons_prim.csv",
        )
    if name in _SETS:
        return _FileSet(path, _existing(_files_in(path.parent), _SETS[name]))
    return _FileSet(path)


def _files_in(folder: Path) -> dict[str, Path]:
    """The files of ``folder`` by lower-case name: OFAC's list service serves ``SDN.CSV``,
    its older download page ``sdn.csv``."""
    try:
        return {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    except OSError as exc:
        raise CorridorError.at(folder, f"cannot list the folder ({exc.strerror})") from exc


def _existing(found: dict[str, Path], names: dict[str, str]) -> dict[str, Path]:
    return {kind: found[name] for kind, name in names.items() if name in found}


def _check_complete(path: Path) -> bool:
    """Refuse a file cut mid-row; say whether it has OFAC's Ctrl-Z end marker.

    A complete OFAC file ends with ``\\r\\n`` and a Ctrl-Z byte. Mirrors sometimes drop
    the Ctrl-Z (watchman's test fixtures), so only a file that stops inside a row is
    refused: that is what a cut download looks like.
    """
    tail = b""
    with open_binary(path) as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            tail = (tail + chunk)[-2:]
    content_end = tail.rstrip(CTRL_Z.encode())
    if content_end and not content_end.endswith(b"\n"):
        raise CorridorError.at(
            path, "ends in the middle of a row; the file looks truncated (expected a line end)"
        )
    return tail.endswith(CTRL_Z.encode())


def _rows(path: Path, kind: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of one file of the set, each checked for OFAC's column count and ent_num."""
    expected = _COLUMNS[kind]
    for line, row in read_csv(path, encoding="cp1252", skip_ctrl_z=True):
        if len(row) != expected:
            raise CorridorError.at(
                path,
                f"{len(row)} columns; expected {expected} (OFAC {kind} file layout)",
                line=line,
            )
        if not row[0].strip().isdigit():
            raise CorridorError.at(
                path, f"ent_num {row[0]!r} is not a number; expected OFAC's entry id", line=line
            )
        yield line, row


def _parse(files: _FileSet, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Index the (small) companions by ent_num, then stream the primary file."""
    unmarked = 0
    extra: dict[str, dict[str, list[list[str]]]] = defaultdict(lambda: defaultdict(list))
    for kind, path in files.companions.items():
        unmarked += not _check_complete(path)
        for _, row in _rows(path, kind):
            extra[kind][row[0].strip()].append(row)
    unmarked += not _check_complete(files.primary)
    seen: dict[str, int] = {}
    for line, row in _rows(files.primary, "primary"):
        ent_num = row[0].strip()
        if ent_num in seen:
            raise CorridorError.at(
                files.primary,
                f"ent_num {ent_num} is listed twice (first on line {seen[ent_num]})",
                line=line,
            )
        seen[ent_num] = line
        yield from _record(files.primary, line, row, extra)
    if not seen:
        raise CorridorError.at(files.primary, "holds no entries; expected OFAC's list rows")
    orphans = sum(
        len(rows) for by_id in extra.values() for key, rows in by_id.items() if key not in seen
    )
    if orphans:
        parsed.notes["companion rows without a primary row"] = orphans
    if unmarked:
        parsed.notes["files without OFAC's Ctrl-Z end marker"] = unmarked


def _value(value: str) -> str | None:
    """A column's value, None for OFAC's ``-0-``."""
    value = squash_spaces(value)
    return None if value in ("", _EMPTY) else value


def _record(
    path: Path, line: int, row: list[str], extra: dict[str, dict[str, list[list[str]]]]
) -> Iterator[ParsedEntity]:
    ent_num = row[0].strip()
    schema = schema_for(_value(row[2]) or "")
    if schema is None:
        raise CorridorError.at(
            path,
            f"SDN_Type {row[2]!r} is unknown; expected individual, vessel, aircraft or -0-",
            line=line,
        )
    name = _value(row[1])
    if name is None:
        raise CorridorError.at(path, f"entry {ent_num} has no SDN_Name", line=line)
    entity = make_entity(schema, entity_id(ID_PREFIX, ent_num))
    is_person = schema == "Person"
    _names(entity, name, is_person)
    title = _value(row[4])
    if title:
        add_or_note(entity, "position", title, "Title")
    _vessel(entity, row)
    for alt in extra["alt"].get(ent_num, []):
        _alt(entity, _value(alt[2]) or "aka", _value(alt[3]), is_person)
    for add in extra["add"].get(ent_num, []):
        _address(entity, add)
    parse_remarks(entity, remarks_text(row[11], extra["comments"].get(ent_num, [])))
    sanction = make_sanction(
        entity, authority=AUTHORITY, programs=split_programs(row[3]), authority_id=ent_num
    )
    yield ParsedEntity(entity, ent_num)
    yield ParsedEntity(sanction, ent_num)


def remarks_text(remarks: str, comments: list[list[str]]) -> str:
    """The whole Remarks of an entry: the primary column and its continuation rows.

    OFAC cuts at 1,000 characters wherever that falls (``...Registration Numbe`` +
    ``r 1027700342890 (Russia)``), so the pieces are joined raw, before any trimming:
    trimming first would glue words that met at a space.
    """
    head = "" if remarks.strip() == _EMPTY else remarks
    return squash_spaces(head + "".join(c[1] for c in comments))


def _names(entity: EntityProxy, name: str, is_person: bool) -> None:
    if not is_person:
        entity.add("name", name)
        return
    full, first, last = person_name(name)
    entity.add("name", full)
    entity.add("firstName", first)
    entity.add("lastName", last)


def _alt(entity: EntityProxy, kind: str, name: str | None, is_person: bool) -> None:
    """An alt.csv name (OFAC's strong aliases); persons are turned like the primary name."""
    if name is None:
        return
    if is_person:
        name = person_name(name)[0]
    kind = kind.lower().replace(".", "").strip()
    entity.add("previousName" if kind == "fka" else "alias", name)


def _address(entity: EntityProxy, row: list[str]) -> None:
    parts = [_value(v) for v in row[2:5]]
    entity.add("address", ", ".join(p for p in parts if p) or None)
    country = _value(row[4])
    if country:
        add_or_note(entity, "country", country, "Address country")
    remark = _value(row[5])
    if remark:
        add_note(entity, "Address", remark)


def _vessel(entity: EntityProxy, row: list[str]) -> None:
    for index, label in (
        (5, "Vessel Call Sign"),
        (6, "Vessel Type"),
        (7, "Vessel Tonnage"),
        (8, "Vessel Gross Registered Tonnage"),
        (9, "Vessel Flag"),
    ):
        value = _value(row[index])
        if value:
            apply_ofac_field(entity, label, value)
    owner = _value(row[10])
    if owner:
        add_note(entity, "Owner", owner)


def parse_remarks(entity: EntityProxy, remarks: str) -> None:
    """Put what OFAC's Remarks say on ``entity``; anything not understood goes to notes.

    ``DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia; Gender Male;
    Tax ID No. 773407989940 (Russia); a.k.a. 'PROKOPENKO Ivan'.``
    """
    for item in split_remarks(remarks):
        if item != _EMPTY and not _remark(entity, item):
            # "alt. Target Type ..." is a second value of a label: the note is the value.
            entity.add("notes", item[5:] if item.lower().startswith("alt. ") else item)


def _remark(entity: EntityProxy, item: str) -> bool:
    """Apply one Remarks field; False when it is not one we can read."""
    body = item[5:] if item.lower().startswith("alt. ") else item
    key = body.lower()
    # Labels first: "Nationality of Registration Russia" is a label, not a nationality.
    for label in _LABELS:
        if key.startswith(label) and key[len(label) : len(label) + 1] in (" ", ":"):
            value = body[len(label) :].lstrip(":").strip()
            found = _NUMBER_COUNTRY.match(value)
            if found is None or not found["num"]:
                return False
            apply_ofac_field(entity, body[: len(label)], found["num"], found["country"])
            return True
    for prefix, prop in _PERSONAL:
        if key.startswith(prefix):
            return _personal(entity, prop, body[len(prefix) :].strip(), body[: len(prefix)])
    for prefix, prop in (("a.k.a.", "weakAlias"), ("f.k.a.", "previousName"), ("n.k.a.", "alias")):
        if key.startswith(prefix):
            return _quoted_name(entity, prop, body[len(prefix) :].strip())
    return False


def _personal(entity: EntityProxy, prop: str, value: str, label: str) -> bool:
    """DOB, POB, nationality, citizen: typed when the schema has them, else a note."""
    if prop == "birthDate":
        dates = ofac_dates(value)
        if not dates or prop not in entity.schema.properties:
            return False
        entity.add(prop, dates)
        return True
    if prop in ("nationality", "citizenship") and prop not in entity.schema.properties:
        prop = "country"
    add_or_note(entity, prop, value, label.strip())
    return True


def _quoted_name(entity: EntityProxy, prop: str, text: str) -> bool:
    """``a.k.a. 'RUSAG'``: OFAC quotes the names it rates weak in the Remarks (the same
    names its XML marks ``<category>weak</category>``); strong ones are in alt.csv."""
    found = _QUOTED.match(text)
    if found is None:
        return False
    name = squash_spaces(found.group(1))
    if entity.schema.name == "Person":
        name = person_name(name)[0]
    entity.add(prop, name or None)
    return bool(name)


FORMATS = (OfacCsv(),)
