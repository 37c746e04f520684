"""The CLI over the shared data: the exact CSV contracts, status, and the HTML report."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from corridor.trade.store import Loaded
from tests.trade.test_inputs import run

pytestmark = pytest.mark.shared


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_compare_and_mirror_contracts(
    store: list[Loaded], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "compare.csv"
    code, _, err = run(
        ["trade", "compare", "--reporter", "EU27", "--partner", "KG,KZ,AM,GE,UZ,RU",
         "--base", "2021-01..2021-12", "--period", "2022-01..2022-12", "--goods", "all",
         "--currency", "USD", "-o", str(out)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    header = out.read_text().splitlines()[0]
    assert header == "reporter,partner,goods,base_value,period_value,change,change_pct"
    rows = read_csv(out)
    assert [r["partner"] for r in rows] == ["KG", "KZ", "AM", "GE", "UZ", "RU"]
    assert 280 < float(rows[0]["change_pct"]) < 295  # +345 % in EUR, +287 % in USD (2022's euro)

    out = tmp_path / "mirror.csv"
    code, _, err = run(
        ["trade", "mirror", "--exporter", "EU27", "--importer", "KZ,KG,AM", "--base", "2021",
         "--years", "2022,2023", "--currency", "USD", "-o", str(out)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert out.read_text().splitlines()[0] == (
        "exporter,importer,exporter_reported_additional,importer_reported_additional,"
        "unrecorded_share"
    )
    rows = read_csv(out)
    assert [r["importer"] for r in rows] == ["KZ", "KG", "AM"]
    assert all(re.fullmatch(r"-?\d\.\d{4}", r["unrecorded_share"]) for r in rows)


def test_status_index_rank_substitution(
    store: list[Loaded], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["trade", "status"], capsys)
    assert code == 0, err
    assert "kz-bns" in out and "comext-long" in out
    out_csv = tmp_path / "index.csv"
    code, _, err = run(
        ["trade", "index", "--reporter", "EU27", "--partner", "KG,RU", "--baseline", "2021",
         "--from", "2021-01..2022-12", "-o", str(out_csv)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    rows = read_csv(out_csv)
    assert list(rows[0]) == ["reporter", "partner", "goods", "period", "value", "index"]
    assert len(rows) == 48
    code, out, err = run(
        ["trade", "rank", "--partner", "KG,KZ,AM,GE,UZ", "--goods", "chpl", "--by", "product",
         "--base", "2021-01..2021-11", "--period", "2022-01..2022-11", "--top", "3", "-o", "-"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0] == (
        "rank,reporter,partner,product,description,base_value,period_value,change,change_pct"
    )
    assert len(out.splitlines()) == 4
    code, out, err = run(["trade", "substitution", "-o", "-"], capsys)
    assert code == 0, err
    assert out.splitlines()[1].startswith("EU27,all,AM+GE+KZ+KG+UZ,")


def test_report_is_one_self_contained_file(
    store: list[Loaded], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code, _, err = run(["trade", "report", "-o", str(out)], capsys)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3  # growth bars, index lines, mirror bars
    assert not re.search(r"""(src|href)=["']?(https?:|//|[^"'#]+\.(js|css|png|svg))""", page)
    for text in ("EU27 exports to the hubs and to RU", "Mirror gaps", "Caveats", "Sources",
                 "ecb_eur_usd.csv", "EU-sanctioned goods", "2021-01..2021-11"):  # fmt: skip
        assert text in page, text
    assert "+345%" in page  # EU27 -> KG, all goods, 2021 vs 2022
