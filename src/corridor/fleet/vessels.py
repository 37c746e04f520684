"""Vessel lists, and screening every vessel seen in the loaded AIS against them.

Lists read here (files or folders, sniffed by header):

- the EU Annex XLII port-access-ban list as the Danish Maritime Authority publishes it
  (``Vessel name;IMO number ;Date of application``, ``;``, ISO-8859-1);
- the GUR (Ukraine's Main Intelligence Directorate) watch list export
  (``gur_id,name,imo,mmsi_current,mmsi_legacy,...,former_names``);
- the Follow the Money shadow-fleet database folder (``vessels.csv`` with its
  ``vessel_names.csv`` name history and ``vessel_mmsi.csv`` MMSI history);
- a sanctions cross-reference by IMO (``imo,ofac,uk,eu`` True/False);
- and always the Vessel entities of the sanctions lists loaded in the store
  (``corridor lists load``: OFAC, UK, EU, UN, OpenSanctions), by IMO, MMSI and names.

A hit says why: ``imo`` (the AIS IMO, check digit valid, equals the listed one), ``mmsi``
(the transponder's MMSI is a listed current or former MMSI), or ``name`` (the broadcast
name equals a listed name or former name, letters and digits compared). An IMO hit is
decisive; a name hit alone is a lead to check (many ships share names).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from corridor.errors import CorridorError
from corridor.fleet.identities import valid_imo

#: Names this short ("SEA", "MIA") match too many unrelated ships to report on their own.
_MIN_NAME_LEN = 4

HIT_COLUMNS = (
    "mmsi",
    "imo",
    "name",
    "reason",
    "matched",
    "lists",
    "listed_names",
    "listed_imo",
)


@dataclass
class ListedVessel:
    """One vessel entry of one list."""

    list_name: str
    imo: int | None
    names: set[str] = field(default_factory=set)
    mmsis: set[int] = field(default_factory=set)


def norm_name(name: str) -> str:
    """Letters and digits only, upper case: ``"Kapitan Pshenitsyn"`` -> ``KAPITANPSHENITSYN``."""
    return "".join(ch for ch in name.upper() if ch.isalnum())


def _imo(text: Any) -> int | None:
    value = str(text or "").strip().upper().removeprefix("IMO").strip()
    if not value.isdigit():
        return None
    number = int(value)
    return number if valid_imo(number) else None


def _mmsi(text: Any) -> int | None:
    value = str(text or "").strip()
    return int(value) if value.isdigit() and len(value) == 9 else None


def _read(path: Path, encoding: str = "utf-8-sig") -> str:
    try:
        return path.read_bytes().decode(encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise CorridorError.at(path, f"cannot read as {encoding}: {exc}") from exc


def read_list(path: Path) -> list[ListedVessel]:
    """The vessels of the list file or folder at ``path``."""
    if path.is_dir():
        if (path / "vessels.csv").exists():
            return _from_source(path)
        found = [v for child in sorted(path.glob("*.csv")) for v in _maybe(child) or []]
        if not found:
            raise CorridorError.at(path, "holds no vessel list this command knows")
        return found
    if not path.is_file():
        raise CorridorError.at(path, "no such file or directory")
    vessels = _maybe(path)
    if vessels is None:
        raise CorridorError.at(
            path,
            "not a known vessel list; expected the EU Annex XLII CSV, the GUR export, "
            "the FTM shadow-fleet vessels.csv or an imo,ofac,uk,eu cross-reference",
        )
    return vessels


def _maybe(path: Path) -> list[ListedVessel] | None:
    head = path.read_bytes()[:400]
    first = head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[0] if head else ""
    if first.startswith(("Vessel name;IMO number", "gur_id,name,imo")):
        return _from_source(path)
    if first.startswith("imo,ofac,uk,eu"):
        return _xref(path)
    if first.startswith("vessel_imo,vessel_name") and path.name == "vessels.csv":
        return _from_source(path)
    return None


def _from_source(path: Path) -> list[ListedVessel]:
    """A list that `corridor.sources` parses (EU Annex XLII, GUR, FTM shadow fleet): its
    listed Vessels."""
    from corridor.sources import detect_format

    parsed = detect_format(path).open(path)
    out = []
    for item in parsed.entities:
        if item.entity.schema.name == "Vessel" and item.is_target:
            out.extend(_listed(parsed.list_name, item.entity.to_dict()["properties"]))
    return out


def _listed(list_name: str, props: dict[str, list[str]]) -> list[ListedVessel]:
    """One `ListedVessel` per IMO of an FtM Vessel's properties (one without IMO if none)."""
    imos: list[int | None] = [i for i in (_imo(v) for v in props.get("imoNumber", [])) if i]
    names = {
        v for key in ("name", "alias", "previousName", "weakAlias") for v in props.get(key, [])
    }
    mmsis = {m for m in (_mmsi(v) for v in props.get("mmsi", [])) if m}
    return [ListedVessel(list_name, imo, set(names), set(mmsis)) for imo in imos or [None]]


