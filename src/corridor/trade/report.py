"""``corridor trade report``: one self-contained HTML file with the headline comparisons.

Charts are drawn with matplotlib as inline SVG (no JavaScript, no network, no files beside
the HTML), so the report opens offline and can be mailed or archived as one file.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from corridor.errors import CorridorError
from corridor.trade import indicators
from corridor.trade.goods import resolve_basket
from corridor.trade.query import PeriodRange, connect, fetch_series, parse_range
from corridor.trade.rates import Rates
from corridor.trade.store import read_manifest

#: Baskets of the headline table, in order; those whose lists are not loaded are skipped.
HEADLINE_GOODS = ("all", "eu-sanctioned", "chpl")
GOODS_LABEL = {
    "all": "all goods",
    "eu-sanctioned": "EU-sanctioned goods (Reg. 833/2014 CN8 list)",
    "chpl": "Common High Priority List (50 HS6)",
}
COLOURS = {
    "RU": "#c0392b",
    "AM": "#1f77b4",
    "GE": "#2ca02c",
    "KZ": "#ff7f0e",
    "KG": "#9467bd",
    "UZ": "#8c564b",
    "BY": "#7f7f7f",
}

CAVEATS = (
    "Values are as published by each office, in EUR (Eurostat) or USD (national offices, "
    "Comtrade), converted period by period at the ECB reference rates shipped with Corridor "
    "(or the table given with --rates); check the rates against the ECB before publishing.",
    "EU27 means the 27 member states as of 2020: Eurostat's EU27_2020 aggregate row where the "
    "file has one, otherwise the sum of the member states.",
    "The sanctioned-goods extract (Comext CN8, Reg. 833/2014 annex codes as consolidated "
    "2022-10-07) ends in 2022-11, so sanctioned goods compare the same months of both years; "
    "HS4 headings in it are not summed with their CN8 codes.",
    "Six CHPL codes are HS 2022 subheadings; 2021 data is matched through their HS 2017 "
    "predecessors, two of which (854140, 852580) are broader, so 2021 CHPL values can be "
    "slightly overstated and growth understated.",
    "Mirror comparisons set exports (FOB, by destination) against imports (CIF, by country of "
    "origin): a gap of 5-10 % is normal; large gaps of extra exports mean goods the importer "
    "never recorded as coming from the EU (transit, re-export, misdeclaration).",
    "Derived files (a third party's EUR conversion of national data, estimated re-exports) are "
    "used only where no official figure exists for the same series.",
)


@dataclass(frozen=True)
class Headline:
    goods: str
    base: PeriodRange
    period: PeriodRange
    rows: list[indicators.CompareRow]


def _months_available(
    con: duckdb.DuckDBPyConnection,
    reporter: str,
    partners: list[str],
    goods: str,
    year: int,
    rates: Rates,
) -> int:
    """The last month of `year` for which the basket has monthly data (12 for annual data)."""
    basket = resolve_basket(con, goods)
    items = fetch_series(
        con,
        flow="export",
        reporters=[reporter],
        partners=partners,
        basket=basket,
        years=[year],
        currency="EUR",
        rates=rates,
    )
    months = [s.month for s in items if s.month is not None]
    return max(months) if months else 12


def _available_goods(con: duckdb.DuckDBPyConnection) -> list[str]:
    out: list[str] = []
    for goods in HEADLINE_GOODS:
        try:
            resolve_basket(con, goods)
        except CorridorError:
            continue
        out.append(goods)
    return out


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg") :]


def _money(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e6:,.1f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:+.0f}%"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "") -> str:
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table>{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def build_report(
    output: Path,
    *,
    reporter: str,
    hubs: list[str],
    target: str,
    base: int,
    period: int,
    rates: Rates,
) -> Path:
    """Compute the headline indicators and write the HTML report to `output`."""
    con = connect()
    partners = [*hubs, target]
    sections: list[str] = []
    notes: list[str] = []
    plt.rcParams.update({"svg.hashsalt": "corridor", "font.size": 9})

    # 1. Headline comparisons, per basket, on the months both years have.
    headlines: list[Headline] = []
    for goods in _available_goods(con):
        last = _months_available(con, reporter, partners, goods, period, rates)
        b = parse_range(f"{base}-01..{base}-{last:02d}")
        p = parse_range(f"{period}-01..{period}-{last:02d}")
        rows, n = indicators.compare(
            con,
            reporters=[reporter],
            partners=partners,
            base=b,
            period=p,
            goods=[goods],
            currency="EUR",
            rates=rates,
        )
        notes.extend(n)
        headlines.append(Headline(goods, b, p, rows))
    table_rows = []
    for h in headlines:
        for r in h.rows:
            table_rows.append(
                [
                    GOODS_LABEL.get(h.goods, h.goods),
                    f"{h.base.text} → {h.period.text}",
                    r.partner,
                    _money(r.base_value),
                    _money(r.period_value),
                    _money(r.change),
                    _pct(r.change_pct),
                ]
            )
    sections.append(
        f"<h2>{html.escape(reporter)} exports to the hubs and to {html.escape(target)}, "
        f"{base} vs {period}</h2>"
        + _table(
            [
                "goods",
                "months",
                "partner",
                f"{base} (EUR m)",
                f"{period} (EUR m)",
                "change (EUR m)",
                "change",
            ],
            table_rows,
        )
    )
    sections.append(_growth_chart(headlines, partners))

    # 2. Substitution: hubs' rise as a share of Russia's fall.
    sub_rows = []
    for h in headlines:
        hub_rows = [r for r in h.rows if r.partner in hubs]
        t = next(r for r in h.rows if r.partner == target)
        inc = sum((r.change or 0.0) for r in hub_rows)
        dec = None if t.change is None else -t.change
        share = f"{inc / dec:.1%}" if dec else "–"
        sub_rows.append([GOODS_LABEL.get(h.goods, h.goods), _money(inc), _money(dec), share])
    sections.append(
        "<h2>Substitution</h2><p>The rise of exports to the hubs as a share of the fall of "
        f"exports to {html.escape(target)}.</p>"
        + _table(
            ["goods", "hubs' increase (EUR m)", f"{target}'s decrease (EUR m)", "share"], sub_rows
        )
    )

    # 3. Monthly index, hubs vs Russia.
    span = parse_range(f"{base - 2}-01..{period + 2}-12")
    idx_rows, n = indicators.index(
        con,
        reporter=reporter,
        partners=partners,
        baseline=parse_range(str(base)),
        span=span,
        goods="all",
        currency="EUR",
        rates=rates,
    )
    notes.extend(n)
    sections.append(_index_chart(idx_rows, partners, reporter, base))

    # 4. Mirror: what the EU says it shipped vs what the hubs say they received.
    mirror_years = [y for y in range(period, period + 2)]
    m_rows, detail, n = indicators.mirror(
        con,
        exporters=[reporter],
        importers=hubs,
        base=base,
        years=mirror_years,
        currency="USD",
        rates=rates,
    )
    notes.extend(n)
    sections.append(_mirror_section(m_rows, detail, base, mirror_years))

    # 5. Products with the largest increase to the hubs.
    for goods in ("chpl", "eu-sanctioned"):
        if goods not in [h.goods for h in headlines]:
            continue
        h = next(x for x in headlines if x.goods == goods)
        ranked, _ = indicators.rank(
            con,
            reporter=reporter,
            partners=hubs,
            base=h.base,
            period=h.period,
            goods=goods,
            currency="EUR",
            rates=rates,
            by="product",
            order="increase",
            top=15,
        )
        sections.append(
            f"<h2>{html.escape(GOODS_LABEL[goods])}: largest increases to the hubs</h2>"
            "<p>A product with no base value (–) is usually an HS 2022 renumbering (smartphones "
            "851712 → 851713, road tractors 870120 → 870121), not new trade: only the six "
            "CHPL codes are bridged between HS 2017 and HS 2022.</p>"
            + _table(
                ["#", "HS6", "description", "base (EUR m)", "period (EUR m)", "change", "%"],
                [
                    [
                        str(r.rank),
                        r.product,
                        r.description[:90],
                        _money(r.base_value),
                        _money(r.period_value),
                        _money(r.change),
                        _pct(r.change_pct),
                    ]
                    for r in ranked
                ],
                f"{h.base.text} vs {h.period.text}, {reporter} to {', '.join(hubs)}",
            )
        )

    sections.append(_sources(rates))
    sections.append(
        "<h2>Caveats</h2><ul>"
        + "".join(f"<li>{html.escape(c)}</li>" for c in CAVEATS)
        + "".join(f"<li>Data gap: {html.escape(n)}</li>" for n in dict.fromkeys(notes))
        + "</ul>"
    )
    page = _page(f"Trade diversion: {reporter} exports to {', '.join(hubs)} and {target}", sections)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise CorridorError(f"{output}: cannot write: {exc}") from exc
    return output


def _growth_chart(headlines: list[Headline], partners: list[str]) -> str:
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / max(len(headlines), 1)
    for i, h in enumerate(headlines):
        values = [
            next((r.change_pct for r in h.rows if r.partner == p), None) or 0.0 for p in partners
        ]
        xs = [j + i * width for j in range(len(partners))]
        ax.bar(xs, values, width, label=GOODS_LABEL.get(h.goods, h.goods))
    ax.set_xticks([j + width * (len(headlines) - 1) / 2 for j in range(len(partners))], partners)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("% change")
    ax.set_title("Growth of exports by partner and goods basket")
    ax.legend(fontsize=7)
    return f"<figure>{_svg(fig)}</figure>"


def _index_chart(
    rows: list[indicators.IndexRow], partners: list[str], reporter: str, base: int
) -> str:
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for partner in partners:
        pts = [(r.period, r.index) for r in rows if r.partner == partner and r.index is not None]
        if not pts:
            continue
        ax.plot(
            [datetime.strptime(p, "%Y-%m") for p, _ in pts],  # type: ignore[arg-type]
            [v for _, v in pts],
            label=partner,
            color=COLOURS.get(partner),
            linewidth=2.2 if partner == "RU" else 1.3,
        )
    ax.axhline(100, color="grey", linewidth=0.6, linestyle="--")
    ax.set_yscale("log")
    ax.set_ylabel(f"index, {base} average month = 100 (log)")
    ax.set_title(f"{reporter} exports, all goods, monthly")
    ax.legend(fontsize=7, ncols=3)
    return f"<h2>Monthly exports, indexed</h2><figure>{_svg(fig)}</figure>"


def _mirror_section(
    rows: list[indicators.MirrorRow],
    detail: list[indicators.MirrorYear],
    base: int,
    years: list[int],
) -> str:
    fig, ax = plt.subplots(figsize=(8, 3.4))
    importers = [r.importer for r in rows]
    all_years = [base, *years]
    width = 0.8 / (2 * len(all_years))
    for k, year in enumerate(all_years):
        for side, attr, hatch in (
            ("exporter", "exporter_reported", ""),
            ("importer", "importer_reported", "//"),
        ):
            values = [
                next(
                    (
                        (getattr(d, attr) or 0.0) / 1e9
                        for d in detail
                        if d.importer == imp and d.year == year
                    ),
                    0.0,
                )
                for imp in importers
            ]
            offset = (2 * k + (side == "importer")) * width
            ax.bar(
                [j + offset for j in range(len(importers))],
                values,
                width,
                hatch=hatch,
                label=f"{year} {side}-reported",
                color=f"C{k}",
                alpha=1.0 if side == "exporter" else 0.5,
            )
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(importers))], importers)
    ax.set_ylabel("USD bn")
    ax.set_title("Mirror: exporter-reported exports vs importer-reported imports")
    ax.legend(fontsize=7, ncols=3)
    table = _table(
        [
            "exporter",
            "importer",
            "exporter-reported additional (USD m)",
            "importer-reported additional (USD m)",
            "unrecorded share",
        ],
        [
            [
                r.exporter,
                r.importer,
                _money(r.exporter_reported_additional),
                _money(r.importer_reported_additional),
                "–" if r.unrecorded_share is None else f"{r.unrecorded_share:.1%}",
            ]
            for r in rows
        ],
        f"additional = sum over {', '.join(map(str, years))} of the excess over {base}",
    )
    return f"<h2>Mirror gaps</h2><figure>{_svg(fig)}</figure>{table}"


def _sources(rates: Rates) -> str:
    rows = [
        [e.file, e.format, f"{e.rows:,}", e.sha256[:12], e.loaded_at]
        for e in sorted(read_manifest().values(), key=lambda e: e.file)
    ]
    return (
        "<h2>Sources</h2><p>Files loaded with <code>corridor trade load</code> (provenance of "
        "each in the SOURCES.md beside it). EUR/USD rates: "
        f"{html.escape(rates.origin)}.</p>"
        + _table(["file", "format", "rows", "sha256", "loaded"], rows)
    )


def _page(title: str, sections: list[str]) -> str:
    style = (
        "body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0;font-size:0.85em}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}caption{text-align:left;color:#555}"
        "figure{margin:1em 0}svg{max-width:100%;height:auto}"
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>Generated by Corridor on {stamp}. Values in millions.</p>"
        + "\n".join(sections)
        + "</body></html>"
    )
