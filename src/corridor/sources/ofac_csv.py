"""OFAC's legacy CSV set: ``sdn.csv`` with ``add.csv``, ``alt.csv``, ``sdn_comments.csv``
(and the consolidated list's ``cons_prim.csv``, ``cons_add.csv``, ``cons_alt.csv``,
``cons_comments.csv``).

The files have no header; ``-0-`` means empty; each ends with a Ctrl-Z line. Dates of
birth, nationalities, identifiers and many aliases exist only inside the free-text
``Remarks`` column (``DOB 28 Sep 1973; nationality Russia; Tax ID No. 773407989940
(Russia).``), which ``sdn_comments.csv`` continues when it is too long: `parse_remarks`
recovers them, and whatever it cannot type is kept as a note, never dropped.

Names: OFAC writes individuals as ``"PROKOPENKO, Ivan Pavlovitch"``. The entity gets
``name`` "Ivan Pavlovitch PROKOPENKO" (the order the sdnList XML parser builds from
firstName/lastName, so both formats give the same entity) plus ``firstName`` and
``lastName``. The original "LAST, First" form is *not* added as an alias: it holds no
token the name lacks, and name matching is order-insensitive, so it would only add noise.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney.proxy import EntityProxy

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    add_identifier,
    date_from_filename,
    entity_id,
    make_entity,
    make_sanction,
)
from corridor.sources.inputs import open_binary, read_csv
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

#: Column layout of each file of the set, from OFAC's published dat_spec.txt; the names
#: go into error messages so a user sees what a row should hold.
_LAYOUTS: dict[str, tuple[str, ...]] = {
    "primary": (
        "ent_num",
        "SDN_Name",
        "SDN_Type",
        "Program",
        "Title",
        "Call_Sign",
        "Vess_type",
        "Tonnage",
        "GRT",
        "Vess_flag",
        "Vess_owner",
        "Remarks",
    ),
    "add": ("ent_num", "add_num", "address", "city/state/postal", "country", "add_remarks"),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "comments": ("ent_num", "remarks overflow"),
}
#: Primary file name -> its companions: ``sdn.csv`` goes with ``add.csv`` etc.
_COMPANIONS: dict[str, dict[str, str]] = {
    "sdn.csv": {"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "cons_prim.csv": {
        "add": "cons_add.csv",
        "alt": "cons_alt.csv",
        "comments": "cons_comments.csv",
    },
}
#: Every file name of both sets, e.g. ``cons_alt.csv``; a folder holding one is ours.
_ALL_NAMES = frozenset(n for names in _COMPANIONS.values() for n in names.values()) | frozenset(
    _COMPANIONS
)
#: First line of a primary file: ``15892,"PROKOPENKO, Ivan Pavlovitch","individual",...``
#: or ``11195,"IRAN AIRCRAFT ...",-0- ,...``.
_PRIMARY_ROW = re.compile(rb'^\d+,"[^"]*","?(individual|vessel|aircraft|-0-)', re.IGNORECASE)
#: OFAC's empty value, written ``-0-`` or ``-0- ``.
_EMPTY = "-0-"


def _value(text: str) -> str | None:
    """The cell with whitespace collapsed, or None for OFAC's ``-0-`` and blanks."""
    collapsed = " ".join(text.split())
    return None if collapsed in ("", _EMPTY) else collapsed


@dataclass
class _FileSet:
    """The primary file and whichever companions exist beside it."""

    primary: Path
    companions: dict[str, Path] = field(default_factory=dict)


class OfacCsv:
    """The legacy CSV set, given as its folder or its primary file."""

    name = "ofac-csv"
    source = "ofac"

    def sniff(self, path: Path, head: bytes) -> bool:
        """Ours: a folder holding any file of the set, a primary by name, or a primary row.

        A folder of companions without a primary is claimed too, so that `open` can say
        that sdn.csv is missing instead of the user hearing "not recognised".
        """
        if path.is_dir():
            return any((path / name).is_file() for name in _ALL_NAMES)
        return path.name.lower() in _COMPANIONS or bool(_PRIMARY_ROW.match(head))

    def open(self, path: Path) -> ParsedList:
        files = _file_set(path)

        def parse(parsed: ParsedList) -> Iterator[ParsedEntity]:
            return _parse(files, parsed)

        parsed = ParsedList.streaming(
            parse,
            list_name=list_name_for(files.primary),
            source=self.source,
            format=self.name,
            files=[files.primary, *files.companions.values()],
        )
        parsed.published = date_from_filename(files.primary) or date_from_filename(path)
        return parsed