def _xref(path: Path) -> list[ListedVessel]:
    out = []
    for row in csv.DictReader(io.StringIO(_read(path))):
        lists = [k for k in ("ofac", "uk", "eu") if (row.get(k) or "").strip() == "True"]
        imo = _imo(row.get("imo"))
        if lists and imo:
            out.append(ListedVessel("xref_" + "_".join(lists), imo))
    return out


def store_vessels() -> Iterator[ListedVessel]:
    """Vessel entities of every active sanctions list version in the store."""
    from corridor.store import open_store
    from corridor.store.lists import iter_active_entities

    for version, row in iter_active_entities(open_store()):
        if row.schema == "Vessel" and row.target:
            yield from _listed(version.list_name, row.properties or {})


def screen(con: duckdb.DuckDBPyConnection, listed: list[ListedVessel]) -> list[dict[str, Any]]:
    """Every vessel seen in the loaded AIS against ``listed``: one row per vessel and reason."""
    by_imo: dict[int, list[ListedVessel]] = defaultdict(list)
    by_mmsi: dict[int, list[ListedVessel]] = defaultdict(list)
    by_name: dict[str, list[ListedVessel]] = defaultdict(list)
    for entry in listed:
        if entry.imo:
            by_imo[entry.imo].append(entry)
        for mmsi in entry.mmsis:
            by_mmsi[mmsi].append(entry)
        for name in entry.names:
            key = norm_name(name)
            if len(key) >= _MIN_NAME_LEN:
                by_name[key].append(entry)

    seen: dict[int, dict[str, set[Any]]] = defaultdict(lambda: {"imo": set(), "name": set()})
    for (mmsi,) in con.execute("SELECT DISTINCT mmsi FROM positions").fetchall():
        seen[mmsi]
    for mmsi, imo, name in con.execute("SELECT DISTINCT mmsi, imo, name FROM static").fetchall():
        if imo is not None:
            seen[mmsi]["imo"].add(int(imo))
        if name:
            seen[mmsi]["name"].add(name)

    hits: list[dict[str, Any]] = []
    for mmsi in sorted(seen):
        imos = sorted(i for i in seen[mmsi]["imo"] if valid_imo(i))
        names = sorted(seen[mmsi]["name"])
        shown = {
            "mmsi": mmsi,
            "imo": imos[0] if imos else None,
            "name": names[0] if names else None,
        }
        found: list[tuple[str, str, list[ListedVessel]]] = []
        for imo in imos:
            if imo in by_imo:
                found.append(("imo", str(imo), by_imo[imo]))
        if mmsi in by_mmsi:
            found.append(("mmsi", str(mmsi), by_mmsi[mmsi]))
        for name in names:
            key = norm_name(name)
            if key in by_name:
                found.append(("name", name, by_name[key]))
        for reason, matched, entries in found:
            hits.append(
                {
                    **shown,
                    "reason": reason,
                    "matched": matched,
                    "lists": ";".join(sorted({e.list_name for e in entries})),
                    "listed_names": ";".join(sorted({n for e in entries for n in e.names}))[:300],
                    "listed_imo": ";".join(sorted({str(e.imo) for e in entries if e.imo})),
                }
            )
    return hits
