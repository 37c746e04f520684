"""The indicators reproduce the headline comparisons from the shared files.

Expected values are computed here from the raw CSV files (csv module), independently of
Corridor's loaders and queries.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import pytest

from corridor.trade import indicators
from corridor.trade.goods import resolve_basket
from corridor.trade.query import connect, parse_range
from corridor.trade.rates import load_rates
from corridor.trade.store import Loaded
from tests.trade.test_shared_files import raw_rows

pytestmark = pytest.mark.shared

HUBS = ["AM", "GE", "KZ", "KG", "UZ"]
COMEXT_NAMES = {
    "AM": "Armenia",
    "GE": "Georgia",
    "KZ": "Kazakhstan",
    "KG": "Kyrgyzstan",
    "UZ": "Uzbekistan",
    "RU": "Russian Federation (Russia)",
}


def annual_eu27(trade_data: Path) -> dict[tuple[str, int], float]:
    path = next(trade_data.rglob("comext_eu27_total_exports_by_partner_annual_EUR.csv"))
    names = {v: k for k, v in COMEXT_NAMES.items()}
    return {
        (names[r["partner"]], int(r["year"])): float(r["value_in_eur"])
        for r in raw_rows(path)
        if r["partner"] in names
    }


def raw_rates(trade_data: Path) -> dict[str, float]:
    path = Path(__file__).parents[2] / "src/corridor/trade/data/ecb_eur_usd.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return {r["period"]: float(r["usd_per_eur"]) for r in csv.DictReader(lines)}


def test_compare_all_goods_matches_eurostat_annual(trade_data: Path, store: list[Loaded]) -> None:
    """EU27 from the monthly member-state file (aggregate rows) equals Eurostat's annual
    EU27 figure in the other extract, for every hub and Russia."""
    annual = annual_eu27(trade_data)
    rows, notes = indicators.compare(
        connect(), reporters=["EU27"], partners=[*HUBS, "RU"],
        base=parse_range("2021-01..2021-12"), period=parse_range("2022-01..2022-12"),
        goods=["all"], currency="EUR", rates=load_rates(),
    )  # fmt: skip
    assert notes == []
    for row in rows:
        assert math.isclose(row.base_value or 0, annual[(row.partner, 2021)], abs_tol=50)
        assert math.isclose(row.period_value or 0, annual[(row.partner, 2022)], abs_tol=50)
    by = {r.partner: r for r in rows}
    # The published headline: exports to Kyrgyzstan more than quadrupled (+345 %), to
    # Armenia rose 2.5 times, to Russia fell by 38 %.
    assert round(by["KG"].change_pct or 0) == 345
    assert round(by["AM"].change_pct or 0) == 149
    assert round(by["RU"].change_pct or 0) == -38


def test_eu27_computed_from_member_states(trade_data: Path, store: list[Loaded]) -> None:
    """The CN8 file has no EU27 row: EU27 is the sum of the 27 member states' 8-digit rows
    with codes on the CN8 sanctions list (HS4 headings not added)."""
    codes_path = next(trade_data.rglob("export_sanctions_codes_cn8.csv"))
    listed = {r["code"] for r in raw_rows(codes_path)}
    data = next(trade_data.rglob("eu_member_exports_sanctioned_cn8_monthly_*.csv.gz"))
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for r in raw_rows(data):
        code = r["product_code"]
        if len(code) == 8 and code in listed and r["period"][5:] <= "11":
            sums[(r["partner"], r["period"][:4])] += float(r["value_eur"])
    rows, _ = indicators.compare(
        connect(), reporters=["EU27"], partners=[*HUBS, "RU"],
        base=parse_range("2021-01..2021-11"), period=parse_range("2022-01..2022-11"),
        goods=["eu-sanctioned"], currency="EUR", rates=load_rates(),
    )  # fmt: skip
    for row in rows:
        name = COMEXT_NAMES[row.partner]
        assert math.isclose(row.base_value or 0, sums[(name, "2021")], rel_tol=1e-9)
        assert math.isclose(row.period_value or 0, sums[(name, "2022")], rel_tol=1e-9)
    by = {r.partner: r for r in rows}
    # Sanctioned goods, Jan-Nov: Kyrgyzstan x7.1, Armenia x3.9, Russia -59 %.
    assert (by["KG"].period_value or 0) > 6 * (by["KG"].base_value or 1)
    assert (by["AM"].period_value or 0) > 3 * (by["AM"].base_value or 1)
    assert -65 < (by["RU"].change_pct or 0) < -55  # Jan-Nov 2022 vs Jan-Nov 2021: -59 %


def test_chpl_uses_hs2017_predecessors_before_2022(trade_data: Path, store: list[Loaded]) -> None:
    chpl = {r["hs6"] for r in raw_rows(trade_data / "chpl.csv")}
    old = {"854800": "854890", "852589": "852580", "854149": "854140", "854151": "854150",
           "854159": "854150", "880730": "880330"}  # fmt: skip
    pre = chpl | {old[c] for c in chpl if c in old}
    data = next(trade_data.rglob("eu_member_exports_sanctioned_cn8_monthly_*.csv.gz"))
    sums: dict[str, float] = defaultdict(float)
    for r in raw_rows(data):
        code, year = r["product_code"], int(r["period"][:4])
        in_basket = (year < 2022 and code[:6] in pre) or (year >= 2022 and code[:6] in chpl)
        if r["partner"] == "Russian Federation (Russia)" and len(code) == 8 and in_basket:
            sums[r["period"][:4]] += float(r["value_eur"])
    rows, _ = indicators.compare(
        connect(), reporters=["EU27"], partners=["RU"], base=parse_range("2021"),
        period=parse_range("2022"), goods=["chpl"], currency="EUR", rates=load_rates(),
    )  # fmt: skip
    assert math.isclose(rows[0].base_value or 0, sums["2021"], rel_tol=1e-9)
    assert math.isclose(rows[0].period_value or 0, sums["2022"], rel_tol=1e-9)
    assert "88033000" in {r["product_code"] for r in raw_rows(data) if r["period"] < "2022"}


def test_user_codes_count_one_level_only(trade_data: Path, store: list[Loaded]) -> None:
    """Armenia's Comtrade car file holds HS 8703 and its HS6 subheadings: --goods 8703 sums
    the HS6 rows only."""
    path = next(trade_data.rglob("comtrade_armenia_hs8703_cars_monthly_*.csv"))
    hs6 = sum(
        float(r["trade_value_us"])
        for r in raw_rows(path)
        if r["aggregate_level"] == "6" and r["year"] == "2022" and r["trade_flow"] == "Export"
        and r["partner_iso"] == "RUS"
    )  # fmt: skip
    rows, _ = indicators.compare(
        connect(), reporters=["AM"], partners=["RU"], base=parse_range("2021"),
        period=parse_range("2022"), goods=["8703"], currency="USD", rates=load_rates(),
    )  # fmt: skip
    assert math.isclose(rows[0].period_value or 0, hs6, rel_tol=1e-9)


def test_mirror_kyrgyzstan(trade_data: Path, store: list[Loaded]) -> None:
    """EU27's exports to KG (Eurostat monthly EU27 rows, EUR at monthly ECB rates) vs KG's
    imports from "The EU" (NSC, kUSD)."""
    rates = raw_rates(trade_data)
    monthly = next(trade_data.rglob("comext_eu_member_total_trade_monthly_*.csv"))
    x: dict[int, float] = defaultdict(float)
    for r in raw_rows(monthly):
        if (
            r["reporter"].startswith("European Union - 27 countries (AT")
            and r["partner"] == "Kyrgyzstan"
            and r["flow"] == "EXPORT"
        ):
            x[int(r["period"][:4])] += float(r["value_in_eur"]) * rates[r["period"]]
    kg = next(trade_data.rglob("kyrgyzstan_natstat_trade_by_country_annual_kUSD.csv"))
    imports = {
        int(r["year"]): float(r["value_kusd"]) * 1000
        for r in raw_rows(kg)
        if r["flow"] == "import" and r["partner_en"] == "The EU"
    }
    x_add = (x[2022] - x[2021]) + (x[2023] - x[2021])
    m_add = (imports[2022] - imports[2021]) + (imports[2023] - imports[2021])
    rows, detail, _ = indicators.mirror(
        connect(), exporters=["EU27"], importers=["KG"], base=2021, years=[2022, 2023],
        currency="USD", rates=load_rates(),
    )  # fmt: skip
    (row,) = rows
    assert math.isclose(row.exporter_reported_additional or 0, x_add, rel_tol=1e-9)
    assert math.isclose(row.importer_reported_additional or 0, m_add, rel_tol=1e-9)
    assert math.isclose(row.unrecorded_share or 0, 1 - m_add / x_add, abs_tol=0.003)
    assert 0.7 < (row.unrecorded_share or 0) < 0.8
    assert len(detail) == 3


def test_index_baseline_is_100(store: list[Loaded]) -> None:
    rows, notes = indicators.index(
        connect(), reporter="EU27", partners=["KG", "RU"], baseline=parse_range("2021"),
        span=parse_range("2019-01..2024-08"), goods="all", currency="EUR", rates=load_rates(),
    )  # fmt: skip
    assert notes == []
    for partner in ("KG", "RU"):
        base = [r.index for r in rows if r.partner == partner and r.period.startswith("2021")]
        assert len(base) == 12
        assert math.isclose(sum(i or 0 for i in base) / 12, 100.0)
    ru_2023 = [r.index or 0 for r in rows if r.partner == "RU" and r.period.startswith("2023")]
    kg_2023 = [r.index or 0 for r in rows if r.partner == "KG" and r.period.startswith("2023")]
    assert max(ru_2023) < 60 < 300 < min(kg_2023)


def test_substitution_is_hub_rise_over_russia_fall(store: list[Loaded]) -> None:
    con, rates = connect(), load_rates()
    base, period = parse_range("2021"), parse_range("2022")
    subs, _ = indicators.substitution(
        con, reporter="EU27", hubs=HUBS, target="RU", base=base, period=period,
        goods=["all"], currency="EUR", rates=rates,
    )  # fmt: skip
    rows, _ = indicators.compare(
        con, reporters=["EU27"], partners=[*HUBS, "RU"], base=base, period=period,
        goods=["all"], currency="EUR", rates=rates,
    )  # fmt: skip
    rise = sum(r.change or 0 for r in rows if r.partner in HUBS)
    fall = -next(r.change or 0 for r in rows if r.partner == "RU")
    assert math.isclose(subs[0].substitution_share or 0, rise / fall)
    assert 0.2 < rise / fall < 0.35  # the hubs took up over a quarter of the fall (28 %)


def test_rank_partners_and_products(store: list[Loaded]) -> None:
    con, rates = connect(), load_rates()
    by_partner, _ = indicators.rank(
        con, reporter="EU27", partners=[*HUBS, "RU"], base=parse_range("2021"),
        period=parse_range("2022"), goods="all", currency="EUR", rates=rates, top=6,
    )  # fmt: skip
    changes = [r.change or 0 for r in by_partner]
    assert changes == sorted(changes, reverse=True)
    assert by_partner[-1].partner == "RU"
    growth, _ = indicators.rank(
        con, reporter="EU27", partners=[*HUBS, "RU"], base=parse_range("2021"),
        period=parse_range("2022"), goods="all", currency="EUR", rates=rates, order="growth",
    )  # fmt: skip
    assert growth[0].partner == "KG"
    products, _ = indicators.rank(
        con, reporter="EU27", partners=HUBS, base=parse_range("2021-01..2021-11"),
        period=parse_range("2022-01..2022-11"), goods="chpl", currency="EUR", rates=rates,
        by="product", top=5,
    )  # fmt: skip
    assert len(products) == 5
    assert all(len(r.product.split("+")[0]) == 6 for r in products)
    assert all(r.description for r in products)


def test_chpl_tiers(store: list[Loaded]) -> None:
    con = connect()
    tier1 = resolve_basket(con, "chpl:1")
    tier3 = resolve_basket(con, "chpl:3")
    tier3a = resolve_basket(con, "chpl:3.A")
    everything = resolve_basket(con, "chpl")
    assert tier1.hs6_post == {"854231", "854232", "854233", "854239"}
    assert tier3a.hs6_post < tier3.hs6_post < everything.hs6_post
    assert len(everything.hs6_post) == 50
    # 2021 and earlier: the HS 2017 predecessors of the six changed codes
    assert {"854890", "852580", "854140", "854150", "880330"} <= everything.hs6_pre


def test_partner_eu27_summed_from_members(trade_data: Path, store: list[Loaded]) -> None:
    """Armstat has no EU row: Armenia's imports from EU27 are its imports (by origin) from
    the 27 member states."""
    members = {
        "Austria", "Belgium", "Bulgaria", "Cyprus", "Czech Rep.", "Germany", "Denmark",
        "Estonia", "Spain", "Finland", "France", "Greece", "Croatia", "Hungary", "Ireland",
        "Italy", "Lithuania", "Luxembourg", "Latvia", "Malta", "Netherlands", "Poland",
        "Portugal", "Romania", "Sweden", "Slovenia", "Slovakia",
    }  # fmt: skip
    path = next(trade_data.rglob("armstat_armenia_trade_by_country_monthly_*.csv"))
    labels = {r["country"] for r in raw_rows(path)}
    assert members <= labels, members - labels
    expected = sum(
        float(r["import_origin"]) * 1000
        for r in raw_rows(path)
        if r["year"] == "2021" and r["country"] in members
    )
    _rows, detail, _ = indicators.mirror(
        connect(), exporters=["EU27"], importers=["AM"], base=2021, years=[2022],
        currency="USD", rates=load_rates(),
    )  # fmt: skip
    got = next(d.importer_reported for d in detail if d.year == 2021)
    assert math.isclose(got or 0, expected, rel_tol=1e-9)