def _file_set(path: Path) -> _FileSet:
    """Find the primary file and its companions from a folder or a primary file."""
    if path.is_dir():
        for primary_name, companions in _COMPANIONS.items():
            if (path / primary_name).is_file():
                return _FileSet(path / primary_name, _existing(path, companions))
        raise CorridorError.at(
            path,
            "holds OFAC companion files (add.csv, alt.csv, sdn_comments.csv) but no primary "
            "file; expected sdn.csv (or cons_prim.csv) beside them",
        )
    lower = path.name.lower()
    for primary_name, companions in _COMPANIONS.items():
        if lower in companions.values():
            raise CorridorError.at(
                path,
                f"is an OFAC companion file; open {primary_name} or the folder holding both",
            )
    names = _COMPANIONS["cons_prim.csv" if lower.startswith("cons") else "sdn.csv"]
    return _FileSet(path, _existing(path.parent, names))


def _existing(folder: Path, names: dict[str, str]) -> dict[str, Path]:
    return {kind: folder / name for kind, name in names.items() if (folder / name).is_file()}


def _check_quotes_closed(path: Path) -> None:
    """Refuse a file that ends inside a quoted field: it was cut mid-download.

    The CSV reader (non-strict) would silently return the cut row with a truncated
    Remarks, losing identifiers; a complete CSV always has its quotes paired (escaped
    quotes are doubled), so an unpaired one means truncation or a stray quote.
    """
    open_line = 0
    with open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            if raw.count(b'"') % 2:
                open_line = 0 if open_line else number
    if open_line:
        raise CorridorError.at(
            path,
            "a quoted field opened on this line is never closed; the file looks truncated "
            "(a complete OFAC CSV row closes all its quotes and the file ends with Ctrl-Z)",
            line=open_line,
        )


