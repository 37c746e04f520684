"""Readers for each trade-statistics layout, all producing rows of the one fact table.

Each reader checks the columns it needs and every number and period it reads; a bad
value raises `CorridorError` naming ``file:line`` and the column. The format of a file is
sniffed from its header (`sniff_format`); ``--format`` overrides it.

Formats (see ``../shared/data/trade/SOURCES.md`` for the files of each):

- ``comext-long``: Eurostat Comext DS-045409 extracts in long form
  (``reporter,partner,product_code,period,flow,value_eur``): CN8 codes, HS4 headings, HS2
  chapters and TOTAL in one file, each row kept at its own level.
- ``comext-monthly`` / ``comext-annual``: Comext total-goods extracts by partner; member
  states and aggregates (EU27, euro area, variable-composition EU) side by side: the
  aggregates keep their own codes, so member states are never summed with them.
- ``comext-relational``: Comext "relational view" layout
  (``REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR``); national figures
  re-published in it after conversion to EUR are ranked as derived.
- ``kz-bns``, ``kg-natstat``, ``uz-stat``, ``armstat-monthly``: national statistics by partner
  country, thousand USD.
- ``armstat-reexports``, ``derived-reexports``: Armenia's recorded re-exports, and an
  analyst's HS6 estimate of them (ranked derived).
- ``comtrade``: UN Comtrade records, in the Comtrade+ API/CSV layout (``flowCode``,
  ``reporterISO``, ``cmdCode``, ``primaryValue`` ...), the legacy bulk CSV layout
  (``Trade Flow``, ``Commodity Code``, ``Trade Value (US$)`` ...) or comtradr's snake_case
  layout (``trade_flow``, ``commodity_code``, ``trade_value_us`` ...); also an API JSON
  response (``{"data": [...]}``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from corridor.errors import CorridorError
from corridor.trade.countries import EU27_2020, normalise_country
from corridor.trade.schema import FactRows, classification_of

Row = Mapping[str, str]

#: Values the offices write for "no figure": Eurostat ':', R's 'NA', empty cells.
MISSING = frozenset({"", ":", "NA", "N/A", "nan", "NaN", "-", "..", "x"})

#: Thousand-USD files: every national-statistics file in the shared folder says so in its
#: name and SOURCES.md (e.g. Kyrgyzstan exports to Russia 2021 = 393,340 kUSD = $393 m).
THOUSAND = 1000.0


@dataclass(frozen=True)
class Format:
    name: str
    required: frozenset[str]
    reader: Callable[[Path, Iterator[tuple[int, Row]], list[str]], FactRows]
    description: str


def _open_text(path: Path) -> io.TextIOBase:
    raw = path.read_bytes()[:2]
    if raw == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline="")


def read_header(path: Path) -> list[str]:
    """The column names of a CSV file (gzip allowed), or of a Comtrade JSON response."""
    if _is_json(path):
        records = _json_records(path)
        return list(records[0]) if records else []
    try:
        with _open_text(path) as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorridorError.at(path, f"cannot read as UTF-8 CSV: {exc}", line=1) from exc
    return next(csv.reader([first]), [])


def _is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    with path.open("rb") as fh:
        return fh.read(64).lstrip().startswith(b"{")


def _json_records(path: Path) -> list[dict[str, object]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorridorError.at(path, f"not a JSON document: {exc}") from exc
    records = doc.get("data") if isinstance(doc, dict) else doc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise CorridorError.at(path, "expected a Comtrade API response {'data': [records]}")
    return records


def iter_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """(line number, row) pairs; line 1 is the header, so data starts at 2."""
    if _is_json(path):
        for index, record in enumerate(_json_records(path)):
            yield index + 1, {k: "" if v is None else str(v) for k, v in record.items()}
        return
    with _open_text(path) as fh:
        reader = csv.DictReader(fh)
        line = 1
        try:
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise CorridorError.at(
                        path,
                        f"{len(row) - 1 + len(row[None])} fields, header has "  # type: ignore[index]
                        f"{len(reader.fieldnames or [])}",
                        line=line,
                    )
                yield line, row
        except csv.Error as exc:
            raise CorridorError.at(path, f"malformed CSV: {exc}", line=line + 1) from exc
        except UnicodeDecodeError as exc:
            raise CorridorError.at(path, f"not UTF-8: {exc}", line=line + 1) from exc


def number(path: Path, line: int, column: str, text: str | None) -> float | None:
    """A decimal number from a cell, None when the cell says "no figure"."""
    cell = (text or "").strip()
    if cell in MISSING:
        return None
    try:
        return float(cell.replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise CorridorError.at(
            path, f"column '{column}': expected a number, got {cell!r}", line=line
        ) from None


_PERIOD = re.compile(r"^[YM]?(\d{4})(?:[-M]?(\d{2}))?(?:-\d{2})?$")


def period(path: Path, line: int, column: str, text: str) -> tuple[int, int | None]:
    """(year, month or None) from '2021', 'Y2021', '2021-03', '202103', '2021M03',
    '2021-03-01'. Comext's '202152' (period 52 = the whole year) is annual."""
    cell = text.strip()
    match = _PERIOD.match(cell)
    if match:
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        if month == 52:
            month = None
        if 1900 <= year <= 2100 and (month is None or 1 <= month <= 12):
            return year, month
    raise CorridorError.at(
        path,
        f"column '{column}': expected a period like 2021 or 2021-03, got {cell!r}",
        line=line,
    )


