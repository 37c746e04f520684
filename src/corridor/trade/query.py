"""DuckDB over the fact Parquet files: the one place series are selected and summed.

`fetch_series` is the engine of every indicator. It filters the facts by flow, reporter,
partner, goods and years in DuckDB, sums them to one figure per (reporter, partner,
[product,] year, month, source file), and then, in Python over that small result:

1. where several sources give the same series (two Comext extracts of the same months, an
   official file and a third party's EUR conversion of it, an EU27 aggregate row and the
   sum of its member states) keeps exactly one: the aggregate row over the sum of members,
   then the lower `rank` (official before derived), then the later file name;
2. converts to the target currency period by period (`corridor.trade.rates`).

`--reporter EU27` (or partner EU27) means the EU27 aggregate row where one exists for the
series, and the sum of the 27 member states (EU27_2020) where none does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from corridor.errors import CorridorError
from corridor.settings import get_settings
from corridor.trade.countries import EU27_2020
from corridor.trade.goods import Basket, needs_level_rule, predicate, register
from corridor.trade.rates import Rates
from corridor.trade.reference import HS2022_FIRST_YEAR, HS2022_FROM_HS2017
from corridor.trade.store import facts_glob, trade_home

YM = tuple[int, int]


@dataclass(frozen=True)
class PeriodRange:
    """An inclusive range of months, '2021-01..2021-12'; '2021' is the whole year."""

    start: YM
    end: YM
    text: str

    @property
    def years(self) -> range:
        return range(self.start[0], self.end[0] + 1)

    def months(self) -> list[YM]:
        out: list[YM] = []
        y, m = self.start
        while (y, m) <= self.end:
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def full_years(self) -> set[int]:
        return {y for y in self.years if self.start <= (y, 1) and (y, 12) <= self.end}

    def __contains__(self, ym: YM) -> bool:
        return self.start <= ym <= self.end


_YM = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def parse_range(text: str, option: str = "--period") -> PeriodRange:
    parts = [p.strip() for p in text.split("..")]
    if len(parts) > 2 or not all(parts):
        raise CorridorError(f"{option} {text}: expected YYYY, YYYY-MM or START..END")
    bounds: list[YM] = []
    for i, part in enumerate(parts):
        match = _YM.match(part)
        month_ok = match and (match.group(2) is None or 1 <= int(match.group(2)) <= 12)
        if not match or not month_ok:
            raise CorridorError(f"{option} {text}: {part!r} is not YYYY or YYYY-MM")
        year = int(match.group(1))
        if match.group(2):
            bounds.append((year, int(match.group(2))))
        else:
            bounds.append((year, 1) if i == 0 else (year, 12))
    if len(bounds) == 1:
        start = bounds[0]
        end = (start[0], 12) if _YM.match(parts[0]) and "-" not in parts[0] else start
        bounds = [start, end]
    if bounds[0] > bounds[1]:
        raise CorridorError(f"{option} {text}: the range ends before it starts")
    return PeriodRange(bounds[0], bounds[1], text)


def connect(facts: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with views `facts` and `ref` over the store's Parquet files."""
    settings = get_settings()
    con = duckdb.connect(
        config={"threads": settings.trade_threads, "memory_limit": settings.trade_memory_limit}
    )
    glob = facts if facts is not None else facts_glob()
    if glob is None:
        raise CorridorError(
            "no trade data loaded; run `corridor trade load ../shared/data/trade` first"
        )
    con.execute(f"CREATE VIEW facts AS SELECT * FROM read_parquet('{_sql_str(glob)}')")
    ref_dir = trade_home() / "reference"
    if ref_dir.is_dir() and any(ref_dir.glob("*.parquet")):
        con.execute(
            f"CREATE VIEW ref AS SELECT * FROM read_parquet('{_sql_str(str(ref_dir))}/*.parquet')"
        )
    return con


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


@dataclass(frozen=True)
class Series:
    """One chosen figure of a series: value in the target currency."""

    reporter: str
    partner: str
    product: str
    year: int
    month: int | None
    value: float
    source_file: str


