"""The diversion indicators: compare, index, substitution, mirror and rankings.

Each returns plain rows (dataclasses whose fields are the CSV columns of the CLI) and a list
of notes: data gaps that a reader of the numbers must know (a period with fewer months of
data than asked, a series with no data at all).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from corridor.errors import CorridorError
from corridor.trade.goods import resolve_basket
from corridor.trade.query import (
    PeriodRange,
    RangeValue,
    coverage_note,
    fetch_ranges,
    fetch_ranges_by_flow,
    fetch_series,
    group,
    parse_range,
    range_values,
)
from corridor.trade.rates import CURRENCIES, Rates


def _check_currency(currency: str) -> str:
    cur = currency.upper()
    if cur not in CURRENCIES:
        raise CorridorError(f"--currency {currency}: expected one of {', '.join(CURRENCIES)}")
    return cur


def _pct(change: float | None, base: float | None) -> float | None:
    if change is None or not base:
        return None
    return 100.0 * change / base


@dataclass(frozen=True)
class CompareRow:
    reporter: str
    partner: str
    goods: str
    base_value: float | None
    period_value: float | None
    change: float | None
    change_pct: float | None


def compare(
    con: duckdb.DuckDBPyConnection,
    *,
    reporters: list[str],
    partners: list[str],
    base: PeriodRange,
    period: PeriodRange,
    goods: list[str],
    currency: str,
    rates: Rates,
    flow: str = "export",
) -> tuple[list[CompareRow], list[str]]:
    """Value in `base` vs `period` per reporter, partner and basket."""
    cur = _check_currency(currency)
    rows: list[CompareRow] = []
    notes: list[str] = []
    for spec in goods:
        basket = resolve_basket(con, spec)
        found = fetch_ranges(
            con,
            flow=flow,
            reporters=reporters,
            partners=partners,
            basket=basket,
            ranges=[base, period],
            currency=cur,
            rates=rates,
        )
        for reporter in reporters:
            for partner in partners:
                b, p = range_values(found, (reporter, partner, ""), [base, period])
                label = f"{reporter}->{partner} {flow} {basket.name}"
                for rng, rv in ((base, b), (period, p)):
                    note = coverage_note(label, rng, rv)
                    if note:
                        notes.append(note)
                change = None if b.value is None or p.value is None else p.value - b.value
                rows.append(
                    CompareRow(
                        reporter,
                        partner,
                        basket.name,
                        b.value,
                        p.value,
                        change,
                        _pct(change, b.value),
                    )
                )
    return rows, notes


@dataclass(frozen=True)
class IndexRow:
    reporter: str
    partner: str
    goods: str
    period: str
    value: float
    index: float | None


def index(
    con: duckdb.DuckDBPyConnection,
    *,
    reporter: str,
    partners: list[str],
    baseline: PeriodRange,
    span: PeriodRange,
    goods: str,
    currency: str,
    rates: Rates,
    flow: str = "export",
) -> tuple[list[IndexRow], list[str]]:
    """Monthly values indexed to the average month of `baseline` (= 100)."""
    cur = _check_currency(currency)
    basket = resolve_basket(con, goods)
    items = fetch_series(
        con,
        flow=flow,
        reporters=[reporter],
        partners=partners,
        basket=basket,
        years=[*baseline.years, *span.years],
        currency=cur,
        rates=rates,
    )
    series = group(items)
    rows: list[IndexRow] = []
    notes: list[str] = []
    for partner in partners:
        monthly = {
            (s.year, s.month): s.value
            for s in series.get((reporter, partner, ""), [])
            if s.month is not None
        }
        base_values = [v for ym, v in monthly.items() if ym in baseline]  # type: ignore[operator]
        if len(base_values) < len(baseline.months()):
            notes.append(
                f"{reporter}->{partner} {basket.name}: baseline {baseline.text} has "
                f"{len(base_values)} of {len(baseline.months())} months of data"
            )
        mean = sum(base_values) / len(base_values) if base_values else None
        for ym in span.months():
            if ym not in monthly:
                continue
            value = monthly[ym]
            rows.append(
                IndexRow(
                    reporter,
                    partner,
                    basket.name,
                    f"{ym[0]:04d}-{ym[1]:02d}",
                    value,
                    100.0 * value / mean if mean else None,
                )
            )
        if not any(ym in monthly for ym in span.months()):
            notes.append(f"{reporter}->{partner} {basket.name}: no monthly data in {span.text}")
    return rows, notes


@dataclass(frozen=True)
class SubstitutionRow:
    reporter: str
    goods: str
    hubs: str
    hubs_base: float | None
    hubs_period: float | None
    hubs_increase: float | None
    target: str
    target_base: float | None
    target_period: float | None
    target_decrease: float | None
    substitution_share: float | None


def substitution(
    con: duckdb.DuckDBPyConnection,
    *,
    reporter: str,
    hubs: list[str],
    target: str,
    base: PeriodRange,
    period: PeriodRange,
    goods: list[str],
    currency: str,
    rates: Rates,
) -> tuple[list[SubstitutionRow], list[str]]:
    """The rise of exports to the hubs as a share of the fall of exports to `target`."""
    rows, notes = compare(
        con,
        reporters=[reporter],
        partners=[*hubs, target],
        base=base,
        period=period,
        goods=goods,
        currency=currency,
        rates=rates,
    )
    out: list[SubstitutionRow] = []
    for spec in dict.fromkeys(r.goods for r in rows):
        hub_rows = [r for r in rows if r.goods == spec and r.partner in hubs]
        t = next(r for r in rows if r.goods == spec and r.partner == target)
        hb = _sum_known([r.base_value for r in hub_rows])
        hp = _sum_known([r.period_value for r in hub_rows])
        inc = None if hb is None or hp is None else hp - hb
        dec = (
            None
            if t.base_value is None or t.period_value is None
            else t.base_value - t.period_value
        )
        share = inc / dec if inc is not None and dec else None
        out.append(
            SubstitutionRow(
                reporter,
                spec,
                "+".join(hubs),
                hb,
                hp,
                inc,
                target,
                t.base_value,
                t.period_value,
                dec,
                share,
            )
        )
    return out, notes


def _sum_known(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class MirrorRow:
    exporter: str
    importer: str
    exporter_reported_additional: float | None
    importer_reported_additional: float | None
    unrecorded_share: float | None


@dataclass(frozen=True)
class MirrorYear:
    exporter: str
    importer: str
    year: int
    exporter_reported: float | None
    importer_reported: float | None


def mirror(
    con: duckdb.DuckDBPyConnection,
    *,
    exporters: list[str] | None,
    importers: list[str] | None,
    base: int,
    years: list[int],
    currency: str,
    rates: Rates,
    goods: str = "all",
    basis: str = "origin",
    with_detail: bool = True,
) -> tuple[list[MirrorRow], list[MirrorYear], list[str]]:
    """What exporters report shipping to importers vs what importers report receiving.

    "Additional" exports are those above the base year, summed over `years`:
    Σ (X_y − X_base). `unrecorded_share` = 1 − importer-reported additional / exporter-
    reported additional: the share of the extra exports the importer never recorded.
    None (all) for exporters/importers takes every country pair in the data. The per-year
    figures (`MirrorYear`, for charts) are left out with `with_detail=False`.
    """
    cur = _check_currency(currency)
    if base in years:
        raise CorridorError(f"--years must not include the base year {base}")
    basket = resolve_basket(con, goods)
    all_years = [base, *years]
    ranges = [parse_range(str(y)) for y in all_years]
    if exporters is None and importers is None:
        # Every pair: both sides come from one scan of the facts.
        both = fetch_ranges_by_flow(
            con,
            flow="export,import",
            reporters=None,
            partners=None,
            basket=basket,
            ranges=ranges,
            currency=cur,
            rates=rates,
            basis=basis,
            countries_only=True,
        )
        exports, imports = both["export"], both["import"]
    else:
        exports = fetch_ranges(
            con,
            flow="export",
            reporters=exporters,
            partners=importers,
            basket=basket,
            ranges=ranges,
            currency=cur,
            rates=rates,
            countries_only=importers is None,
        )
        imports = fetch_ranges(
            con,
            flow="import",
            reporters=importers,
            partners=exporters,
            basket=basket,
            ranges=ranges,
            currency=cur,
            rates=rates,
            basis=basis,
            countries_only=exporters is None,
        )
    x_by = _by_pair(exports, swap=False)
    m_by = _by_pair(imports, swap=True)
    if exporters is not None and importers is not None:
        pairs = [(e, i) for e in exporters for i in importers if e != i]
    else:
        pairs = sorted(set(x_by) | set(m_by))
    empty = [RangeValue(None, 0, 12) for _ in all_years]
    rows: list[MirrorRow] = []
    detail: list[MirrorYear] = []
    notes: list[str] = []
    for exporter, importer in pairs:
        xs = x_by.get((exporter, importer), empty)
        ms = m_by.get((exporter, importer), empty)
        for y, x, m in zip(all_years, xs, ms, strict=True):
            if with_detail:
                detail.append(MirrorYear(exporter, importer, y, x.value, m.value))
            for side, rv in (("exporter", x), ("importer", m)):
                if rv.value is None:
                    notes.append(f"{exporter}->{importer} {y}: no {side}-reported annual figure")
                elif rv.months_found < 12:
                    notes.append(
                        f"{exporter}->{importer} {y}: {side}-reported figure covers "
                        f"{rv.months_found} of 12 months"
                    )
        x_add = _additional(xs)
        m_add = _additional(ms)
        share = 1.0 - m_add / x_add if x_add and m_add is not None else None
        rows.append(MirrorRow(exporter, importer, x_add, m_add, share))
    return rows, detail, notes


def _by_pair(
    found: dict[tuple[str, str, str], list[RangeValue]], *, swap: bool
) -> dict[tuple[str, str], list[RangeValue]]:
    """{(exporter, importer): values by year}; import series are keyed the other way round."""
    if swap:
        return {(p, r): v for (r, p, _), v in found.items()}
    return {(r, p): v for (r, p, _), v in found.items()}


def _additional(values: list[RangeValue]) -> float | None:
    """Σ (X_y − X_base) over the later years; values[0] is the base year."""
    base = values[0].value
    later = [v.value for v in values[1:]]
    if base is None or None in later:
        return None
    return sum(later) - base * len(later)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RankRow:
    rank: int
    reporter: str
    partner: str
    product: str
    description: str
    base_value: float | None
    period_value: float | None
    change: float | None
    change_pct: float | None


def rank(
    con: duckdb.DuckDBPyConnection,
    *,
    reporter: str,
    partners: list[str] | None,
    base: PeriodRange,
    period: PeriodRange,
    goods: str,
    currency: str,
    rates: Rates,
    by: str = "partner",
    order: str = "increase",
    top: int = 20,
    min_base: float = 0.0,
) -> tuple[list[RankRow], list[str]]:
    """Partners (or products, summed over the partners given) ranked by absolute increase or
    by growth (% change; only items with a base value of at least `min_base`)."""
    cur = _check_currency(currency)
    if by not in ("partner", "product"):
        raise CorridorError(f"--by {by}: expected partner or product")
    if order not in ("increase", "growth"):
        raise CorridorError(f"--order {order}: expected increase or growth")
    basket = resolve_basket(con, goods)
    if by == "product" and basket.total:
        raise CorridorError("--by product needs a goods basket of codes, not 'all'")
    found = fetch_ranges(
        con,
        flow="export",
        reporters=[reporter],
        partners=partners,
        basket=basket,
        ranges=[base, period],
        currency=cur,
        rates=rates,
        by_product=by == "product",
        countries_only=True,
    )
    sums: dict[tuple[str, str], list[float | None]] = {}
    for (_r, partner, product), (b_rv, p_rv) in found.items():
        key = (partner, "") if by == "partner" else ("+".join(partners or ["*"]), product)
        b, p = b_rv.value, p_rv.value
        held = sums.setdefault(key, [None, None])
        held[0] = b if held[0] is None else held[0] + (b or 0.0)
        held[1] = p if held[1] is None else held[1] + (p or 0.0)
    texts = _descriptions(con) if by == "product" else {}
    candidates: list[tuple[float, str, str, float | None, float | None, float, float | None]] = []
    for (partner, product), (b, p) in sums.items():
        change = (p or 0.0) - (b or 0.0)
        pct = _pct(change, b)
        if order == "growth":
            if pct is None or (b or 0.0) < min_base:
                continue
            score = pct
        else:
            score = change
        candidates.append((score, partner, product, b, p, change, pct))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    rows = [
        RankRow(
            i + 1,
            reporter,
            partner,
            product,
            texts.get(product.split("+")[0], ""),
            b,
            p,
            change,
            pct,
        )
        for i, (_k, partner, product, b, p, change, pct) in enumerate(candidates[:top])
    ]
    return rows, []


def _descriptions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute("SELECT code, text FROM ref WHERE list = 'hs'").fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(c): str(t or "") for c, t in rows}