def integer(path: Path, line: int, column: str, text: str, lo: int, hi: int) -> int:
    try:
        value = int(float(text.strip()))
    except ValueError:
        value = lo - 1
    if not lo <= value <= hi:
        raise CorridorError.at(
            path,
            f"column '{column}': expected a whole number {lo}..{hi}, got {text!r}",
            line=line,
        )
    return value


def flow_of(path: Path, line: int, column: str, text: str) -> str:
    """export / import / reexport / reimport from any office's spelling (X, M, 1, 2 ...)."""
    key = text.strip().casefold().replace("-", "").replace("_", "").replace(" ", "")
    flow = {
        "export": "export",
        "exports": "export",
        "x": "export",
        "2": "export",
        "import": "import",
        "imports": "import",
        "m": "import",
        "1": "import",
        "reexport": "reexport",
        "rx": "reexport",
        "reimport": "reimport",
        "rm": "reimport",
    }.get(key)
    if flow is None:
        raise CorridorError.at(
            path,
            f"column '{column}': expected a trade flow (export/import), got {text!r}",
            line=line,
        )
    return flow


def _require(path: Path, header: list[str], required: frozenset[str], fmt: str) -> None:
    missing = sorted(required - set(header))
    if missing:
        raise CorridorError.at(
            path, f"not a {fmt} file: missing column(s) {', '.join(missing)}", line=1
        )


def _country(label: str) -> tuple[str, str]:
    code, kind = normalise_country(label)
    return code, kind


# ---------------------------------------------------------------------------- Eurostat


