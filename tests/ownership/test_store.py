"""Ownership data end to end: load CSV and FtM, link to the lists, exposure, CLI."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.errors import CorridorError
from corridor.ownership.exposure import compute_exposures, exposure_for, not_exposed_reasons
from corridor.ownership.sources import read_ownership_file
from corridor.ownership.store import load_ownership, manifests
from corridor.store import Store, open_store
from corridor.store.lists import load_list

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"
HOLDINGS = Path(__file__).parents[1] / "fixtures" / "ownership" / "holdings.csv"
FTM = Path(__file__).parents[1] / "fixtures" / "opensanctions" / "entities.ftm.json"
HEADER = "owner_id,owner_name,asset_id,asset_name,share_pct,role,start_date,end_date,source\n"


@pytest.fixture
def store() -> Store:
    store = open_store()
    for name in ("sdn.xml", "eu_fsf.xml", "UK-Sanctions-List.csv"):
        load_list(store, EXAMPLES / name)
    return store


def write(tmp_path: Path, rows: str, name: str = "h.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_kazakh_counterparty_blocked_through_oligarch_and_his_company(store: Store) -> None:
    load_ownership(store, HOLDINGS)
    [hit] = exposure_for("kz-bin-200340022222", store=store)
    assert hit.regime == "ofac"
    assert hit.listed_share_pct == 55
    assert hit.via == ["ofac-900003"]
    assert [p["entity_id"] for p in hit.path] == [
        "ofac-900003",
        "kz-bin-190240011111",
        "kz-bin-200340022222",
    ]
    assert hit.explanation == (
        "Nurlan Bolatovich KASYMOV (SDN) owns 100 % of Kaspi Logistics Holding LLP; "
        "Nurlan Bolatovich KASYMOV owns 30 % of Altyn Counterparty LLP directly; "
        "Kaspi Logistics Holding LLP, blocked, owns 25 % of Altyn Counterparty LLP: "
        "30 % + 25 % = 55 % ≥ 50 % → Altyn Counterparty LLP blocked under OFAC"
    )
    data = hit.to_dict()
    assert data["kind"] == "ownership"
    assert data["listed_owners"] == [
        {"entity_id": "ofac-900003", "name": "Nurlan Bolatovich KASYMOV"}
    ]
    json.dumps(data)


def test_share_sold_before_the_date_does_not_count_after_it(store: Store) -> None:
    load_ownership(store, HOLDINGS)
    assert exposure_for("kz-bin-990440033333", store=store) == []
    assert not_exposed_reasons("kz-bin-990440033333", "ofac", store=store) == {
        "ofac": "Blocked persons own 0 % of Sber Leasing Kazakhstan JSC < 50 % "
        "→ Sber Leasing Kazakhstan JSC not blocked under OFAC"
    }
    [hit] = exposure_for("kz-bin-990440033333", store=store, as_of=date(2021, 6, 1))
    assert hit.via == ["ofac-900001"]


def test_party_linked_to_the_list_by_name(store: Store) -> None:
    summary = load_ownership(store, HOLDINGS)
    assert (summary.linked_by_id, summary.linked_by_name) == (2, 1)
    [hit] = exposure_for("kz-bin-210540055555", store=store)
    # Kasymov's right to appoint the board is control, not ownership: not in the path.
    assert hit.via == ["ofac-900002"]
    assert hit.links["ofac-900002"].startswith("screening: name 'STEPPE GATE TRADING LLP'")
    assert hit.explanation.endswith("50 % ≥ 50 % → Steppe Freight LLP blocked under OFAC")
    without = load_ownership(store, HOLDINGS)
    assert not without.created


def test_same_party_on_three_lists_counts_for_each_regime(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ofac-900004,MIKROTEKH KOMPONENT,ru-1,Mikrotekh Service LLC,60,participant,,,egrul\n",
    )
    load_ownership(store, path)
    regimes = {e.regime: e for e in exposure_for("ru-1", store=store)}
    assert set(regimes) == {"ofac", "eu", "uk"}
    assert regimes["eu"].explanation == (
        "MIKROTEKH KOMPONENT (EU-listed) owns 60 % of Mikrotekh Service LLC: "
        "60 % ≥ 50 % → Mikrotekh Service LLC owned by listed persons under EU rules"
    )
    assert [e.regime for e in exposure_for("ru-1", "uk", store=store)] == ["uk"]


def test_a_newer_load_replaces_the_same_holding_instead_of_adding(
    store: Store, tmp_path: Path
) -> None:
    load_ownership(store, write(tmp_path, "ofac-900003,,kz-9,Nine LLP,40,,,,2024\n", "a.csv"))
    load_ownership(store, write(tmp_path, "ofac-900003,,kz-9,Nine LLP,45,,,,2026\n", "b.csv"))
    # 40 % + 45 % would block; the 2026 statement replaces the 2024 one.
    assert exposure_for("kz-9", store=store) == []
    assert [m["seq"] for m in manifests()] == [1, 2]


def test_ftm_ownership_and_directorship(store: Store) -> None:
    data = read_ownership_file(FTM)
    assert [(h.kind, h.share) for h in data.holdings] == [("ownership", 51.0), ("director", None)]
    assert data.holdings[0].start == date(2019, 4, 1)
    summary = load_ownership(store, FTM)
    # Mikrotekh Komponent LLC carries the INN of the OFAC-listed MIKROTEKH KOMPONENT.
    assert summary.linked_by_name == 1
    assert summary.holdings == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("a,,b,,120,,,,\n", "h.csv:2: share_pct '120' is not a percentage 0-100"),
        ("a,,b,,10,cousin,,,\n", "h.csv:2: role 'cousin' is unknown"),
        ("a,,b,,10,,2020-13-01,,\n", "h.csv:2: start_date '2020-13-01' is not a date"),
        ("a,,a,,10,,,,\n", "h.csv:2: owner_id and asset_id are both 'a'"),
        (",,b,,10,,,,\n", "h.csv:2: owner_id is empty"),
        (
            "a,,b,,10,,2022-01-01,2021-01-01,\n",
            "h.csv:2: end_date 2021-01-01 is before start_date 2022-01-01",
        ),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path: Path, rows: str, message: str) -> None:
    with pytest.raises(CorridorError) as err:
        read_ownership_file(write(tmp_path, rows))
    assert message in err.value.message


def test_missing_column_and_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("owner_id,asset_id\na,b\n")
    with pytest.raises(CorridorError, match="missing column"):
        read_ownership_file(path)
    path.write_text("hello\n")
    with pytest.raises(CorridorError, match="neither FtM JSON lines nor an ownership CSV"):
        read_ownership_file(path)


def test_cli_load_exposure_compute(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> int:
        with pytest.raises(SystemExit) as done:
            main(list(args))
        return int(done.value.code or 0)

    assert run("ownership", "load", str(HOLDINGS)) == 0
    assert "8 holdings" in capsys.readouterr().out
    assert run("ownership", "exposure", "kz-bin-200340022222", "--json") == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert hit["regime"] == "ofac" and hit["kind"] == "ownership"
    assert run("ownership", "exposure", "kz-bin-200340022222", "--regime", "eu") == 0
    assert "not exposed" in capsys.readouterr().out
    out = tmp_path / "exposed.csv"
    assert run("ownership", "compute", "-o", str(out)) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "entity_id",
        "name",
        "regime",
        "listed_share_pct",
        "via",
        "explanation",
    ]
    assert {r["entity_id"] for r in rows} == {
        "kz-bin-190240011111",
        "kz-bin-200340022222",
        "kz-bin-210540055555",
    }
    assert run("ownership", "exposure", "x", "--regime", "us") == 2
    assert "regime 'us' is unknown" in capsys.readouterr().err
    bad = write(tmp_path, "a,,b,,abc,,,,\n")
    assert run("ownership", "load", str(bad)) == 2
    assert capsys.readouterr().err.strip().endswith("share_pct 'abc' is not a percentage 0-100")
    assert compute_exposures(store, "ofac")


@pytest.mark.shared
def test_real_sdn_list_linked_by_inn_and_by_name(shared_data: Path, tmp_path: Path) -> None:
    """The real SDN list (2024-05-03): a Russian company named in Cyrillic with its INN,
    and an oligarch named without any id, both found on it by screening."""
    store = open_store()
    load_list(store, shared_data / "sanctions" / "ofac" / "sdn_2024-05-03.csv")
    lines = [
        {
            "id": "reg-pasit",
            "schema": "Company",
            "properties": {"name": ["АО «ПАСИТ»"], "innCode": ["7736185530"]},
        },
        {"id": "reg-gt", "schema": "Person", "properties": {"name": ["Gennady Timchenko"]}},
        {"id": "reg-kz", "schema": "Company", "properties": {"name": ["Caspian Pipe Supply LLP"]}},
        {
            "id": "own-1",
            "schema": "Ownership",
            "properties": {"owner": ["reg-pasit"], "asset": ["reg-kz"], "percentage": ["26"]},
        },
        {
            "id": "own-2",
            "schema": "Ownership",
            "properties": {"owner": ["reg-gt"], "asset": ["reg-kz"], "percentage": ["24%"]},
        },
    ]
    path = tmp_path / "register.ftm.json"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    summary = load_ownership(store, path)
    assert summary.linked_by_name == 2
    [hit] = exposure_for("reg-kz", store=store)
    assert hit.via == ["ofac-16666", "ofac-31412"]
    assert hit.explanation == (
        "AKTSIONERNOE OBSHCHESTVO PASIT (SDN) owns 26 % of Caspian Pipe Supply LLP; "
        "Gennady Nikolayevich TIMCHENKO (SDN) owns 24 % of Caspian Pipe Supply LLP: "
        "26 % + 24 % = 50 % ≥ 50 % → Caspian Pipe Supply LLP blocked under OFAC"
    )
    # A CSV names parties by register ids only: the INN inside the id links it.
    csv_path = write(tmp_path, "ru-inn-7736185530,,kz-2,Aral Parts LLP,50,participant,,,egrul\n")
    assert load_ownership(store, csv_path).linked_by_name == 1
    [hit] = exposure_for("kz-2", store=store)
    assert hit.via == ["ofac-31412"]
    assert hit.links["ofac-31412"].startswith("screening: ")


def test_screening_a_counterparty_on_no_list_returns_an_ownership_hit(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    load_ownership(store, HOLDINGS)
    with pytest.raises(SystemExit) as done:
        main(["screen", "name", "ТОО «Altyn Counterparty»", "--schema", "Company", "--json"])
    assert done.value.code == 0
    results = json.loads(capsys.readouterr().out)["results"]
    hits = [r for r in results if r.get("kind") == "ownership"]
    assert [(h["entity_id"], h["regime"]) for h in hits] == [("kz-bin-200340022222", "ofac")]
    assert hits[0]["match"] and hits[0]["via"] == ["ofac-900003"]
    assert hits[0]["explanation"][1].endswith("→ Altyn Counterparty LLP blocked under OFAC")
    # A person is not screened against companies' owners.
    with pytest.raises(SystemExit):
        main(["screen", "name", "Altyn Counterparty", "--schema", "Person", "--json"])
    person = json.loads(capsys.readouterr().out)["results"]
    assert not [r for r in person if r.get("kind") == "ownership"]
