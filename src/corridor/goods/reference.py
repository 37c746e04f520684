"""Goods reference data as versioned, content-hashed snapshots under ``$CORRIDOR_HOME/goods``.

The Common High Priority List, the EU Reg. 833/2014 code lists and the HS nomenclature
change (the CHPL grew from 45 to 50 codes in Feb 2024; the EU adds codes with each
package), so they are data, never Python constants: `load_reference` reads a folder in
the official layout, validates it, and stores a compiled snapshot named by the SHA-256
of its input files. The newest load becomes active atomically (a pointer file replaced
in one rename); an earlier version can be re-activated. Every check says which version
answered it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from corridor.errors import CorridorError
from corridor.settings import get_settings

#: The files of a reference folder, by the names they have in the official layouts
#: (../shared/data/trade). Looked up anywhere below the folder given.
FILES = {
    "chpl": "chpl.csv",
    "eu_hs6": "ebrd_EU_sanctions_HS6.csv",
    "eu_cn8": "export_sanctions_codes_cn8.csv",
    "hs": "hs_nomenclature_comtrade.csv",
    "correlation": "hs2017_hs2022.csv",
}
REQUIRED_COLUMNS = {
    "chpl": {"hs6", "tier", "description"},
    "eu_hs6": {"Code", "Date", "EU_sanction"},
    "eu_cn8": {"code", "product"},
    "hs": {"hscode", "description", "level"},
    "correlation": {"hs2017", "hs2022"},
}
#: Corridor's own HS 2017 -> 2022 correlation for the CHPL codes, used when the folder has none.
DEFAULT_CORRELATION = Path(__file__).with_name("data") / FILES["correlation"]
CHPL_TIERS = ("1", "2", "3.A", "3.B", "4.A", "4.B")
#: The EBRD coding's category columns and the part of Reg. 833/2014 each stands for.
EU_CATEGORIES = {
    "dual_use": "dual-use goods (Art. 2, Annex I to Reg. 2021/821)",
    "military_tech": "advanced technology (Art. 2a, Annex VII)",
    "aviation": "aviation and space goods (Art. 3c, Annex XI)",
    "oil_exploration": "oil exploration and production (Art. 3, Annex II)",
    "oil_refining": "oil refining (Art. 3b, Annex X)",
    "industrial_cap": "industrial capacity (Art. 3k, Annex XXIII)",
    "luxury": "luxury goods (Art. 3h, Annex XVIII)",
    "firearms": "firearms and ammunition (Annex XXXV)",
}
FORMAT = 1


@dataclass
class Reference:
    """One compiled reference version."""

    version: str
    loaded_at: str
    files: dict[str, dict[str, Any]]
    hs: dict[str, str]
    chpl: dict[str, dict[str, str]]
    eu_hs6: dict[str, dict[str, Any]]
    eu_cn8: dict[str, str]
    #: HS 2017 code -> its HS 2022 successors, and back.
    successors: dict[str, list[str]] = field(default_factory=dict)
    predecessors: dict[str, list[str]] = field(default_factory=dict)
    correlation_notes: dict[str, str] = field(default_factory=dict)
    _cn8_by_hs6: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "loaded_at": self.loaded_at,
            "files": self.files,
            "hs": self.hs,
            "chpl": self.chpl,
            "eu_hs6": self.eu_hs6,
            "eu_cn8": self.eu_cn8,
            "successors": self.successors,
            "predecessors": self.predecessors,
            "correlation_notes": self.correlation_notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reference:
        data = dict(data)
        data.pop("format", None)
        data.pop("_cn8_by_hs6", None)
        return cls(**data)

    def cn8_under(self, hs6: str) -> list[str]:
        """The listed CN8 codes under one HS6 (an index built on first use)."""
        if not self._cn8_by_hs6:
            for code in sorted(self.eu_cn8):
                if len(code) == 8:
                    self._cn8_by_hs6.setdefault(code[:6], []).append(code)
        return self._cn8_by_hs6.get(hs6, [])

    @property
    def hs6_codes(self) -> list[str]:
        return [code for code in self.hs if len(code) == 6]


def goods_home() -> Path:
    return get_settings().home / "goods"


def _find(folder: Path, name: str) -> Path | None:
    if folder.is_file():
        return folder if folder.name == name else None
    found = sorted(folder.rglob(name))
    return found[0] if found else None


def _read_csv(path: Path, key: str) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorridorError.at(path, f"cannot read: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = REQUIRED_COLUMNS[key] - set(reader.fieldnames or [])
    if missing:
        raise CorridorError.at(path, f"missing column(s) {', '.join(sorted(missing))}", line=1)
    return list(reader)


def _digits(path: Path, line: int, column: str, value: str, lengths: tuple[int, ...]) -> str:
    code = value.strip().replace(".", "")
    if not code.isdigit() or len(code) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        raise CorridorError.at(
            path, f"column {column}: {value!r} is not a {expected}-digit code", line=line
        )
    return code


def compile_reference(folder: Path) -> Reference:
    """Read and validate a reference folder (official layout) into a `Reference`."""
    if not folder.exists():
        raise CorridorError.at(folder, "no such file or folder")
    paths: dict[str, Path] = {}
    for key, name in FILES.items():
        path = _find(folder, name)
        if path is None and key == "correlation":
            path = DEFAULT_CORRELATION
        if path is None:
            raise CorridorError.at(folder, f"no {name} below it; expected the trade data layout")
        paths[key] = path
    digest = hashlib.sha256()
    files = {}
    for key, path in paths.items():
        content = path.read_bytes()
        digest.update(key.encode() + b"\0" + content)
        files[key] = {"path": str(path), "sha256": hashlib.sha256(content).hexdigest()}

    hs: dict[str, str] = {}
    for row in _read_csv(paths["hs"], "hs"):
        code = row["hscode"].strip()
        if code.isdigit() and len(code) in (2, 4, 6):
            hs[code] = row["description"].strip()
    chpl: dict[str, dict[str, str]] = {}
    for line, row in enumerate(_read_csv(paths["chpl"], "chpl"), start=2):
        code = _digits(paths["chpl"], line, "hs6", row["hs6"], (6,))
        tier = row["tier"].strip()
        if tier not in CHPL_TIERS:
            raise CorridorError.at(
                paths["chpl"],
                f"column tier: {tier!r} is not one of {', '.join(CHPL_TIERS)}",
                line=line,
            )
        chpl[code] = {
            "tier": tier,
            "description": row["description"].strip(),
            "source": (row.get("source") or "").strip(),
        }
    eu_hs6: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(_read_csv(paths["eu_hs6"], "eu_hs6"), start=2):
        code = _digits(paths["eu_hs6"], line, "Code", row["Code"].zfill(6), (6,))
        if _flag(row.get("EU_sanction")):
            eu_hs6[code] = {
                "date": row["Date"].strip() or None,
                "categories": [c for c in EU_CATEGORIES if _flag(row.get(c))],
                "partially_exempt": _flag(row.get("partially_exempt")),
            }
    eu_cn8: dict[str, str] = {}
    for line, row in enumerate(_read_csv(paths["eu_cn8"], "eu_cn8"), start=2):
        code = row["code"].strip()
        if len(code) == 4 and code.isdigit():
            eu_cn8[code] = row["product"].strip()  # a whole heading named in an annex
            continue
        eu_cn8[_digits(paths["eu_cn8"], line, "code", code, (8,))] = row["product"].strip()
    successors: dict[str, list[str]] = {}
    predecessors: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    for line, row in enumerate(_read_csv(paths["correlation"], "correlation"), start=2):
        old = _digits(paths["correlation"], line, "hs2017", row["hs2017"], (6,))
        new = _digits(paths["correlation"], line, "hs2022", row["hs2022"], (6,))
        successors.setdefault(old, []).append(new)
        predecessors.setdefault(new, []).append(old)
        if row.get("note"):
            notes[f"{old}>{new}"] = row["note"].strip()
    if not chpl or not hs or not eu_hs6:
        raise CorridorError.at(folder, "the CHPL, HS or EU HS6 file has no rows")
    return Reference(
        version=digest.hexdigest()[:16],
        loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files=files,
        hs=hs,
        chpl=chpl,
        eu_hs6=eu_hs6,
        eu_cn8=eu_cn8,
        successors=successors,
        predecessors=predecessors,
        correlation_notes=notes,
    )


def _flag(value: str | None) -> bool:
    try:
        return bool(value and float(value) >= 1.0)
    except ValueError:
        return False


@dataclass(frozen=True)
class LoadedReference:
    reference: Reference
    created: bool
    previous: str | None


def load_reference(folder: Path) -> LoadedReference:
    """Compile ``folder``, store it as a version (unless identical) and make it active."""
    reference = compile_reference(folder)
    home = goods_home()
    target = home / reference.version / "reference.json"
    created = not target.exists()
    if created:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_text(json.dumps(reference.to_json(), ensure_ascii=False), encoding="utf-8")
        partial.replace(target)
    previous = active_version()
    _write_active(reference.version)
    return LoadedReference(reference, created, previous if previous != reference.version else None)


def _write_active(version: str) -> None:
    pointer = goods_home() / "ACTIVE"
    partial = pointer.with_suffix(".partial")
    partial.write_text(version + "\n", encoding="utf-8")
    os.replace(partial, pointer)  # atomic: readers see the old or the new version


def active_version() -> str | None:
    pointer = goods_home() / "ACTIVE"
    return pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def reference_versions() -> list[Reference]:
    """Every stored version, oldest load first (each read whole: they are small)."""
    home = goods_home()
    found = [_read_version(p.parent.name) for p in home.glob("*/reference.json")]
    return sorted(found, key=lambda r: r.loaded_at)


def activate_reference(version: str) -> Reference:
    """Make a stored version the active one (e.g. to roll back)."""
    reference = _read_version(version)
    _write_active(reference.version)
    return reference


def get_reference() -> Reference:
    """The active reference version."""
    version = active_version()
    if version is None:
        raise CorridorError(
            "no goods reference data is loaded: run `corridor goods load-reference PATH` "
            "(e.g. ../shared/data/trade or examples/goods)"
        )
    return _read_version(version)


@lru_cache(maxsize=4)
def _read_cached(path: str, mtime: float) -> Reference:
    with open(path, encoding="utf-8") as handle:
        return Reference.from_json(json.load(handle))


def _read_version(version: str) -> Reference:
    path = goods_home() / version / "reference.json"
    if not path.exists():
        raise CorridorError(f"no goods reference version {version!r} is stored")
    return _read_cached(str(path), path.stat().st_mtime)