def read_comext_long(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """ruimpeks-style long extract: every row at its own product level (CN8 or HS4 or ...)."""
    out = FactRows()
    for line, row in rows:
        value = number(path, line, "value_eur", row["value_eur"])
        if value is None:
            continue
        code = row["product_code"].strip()
        level = classification_of(code)
        if not level:
            raise CorridorError.at(
                path,
                f"column 'product_code': expected a CN8/HS6/HS4/HS2 code or TOTAL, got {code!r}",
                line=line,
            )
        year, month = period(path, line, "period", row["period"])
        reporter, _ = _country(row["reporter"])
        partner, kind = _country(row["partner"])
        out.add(
            reporter=reporter,
            reporter_label=row["reporter"],
            partner=partner,
            partner_label=row["partner"],
            partner_kind=kind,
            flow=flow_of(path, line, "flow", row["flow"]),
            basis="",
            year=year,
            month=month,
            classification=level,
            product_code="TOTAL" if level == "TOTAL" else code,
            value=value,
            currency="EUR",
            source="comext-long",
            source_file=path.name,
            line=line,
            rank=1,
        )
    return out


def read_comext_monthly(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """Total goods by partner, monthly; member states and aggregates side by side."""
    out = FactRows()
    for line, row in rows:
        value = number(path, line, "value_in_eur", row["value_in_eur"])
        if value is None:
            continue
        year, month = period(path, line, "period", row["period"])
        reporter, _ = _country(row["reporter"])
        partner, kind = _country(row["partner"])
        out.add(
            reporter=reporter,
            reporter_label=row["reporter"],
            partner=partner,
            partner_label=row["partner"],
            partner_kind=kind,
            flow=flow_of(path, line, "flow", row["flow"]),
            basis="",
            year=year,
            month=month,
            classification="TOTAL",
            product_code="TOTAL",
            value=value,
            currency="EUR",
            source="comext-monthly",
            source_file=path.name,
            line=line,
            rank=0,
        )
    return out


def read_comext_annual(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """EU27 total-goods exports to every partner, one figure per year."""
    out = FactRows()
    for line, row in rows:
        value = number(path, line, "value_in_eur", row["value_in_eur"])
        if value is None:
            continue
        year, month = period(path, line, "year", row["year"])
        reporter, _ = _country(row["reporter"])
        partner, kind = _country(row["partner"])
        flow = flow_of(path, line, "flow", row["flow"]) if row.get("flow") else "export"
        out.add(
            reporter=reporter,
            reporter_label=row["reporter"],
            partner=partner,
            partner_label=row["partner"],
            partner_kind=kind,
            flow=flow,
            basis="",
            year=year,
            month=month,
            classification="TOTAL",
            product_code="TOTAL",
            value=value,
            currency="EUR",
            source="comext-annual",
            source_file=path.name,
            line=line,
            rank=0,
        )
    return out


def read_comext_relational(
    path: Path, rows: Iterator[tuple[int, Row]], header: list[str]
) -> FactRows:
    """Comext relational view. Non-EU reporters in it are national data converted to EUR by a
    third party (SOURCES.md: fixed annual rates), so they rank as derived (2)."""
    value_col = "VALUE_IN_EUR" if "VALUE_IN_EUR" in header else "VALUE_IN_EUROS"
    if value_col not in header:
        raise CorridorError.at(path, "no VALUE_IN_EUR column in this Comext file", line=1)
    out = FactRows()
    eu = set(EU27_2020) | {"EU27", "EU_VAR", "EA20", "EA19", "EA_VAR"}
    for line, row in rows:
        value = number(path, line, value_col, row[value_col])
        if value is None:
            continue
        code = row["PRODUCT"].strip()
        level = classification_of(code)
        if not level:
            raise CorridorError.at(
                path,
                f"column 'PRODUCT': expected a product code or TOTAL, got {code!r}",
                line=line,
            )
        year, month = period(path, line, "PERIOD", row["PERIOD"])
        reporter, _ = _country(row["REPORTER"])
        partner, kind = _country(row["PARTNER"])
        out.add(
            reporter=reporter,
            reporter_label=row["REPORTER"],
            partner=partner,
            partner_label=row["PARTNER"],
            partner_kind=kind,
            flow=flow_of(path, line, "FLOW", row["FLOW"]),
            basis="",
            year=year,
            month=month,
            classification=level,
            product_code="TOTAL" if level == "TOTAL" else code,
            value=value,
            currency="EUR",
            source="comext-relational",
            source_file=path.name,
            line=line,
            rank=0 if reporter in eu else 2,
        )
    return out


# ---------------------------------------------------------------- national statistics


def read_kz_bns(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """Kazakhstan BNS, exports and imports by partner (Russian names), thousand USD.

    Where two workbooks give the same year, the file keeps both rows when the country is
    spelt differently ("Тринидад и Тобаго" in the 2021 workbook, "Тринидад И Тобаго" in the
    2022 one, same figures): per (year, country) only the row of the latest workbook
    (`src_file`) is kept, as SOURCES.md says was intended.
    """
    chosen: dict[tuple[int, str], tuple[str, int, Row]] = {}
    for line, row in rows:
        year = integer(path, line, "year", row["year"], 1990, 2100)
        partner, _kind = _country(row["partner_ru"])
        workbook = max(re.findall(r"(?:19|20)\d\d", row.get("src_file", "")), default="")
        held = chosen.get((year, partner))
        if held is None or (workbook, line) >= (held[0], held[1]):
            chosen[(year, partner)] = (workbook, line, row)
    out = FactRows()
    for (year, _p), (_w, line, row) in sorted(chosen.items(), key=lambda kv: kv[1][1]):
        partner, kind = _country(row["partner_ru"])
        for column, flow in (("export_kusd", "export"), ("import_kusd", "import")):
            value = number(path, line, column, row[column])
            if value is None:
                continue
            out.add(
                reporter="KZ",
                reporter_label="Kazakhstan",
                partner=partner,
                partner_label=row["partner_ru"],
                partner_kind=kind,
                flow=flow,
                basis="",
                year=year,
                month=None,
                classification="TOTAL",
                product_code="TOTAL",
                value=value * THOUSAND,
                currency="USD",
                source="kz-bns",
                source_file=path.name,
                line=line,
                rank=0,
            )
    return out


def read_kg_natstat(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """Kyrgyz NSC geographic distribution of exports and imports, thousand USD."""
    out = FactRows()
    for line, row in rows:
        value = number(path, line, "value_kusd", row["value_kusd"])
        if value is None:
            continue
        year = integer(path, line, "year", row["year"], 1990, 2100)
        label = row["partner_en"] or row["partner_ru"]
        partner, kind = _country(label)
        if kind == "unknown" and row["partner_ru"]:
            partner, kind = _country(row["partner_ru"])
        out.add(
            reporter="KG",
            reporter_label="Kyrgyzstan",
            partner=partner,
            partner_label=label,
            partner_kind=kind,
            flow=flow_of(path, line, "flow", row["flow"]),
            basis="",
            year=year,
            month=None,
            classification="TOTAL",
            product_code="TOTAL",
            value=value * THOUSAND,
            currency="USD",
            source="kg-natstat",
            source_file=path.name,
            line=line,
            rank=0,
        )
    return out


def read_uz_stat(path: Path, rows: Iterator[tuple[int, Row]], header: list[str]) -> FactRows:
    """Uzbekistan statistics SDMX download: one row per partner, one column per year, thousand
    USD. The flow is not in the file, only in its name (…exports… / …imports…)."""
    name = path.name.casefold()
    if ("export" in name) == ("import" in name):
        raise CorridorError.at(
            path,
            "uz-stat file name must say 'exports' or 'imports' (the flow is not in the file)",
        )
    flow = "export" if "export" in name else "import"
    years = [c for c in header if re.fullmatch(r"\d{4}", c.strip())]
    if not years:
        raise CorridorError.at(path, "no year columns (2010, 2011, ...) in the header", line=1)
    out = FactRows()
    for line, row in rows:
        label = row["Klassifikator_en"] or row.get("Klassifikator_ru", "")
        partner, kind = _country(label)
        if kind == "unknown":
            partner, kind = _country(row.get("Klassifikator_ru", ""))
        if kind == "unknown" and row["Code"].strip().isdigit() and int(row["Code"]) == 0:
            partner, kind = "OTHER", "aggregate"
        for column in years:
            value = number(path, line, column, row[column])
            if value is None:
                continue
            out.add(
                reporter="UZ",
                reporter_label="Uzbekistan",
                partner=partner,
                partner_label=label,
                partner_kind=kind,
                flow=flow,
                basis="",
                year=int(column),
                month=None,
                classification="TOTAL",
                product_code="TOTAL",
                value=value * THOUSAND,
                currency="USD",
                source="uz-stat",
                source_file=path.name,
                line=line,
                rank=0,
            )
    return out


def read_armstat_monthly(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """Armstat monthly trade by partner: exports, imports by origin and by consignment."""
    out = FactRows()
    columns = (
        ("export", "export", ""),
        ("import_origin", "import", "origin"),
        ("import_consignment", "import", "consignment"),
    )
    for line, row in rows:
        year = integer(path, line, "year", row["year"], 1990, 2100)
        month = integer(path, line, "month", row["month"], 1, 12)
        partner, kind = _country(row["country"])
        for column, flow, basis in columns:
            value = number(path, line, column, row[column])
            if value is None:
                continue
            out.add(
                reporter="AM",
                reporter_label="Armenia",
                partner=partner,
                partner_label=row["country"],
                partner_kind=kind,
                flow=flow,
                basis=basis,
                year=year,
                month=month,
                classification="TOTAL",
                product_code="TOTAL",
                value=value * THOUSAND,
                currency="USD",
                source="armstat-monthly",
                source_file=path.name,
                line=line,
                rank=0,
            )
    return out


def read_armstat_reexports(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """Armenia's recorded re-exports (RX) and total exports (X) to the world, USD."""
    out = FactRows()
    for line, row in rows:
        year = integer(path, line, "year", row["year"], 1990, 2100)
        for column, flow in (("RX", "reexport"), ("X", "export")):
            value = number(path, line, column, row[column])
            if value is None:
                continue
            out.add(
                reporter="AM",
                reporter_label="Armenia",
                partner="WLD",
                partner_label="World",
                partner_kind="aggregate",
                flow=flow,
                basis="",
                year=year,
                month=None,
                classification="TOTAL",
                product_code="TOTAL",
                value=value,
                currency="USD",
                source="armstat-reexports",
                source_file=path.name,
                line=line,
                rank=0,
            )
    return out


def read_derived_reexports(path: Path, rows: Iterator[tuple[int, Row]], _h: list[str]) -> FactRows:
    """An analyst's estimate of Armenian re-exports by HS6 (not official: rank 2)."""
    out = FactRows()
    for line, row in rows:
        year = integer(path, line, "year", row["year"], 1990, 2100)
        code = row["commodity_code"].strip()
        if not re.fullmatch(r"\d{6}", code):
            raise CorridorError.at(
                path, f"column 'commodity_code': expected an HS6 code, got {code!r}", line=line
            )
        for column, flow in (("reexports", "reexport"), ("X", "export")):
            value = number(path, line, column, row[column])
            if value is None:
                continue
            out.add(
                reporter="AM",
                reporter_label="Armenia",
                partner="WLD",
                partner_label="World",
                partner_kind="aggregate",
                flow=flow,
                basis="",
                year=year,
                month=None,
                classification="HS6",
                product_code=code,
                value=value,
                currency="USD",
                source="derived-reexports",
                source_file=path.name,
                line=line,
                rank=2,
            )
    return out


# ----------------------------------------------------------------------- UN Comtrade

#: Canonical field -> column names in the Comtrade+ API/CSV, legacy bulk CSV and comtradr
#: layouts, first match wins.
COMTRADE_COLUMNS: dict[str, tuple[str, ...]] = {
    "flow": ("flowCode", "flowDesc", "Trade Flow", "Trade Flow Code", "trade_flow", "trade_code"),
    "reporter_iso": ("reporterISO", "Reporter ISO", "reporter_iso"),
    "reporter": ("reporterDesc", "Reporter", "reporter"),
    "partner_iso": ("partnerISO", "Partner ISO", "partner_iso"),
    "partner": ("partnerDesc", "Partner", "partner"),
    "code": ("cmdCode", "Commodity Code", "commodity_code"),
    "level": ("aggrLevel", "Aggregate Level", "aggregate_level"),
    "value": ("primaryValue", "Trade Value (US$)", "trade_value_us"),
    "qty": ("qty", "Qty", "qty"),
    "unit": ("qtyUnitAbbr", "Qty Unit", "QtyUnitAbbr", "qty_unit"),
    "year": ("refYear", "Year", "year"),
    "month": ("refMonth", "month"),
    "period": ("period", "Period", "period_desc"),
    "mot": ("motCode", "mot_code"),
    "partner2": ("partner2Code", "2nd Partner Code", "partner2_code"),
    "customs": ("customsCode", "Customs Proc. Code", "customs_code"),
}
COMTRADE_TOTAL_MOT = "0"  # motCode 0 = "TOTAL MOT"; other codes split the same trade by mode
COMTRADE_TOTAL_CUSTOMS = "C00"  # customsCode C00 = all customs procedures
COMTRADE_WORLD = ("W00", "WLD", "0")


def _pick(header: list[str], field_name: str) -> str | None:
    return next((c for c in COMTRADE_COLUMNS[field_name] if c in header), None)


def read_comtrade(path: Path, rows: Iterator[tuple[int, Row]], header: list[str]) -> FactRows:
    """UN Comtrade records in any of its three layouts.

    Comtrade repeats the same trade split by mode of transport (and, in Comtrade+, by
    customs procedure and second partner). Where the total row (motCode 0, customs C00,
    partner2 World) exists only it is kept; where a file holds only the split rows (the
    Armenian car file has Road, Railway, "Self propelled" ... but no TOTAL MOT), the splits
    are summed, each row keeping the line of its first split.
    """
    col = {name: _pick(header, name) for name in COMTRADE_COLUMNS}
    for needed in ("flow", "code", "value"):
        if col[needed] is None:
            raise CorridorError.at(
                path,
                f"not a Comtrade file: no column for {needed} "
                f"({' / '.join(COMTRADE_COLUMNS[needed])})",
                line=1,
            )
    if col["reporter_iso"] is None and col["reporter"] is None:
        raise CorridorError.at(path, "not a Comtrade file: no reporter column", line=1)
    if col["partner_iso"] is None and col["partner"] is None:
        raise CorridorError.at(path, "not a Comtrade file: no partner column", line=1)
    if col["year"] is None and col["period"] is None:
        raise CorridorError.at(path, "not a Comtrade file: no year or period column", line=1)

    def get(row: Row, name: str) -> str:
        column = col[name]
        return (row.get(column) or "").strip() if column else ""

    # A total row replaces split rows of the same key; split rows add up.
    groups: dict[tuple[str, str, str, str, int, int | None, str], _Group] = {}
    for line, row in rows:
        value = number(path, line, col["value"] or "", get(row, "value"))
        if value is None:
            continue
        flow = flow_of(path, line, col["flow"] or "", get(row, "flow"))
        code = get(row, "code")
        if code.upper() == "TOTAL":
            level = "TOTAL"
        else:
            level = classification_of(code)
            if not level or not code.isdigit():
                raise CorridorError.at(
                    path,
                    f"column '{col['code']}': expected an HS code or TOTAL, got {code!r}",
                    line=line,
                )
        if col["month"] and get(row, "month") not in MISSING:
            year = integer(path, line, col["year"] or "year", get(row, "year"), 1900, 2100)
            # Comtrade+ writes refMonth 52 on annual records.
            month: int | None = integer(path, line, col["month"] or "", get(row, "month"), 1, 52)
            if month == 52:
                month = None
            elif month is not None and month > 12:
                raise CorridorError.at(
                    path,
                    f"column '{col['month']}': expected a month 1..12 or 52, got {month}",
                    line=line,
                )
        elif col["period"] and get(row, "period"):
            year, month = period(path, line, col["period"] or "", get(row, "period"))
        else:
            year = integer(path, line, col["year"] or "year", get(row, "year"), 1900, 2100)
            month = None
        reporter_label = get(row, "reporter") or get(row, "reporter_iso")
        reporter, _ = _country(get(row, "reporter_iso") or reporter_label)
        partner_label = get(row, "partner") or get(row, "partner_iso")
        piso = get(row, "partner_iso")
        if piso.upper() in COMTRADE_WORLD or partner_label.casefold() == "world":
            partner, kind = "WLD", "aggregate"
        else:
            partner, kind = _country(piso) if piso and piso != "_X" else ("", "unknown")
            if kind == "unknown":
                partner, kind = _country(partner_label)
        is_total = (
            get(row, "mot") in ("", COMTRADE_TOTAL_MOT)
            and get(row, "customs") in ("", COMTRADE_TOTAL_CUSTOMS)
            and get(row, "partner2") in ("", "0")
        )
        qty = number(path, line, col["qty"] or "", get(row, "qty")) if col["qty"] else None
        key = (reporter, partner, partner_label, flow, year, month, code)
        held = groups.get(key)
        if held is None or (is_total and not held.total):
            groups[key] = _Group(
                line, is_total, value, qty, reporter_label, kind, level, get(row, "unit")
            )
        elif is_total == held.total:
            if is_total:
                raise CorridorError.at(
                    path,
                    f"duplicate total record for {reporter}->{partner} {code} "
                    f"{year}-{month} (first at line {held.line})",
                    line=line,
                )
            held.value += value
            if qty is not None:
                held.qty = (held.qty or 0.0) + qty
    out = FactRows()
    for (reporter, partner, partner_label, flow, year, month, code), g in groups.items():
        out.add(
            reporter=reporter,
            reporter_label=g.reporter_label,
            partner=partner,
            partner_label=partner_label,
            partner_kind=g.kind,
            flow=flow,
            basis="",
            year=year,
            month=month,
            classification=g.level,
            product_code="TOTAL" if g.level == "TOTAL" else code,
            value=g.value,
            currency="USD",
            quantity=g.qty,
            unit=g.unit or None,
            source="comtrade",
            source_file=path.name,
            line=g.line,
            rank=0,
        )
    return out


@dataclass
class _Group:
    """Comtrade rows of one key: the total row, or the running sum of its split rows."""

    line: int
    total: bool
    value: float
    qty: float | None
    reporter_label: str
    kind: str
    level: str
    unit: str


# -------------------------------------------------------------------- the registry

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "comext-long",
            frozenset({"reporter", "partner", "product_code", "period", "flow", "value_eur"}),
            read_comext_long,
            "Eurostat Comext long extract",
        ),
        Format(
            "comext-monthly",
            frozenset({"reporter", "partner", "flow", "period", "value_in_eur"}),
            read_comext_monthly,
            "Eurostat Comext total goods, monthly",
        ),
        Format(
            "comext-annual",
            frozenset({"reporter", "partner", "year", "value_in_eur"}),
            read_comext_annual,
            "Eurostat Comext total goods, annual",
        ),
        Format(
            "comext-relational",
            frozenset({"REPORTER", "PARTNER", "PRODUCT", "FLOW", "PERIOD"}),
            read_comext_relational,
            "Eurostat Comext relational view",
        ),
        Format(
            "kz-bns",
            frozenset({"year", "partner_ru", "export_kusd", "import_kusd"}),
            read_kz_bns,
            "Kazakhstan BNS trade by country, kUSD",
        ),
        Format(
            "kg-natstat",
            frozenset({"flow", "partner_ru", "partner_en", "year", "value_kusd"}),
            read_kg_natstat,
            "Kyrgyz NSC trade by country, kUSD",
        ),
        Format(
            "uz-stat",
            frozenset({"Code", "Klassifikator_en"}),
            read_uz_stat,
            "Uzbekistan statistics SDMX by country, kUSD",
        ),
        Format(
            "armstat-monthly",
            frozenset(
                {"country", "year", "month", "export", "import_origin", "import_consignment"}
            ),
            read_armstat_monthly,
            "Armstat monthly trade by country, kUSD",
        ),
        Format(
            "armstat-reexports",
            frozenset({"year", "RX", "X"}),
            read_armstat_reexports,
            "Armstat recorded re-exports, USD",
        ),
        Format(
            "derived-reexports",
            frozenset({"year", "commodity_code", "reexports", "X"}),
            read_derived_reexports,
            "Estimated Armenian re-exports by HS6 (derived)",
        ),
        Format("comtrade", frozenset(), read_comtrade, "UN Comtrade (API/CSV/legacy/comtradr)"),
    )
}

#: Reference files (goods lists, nomenclature): loaded by `corridor.trade.reference`.
REFERENCE_FORMATS: dict[str, frozenset[str]] = {
    "chpl": frozenset({"hs6", "tier"}),
    "eu-sanctions-hs6": frozenset({"Code", "EU_sanction"}),
    "eu-sanctions-cn8": frozenset({"code", "product"}),
    "hs-nomenclature": frozenset({"hscode", "level", "description"}),
}


def sniff_format(path: Path, header: list[str]) -> str:
    """The format whose required columns the header has (most specific first)."""
    columns = set(header)
    for name, required in REFERENCE_FORMATS.items():
        if required <= columns:
            return name
    for fmt in FORMATS.values():
        if fmt.required and fmt.required <= columns:
            return fmt.name
    if _pick(header, "code") and _pick(header, "value") and _pick(header, "flow"):
        return "comtrade"
    raise CorridorError.at(
        path,
        f"unrecognised trade file header ({', '.join(header[:8])}...); name one with "
        f"--format ({', '.join([*FORMATS, *REFERENCE_FORMATS])})",
        line=1,
    )


def read_facts(path: Path, fmt: str) -> FactRows:
    """Read one trade file of a fact format into rows."""
    if fmt not in FORMATS:
        raise CorridorError(f"unknown trade format {fmt!r}; known: {', '.join(FORMATS)}")
    header = read_header(path)
    spec = FORMATS[fmt]
    _require(path, header, spec.required, fmt)
    rows = spec.reader(path, iter_rows(path), header)
    if not len(rows):
        raise CorridorError.at(path, f"no figures found in this {fmt} file")
    return rows
