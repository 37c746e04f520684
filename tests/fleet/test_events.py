"""Events: the simulated scenario gives exactly its events; real data behaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from corridor.fleet import events
from corridor.fleet.identities import identities
from corridor.fleet.loaders import load_file
from corridor.fleet.simulate import DARK_FROM, MEET_FROM, MEET_TO, START, simulate
from corridor.fleet.store import FleetStore

AIS = "maritime/ais"


def _loaded(paths: list[Path], root: Path) -> duckdb.DuckDBPyConnection:
    store = FleetStore(root)
    for path in paths:
        store.add(load_file(path))
    con = store.connect()
    events.prepare(con)
    return con


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("sim")
    truth = simulate(folder / "scenario.nmea")
    return truth, _loaded([truth.path], folder / "fleet")


def test_scenario_decodes_whole(scenario: tuple[Any, duckdb.DuckDBPyConnection]) -> None:
    truth, _con = scenario
    report = load_file(truth.path).report
    assert report.rejected_lines == 0
    assert report.positions == truth.positions
    assert report.vessels == 5  # six transmitters, one of them on another ship's MMSI


def test_scenario_gap_is_the_dark_tanker_only(
    scenario: tuple[Any, duckdb.DuckDBPyConnection],
) -> None:
    truth, con = scenario
    found = events.gaps(con, min_hours=6)
    assert [(g["mmsi"], round(g["hours"])) for g in found] == [(truth.dark_mmsi, 30)]
    gap = found[0]
    assert gap["suspected_disabling"] is True
    assert abs(gap["start_ts"] - (START + DARK_FROM * 3600)) <= 180
    assert 10 < gap["implied_speed_kn"] < 12  # it sailed on at 11 kn while dark


def test_scenario_encounter_is_the_meeting_only(
    scenario: tuple[Any, duckdb.DuckDBPyConnection],
) -> None:
    truth, con = scenario
    found = events.encounters(con)
    assert [(e["mmsi_a"], e["mmsi_b"]) for e in found] == [truth.encounter]
    meeting = found[0]
    assert 4.5 <= meeting["hours"] <= 5.0
    assert START + MEET_FROM * 3600 <= float(meeting["start_ts"]) < START + MEET_TO * 3600
    assert 140 < meeting["median_distance_m"] < 160


def test_scenario_loitering_is_the_meeting_pair_only(
    scenario: tuple[Any, duckdb.DuckDBPyConnection],
) -> None:
    truth, con = scenario
    found = events.loitering(con)
    assert {r["mmsi"] for r in found} == truth.loitering
    assert all(4.0 <= r["hours"] <= 5.0 for r in found)


def test_scenario_identity_anomalies_are_the_spoofed_mmsi_only(
    scenario: tuple[Any, duckdb.DuckDBPyConnection],
) -> None:
    truth, con = scenario
    found = identities(con)
    assert {r["mmsi"] for r in found} == {truth.spoofed_mmsi}
    assert {r["anomaly"] for r in found} == {
        "impossible_speed",
        "several_identities",
        "several_imos",
    }


@pytest.fixture(scope="module")
def gfw(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    from tests.conftest import SHARED_DATA

    path = SHARED_DATA / AIS / "gfw_gpsdio_segment_regr"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    files = sorted(path.glob("*.ndjson.gz"))
    return _loaded(files, tmp_path_factory.mktemp("gfw"))


@pytest.mark.shared
def test_gfw_gaps(gfw: duckdb.DuckDBPyConnection) -> None:
    long = events.gaps(gfw, min_hours=12)
    # SOURCES.md measured 61 same-MMSI gaps >= 12 h over 24 MMSIs on raw rows; here
    # positions are de-duplicated by time and unusable fixes dropped first.
    assert len(long) == 63
    assert len({g["mmsi"] for g in long}) == 25  # SOURCES.md: 24 on raw rows
    assert all(g["hours"] >= 12 for g in long)
    assert len(events.gaps(gfw, min_hours=6)) >= 177 - 10
    assert sum(g["suspected_disabling"] for g in long) == 4
    # The one tanker, PERFECT, never goes quiet for 12 h (its largest gap is 0.56 h).
    assert 636019687 not in {g["mmsi"] for g in long}


@pytest.mark.shared
def test_gfw_shared_and_fake_mmsis_flagged(gfw: duckdb.DuckDBPyConnection) -> None:
    found = identities(gfw)
    kinds: dict[int, set[str]] = {}
    for row in found:
        kinds.setdefault(row["mmsi"], set()).add(row["anomaly"])
    assert {"several_identities", "impossible_speed"} <= kinds[567000000]
    assert {"several_identities", "invalid_imo"} <= kinds[666000001]
    assert "several_identities" in kinds[412331088]
    assert "invalid_mmsi" in kinds[200000010]
    assert 636019687 not in kinds  # PERFECT: one identity, sane track


@pytest.mark.shared
def test_suez_queue_yields_no_encounter(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / AIS / "movingpandas_evergiven_suez/boat-positions.csv.gz"
    con = _loaded([path], tmp_path / "fleet")
    # Hundreds of ships queue at anchor within 500 m of each other for hours ...
    events.resample(con)
    assert len(events.anchorages(con)) > 10
    # ... and none of that is a ship-to-ship meeting at sea.
    assert events.encounters(con) == []
    assert events.loitering(con) == []
