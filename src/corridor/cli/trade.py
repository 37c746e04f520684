"""``corridor trade``: load trade statistics and measure diversion through the hub countries.

The CSV files written with ``-o`` are contracts: their columns are fixed (issue 6) because
analysts paste them into papers. Values are in currency units (EUR or USD, not thousands),
rounded to cents; percentages to two decimals; shares to four.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table

from corridor.cli.render import console, err_console
from corridor.errors import CorridorError
from corridor.trade import indicators
from corridor.trade.countries import HUBS, parse_country_list
from corridor.trade.loaders import FORMATS, REFERENCE_FORMATS
from corridor.trade.query import connect, parse_range
from corridor.trade.rates import load_rates
from corridor.trade.status import trade_status

trade_app = typer.Typer(
    help="Trade diversion analytics: load statistics, compare, mirror, index, rank, report.",
    no_args_is_help=True,
)

OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="CSV file to write ('-' for stdout).")
]
CurrencyOpt = Annotated[str, typer.Option("--currency", help="EUR or USD.")]
RatesOpt = Annotated[
    Path | None,
    typer.Option("--rates", help="EUR/USD table (period,usd_per_eur); default: ECB rates."),
]
GoodsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--goods",
        help="all | chpl | chpl:TIER | eu-sanctioned | CODE,CODE... (repeatable).",
    ),
]
DEFAULT_PARTNERS = ",".join([*HUBS, "RU"])


def _codes(text: str, option: str) -> list[str]:
    codes = parse_country_list(text)
    if not codes:
        raise CorridorError(f"{option}: expected country codes such as KZ,KG,AM")
    return codes


def _years(text: str, option: str) -> list[int]:
    try:
        years = [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        raise CorridorError(f"{option} {text}: expected years such as 2022,2023") from None
    if not years or any(not 1900 <= y <= 2100 for y in years):
        raise CorridorError(f"{option} {text}: expected years such as 2022,2023")
    return years


def _cell(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        digits = 4 if name.endswith("share") else 2
        return f"{value:.{digits}f}"
    return str(value)


def write_rows(rows: Sequence[Any], columns: list[str], output: Path | None, title: str) -> None:
    """CSV to `output` (or stdout with '-'), else a Rich table."""
    if output is not None:
        if str(output) == "-":
            _write_csv(sys.stdout, rows, columns)
        else:
            try:
                with output.open("w", newline="", encoding="utf-8") as fh:
                    _write_csv(fh, rows, columns)
            except OSError as exc:
                raise CorridorError(f"{output}: cannot write: {exc}") from exc
            err_console.print(f"wrote {len(rows)} rows to {output}")
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column not in ("goods",) else "left")
    for row in rows:
        table.add_row(*(_pretty(v, c) for v, c in zip(astuple(row), columns, strict=True)))
    console.print(table)


def _pretty(value: Any, name: str) -> str:
    if isinstance(value, float):
        if name.endswith("share"):
            return f"{value:.1%}"
        if name.endswith("pct"):
            return f"{value:+.1f}%"
        return f"{value:,.0f}"
    return "" if value is None else str(value)


def _write_csv(fh: TextIO, rows: Sequence[Any], columns: list[str]) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v, c) for v, c in zip(astuple(row), columns, strict=True)])


def _notes(notes: list[str]) -> None:
    for note in dict.fromkeys(notes):
        err_console.print(f"note: {note}", soft_wrap=True, markup=False)


def _columns(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


@trade_app.command("load")
def load(
    path: Annotated[Path, typer.Argument(help="A trade file, or a folder of them.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help=f"One of {', '.join([*FORMATS, *REFERENCE_FORMATS])} (sniffed)."
        ),
    ] = None,
) -> None:
    """Load trade statistics or goods lists into $CORRIDOR_HOME/trade (Parquet)."""
    from corridor.trade.store import load_path

    if fmt is not None and fmt not in FORMATS and fmt not in REFERENCE_FORMATS:
        known = ", ".join([*FORMATS, *REFERENCE_FORMATS])
        raise CorridorError(f"--format {fmt}: unknown; known formats: {known}")
    for entry in load_path(path, fmt):
        console.print(f"{entry.file}: {entry.format}, {entry.rows:,} rows ({entry.kind})")


@trade_app.command("status")
def status() -> None:
    """What is loaded: files, formats, rows, reporters, periods, unmapped country labels."""
    report = trade_status()
    table = Table(title="Trade store")
    for column in ("file", "format", "rows", "reporters", "flows", "periods", "currency"):
        table.add_column(column)
    for item in report.files:
        table.add_row(
            item.file,
            item.format,
            f"{item.rows:,}",
            item.reporters,
            item.flows,
            item.periods,
            item.currency,
        )
    console.print(table)
    if report.unknown_labels:
        console.print(
            f"unmapped country labels ({len(report.unknown_labels)}): "
            + "; ".join(report.unknown_labels[:20]),
            soft_wrap=True,
        )


@trade_app.command("compare")
def compare(
    reporter: Annotated[str, typer.Option(help="Reporters, e.g. EU27 or DE,FR.")] = "EU27",
    partner: Annotated[str, typer.Option(help="Partners, e.g. KG,KZ,AM,GE,UZ,RU.")] = (
        DEFAULT_PARTNERS
    ),
    base: Annotated[str, typer.Option(help="Base period, e.g. 2021-01..2021-12.")] = "2021",
    period: Annotated[str, typer.Option(help="Comparison period.")] = "2022",
    goods: GoodsOpt = None,
    currency: CurrencyOpt = "EUR",
    flow: Annotated[str, typer.Option(help="export or import.")] = "export",
    rates: RatesOpt = None,
    output: OutOpt = None,
) -> None:
    """Value in a base vs a comparison period: change and % change per reporter, partner, goods.

    Columns: reporter, partner, goods, base_value, period_value, change, change_pct.
    """
    if flow not in ("export", "import"):
        raise CorridorError(f"--flow {flow}: expected export or import")
    con = connect()
    rows, notes = indicators.compare(
        con,
        reporters=_codes(reporter, "--reporter"),
        partners=_codes(partner, "--partner"),
        base=parse_range(base, "--base"),
        period=parse_range(period, "--period"),
        goods=goods or ["all"],
        currency=currency,
        rates=load_rates(rates),
        flow=flow,
    )
    write_rows(rows, _columns(indicators.CompareRow), output, f"{flow}s {base} vs {period}")
    _notes(notes)


@trade_app.command("mirror")
def mirror(
    exporter: Annotated[str, typer.Option(help="Exporters, e.g. EU27.")] = "EU27",
    importer: Annotated[str, typer.Option(help="Importers, e.g. KZ,KG,AM.")] = "KZ,KG,AM",
    base: Annotated[int, typer.Option(help="Base year.")] = 2021,
    years: Annotated[str, typer.Option(help="Years compared with the base, e.g. 2022,2023.")] = (
        "2022,2023"
    ),
    goods: Annotated[str, typer.Option(help="Goods basket (default all).")] = "all",
    currency: CurrencyOpt = "USD",
    basis: Annotated[
        str, typer.Option(help="Importer's partner basis where both exist: origin|consignment.")
    ] = "origin",
    rates: RatesOpt = None,
    output: OutOpt = None,
) -> None:
    """Exporter-reported vs importer-reported additional trade above the base year.

    Columns: exporter, importer, exporter_reported_additional, importer_reported_additional,
    unrecorded_share.
    """
    if basis not in ("origin", "consignment"):
        raise CorridorError(f"--basis {basis}: expected origin or consignment")
    con = connect()
    rows, _detail, notes = indicators.mirror(
        con,
        exporters=_codes(exporter, "--exporter"),
        importers=_codes(importer, "--importer"),
        base=base,
        years=_years(years, "--years"),
        currency=currency,
        rates=load_rates(rates),
        goods=goods,
        basis=basis,
    )
    write_rows(rows, _columns(indicators.MirrorRow), output, f"mirror: {years} vs {base}")
    _notes(notes)


@trade_app.command("index")
def index(
    reporter: Annotated[str, typer.Option(help="One reporter, e.g. EU27.")] = "EU27",
    partner: Annotated[str, typer.Option(help="Partners.")] = DEFAULT_PARTNERS,
    baseline: Annotated[str, typer.Option(help="Baseline months (= 100).")] = "2021",
    span: Annotated[
        str, typer.Option("--from", help="Months to index, e.g. 2019-01..2024-08.")
    ] = "2019-01..2024-12",
    goods: Annotated[str, typer.Option(help="Goods basket.")] = "all",
    currency: CurrencyOpt = "EUR",
    rates: RatesOpt = None,
    output: OutOpt = None,
) -> None:
    """Monthly series indexed to the baseline's average month (hubs against Russia).

    Columns: reporter, partner, goods, period, value, index.
    """
    reporters = _codes(reporter, "--reporter")
    if len(reporters) != 1:
        raise CorridorError("--reporter: index takes one reporter")
    con = connect()
    rows, notes = indicators.index(
        con,
        reporter=reporters[0],
        partners=_codes(partner, "--partner"),
        baseline=parse_range(baseline, "--baseline"),
        span=parse_range(span, "--from"),
        goods=goods,
        currency=currency,
        rates=load_rates(rates),
    )
    write_rows(rows, _columns(indicators.IndexRow), output, f"index ({baseline} = 100)")
    _notes(notes)


@trade_app.command("substitution")
def substitution(
    reporter: Annotated[str, typer.Option(help="One reporter, e.g. EU27.")] = "EU27",
    hubs: Annotated[str, typer.Option(help="Hub countries.")] = ",".join(HUBS),
    target: Annotated[str, typer.Option(help="The country whose imports fell.")] = "RU",
    base: Annotated[str, typer.Option(help="Base period.")] = "2021",
    period: Annotated[str, typer.Option(help="Comparison period.")] = "2022",
    goods: GoodsOpt = None,
    currency: CurrencyOpt = "EUR",
    rates: RatesOpt = None,
    output: OutOpt = None,
) -> None:
    """The rise of exports to the hubs as a share of the fall of exports to Russia."""
    targets = _codes(target, "--target")
    con = connect()
    rows, notes = indicators.substitution(
        con,
        reporter=_codes(reporter, "--reporter")[0],
        hubs=_codes(hubs, "--hubs"),
        target=targets[0],
        base=parse_range(base, "--base"),
        period=parse_range(period, "--period"),
        goods=goods or ["all"],
        currency=currency,
        rates=load_rates(rates),
    )
    write_rows(rows, _columns(indicators.SubstitutionRow), output, "substitution")
    _notes(notes)


@trade_app.command("rank")
def rank(
    reporter: Annotated[str, typer.Option(help="One reporter, e.g. EU27.")] = "EU27",
    partner: Annotated[
        str | None, typer.Option(help="Partners (default: every country partner).")
    ] = None,
    base: Annotated[str, typer.Option(help="Base period.")] = "2021",
    period: Annotated[str, typer.Option(help="Comparison period.")] = "2022",
    goods: Annotated[str, typer.Option(help="Goods basket.")] = "all",
    by: Annotated[str, typer.Option(help="partner or product.")] = "partner",
    order: Annotated[str, typer.Option(help="increase (absolute) or growth (%).")] = "increase",
    top: Annotated[int, typer.Option(min=1, help="How many.")] = 20,
    min_base: Annotated[
        float, typer.Option(help="With --order growth: smallest base value considered.")
    ] = 1_000_000.0,
    currency: CurrencyOpt = "EUR",
    rates: RatesOpt = None,
    output: OutOpt = None,
) -> None:
    """Partners or products ranked by growth or by absolute increase.

    Columns: rank, reporter, partner, product, description, base_value, period_value,
    change, change_pct.
    """
    con = connect()
    rows, notes = indicators.rank(
        con,
        reporter=_codes(reporter, "--reporter")[0],
        partners=_codes(partner, "--partner") if partner else None,
        base=parse_range(base, "--base"),
        period=parse_range(period, "--period"),
        goods=goods,
        currency=currency,
        rates=load_rates(rates),
        by=by,
        order=order,
        top=top,
        min_base=min_base,
    )
    write_rows(rows, _columns(indicators.RankRow), output, f"top {top} by {order}")
    _notes(notes)


@trade_app.command("report")
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
    reporter: Annotated[str, typer.Option(help="Exporter, e.g. EU27.")] = "EU27",
    hubs: Annotated[str, typer.Option(help="Hub countries.")] = ",".join(HUBS),
    target: Annotated[str, typer.Option(help="The sanctioned destination.")] = "RU",
    base: Annotated[int, typer.Option(help="Base year.")] = 2021,
    period: Annotated[int, typer.Option(help="Comparison year.")] = 2022,
    rates: RatesOpt = None,
) -> None:
    """One self-contained HTML report: charts inline, tables, sources and caveats."""
    from corridor.trade.report import build_report

    path = build_report(
        output,
        reporter=_codes(reporter, "--reporter")[0],
        hubs=_codes(hubs, "--hubs"),
        target=_codes(target, "--target")[0],
        base=base,
        period=period,
        rates=load_rates(rates),
    )
    console.print(f"report written to {path}")
