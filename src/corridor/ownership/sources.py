"""Reading ownership data: FtM ``Ownership``/``Directorship`` entities and a plain CSV.

Both become `Holding` records (owner, asset, share, kind, dates, provenance) and
`Party` records (id, name, schema, identifiers) for the ids they name. The whole file is
read and checked before anything is stored, so a bad line fails the load whole with a
one-line error naming the file, line and field.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException

from corridor.errors import CorridorError
from corridor.ownership.graph import KIND_NAMES
from corridor.sources.base import parse_date
from corridor.sources.inputs import read_csv, read_head, require_columns, text_lines

CSV_COLUMNS = (
    "owner_id",
    "owner_name",
    "asset_id",
    "asset_name",
    "share_pct",
    "role",
    "start_date",
    "end_date",
    "source",
)
CSV_REQUIRED = ("owner_id", "asset_id", "share_pct")

#: Role words (lower case, as registries and OpenSanctions write them) -> edge kind.
#: A role not listed here is refused rather than guessed: a wrong guess would turn a
#: director into an owner. An empty role on a row with a share is a shareholding.
ROLE_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "",
            "owner",
            "ownership",
            "shareholder",
            "shareholding",
            "shares",
            "beneficial owner",
            "beneficial ownership",
            "participant",  # a participant (участник) of a Russian/Kazakh LLC holds its share
            "founder",  # учредитель: the founders of an LLC hold its capital
            "member",
            "partner",
        ),
        "ownership",
    ),
    **dict.fromkeys(("votes", "voting", "voting rights"), "votes"),
    **dict.fromkeys(
        ("board", "board majority", "appoints board", "right to appoint board"), "board"
    ),
    **dict.fromkeys(("assets", "asset use", "right to use assets"), "assets"),
    **dict.fromkeys(("control", "control in fact", "controller", "controls"), "control"),
    **dict.fromkeys(
        (
            "director",
            "directorship",
            "general director",
            "ceo",
            "chairman",
            "board member",
            "manager",
            "chief accountant",
        ),
        "director",
    ),
}
#: FtM properties that carry identifiers screening can match on.
ID_PROPERTIES = (
    "innCode",
    "ogrnCode",
    "taxNumber",
    "registrationNumber",
    "idNumber",
    "swiftBic",
    "leiCode",
    "imoNumber",
)
#: 10 digits (Russian INN of a company), 12 (Kazakh IIN/BIN, INN of a person), 13 (OGRN).
_REGISTER_NUMBER = re.compile(r"(?<!\d)(?:\d{13}|\d{12}|\d{10})(?!\d)")
_PERCENT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


@dataclass(slots=True)
class Holding:
    """One holding or control relation, with where it was read."""

    owner: str
    asset: str
    share: float | None
    kind: str
    role: str
    start: date | None
    end: date | None
    source: str
    record: str  # FtM entity id, or ``line N`` of a CSV


@dataclass
class Party:
    """An owner or an asset as the data names it."""

    id: str
    name: str = ""
    schema: str = "LegalEntity"
    identifiers: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


@dataclass
class OwnershipFile:
    """Everything one file holds."""

    path: Path
    format: str
    holdings: list[Holding]
    parties: dict[str, Party]


def parse_share(path: Path, text: str, line: int | str) -> float | None:
    """``51``, ``51%``, ``33,33`` -> a percentage; empty -> None; else an error."""
    if not text.strip():
        return None
    match = _PERCENT.match(text)
    value = float(match.group(1).replace(",", ".")) if match else -1.0
    if not 0.0 <= value <= 100.0:
        raise CorridorError(f"{path}:{line}: share_pct {text!r} is not a percentage 0-100")
    return value


def parse_period(text: str, *, end: bool) -> date | None:
    """A full or partial date (``2019``, ``2019-04``, ``2019-04-01``).

    A partial start date is read as the first day of its period and a partial end date
    as the last: a holding "until 2022" may have lasted all year, and assuming it did
    errs on the side of exposure.
    """
    text = text.strip()
    if not text:
        return None
    full = parse_date(text)
    if full is not None:
        return full
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text[:7] if len(text) >= 7 else text)
    if match is None:
        return None
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    m = int(month)
    if not 1 <= m <= 12:
        return None
    return date(year, m, calendar.monthrange(year, m)[1]) if end else date(year, m, 1)


def _date(path: Path, text: str, line: int | str, column: str, *, end: bool) -> date | None:
    if not text.strip():
        return None
    parsed = parse_period(text, end=end)
    if parsed is None:
        raise CorridorError(f"{path}:{line}: {column} {text!r} is not a date; expected 2019-04-01")
    return parsed


def role_kind(path: Path, role: str, line: int | str) -> str:
    kind = ROLE_KINDS.get(" ".join(role.lower().replace("_", " ").split()))
    if kind is None:
        known = ", ".join(sorted({k for k in ROLE_KINDS if k}))
        raise CorridorError(f"{path}:{line}: role {role!r} is unknown; expected one of {known}")
    return kind


def _id_numbers(party_id: str) -> list[str]:
    """A register number inside a CSV id (``kz-bin-190240011111``, ``7736185530``).

    Screening parses it as an IIN/BIN, INN or OGRN with its checksum, so a number that
    is none of these is simply not used; a valid one links the party decisively, or
    keeps it apart from a listed namesake with a different number.
    """
    return _REGISTER_NUMBER.findall(party_id)[:1]


def read_ownership_csv(path: Path) -> OwnershipFile:
    """The plain CSV: ``owner_id, owner_name, asset_id, asset_name, share_pct, role,
    start_date, end_date, source`` (names, role, dates and source may be empty)."""
    rows = read_csv(path, encoding="utf-8-sig")
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise CorridorError.at(path, "is empty; expected a CSV header with owner_id") from None
    cols = require_columns(path, header, CSV_REQUIRED, line=header_line)
    holdings: list[Holding] = []
    parties: dict[str, Party] = {}

    def get(row: list[str], name: str) -> str:
        i = cols.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    for line, row in rows:
        owner, asset = get(row, "owner_id"), get(row, "asset_id")
        for column, value in (("owner_id", owner), ("asset_id", asset)):
            if not value:
                raise CorridorError(f"{path}:{line}: {column} is empty")
        if owner == asset:
            raise CorridorError(f"{path}:{line}: owner_id and asset_id are both {owner!r}")
        role = get(row, "role")
        kind = role_kind(path, role, line)
        share = parse_share(path, get(row, "share_pct"), line)
        if share is None and kind in ("ownership", "votes") and role:
            raise CorridorError(f"{path}:{line}: share_pct is empty for a {role!r} row")
        if share is None and not role:
            raise CorridorError(f"{path}:{line}: share_pct is empty; give a share or a role")
        start = _date(path, get(row, "start_date"), line, "start_date", end=False)
        end = _date(path, get(row, "end_date"), line, "end_date", end=True)
        if start and end and end < start:
            raise CorridorError(f"{path}:{line}: end_date {end} is before start_date {start}")
        holdings.append(
            Holding(
                owner,
                asset,
                share,
                kind,
                role,
                start,
                end,
                get(row, "source") or path.name,
                f"line {line}",
            )
        )
        for pid, name in ((owner, get(row, "owner_name")), (asset, get(row, "asset_name"))):
            party = parties.setdefault(pid, Party(pid, identifiers=_id_numbers(pid)))
            party.name = party.name or name
    if not holdings:
        raise CorridorError.at(path, "holds no ownership rows")
    return OwnershipFile(path, "ownership-csv", holdings, parties)


def _entities(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """FtM JSON objects of a JSON-lines file; nested entity values are flattened out."""
    for number, text in enumerate(text_lines(path), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorridorError(f"{path}:{number}: not a JSON object ({exc.msg})") from exc
        if not isinstance(data, dict):
            raise CorridorError(f"{path}:{number}: not a JSON object")
        yield from ((number, e) for e in _flatten(data))


def _flatten(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    props = data.get("properties") or {}
    flat: dict[str, list[Any]] = {}
    for prop, values in props.items():
        out = []
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):
                yield from _flatten(value)
                value = value.get("id")
            out.append(value)
        flat[prop] = out
    yield {**data, "properties": flat}


def read_ownership_ftm(path: Path) -> OwnershipFile:
    """OpenSanctions FtM JSON lines: ``Ownership`` (owner, asset, percentage, role,
    ownershipType, startDate, endDate) and ``Directorship`` (director, organization,
    role, ...) entities; every other entity names a party (its caption, schema and
    identifiers, used to link it to the lists)."""
    holdings: list[Holding] = []
    parties: dict[str, Party] = {}
    for line, data in _entities(path):
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (FollowTheMoneyException, TypeError, ValueError) as exc:
            raise CorridorError(f"{path}:{line}: not a FollowTheMoney entity ({exc})") from exc
        if proxy.id is None:
            raise CorridorError(f"{path}:{line}: entity without an id")
        source = ",".join(data.get("datasets") or []) or path.name
        if proxy.schema.is_a("Ownership") or proxy.schema.is_a("Directorship"):
            holdings.append(_ftm_holding(path, line, proxy, source))
        elif proxy.schema.is_a("LegalEntity"):
            party = parties.setdefault(proxy.id, Party(proxy.id))
            party.name = party.name or proxy.caption
            party.schema = proxy.schema.name
            for prop in ID_PROPERTIES:
                if prop in proxy.schema.properties:
                    party.identifiers.extend(proxy.get(prop, quiet=True))
            party.countries.extend(proxy.get("country", quiet=True))
    if not holdings:
        raise CorridorError.at(path, "holds no Ownership or Directorship entities")
    for holding in holdings:
        for pid in (holding.owner, holding.asset):
            parties.setdefault(pid, Party(pid))
    return OwnershipFile(path, "ftm", holdings, parties)


def _ftm_holding(path: Path, line: int, proxy: Any, source: str) -> Holding:
    director = proxy.schema.is_a("Directorship")
    owner_prop, asset_prop = ("director", "organization") if director else ("owner", "asset")
    owner, asset = proxy.first(owner_prop), proxy.first(asset_prop)
    if not owner or not asset:
        raise CorridorError(
            f"{path}:{line}: {proxy.schema.name} {proxy.id} lacks {owner_prop} or {asset_prop}"
        )
    role = proxy.first("role") or ("" if director else proxy.first("ownershipType") or "")
    if director:
        kind = "director"
        share = None
    else:
        kind = ROLE_KINDS.get(role.lower().strip(), "ownership")
        if kind == "director":
            kind = "ownership"  # an Ownership is a holding whatever its role says
        share = parse_share(path, proxy.first("percentage") or "", line)
    return Holding(
        owner,
        asset,
        share,
        kind,
        role,
        _date(path, proxy.first("startDate") or "", line, "startDate", end=False),
        _date(path, proxy.first("endDate") or "", line, "endDate", end=True),
        source,
        proxy.id,
    )


def read_ownership_file(path: Path) -> OwnershipFile:
    """Sniff the format (a JSON object first, or a CSV header) and read the file."""
    head = read_head(path).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return read_ownership_ftm(path)
    if b"owner_id" in head.split(b"\n", 1)[0]:
        return read_ownership_csv(path)
    raise CorridorError.at(
        path,
        "is neither FtM JSON lines nor an ownership CSV; expected a header "
        f"{','.join(CSV_COLUMNS)} or one JSON entity per line",
    )


assert set(ROLE_KINDS.values()) <= set(KIND_NAMES)
