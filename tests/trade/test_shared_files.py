"""Every shared trade file loads, and what was loaded adds up to the raw files.

The expected sums are computed here from the raw CSV files with the csv module, not with
Corridor's readers, so a reader that drops, duplicates or mis-scales rows fails.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from corridor.trade.store import Loaded, data_files

pytestmark = pytest.mark.shared

MISSING = {"", ":", "NA"}


def raw_rows(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        yield from csv.DictReader(fh)


def raw_sum(path: Path, columns: list[str], scale: float = 1.0) -> tuple[float, int]:
    """Sum and count of the non-empty cells of `columns`."""
    total, count = 0.0, 0
    for row in raw_rows(path):
        for column in columns:
            if row[column].strip() not in MISSING:
                total += float(row[column]) * scale
                count += 1
    return total, count


def loaded(entries: list[Loaded], name: str) -> Loaded:
    return next(e for e in entries if e.file == name)


def parquet_sum(entry: Loaded) -> tuple[float, int]:
    row = duckdb.sql(f"SELECT sum(value), count(*) FROM read_parquet('{entry.parquet}')").fetchone()
    assert row is not None
    return float(row[0]), int(row[1])


def test_every_data_file_loads(trade_data: Path, store: list[Loaded]) -> None:
    files = {p.name for p in data_files(trade_data)}
    assert {e.file for e in store} == files
    assert len(files) == 22
    kinds = {e.file: e.kind for e in store}
    assert kinds["chpl.csv"] == "reference"
    assert kinds["ebrd_EU_sanctions_HS6.csv"] == "reference"
    assert sum(1 for k in kinds.values() if k == "facts") == 18


#: file -> value columns and scale (kUSD files are thousands).
SIMPLE_FILES = {
    "comext_eu27_total_exports_by_partner_annual_EUR.csv": (["value_in_eur"], 1.0),
    "comext_eu_member_total_trade_monthly_2019-01_2024-08_EUR.csv": (["value_in_eur"], 1.0),
    "eu_member_exports_sanctioned_cn8_monthly_2020-01_2022-11.csv.gz": (["value_eur"], 1.0),
    "eu_member_trade_total_and_ch27_monthly_2020-01_2022-11.csv": (["value_eur"], 1.0),
    "kyrgyzstan_natstat_trade_by_country_annual_kUSD.csv": (["value_kusd"], 1000.0),
    "armstat_armenia_trade_by_country_monthly_2007-01_2024-06_kUSD.csv": (
        ["export", "import_origin", "import_consignment"],
        1000.0,
    ),
    "armstat_armenia_official_reexports_annual.csv": (["RX", "X"], 1.0),
    "derived_armenia_reexport_estimates_hs6_annual.csv": (["reexports", "X"], 1.0),
    "national_armenia_imports_by_partner_annual_converted_EUR.csv": (["VALUE_IN_EUR"], 1.0),
    "national_kazakhstan_imports_by_partner_annual_converted_EUR.csv": (["VALUE_IN_EUR"], 1.0),
    "national_kyrgyz_imports_by_partner_annual_converted_EUR.csv": (["VALUE_IN_EUR"], 1.0),
    "national_uzbek_imports_by_partner_annual_converted_EUR.csv": (["VALUE_IN_EUR"], 1.0),
    # Comtrade: the Armenian car file has only per-mode rows (no TOTAL MOT); they are summed
    # per flow/partner/code/month, so the file total is unchanged.
    "comtrade_armenia_hs8703_cars_monthly_2017-01_2023-10.csv": (["trade_value_us"], 1.0),
    "comtrade_georgia_hs8703_cars_monthly_2021-01_2023-11.csv": (["trade_value_us"], 1.0),
    "comtrade_armenia_hs851713_phones_monthly.csv": (["trade_value_us"], 1.0),
}


@pytest.mark.parametrize("name", sorted(SIMPLE_FILES))
def test_loaded_total_equals_raw_total(trade_data: Path, store: list[Loaded], name: str) -> None:
    path = next(trade_data.rglob(name))
    columns, scale = SIMPLE_FILES[name]
    expected, cells = raw_sum(path, columns, scale)
    got, rows = parquet_sum(loaded(store, name))
    assert math.isclose(got, expected, rel_tol=1e-9), (got, expected)
    if not name.startswith("comtrade_armenia_hs8703"):
        assert rows == cells
    else:  # per-mode rows merged into one row per key
        assert rows < cells


def test_uzbek_wide_files_total(trade_data: Path, store: list[Loaded]) -> None:
    for name in (
        "uzstat_uzbekistan_exports_by_country_annual_2010-2023_kUSD.csv",
        "uzstat_uzbekistan_imports_by_country_annual_2010-2023_kUSD.csv",
    ):
        path = next(trade_data.rglob(name))
        years = [str(y) for y in range(2010, 2024)]
        expected, cells = raw_sum(path, years, 1000.0)
        got, rows = parquet_sum(loaded(store, name))
        assert math.isclose(got, expected, rel_tol=1e-9)
        assert rows == cells


def test_kazakh_duplicate_spellings_are_counted_once(trade_data: Path, store: list[Loaded]) -> None:
    """The BNS file repeats some countries of a year under a second spelling (same figures);
    the loaded total is the raw total minus exactly those repeats."""
    path = next(trade_data.rglob("kazakhstan_bns_trade_by_country_annual_kUSD.csv"))
    expected, _ = raw_sum(path, ["export_kusd", "import_kusd"], 1000.0)
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    repeats = 0.0
    for row in raw_rows(path):
        # Normalise the spelling differences seen in the file: case only.
        key = (row["year"], row["partner_ru"].casefold(), "")
        figures = (row["export_kusd"], row["import_kusd"])
        if key in seen and seen[key] == figures:
            repeats += sum(float(v) * 1000.0 for v in figures if v not in MISSING)
        seen[key] = figures
    got, _ = parquet_sum(loaded(store, "kazakhstan_bns_trade_by_country_annual_kUSD.csv"))
    assert repeats > 0
    assert got <= expected - repeats + 1.0
    # What the loader dropped beyond case-only repeats: differently abbreviated names.
    assert got > 0.999 * (expected - repeats)


def series_value(home_glob: str, where: str) -> float:
    row = duckdb.sql(f"SELECT sum(value) FROM read_parquet('{home_glob}') WHERE {where}").fetchone()
    assert row is not None and row[0] is not None, where
    return float(row[0])


@pytest.mark.parametrize(
    ("file", "where", "expected"),
    [
        # Check values quoted in ../shared/data/trade/SOURCES.md.
        ("kazakhstan_bns", "partner='RU' AND flow='export' AND year=2021", 7_018_746e3),
        ("kazakhstan_bns", "partner='RU' AND flow='export' AND year=2022", 9_091_391e3),
        ("kazakhstan_bns", "partner='RU' AND flow='export' AND year=2023", 10_207_420e3),
        ("kyrgyzstan", "partner='RU' AND flow='export' AND year=2022", 1_069_692e3),
        ("kyrgyzstan", "partner='EU27' AND flow='import' AND year=2023", 964_573e3),
        ("armstat_armenia_trade", "partner='RU' AND flow='export' AND year=2022", 2_462_777e3),
        ("armstat_armenia_trade", "partner='RU' AND flow='export' AND year=2023", 3_540_192e3),
        ("uzstat_uzbekistan_exports", "partner='RU' AND year=2022", 3_151_098.4e3),
        ("comtrade_georgia", "partner='KG' AND flow='export' AND year=2023", 555.9e6),
        ("comtrade_georgia", "partner='AM' AND flow='export' AND year=2022", 144.3e6),
        ("comtrade_georgia", "partner='RU' AND flow='export' AND year=2021", 17.3e6),
        ("comtrade_armenia_hs851713", "partner='RU' AND flow='export' AND year=2022", 213.4e6),
        ("comtrade_armenia_hs851713", "partner='RU' AND flow='export' AND year=2023", 462.2e6),
    ],
)
def test_check_values_of_sources_md(
    store: list[Loaded], file: str, where: str, expected: float
) -> None:
    entry = next(e for e in store if e.file.startswith(file))
    got = series_value(entry.parquet, where)
    # SOURCES.md rounds: to about 10 kUSD (10,207,415.7 -> 10,207,420), $0.1 m for Comtrade.
    tolerance = 0.05e6 if file.startswith("comtrade") else 5e3
    assert math.isclose(got, expected, abs_tol=tolerance), (got, expected)


def test_armenian_hs4_and_hs6_rows_stay_separate(store: list[Loaded]) -> None:
    entry = loaded(store, "comtrade_armenia_hs8703_cars_monthly_2017-01_2023-10.csv")
    levels = duckdb.sql(
        f"SELECT classification, count(*) FROM read_parquet('{entry.parquet}') GROUP BY 1"
    ).fetchall()
    assert dict(levels).keys() == {"HS4", "HS6"}


def test_member_file_aggregates_keep_their_codes(store: list[Loaded]) -> None:
    entry = loaded(store, "comext_eu_member_total_trade_monthly_2019-01_2024-08_EUR.csv")
    reporters = {
        r[0]
        for r in duckdb.sql(
            f"SELECT DISTINCT reporter FROM read_parquet('{entry.parquet}')"
        ).fetchall()
    }
    assert {"EU27", "EA20", "EA_VAR", "EU_VAR", "GB"} <= reporters
    assert len(reporters - {"EU27", "EA20", "EA_VAR", "EU_VAR", "GB"}) == 27
