"""The rules file is validated with the field named; the CLI reads JSON and CSV batches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from corridor.errors import CorridorError
from corridor.goods.rules import DEFAULT_RULES, load_rules
from corridor.goods.shipments import read_shipments
from tests.cli.test_lists_cli import run


def test_default_rules_are_valid() -> None:
    rules = load_rules()
    assert rules.rules.listed_party.floor == "critical"
    assert "KZ" in rules.rules.hub_country.countries["UK OTSI guidance, 7 Jan 2025"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    weight: 15\n    similarity: 85",
            "    weight: lots\n    similarity: 85",
            r"rules\.payer_not_on_documents\.weight",
        ),
        (
            'tier_weights: {"1": 30,',
            'tier_weights: {"5": 30,',
            r"rules\.chpl_goods\.tier_weights\.5",
        ),
        (
            "[RU, BY]\n    source",
            "[RU, Belarus]\n    source",
            r"russia_belarus_destination\.countries.*'Belarus'",
        ),
        ("    floor: critical\n", "    floor: severe\n", r"rules\.listed_party\.floor"),
        (
            "  value_anomaly:",
            "  value_anomaly_typo: {}\n  value_anomaly:",
            r"rules\.value_anomaly_typo",
        ),
        ('chapters: ["01-24"]', 'chapters: ["1-24"]', r"business_lines\.0\.chapters"),
        (
            "levels: {medium: 20, high: 45",
            "levels: {medium: 50, high: 45",
            r"levels: expected medium",
        ),
    ],
)
def test_bad_rules_file_names_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CorridorError, match=message):
        load_rules(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: x\nlevels: {medium: 1\n", encoding="utf-8")
    with pytest.raises(CorridorError, match=r"rules\.yaml:\d+: not valid YAML"):
        load_rules(path)


def test_bad_shipment_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps([{"id": "a", "goods": [{"code": "8542"}], "route": {"destination": "Atlantis"}}])
    )
    with pytest.raises(CorridorError, match=r"s\.json: \[0\]\.route\.destination: .*Atlantis"):
        read_shipments(path)
    path.write_text(json.dumps({"id": "a", "goods": [{"code": "85x"}]}))
    with pytest.raises(CorridorError, match=r"s\.json: goods\.0\.code: .*not a number"):
        read_shipments(path)
    path.write_text("{not json")
    with pytest.raises(CorridorError, match=r"s\.json:1: not valid JSON"):
        read_shipments(path)


def test_goods_cli(capsys: pytest.CaptureFixture[str], trade_data: Path) -> None:
    code, _, err = run(capsys, "goods", "check", "8542.31")
    assert code == 2 and "load-reference" in err
    code, out, _ = run(capsys, "goods", "load-reference", str(trade_data))
    assert code == 0 and "50 CHPL codes" in out
    code, out, _ = run(capsys, "goods", "check", "8542.31", "854890", "--json")
    results = json.loads(out)
    assert [r["chpl_tier"] for r in results] == ["1", "2"]
    code, _, err = run(capsys, "goods", "check", "12345")
    assert code == 2 and "has 5 digits" in err
    code, out, _ = run(capsys, "goods", "find", "фрезерный станок с ЧПУ", "--json")
    assert json.loads(out)[0]["hs6"] == "845961"
    code, out, _ = run(capsys, "goods", "reference", "--json")
    assert json.loads(out)[0]["active"]


def test_shipments_cli_csv_batch(
    capsys: pytest.CaptureFixture[str], trade_data: Path, tmp_path: Path
) -> None:
    run(capsys, "goods", "load-reference", str(trade_data))
    path = tmp_path / "batch.csv"
    columns = [
        "id",
        "goods_code",
        "goods_description",
        "value",
        "quantity",
        "destination",
        "final_destination",
        "consignee_name",
        "consignee_country",
        "consignee_incorporated",
        "consignee_website",
        "payer_name",
        "payer_country",
        "payment_amount",
    ]
    rows = [
        [
            "A",
            "0406.90",
            "",
            "5000",
            "100",
            "KZ",
            "",
            "Astana Food LLP",
            "KZ",
            "2010-01-01",
            "af.kz",
            "Astana Food LLP",
            "KZ",
            "5000",
        ],
        [
            "B",
            "8542.31",
            "",
            "50000",
            "1000",
            "KZ",
            "RU",
            "Almaty Trade House",
            "KZ",
            "2023-02-10",
            "",
            "Almaty Trade House",
            "AE",
            "50000",
        ],
        ["B", "", "подшипники шариковые", "1000", "10", "", "", "", "", "", "", "", "", ""],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    out_csv = tmp_path / "out.csv"
    code, _, err = run(
        capsys, "shipments", "check", str(path), "--no-screening", "-o", str(out_csv)
    )
    assert code == 0, err
    with out_csv.open(encoding="utf-8") as handle:
        result = {r["id"]: r for r in csv.DictReader(handle)}
    assert result["A"]["level"] == "low"
    assert result["B"]["level"] == "critical"
    assert "line 2 (description 'подшипники шариковые'" in result["B"]["reasons"]
    # without --no-screening, an empty store is refused rather than scored as clean
    code, _, err = run(capsys, "shipments", "check", str(path))
    assert code == 2 and "no sanctions list is loaded" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: x\n", encoding="utf-8")
    code, _, err = run(
        capsys, "shipments", "check", str(path), "--rules", str(bad), "--no-screening"
    )
    assert code == 2 and "bad.yaml: levels" in err


def test_demo_scores_the_example_shipments(capsys: pytest.CaptureFixture[str]) -> None:
    """`make demo` runs on the project's own examples/ (lists, goods reference, shipments)."""
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert "12 CHPL codes" in out
    assert "DEMO-1 cheese to Astana: LOW" in out
    assert "DEMO-2 processors to an Almaty trading house: CRITICAL" in out
    assert "[ofac:900002]" in out  # the Cyrillic consignee named with its OFAC entry
