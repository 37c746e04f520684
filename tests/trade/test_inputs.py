"""Formats on small files written here; bad input names file, line and column; exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.errors import CorridorError
from corridor.trade.loaders import read_facts, read_header, sniff_format
from corridor.trade.rates import load_rates
from corridor.trade.store import load_path, read_manifest


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


COMEXT = (
    "reporter,partner,product_code,period,flow,value_eur\n"
    "Germany (incl. German Democratic Republic 'DD' from 1991),"
    "Kyrgyzstan,85423100,2021-03,EXPORT,100.0\n"
    "France,Kyrgyzstan,85423100,2022-03,EXPORT,350.0\n"
    "France,Kyrgyzstan,8542,2022-03,EXPORT,999.0\n"
    "France,Russian Federation (Russia),85423100,2021-03,EXPORT,:\n"
)


def test_comext_long_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", COMEXT)
    assert sniff_format(path, read_header(path)) == "comext-long"
    table = read_facts(path, "comext-long").to_arrow().to_pylist()
    assert [r["reporter"] for r in table] == ["DE", "FR", "FR"]  # ':' = no figure
    assert [r["classification"] for r in table] == ["CN8", "CN8", "HS4"]
    assert table[0]["partner"] == "KG" and table[0]["line"] == 2 and table[0]["month"] == 3


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ("France,Kyrgyzstan,85423100,2022-03,EXPORT,abc\n", "c.csv:3: column 'value_eur'"),
        ("France,Kyrgyzstan,85423100,2022-13,EXPORT,1\n", "c.csv:3: column 'period'"),
        ("France,Kyrgyzstan,85423100,2022-03,SIDEWAYS,1\n", "c.csv:3: column 'flow'"),
        ("France,Kyrgyzstan,8542310,2022-03,EXPORT,1\n", "c.csv:3: column 'product_code'"),
    ],
)
def test_bad_cells_name_file_line_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str, where: str
) -> None:
    lines = COMEXT.splitlines(keepends=True)
    path = write(tmp_path / "c.csv", lines[0] + lines[1] + bad)
    with pytest.raises(CorridorError) as exc:
        read_facts(path, "comext-long")
    assert where in exc.value.message
    code, _out, err = run(["trade", "load", str(path)], capsys)
    assert code == 2
    assert where in err and "Traceback" not in err
    assert read_manifest() == {}  # nothing stored


def test_unknown_header_and_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "x.csv", "a,b\n1,2\n")
    code, _, err = run(["trade", "load", str(path)], capsys)
    assert code == 2 and "x.csv:1: unrecognised trade file header" in err
    code, _, err = run(["trade", "load", str(path), "--format", "nope"], capsys)
    assert code == 2 and "--format nope" in err
    code, _, err = run(["trade", "load", str(path), "--format", "kz-bns"], capsys)
    assert code == 2 and "missing column(s)" in err


def test_bad_folder_stores_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "a.csv", COMEXT)
    write(tmp_path / "b.csv", "a,b\n1,2\n")
    code, _, err = run(["trade", "load", str(tmp_path)], capsys)
    assert code == 2 and "b.csv" in err
    assert read_manifest() == {}


COMTRADE_PLUS = {
    "count": 4,
    "data": [
        # Comtrade+ API records: a total over modes of transport, and its split (ignored).
        {"typeCode": "C", "freqCode": "M", "refYear": 2022, "refMonth": 5, "period": "202205",
         "reporterCode": 398, "reporterISO": "KAZ", "reporterDesc": "Kazakhstan",
         "flowCode": "X", "partnerCode": 643, "partnerISO": "RUS", "partnerDesc": "Russia",
         "partner2Code": 0, "classificationCode": "H6", "cmdCode": "854231", "aggrLevel": 6,
         "customsCode": "C00", "motCode": 0, "qtyUnitAbbr": "u", "qty": 10,
         "primaryValue": 5000.0},
        {"typeCode": "C", "freqCode": "M", "refYear": 2022, "refMonth": 5, "period": "202205",
         "reporterCode": 398, "reporterISO": "KAZ", "reporterDesc": "Kazakhstan",
         "flowCode": "X", "partnerCode": 643, "partnerISO": "RUS", "partnerDesc": "Russia",
         "partner2Code": 0, "classificationCode": "H6", "cmdCode": "854231", "aggrLevel": 6,
         "customsCode": "C00", "motCode": 3200, "qtyUnitAbbr": "u", "qty": 10,
         "primaryValue": 5000.0},
        {"typeCode": "C", "freqCode": "A", "refYear": 2021, "refMonth": 52, "period": "2021",
         "reporterCode": 398, "reporterISO": "KAZ", "reporterDesc": "Kazakhstan",
         "flowCode": "M", "partnerCode": 0, "partnerISO": "W00", "partnerDesc": "World",
         "partner2Code": 0, "classificationCode": "H6", "cmdCode": "TOTAL", "aggrLevel": 0,
         "customsCode": "C00", "motCode": 0, "qtyUnitAbbr": None, "qty": None,
         "primaryValue": 1.5e10},
    ],
}  # fmt: skip


def test_comtrade_api_json(tmp_path: Path) -> None:
    path = tmp_path / "comtrade.json"
    path.write_text(json.dumps(COMTRADE_PLUS), encoding="utf-8")
    assert sniff_format(path, read_header(path)) == "comtrade"
    rows = read_facts(path, "comtrade").to_arrow().to_pylist()
    assert len(rows) == 2
    first = rows[0]
    assert (first["reporter"], first["partner"], first["flow"]) == ("KZ", "RU", "export")
    assert (first["year"], first["month"], first["value"]) == (2022, 5, 5000.0)
    assert (rows[1]["partner"], rows[1]["month"], rows[1]["product_code"]) == ("WLD", None, "TOTAL")


LEGACY = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,"
    "Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,"
    "Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Netweight (kg),Trade Value (US$),Flag\n"
    "H5,2021,2021,2021,6,1,2,Export,417,Kyrgyzstan,KGZ,643,Russian Federation,RUS,847130,"
    "Laptops,5,Number of items,12,30,24000,0\n"
    "H5,2021,2021,2021,6,1,1,Import,417,Kyrgyzstan,KGZ,156,China,CHN,847130,"
    "Laptops,5,Number of items,100,250,x12,0\n"
)


def test_comtrade_legacy_csv_and_bad_value(tmp_path: Path) -> None:
    lines = LEGACY.splitlines(keepends=True)
    good = write(tmp_path / "legacy.csv", lines[0] + lines[1])
    rows = read_facts(good, sniff_format(good, read_header(good))).to_arrow().to_pylist()
    assert (rows[0]["reporter"], rows[0]["partner"], rows[0]["value"]) == ("KG", "RU", 24000.0)
    assert rows[0]["month"] is None and rows[0]["quantity"] == 12.0
    bad = write(tmp_path / "legacy_bad.csv", LEGACY)
    with pytest.raises(CorridorError, match=r"legacy_bad.csv:3: column 'Trade Value \(US\$\)'"):
        read_facts(bad, "comtrade")


def test_rates_table_errors(tmp_path: Path) -> None:
    default = load_rates()
    assert default.rate(2022, None) == pytest.approx(1.053)
    assert default.factor("EUR", "USD", 2022, 9) == pytest.approx(0.9904)
    # Monthly averages agree with the annual ones (catches a mistyped month).
    for year in range(2019, 2025):
        months = [default.rate(year, m) for m in range(1, 13)]
        assert sum(months) / 12 == pytest.approx(default.rate(year, None), abs=0.002)
    bad = write(tmp_path / "rates.csv", "# mine\nperiod,usd_per_eur\n2021,1.18\n2022-13,1.0\n")
    with pytest.raises(CorridorError, match=r"rates.csv:4: column 'period'"):
        load_rates(bad)
    ok = write(tmp_path / "r2.csv", "period,usd_per_eur\n2021,1.5\n")
    with pytest.raises(CorridorError, match="no EUR/USD rate for 2022-01"):
        load_rates(ok).rate(2022, 1)


def test_cli_compare_on_small_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "c.csv", COMEXT)
    load_path(tmp_path / "c.csv")
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["trade", "compare", "--reporter", "EU27", "--partner", "KG", "--base", "2021-03",
         "--period", "2022-03", "--goods", "85423100", "-o", str(out)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert out.read_text().splitlines() == [
        "reporter,partner,goods,base_value,period_value,change,change_pct",
        "EU27,KG,85423100,100.00,350.00,250.00,250.00",
    ]
    # --goods 8542: the HS4 row (999) and the CN8 rows of one file are not added together.
    code, stdout, _ = run(
        ["trade", "compare", "--partner", "KG", "--base", "2021-03", "--period", "2022-03",
         "--goods", "8542", "-o", "-"],
        capsys,
    )  # fmt: skip
    assert stdout.splitlines()[1] == "EU27,KG,8542,100.00,350.00,250.00,250.00"
    for args, what in (
        (["--base", "2021-13"], "--base 2021-13"),
        (["--currency", "RUB"], "--currency RUB"),
        (["--goods", "chpl"], "no CHPL list loaded"),
        (["--goods", "12345"], "--goods 12345"),
    ):
        code, _, err = run(["trade", "compare", "--partner", "KG", *args], capsys)
        assert code == 2 and what in err, err
    rates = write(tmp_path / "rates.csv", "period,usd_per_eur\n2021-03,1.19\n")
    code, stdout, err = run(
        ["trade", "compare", "--partner", "KG", "--base", "2021-03", "--period", "2022-03",
         "--goods", "85423100", "--currency", "USD", "--rates", str(rates), "-o", "-"],
        capsys,
    )  # fmt: skip
    assert code == 2 and "no EUR/USD rate for 2022-03" in err, err
    rates.write_text("period,usd_per_eur\n2021-03,2.0\n2022-03,0.5\n")
    code, stdout, err = run(
        ["trade", "compare", "--partner", "KG", "--base", "2021-03", "--period", "2022-03",
         "--goods", "85423100", "--currency", "USD", "--rates", str(rates), "-o", "-"],
        capsys,
    )  # fmt: skip
    assert stdout.splitlines()[1] == "EU27,KG,85423100,200.00,175.00,-25.00,-12.50"
    code, _, err = run(["trade", "mirror", "--years", "2021", "--base", "2021"], capsys)
    assert code == 2 and "base year" in err


def test_cli_without_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["trade", "compare"], capsys)
    assert code == 2 and "no trade data loaded" in err