def _code_map(con: duckdb.DuckDBPyConnection, name: str, codes: Iterable[str] | None) -> bool:
    """Create table `name`(code, out, via): requested code -> itself; EU27 -> its members."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (code VARCHAR, out VARCHAR, via INTEGER)")
    if codes is None:
        return False
    rows: list[tuple[str, str, int]] = []
    for code in codes:
        rows.append((code, code, 0))
        if code == "EU27":
            rows.extend((member, "EU27", 1) for member in EU27_2020)
    if not rows:
        raise CorridorError("no reporter or partner given")
    con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?)", rows)
    return True


#: product key for rankings: CN8 rolled up to HS6; the six changed CHPL codes of 2021 and
#: earlier renamed to their HS 2022 code (854150 split in two, so both halves show as one).
def _product_sql(f: str) -> str:
    pairs: dict[str, str] = {}
    for new, old in HS2022_FROM_HS2017.items():
        pairs[old] = new if old not in pairs else "854151+854159"
    case = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in pairs.items())
    six = (
        f"CASE WHEN {f}.classification = 'CN8' THEN substr({f}.product_code, 1, 6) "
        f"ELSE {f}.product_code END"
    )
    return (
        f"CASE WHEN {f}.year < {HS2022_FIRST_YEAR} THEN (CASE {six} {case} ELSE {six} END) "
        f"WHEN {six} IN ('854151', '854159') THEN '854151+854159' ELSE {six} END"
    )


def fetch_series(
    con: duckdb.DuckDBPyConnection,
    *,
    flow: str,
    reporters: list[str] | None,
    partners: list[str] | None,
    basket: Basket,
    years: Iterable[int],
    currency: str,
    rates: Rates,
    basis: str = "origin",
    by_product: bool = False,
    countries_only: bool = False,
) -> list[Series]:
    """Every chosen (reporter, partner, [product,] year, month) figure. Reporters or partners
    None means all (partners: countries only when `countries_only`)."""
    year_list = sorted(set(years))
    has_r = _code_map(con, "rmap", reporters)
    has_p = _code_map(con, "pmap", partners)
    register(con, basket)
    goods = predicate(basket, "f")
    product = _product_sql("f") if by_product else "''"
    reporter_join = "JOIN rmap rm ON f.reporter = rm.code" if has_r else ""
    partner_join = "JOIN pmap pm ON f.partner = pm.code" if has_p else ""
    r_out = "rm.out" if has_r else "f.reporter"
    p_out = "pm.out" if has_p else "f.partner"
    via = f"{'rm.via' if has_r else '0'} + {'pm.via' if has_p else '0'}"
    basis_sql = (
        "f.basis <> 'consignment'" if basis == "origin" else "f.basis IN ('', 'consignment')"
    )
    extra = " AND f.partner_kind = 'country'" if countries_only and not has_p else ""
    level_rule = needs_level_rule(basket)
    select_rows = f"""
        SELECT {r_out} AS reporter, {p_out} AS partner, {product} AS product, f.year, f.month,
               f.source_file, f.rank, {via} AS via, f.currency, f.value,
               length(f.product_code) AS lvl
        FROM facts f {reporter_join} {partner_join}
        WHERE f.flow = ? AND f.year IN ({",".join(str(y) for y in year_list) or "NULL"})
          AND {basis_sql} AND {goods}{extra}
    """
    if level_rule:
        select_rows = f"""
            SELECT * FROM ({select_rows})
            QUALIFY lvl = max(lvl) OVER (PARTITION BY source_file)
        """
    sql = f"""
        SELECT reporter, partner, product, year, month, source_file, min(rank) AS rank,
               via, currency, sum(value) AS value
        FROM ({select_rows})
        GROUP BY reporter, partner, product, year, month, source_file, via, currency
    """
    rows = con.execute(sql, [flow]).fetchall()
    # Keep one source per series: aggregate rows before member sums, official before
    # derived, then the later file name (deterministic).
    best: dict[
        tuple[str, str, str, int, int | None], tuple[tuple[int, int, str], list[object]]
    ] = {}
    for reporter, partner, prod, year, month, source_file, rank, via_n, cur, value in rows:
        key = (reporter, partner, prod, year, month)
        order = (int(via_n), int(rank), _desc(source_file))
        held = best.get(key)
        if held is None or order < held[0]:
            best[key] = (order, [source_file, cur, value])
    out: list[Series] = []
    for (reporter, partner, prod, year, month), (_o, (source_file, cur, value)) in best.items():
        factor = rates.factor(str(cur), currency, int(year), None if month is None else int(month))
        out.append(
            Series(
                str(reporter),
                str(partner),
                str(prod),
                int(year),
                None if month is None else int(month),
                float(value) * factor,  # type: ignore[arg-type]
                str(source_file),
            )
        )
    return out


def _desc(text: object) -> str:
    """Sort key that orders strings descending under ascending comparison."""
    return "".join(chr(0x10FFFF - ord(c)) for c in str(text))


@dataclass(frozen=True)
class RangeValue:
    value: float | None
    months_found: int
    months_wanted: int
    sources: frozenset[str]


def sum_range(items: list[Series], rng: PeriodRange) -> RangeValue:
    """Sum the figures of one series over a range of months.

    Monthly figures are used where the source has them; a year fully inside the range
    with no monthly figures (or fewer than 12 while an annual figure exists) uses its annual
    figure. `months_found` says how much of the range had data.
    """
    monthly: dict[int, dict[int, Series]] = defaultdict(dict)
    annual: dict[int, Series] = {}
    for s in items:
        if s.month is None:
            annual[s.year] = s
        elif (s.year, s.month) in rng:
            monthly[s.year][s.month] = s
    wanted = len(rng.months())
    full = rng.full_years()
    total = 0.0
    found = 0
    sources: set[str] = set()
    for year in rng.years:
        months = monthly.get(year, {})
        if year in full and year in annual and len(months) < 12:
            total += annual[year].value
            found += 12
            sources.add(annual[year].source_file)
        elif months:
            total += sum(s.value for s in months.values())
            found += len(months)
            sources.update(s.source_file for s in months.values())
    return RangeValue(total if found else None, found, wanted, frozenset(sources))


def group(items: list[Series]) -> dict[tuple[str, str, str], list[Series]]:
    out: dict[tuple[str, str, str], list[Series]] = defaultdict(list)
    for s in items:
        out[(s.reporter, s.partner, s.product)].append(s)
    return out


def coverage_note(label: str, rng: PeriodRange, rv: RangeValue) -> str | None:
    if rv.months_found >= rv.months_wanted:
        return None
    if rv.months_found == 0:
        return f"{label}: no data for {rng.text}"
    return f"{label}: data for {rv.months_found} of {rv.months_wanted} months of {rng.text}"
