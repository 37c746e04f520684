"""OFAC's legacy CSV set: ``sdn.csv`` with ``add.csv``, ``alt.csv``, ``sdn_comments.csv``
(and the consolidated list's ``cons_prim.csv``, ``cons_add.csv``, ``cons_alt.csv``,
``cons_comments.csv``).

The files have no header; ``-0-`` means empty; each ends with a Ctrl-Z line. Dates of
birth, nationalities, identifiers and many aliases exist only inside the free-text
``Remarks`` column (``DOB 28 Sep 1973; nationality Russia; Tax ID No. 773407989940
(Russia).``), which ``sdn_comments.csv`` continues when it is too long: `parse_remarks`
recovers them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from followthemoney.proxy import EntityProxy

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    date_from_filename,
    entity_id,
    make_entity,
    make_sanction,
)
from corridor.sources.inputs import read_csv
from corridor.sources.ofac_common import (
    AUTHORITY,
    ID_KINDS,
    ID_PREFIX,
    ID_PROPERTIES,
    add_ofac_id,
    list_name_for,
    ofac_birth_dates,
    schema_for,
    split_programs,
)

#: Column counts of each file of the set, from OFAC's published layout (dat_spec.txt).
_COLUMNS = {"primary": 12, "add": 6, "alt": 5, "comments": 2}
#: Companion file names beside each primary file.
_COMPANIONS = {
    "sdn.csv": {"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "cons_prim.csv": {
        "add": "cons_add.csv",
        "alt": "cons_alt.csv",
        "comments": "cons_comments.csv",
    },
}
_ALL_NAMES = {n for names in _COMPANIONS.values() for n in names.values()} | set(_COMPANIONS)
#: First line of a primary file: ``15892,"PROKOPENKO, Ivan Pavlovitch","individual",...``.
_PRIMARY_ROW = re.compile(rb'^\d+,"[^"]*",("?(individual|vessel|aircraft)"?|-0- ?),', re.IGNORECASE)
#: Quoted names after a.k.a./f.k.a.: ``a.k.a. 'RUSAG'`` or ``a.k.a. "NAME"``.
_QUOTED = re.compile(r"""['"](.+?)['"]$""")
#: ``773407989940 (Russia)`` -> number and country; trailing "issued ..."/"expires ..." dropped.
_NUMBER_COUNTRY = re.compile(
    r"^(?P<num>.*?)(?:\s*\((?P<country>[^()]*)\))?(?:[,;]?\s+(?:issued|expires)\b.*)?$"
)
#: Remark keys that are identifiers or properties, longest first so "Registration Number"
#: is not read as a shorter key.
_ID_KEYS = sorted([*ID_KINDS, *ID_PROPERTIES], key=len, reverse=True)


def _empty(value: str) -> bool:
    return value.strip() in ("", "-0-")


def _value(value: str) -> str | None:
    return None if _empty(value) else " ".join(value.split())


@dataclass
class _FileSet:
    primary: Path
    companions: dict[str, Path]


class OfacCsv:
    """The legacy CSV set, given as its folder or its primary file."""

    name = "ofac-csv"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return any((path / name).is_file() for name in _ALL_NAMES)
        return path.name.lower() in _COMPANIONS or bool(_PRIMARY_ROW.match(head))

    def open(self, path: Path) -> ParsedList:
        files = _file_set(path)
        return ParsedList(
            list_name=list_name_for(files.primary if files.primary.name in _COMPANIONS else path),
            source=self.source,
            format=self.name,
            files=[files.primary, *files.companions.values()],
            entities=_parse(files),
            published=date_from_filename(files.primary) or date_from_filename(path),
        )


def _file_set(path: Path) -> _FileSet:
    if path.is_dir():
        for primary_name, companions in _COMPANIONS.items():
            if (path / primary_name).is_file():
                return _FileSet(path / primary_name, _existing(path, companions))
        raise CorridorError.at(
            path,
            "holds OFAC companion files but no primary file; "
            "expected sdn.csv or cons_prim.csv beside them",
        )
    names = _COMPANIONS["cons_prim.csv" if path.name.lower().startswith("cons") else "sdn.csv"]
    return _FileSet(path, _existing(path.parent, names))


def _existing(folder: Path, names: dict[str, str]) -> dict[str, Path]:
    return {kind: folder / name for kind, name in names.items() if (folder / name).is_file()}


def _rows(path: Path, kind: str) -> Iterator[tuple[int, list[str]]]:
    expected = _COLUMNS[kind]
    for line, row in read_csv(path, encoding="cp1252", skip_ctrl_z=True):
        if len(row) != expected:
            raise CorridorError.at(
                path,
                f"{len(row)} columns; expected {expected} (OFAC {kind} file layout)",
                line=line,
            )
        if not row[0].strip().isdigit():
            raise CorridorError.at(path, f"ent_num {row[0]!r} is not a number", line=line)
        yield line, row


