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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

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

    @cached_property
    def month_list(self) -> tuple[YM, ...]:
        out: list[YM] = []
        y, m = self.start
        while (y, m) <= self.end:
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return tuple(out)

    def months(self) -> list[YM]:
        return list(self.month_list)

    @cached_property
    def full_year_set(self) -> frozenset[int]:
        return frozenset(y for y in self.years if self.start <= (y, 1) and (y, 12) <= self.end)

    def full_years(self) -> set[int]:
        return set(self.full_year_set)

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
        config={
            "threads": settings.trade_threads,
            "memory_limit": settings.trade_memory_limit,
        }
    )
    con.execute("SET enable_progress_bar = false")  # it would draw on stdout
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


class Series(NamedTuple):
    """One chosen figure of a series: value in the target currency."""

    reporter: str
    partner: str
    product: str
    year: int
    month: int | None
    value: float
    source_file: str


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows in one statement (DuckDB's executemany runs one statement per row)."""
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    unnest = ", ".join("unnest(?)" for _ in columns)
    con.execute(f"INSERT INTO {table} SELECT {unnest}", [list(c) for c in columns])


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
    insert_rows(con, name, rows)
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


def _chosen_sql(
    con: duckdb.DuckDBPyConnection,
    *,
    flow: str,
    reporters: list[str] | None,
    partners: list[str] | None,
    basket: Basket,
    years: Iterable[int],
    currency: str,
    rates: Rates,
    basis: str,
    by_product: bool,
    countries_only: bool,
) -> str:
    """Set up the temp tables and return the SQL of the chosen, converted figures
    `conv(flow, reporter, partner, product, year, month, source_file, currency, value,
    missing)`. `flow` may name several flows, comma-separated, read in one scan.

    One source per series: aggregate rows before member sums (`via`), official before
    derived (`rank`), then the later file name. `missing` marks a figure whose EUR/USD rate
    is not in the rates table (its value is NULL).
    """
    year_list = sorted(set(years))
    has_r = _code_map(con, "rmap", reporters)
    has_p = _code_map(con, "pmap", partners)
    register(con, basket)
    con.execute("CREATE OR REPLACE TEMP TABLE rates_t (period VARCHAR, usd DOUBLE)")
    insert_rows(con, "rates_t", list(rates.usd_per_eur.items()))
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
    flows = flow.split(",")
    if any(f not in ("export", "import", "reexport", "reimport") for f in flows):
        raise CorridorError(f"unknown flow {flow!r}")
    flow_sql = ", ".join(f"'{f}'" for f in flows)
    level_rule = needs_level_rule(basket)
    # Read product_code only when a query needs it: it is the widest column.
    lvl = ", length(f.product_code) AS lvl" if level_rule else ""
    select_rows = f"""
        SELECT f.flow, {r_out} AS reporter, {p_out} AS partner, {product} AS product, f.year,
               f.month, f.source_file, f.rank, {via} AS via, f.currency, f.value{lvl}
        FROM facts f {reporter_join} {partner_join}
        WHERE f.flow IN ({flow_sql}) AND f.year IN ({",".join(str(y) for y in year_list) or "NULL"})
          AND {basis_sql} AND {goods}{extra}
    """
    if level_rule:
        select_rows = f"""
            SELECT * FROM ({select_rows})
            QUALIFY lvl = max(lvl) OVER (PARTITION BY source_file)
        """
    cur = currency.replace("'", "")
    return f"""
        WITH agg AS (
            SELECT flow, reporter, partner, product, year, month, source_file,
                   min(rank) AS rank, via, currency, sum(value) AS value
            FROM ({select_rows})
            GROUP BY flow, reporter, partner, product, year, month, source_file, via, currency
        ), chosen AS (
            SELECT * FROM agg
            QUALIFY row_number() OVER (
                PARTITION BY flow, reporter, partner, product, year, month
                ORDER BY via, rank, source_file DESC) = 1
        ), keyed AS (
            SELECT *, CASE WHEN month IS NULL THEN year::VARCHAR
                      ELSE year::VARCHAR || '-' || lpad(month::VARCHAR, 2, '0') END AS period
            FROM chosen
        ), conv AS (
            SELECT k.flow, k.reporter, k.partner, k.product, k.year::INTEGER AS year,
                   k.month::INTEGER AS month, k.source_file, k.currency,
                   CASE WHEN k.currency = '{cur}' THEN k.value
                        WHEN k.currency = 'EUR' AND '{cur}' = 'USD' THEN k.value * r.usd
                        WHEN k.currency = 'USD' AND '{cur}' = 'EUR' THEN k.value / r.usd
                   END AS value,
                   k.currency <> '{cur}' AND (r.usd IS NULL OR k.currency NOT IN ('EUR', 'USD'))
                     AS missing
            FROM keyed k LEFT JOIN rates_t r ON r.period = k.period
        )
    """


def _raise_missing_rate(
    con: duckdb.DuckDBPyConnection, sql: str, currency: str, rates: Rates
) -> None:
    row = con.execute(
        f"{sql} SELECT currency, year, month FROM conv WHERE missing ORDER BY year, month LIMIT 1"
    ).fetchone()
    if row is not None:
        rates.factor(str(row[0]), currency, int(row[1]), None if row[2] is None else int(row[2]))
        raise CorridorError(f"no rate to convert {row[0]} to {currency} for {row[1]}")


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
    """Every chosen (reporter, partner, [product,] year, month) figure, in `currency`.
    Reporters or partners None means all (partners: countries only when `countries_only`)."""
    sql = _chosen_sql(
        con, flow=flow, reporters=reporters, partners=partners, basket=basket, years=years,
        currency=currency, rates=rates, basis=basis, by_product=by_product,
        countries_only=countries_only,
    )  # fmt: skip
    rows = con.execute(
        f"{sql} SELECT reporter, partner, product, year, month, value, source_file, missing "
        "FROM conv"
    ).fetchall()
    if any(r[7] for r in rows):
        _raise_missing_rate(con, sql, currency, rates)
    return [Series(*r[:7]) for r in rows]


class RangeValue(NamedTuple):
    value: float | None
    months_found: int
    months_wanted: int


def fetch_ranges_by_flow(
    con: duckdb.DuckDBPyConnection,
    *,
    flow: str,
    reporters: list[str] | None,
    partners: list[str] | None,
    basket: Basket,
    ranges: list[PeriodRange],
    currency: str,
    rates: Rates,
    basis: str = "origin",
    by_product: bool = False,
    countries_only: bool = False,
) -> dict[str, dict[tuple[str, str, str], list[RangeValue]]]:
    """Per flow (`flow` may be 'export,import': one scan), the value of every
    (reporter, partner, product) series over each range, summed in
    DuckDB: monthly figures where the chosen source has them; a year fully inside a range
    uses its annual figure when there are fewer than 12 monthly ones. Series absent from a
    range get `RangeValue(None, 0, wanted)`."""
    years = sorted({y for rng in ranges for y in rng.years})
    sql = _chosen_sql(
        con, flow=flow, reporters=reporters, partners=partners, basket=basket, years=years,
        currency=currency, rates=rates, basis=basis, by_product=by_product,
        countries_only=countries_only,
    )  # fmt: skip
    con.execute("CREATE OR REPLACE TEMP TABLE ranges_t (rid INTEGER, lo INTEGER, hi INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE fullyears_t (rid INTEGER, year INTEGER)")
    insert_rows(
        con,
        "ranges_t",
        [
            [i, r.start[0] * 100 + r.start[1], r.end[0] * 100 + r.end[1]]
            for i, r in enumerate(ranges)
        ],
    )
    full = [[i, y] for i, r in enumerate(ranges) for y in sorted(r.full_year_set)]
    if full:
        insert_rows(con, "fullyears_t", full)
    # One row per series, two columns (value, months found) per range.
    pivot = ", ".join(
        f"sum(v) FILTER (WHERE rid = {i}), sum(n) FILTER (WHERE rid = {i})"
        for i in range(len(ranges))
    )
    rows = con.execute(
        f"""{sql}, m AS (
            SELECT g.rid, c.flow, c.reporter, c.partner, c.product, c.year, sum(c.value) AS v,
                   count(*) AS n, bool_or(c.missing) AS miss
            FROM conv c JOIN ranges_t g
              ON c.month IS NOT NULL AND c.year * 100 + c.month BETWEEN g.lo AND g.hi
            GROUP BY g.rid, c.flow, c.reporter, c.partner, c.product, c.year
        ), a AS (
            SELECT g.rid, c.flow, c.reporter, c.partner, c.product, c.year, c.value AS v,
                   12 AS n,
                   c.missing AS miss
            FROM conv c JOIN fullyears_t g ON c.month IS NULL AND c.year = g.year
        ), y AS (
            SELECT rid, flow, reporter, partner, product, year,
                   CASE WHEN a.n IS NOT NULL AND coalesce(m.n, 0) < 12 THEN a.v ELSE m.v END
                     AS v,
                   CASE WHEN a.n IS NOT NULL AND coalesce(m.n, 0) < 12 THEN a.n ELSE m.n END
                     AS n,
                   CASE WHEN a.n IS NOT NULL AND coalesce(m.n, 0) < 12 THEN a.miss
                        ELSE m.miss END AS miss
            FROM a FULL OUTER JOIN m USING (rid, flow, reporter, partner, product, year)
        )
        SELECT flow, reporter, partner, product, bool_or(miss), {pivot}
        FROM y GROUP BY flow, reporter, partner, product"""
    ).fetchall()
    if any(r[4] for r in rows):
        _raise_missing_rate(con, sql, currency, rates)
    wanted = [len(r.month_list) for r in ranges]
    out: dict[str, dict[tuple[str, str, str], list[RangeValue]]] = {f: {} for f in flow.split(",")}
    for row in rows:
        out[row[0]][(row[1], row[2], row[3])] = [
            RangeValue(row[5 + 2 * i], row[6 + 2 * i] or 0, w) for i, w in enumerate(wanted)
        ]
    return out


def fetch_ranges(
    con: duckdb.DuckDBPyConnection,
    *,
    flow: str,
    reporters: list[str] | None,
    partners: list[str] | None,
    basket: Basket,
    ranges: list[PeriodRange],
    currency: str,
    rates: Rates,
    basis: str = "origin",
    by_product: bool = False,
    countries_only: bool = False,
) -> dict[tuple[str, str, str], list[RangeValue]]:
    """`fetch_ranges_by_flow` for one flow."""
    return fetch_ranges_by_flow(
        con, flow=flow, reporters=reporters, partners=partners, basket=basket, ranges=ranges,
        currency=currency, rates=rates, basis=basis, by_product=by_product,
        countries_only=countries_only,
    )[flow]  # fmt: skip


def range_values(
    found: dict[tuple[str, str, str], list[RangeValue]],
    key: tuple[str, str, str],
    ranges: list[PeriodRange],
) -> list[RangeValue]:
    """The values of `key`, or empty values where the series has no data at all."""
    return found.get(key) or [RangeValue(None, 0, len(r.month_list)) for r in ranges]


def sum_range(items: list[Series], rng: PeriodRange) -> RangeValue:
    """Sum fetched figures of one series over a range (the rule of `fetch_ranges`)."""
    monthly: dict[int, dict[int, Series]] = defaultdict(dict)
    annual: dict[int, Series] = {}
    for s in items:
        if s.month is None:
            annual[s.year] = s
        elif rng.start <= (s.year, s.month) <= rng.end:
            monthly[s.year][s.month] = s
    total, found = 0.0, 0
    for year in rng.years:
        months = monthly.get(year)
        if year in rng.full_year_set and year in annual and (months is None or len(months) < 12):
            total += annual[year].value
            found += 12
        elif months:
            total += sum(s.value for s in months.values())
            found += len(months)
    return RangeValue(total if found else None, found, len(rng.month_list))


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