def _rows(path: Path, kind: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of one file, checked for column count and a numeric ent_num."""
    layout = _LAYOUTS[kind]
    _check_quotes_closed(path)
    for line, row in read_csv(path, encoding="cp1252", skip_ctrl_z=True):
        if len(row) != len(layout):
            raise CorridorError.at(
                path,
                f"{len(row)} columns; expected {len(layout)} ({', '.join(layout)})",
                line=line,
            )
        if not row[0].strip().isdigit():
            raise CorridorError.at(
                path, f"ent_num {row[0]!r} is not a number; expected e.g. 15892", line=line
            )
        yield line, row


#: Companion rows by kind, then ent_num, in file order.
_Extra = dict[str, dict[str, list[list[str]]]]


def _parse(files: _FileSet, parsed: ParsedList) -> Iterator[ParsedEntity]:
    """Read companions into memory (they are small), then stream the primary file."""
    extra: _Extra = defaultdict(lambda: defaultdict(list))
    for kind, path in files.companions.items():
        for _, row in _rows(path, kind):
            extra[kind][row[0].strip()].append(row)
    seen: dict[str, int] = {}
    for line, row in _rows(files.primary, "primary"):
        ent_num = row[0].strip()
        if ent_num in seen:
            raise CorridorError.at(
                files.primary,
                f"ent_num {ent_num} repeats the row on line {seen[ent_num]}; "
                "expected one row per entry",
                line=line,
            )
        seen[ent_num] = line
        yield from _record(files.primary, line, row, extra)
    # Companion rows for entries the primary lacks cannot be attached; say how many.
    orphans = sum(
        len(rows) for by_id in extra.values() for ent, rows in by_id.items() if ent not in seen
    )
    if orphans:
        parsed.notes["companion rows without a primary entry"] = orphans


def _record(path: Path, line: int, row: list[str], extra: _Extra) -> Iterator[ParsedEntity]:
    """One primary row with its aliases, addresses and remarks -> target and Sanction."""
    ent_num = row[0].strip()
    schema = schema_for(row[2])
    if schema is None:
        raise CorridorError.at(
            path,
            f"SDN_Type {row[2]!r} is unknown; expected individual, vessel, aircraft or -0-",
            line=line,
        )
    entity = make_entity(schema, entity_id(ID_PREFIX, ent_num))
    is_person = schema == "Person"
    _names(entity, row[1], is_person)
    _add_or_note(entity, "position", row[4], "Title")
    _vessel(entity, row)
    for alt in extra["alt"].get(ent_num, []):
        _alias(entity, alt, is_person)
    for add in extra["add"].get(ent_num, []):
        _address(entity, add)
    # The overflow continues the Remarks mid-word ("Registration Numbe" + "r 1027..."),
    # so join the raw text before collapsing whitespace.
    remarks = "" if _value(row[11]) is None else row[11]
    remarks += "".join(c[1] for c in extra["comments"].get(ent_num, []))
    parse_remarks(entity, " ".join(remarks.split()))
    sanction = make_sanction(entity, authority=AUTHORITY, programs=split_programs(row[3]))
    yield ParsedEntity(entity, ent_num)
    yield ParsedEntity(sanction, ent_num)


def _person_name(name: str) -> tuple[str, str, str]:
    """``"PROKOPENKO, Ivan Pavlovitch"`` -> ("Ivan Pavlovitch PROKOPENKO", first, last)."""
    last, first = (p.strip() for p in name.split(",", 1))
    return f"{first} {last}".strip(), first, last


def _names(entity: EntityProxy, raw: str, is_person: bool) -> None:
    name = _value(raw)
    if name is None:
        return
    if is_person and "," in name:
        full, first, last = _person_name(name)
        entity.add("name", full)
        entity.add("firstName", first or None)
        entity.add("lastName", last or None)
    else:
        entity.add("name", name)


def _alias(entity: EntityProxy, alt: list[str], is_person: bool) -> None:
    """Add an alt.csv name (aka/nka -> alias, fka -> previousName), ordered like the name."""
    name = _value(alt[3])
    if name is None:
        return
    if is_person and "," in name:
        name = _person_name(name)[0]
    kind = (_value(alt[2]) or "aka").lower().replace(".", "").strip(" '")
    entity.add("previousName" if kind == "fka" else "alias", name)
    remark = _value(alt[4])
    if remark:
        entity.add("notes", f"{kind} {name}: {remark}")


def _address(entity: EntityProxy, add: list[str]) -> None:
    """Add an add.csv row: one address string, its country, and any remark as a note."""
    parts = [p for p in (_value(v) for v in add[2:5]) if p]
    if parts:
        entity.add("address", ", ".join(parts))
    country = _value(add[4])
    if country:
        _add_or_note(entity, "country", country, "Address country")
    remark = _value(add[5])
    if remark:
        entity.add("notes", f"Address {', '.join(parts)}: {remark}" if parts else remark)


def _vessel(entity: EntityProxy, row: list[str]) -> None:
    """Columns 5-10 describe vessels; the owner is a name, not an entity, so it is a note."""
    _add_or_note(entity, "callSign", row[5], "Call sign")
    _add_or_note(entity, "type", row[6], "Vessel type")
    _add_or_note(entity, "tonnage", row[7], "Tonnage")
    _add_or_note(entity, "grossRegisteredTonnage", row[8], "GRT")
    _add_or_note(entity, "flag", row[9], "Flag")
    owner = _value(row[10])
    if owner:
        entity.add("notes", f"Owner: {owner}")


def _add_checked(entity: EntityProxy, prop: str, value: str) -> bool:
    """Add ``value`` if ``entity``'s schema has ``prop`` and the value cleans; else False.

    FtM silently drops values it cannot clean ("Korea, North" once failed as a country),
    so the caller must know, to keep the text as a note instead.
    """
    found = entity.schema.get(prop)
    if found is None:
        return False
    cleaned = found.type.clean(value, proxy=entity)
    if cleaned is None:
        return False
    entity.add(prop, cleaned, cleaned=True)
    return True


def _add_or_note(entity: EntityProxy, prop: str, raw: str, label: str) -> None:
    value = _value(raw)
    if value is not None and not _add_checked(entity, prop, value):
        entity.add("notes", f"{label}: {value}")


# --- Remarks -------------------------------------------------------------------------

#: A Remarks field handler: gets the prefix as written ("Tax ID No.") and the text after
#: it; returns False when it could not type it (then the whole field is kept as a note).
_Handler = Callable[[EntityProxy, str, str], bool]

#: ``773407989940 (Russia)`` -> number and country; ``issued``/``expires`` go to ``tail``.
_NUMBER_COUNTRY = re.compile(
    r"^(?P<num>.*?)(?:\s*\((?P<country>[^()]*)\))?(?P<tail>[,;]?\s+(?:issued|expires)\b.*)?$",
    re.IGNORECASE,
)
#: A quoted name after a.k.a./f.k.a.: ``'RUSAG'`` or ``"NAME"``.
_QUOTED = re.compile(r"""^(['"])(.+)\1$""")
#: Identifier labels OFAC uses in Remarks besides the shared ones of `ID_KINDS`:
#: ``SSN 561-77-9011 (United States)``, ``C.U.R.P. GAMJ650126HSRRRR02 (Mexico)``.
_EXTRA_IDS = {
    "ssn": "national_id",
    "c.u.r.p.": "national_id",
    "r.f.c.": "tax",
    "nit #": "tax",
    "commercial registry number": "registration",
    "economic register number": "registration",
    "government gazette number": "registration",
    "trade license no.": "registration",
    "folio mercantil no.": "registration",
    "aircraft tail number": "registration",
    "driver's license no.": "national_id",
    "personal id card": "national_id",
}


def _dates(prop: str) -> _Handler:
    """``DOB 28 Sep 1973`` / ``circa 1960`` / ``01 Jan 1960 to 31 Dec 1962`` -> ISO dates."""

    def handle(entity: EntityProxy, label: str, text: str) -> bool:
        found = ofac_birth_dates(text)
        # "DOB 1960 to 1962" is a range: keep both ends, and the range as a note.
        return (
            bool(found)
            and all(_add_checked(entity, prop, d) for d in found)
            and (" to " not in text)
        )

    return handle


def _plain(prop: str) -> _Handler:
    """``POB Vinnitsa, Ukraine`` / ``nationality Russia`` -> one cleaned property value."""

    def handle(entity: EntityProxy, label: str, text: str) -> bool:
        return _add_checked(entity, prop, text.lower() if prop == "gender" else text)

    return handle


def _quoted_name(prop: str) -> _Handler:
    """``a.k.a. 'RUSAG'`` -> alias RUSAG; unquoted text is left for notes."""

    def handle(entity: EntityProxy, label: str, text: str) -> bool:
        found = _QUOTED.match(text)
        return found is not None and _add_checked(entity, prop, found.group(2))

    return handle


def _ofac_id() -> _Handler:
    """``Tax ID No. 773407989940 (Russia)`` -> inn (Russian, 10/12 digits) or tax, etc."""

    def handle(entity: EntityProxy, label: str, text: str) -> bool:
        found = _NUMBER_COUNTRY.match(text)
        if found is None or not found["num"].strip():
            return False
        add_ofac_id(entity, label, found["num"], found["country"])
        return not found["tail"]  # "expires 30 May 2017" is kept by noting the field

    return handle


def _extra_id(kind: str) -> _Handler:
    """Identifiers not in the shared mapping: typed, and noted with their label."""

    def handle(entity: EntityProxy, label: str, text: str) -> bool:
        found = _NUMBER_COUNTRY.match(text)
        if found is None or not found["num"].strip():
            return False
        add_identifier(entity, kind, found["num"])
        return False  # the label says what the number is: keep the field as a note too

    return handle


def _build_date(entity: EntityProxy, label: str, text: str) -> bool:
    """``Vessel Year of Build 1998`` / ``Aircraft Manufacture Date 01 Jan 1990``."""
    found = ofac_birth_dates(text)
    return len(found) == 1 and _add_checked(entity, "buildDate", found[0])


#: Remarks field prefix (lower case, matched before a space) -> handler. Fields are
#: ``;``-separated and may start with ``alt.`` (a second value of the same kind).
#: Example: ``DOB 28 Sep 1973`` -> ``_dates("birthDate")("28 Sep 1973")``.
#: Anything not listed (``Linked To: X``, ``Organization Established Date ...``,
#: ``Secondary sanctions risk: ...``) becomes a note.
_REMARK_FIELDS: dict[str, _Handler] = {
    "dob": _dates("birthDate"),
    "pob": _plain("birthPlace"),
    "nationality": _plain("nationality"),
    "citizen": _plain("citizenship"),
    "a.k.a.": _quoted_name("alias"),
    "n.k.a.": _quoted_name("alias"),
    "f.k.a.": _quoted_name("previousName"),
    "telephone no.": _plain("phone"),
    "telephone": _plain("phone"),
    "aircraft model": _plain("model"),
    "aircraft manufacturer's serial number (msn)": _plain("serialNumber"),
    "vessel year of build": _build_date,
    "aircraft manufacture date": _build_date,
    **{label: _ofac_id() for label in (*ID_KINDS, *ID_PROPERTIES)},
    **{label: _extra_id(kind) for label, kind in _EXTRA_IDS.items()},
}
#: Longest prefix first, so ``registration number`` wins over ``registration``.
_PREFIXES = sorted(_REMARK_FIELDS, key=len, reverse=True)


def split_remarks(remarks: str) -> list[str]:
    """``"DOB 1962; POB Shati."`` -> ["DOB 1962", "POB Shati"]: fields, terminal '.' dropped."""
    text = " ".join(remarks.split())
    if text in ("", _EMPTY):
        return []
    text = text.removesuffix(".")
    return [f.strip() for f in re.split(r";\s+", text) if f.strip()]


def parse_remark(entity: EntityProxy, remark: str) -> bool:
    """Apply one Remarks field to ``entity``; False when it was not (fully) typed."""
    body = remark[5:] if remark.lower().startswith("alt. ") else remark
    key = body.lower()
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) : len(prefix) + 1] in ("", " ", ":"):
            value = body[len(prefix) :].lstrip(":").strip()
            return bool(value) and _REMARK_FIELDS[prefix](entity, body[: len(prefix)], value)
    return False


def parse_remarks(entity: EntityProxy, remarks: str) -> None:
    """Put what OFAC's Remarks say on ``entity``; anything not understood goes to notes.

    ``DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia; Gender Male;
    Tax ID No. 773407989940 (Russia); a.k.a. 'PROKOPENKO Ivan'.``
    """
    for remark in split_remarks(remarks):
        if not parse_remark(entity, remark):
            entity.add("notes", remark)


FORMATS = (OfacCsv(),)