def _parse(files: _FileSet) -> Iterator[ParsedEntity]:
    extra: dict[str, dict[str, list[list[str]]]] = defaultdict(lambda: defaultdict(list))
    for kind, path in files.companions.items():
        for _, row in _rows(path, kind):
            extra[kind][row[0].strip()].append(row)
    for line, row in _rows(files.primary, "primary"):
        yield from _record(files.primary, line, row, extra)


def _record(
    path: Path, line: int, row: list[str], extra: dict[str, dict[str, list[list[str]]]]
) -> Iterator[ParsedEntity]:
    ent_num = row[0].strip()
    schema = schema_for(row[2])
    if schema is None:
        raise CorridorError.at(
            path,
            f"SDN type {row[2]!r} is unknown; expected individual, vessel, aircraft or -0-",
            line=line,
        )
    entity = make_entity(schema, entity_id(ID_PREFIX, ent_num))
    _names(entity, row[1], schema == "Person")
    entity.add("position", _value(row[4]), quiet=True)
    _vessel(entity, row)
    for alt in extra["alt"].get(ent_num, []):
        _alias(entity, _value(alt[2]) or "aka", _value(alt[3]), schema == "Person")
    for add in extra["add"].get(ent_num, []):
        parts = [_value(v) for v in add[2:6]]
        entity.add("address", ", ".join(p for p in parts if p) or None)
        entity.add("country", _value(add[4]), quiet=True)
    remarks = (_value(row[11]) or "") + "".join(c[1] for c in extra["comments"].get(ent_num, []))
    parse_remarks(entity, remarks)
    sanction = make_sanction(entity, authority=AUTHORITY, programs=split_programs(row[3]))
    yield ParsedEntity(entity, ent_num)
    yield ParsedEntity(sanction, ent_num)


def _names(entity: EntityProxy, raw: str, is_person: bool) -> None:
    name = _value(raw)
    if name is None:
        return
    if is_person and "," in name:
        last, first = (p.strip() for p in name.split(",", 1))
        entity.add("name", f"{first} {last}".strip())
        entity.add("firstName", first or None)
        entity.add("lastName", last or None)
    else:
        entity.add("name", name)


def _alias(entity: EntityProxy, kind: str, name: str | None, is_person: bool) -> None:
    """Add an alt.csv name; "LAST, First" persons become "First LAST" like the primary."""
    if name is None:
        return
    if is_person and "," in name:
        last, first = (p.strip() for p in name.split(",", 1))
        name = f"{first} {last}".strip()
    kind = kind.lower().strip(" .'")
    entity.add("previousName" if kind in ("fka", "f.k.a") else "alias", name)


def _vessel(entity: EntityProxy, row: list[str]) -> None:
    entity.add("callSign", _value(row[5]), quiet=True)
    entity.add("type", _value(row[6]), quiet=True)
    entity.add("tonnage", _value(row[7]), quiet=True)
    entity.add("grossRegisteredTonnage", _value(row[8]), quiet=True)
    entity.add("flag", _value(row[9]), quiet=True)
    owner = _value(row[10])
    entity.add("notes", f"Owner: {owner}" if owner else None)


def parse_remarks(entity: EntityProxy, remarks: str) -> None:
    """Put what OFAC's Remarks say on ``entity``; anything not understood goes to notes.

    ``DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia; Gender Male;
    Tax ID No. 773407989940 (Russia); a.k.a. 'PROKOPENKO Ivan'.``
    """
    text = remarks.strip().removesuffix(".")
    for field in (f.strip() for f in re.split(r";\s+", text)):
        if field and not _remark(entity, field.removesuffix(".")):
            entity.add("notes", field)


def _remark(entity: EntityProxy, field: str) -> bool:
    """Apply one Remarks field; False when it is not one we can type."""
    key = field.lower().removeprefix("alt. ").strip()
    body = field[len(field) - len(key) :]
    for prefix, prop in (
        ("dob ", "birthDate"),
        ("pob ", "birthPlace"),
        ("nationality ", "nationality"),
        ("citizen ", "citizenship"),
    ):
        if key.startswith(prefix):
            value = body[len(prefix) :].strip()
            values = ofac_birth_dates(value) if prop == "birthDate" else [value]
            entity.add(prop, values, quiet=True)
            return bool(values) and prop in entity.schema.properties
    for prefix in ("a.k.a.", "f.k.a.", "n.k.a."):
        if key.startswith(prefix):
            quoted = _QUOTED.search(body[len(prefix) :].strip())
            if quoted is None:
                return False
            entity.add("previousName" if prefix == "f.k.a." else "alias", quoted.group(1))
            return True
    for id_key in _ID_KEYS:
        if key.startswith(id_key + " "):
            found = _NUMBER_COUNTRY.match(body[len(id_key) :].strip())
            if found is None or not found["num"]:
                return False
            add_ofac_id(entity, id_key, found["num"], found["country"])
            return True
    return False


FORMATS = (OfacCsv(),)
