"""``corridor fleet`` commands write the CSV columns the issue fixes as contracts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.fleet.simulate import simulate


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(args)
    return int(done.value.code or 0)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_contracts_on_the_scenario(tmp_path: Path) -> None:
    truth = simulate(tmp_path / "scenario.nmea")
    assert _run(["fleet", "load", str(truth.path), "--format", "nmea"]) == 0
    assert _run(["fleet", "status"]) == 0
    gaps, enc = tmp_path / "gaps.csv", tmp_path / "enc.csv"
    assert _run(["fleet", "gaps", "--min-hours", "12", "-o", str(gaps)]) == 0
    header = gaps.read_text().splitlines()[0]
    assert header == (
        "mmsi,imo,name,start_time,end_time,hours,start_lat,start_lon,end_lat,end_lon,"
        "distance_nm,implied_speed_kn,suspected_disabling"
    )
    (gap,) = _read(gaps)
    assert (gap["mmsi"], gap["name"], gap["suspected_disabling"]) == (
        str(truth.dark_mmsi),
        "SILENT WAVE",
        "true",
    )
    assert gap["start_time"].endswith("Z")
    assert _run(["fleet", "encounters", "-o", str(enc)]) == 0
    assert enc.read_text().splitlines()[0] == (
        "mmsi_a,mmsi_b,start_time,end_time,hours,lat,lon,median_distance_m"
    )
    (meeting,) = _read(enc)
    assert (int(meeting["mmsi_a"]), int(meeting["mmsi_b"])) == truth.encounter
    loit, ids = tmp_path / "loit.csv", tmp_path / "ids.csv"
    assert _run(["fleet", "loitering", "-o", str(loit)]) == 0
    assert len(_read(loit)) == 2
    assert _run(["fleet", "identities", "-o", str(ids)]) == 0
    assert {r["mmsi"] for r in _read(ids)} == {str(truth.spoofed_mmsi)}


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["fleet", "gaps", "-o", str(tmp_path / "g.csv")]) == 2
    assert "no AIS loaded yet" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_text("not ais\n")
    assert _run(["fleet", "load", str(bad)]) == 2
    assert _run(["fleet", "load", str(bad), "--format", "xyz"]) == 2


def test_map_png_and_html(tmp_path: Path) -> None:
    truth = simulate(tmp_path / "scenario.nmea")
    assert _run(["fleet", "load", str(truth.path)]) == 0
    png, page = tmp_path / "map.png", tmp_path / "map.html"
    assert _run(["fleet", "map", "--mmsi", str(truth.dark_mmsi), "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _run(["fleet", "map", "--mmsi", str(truth.encounter[0]), "-o", str(page)]) == 0
    text = page.read_text()
    assert "<svg" in text and "encounters" in text and "loitering" in text
    assert _run(["fleet", "map", "--mmsi", "1", "-o", str(png)]) == 2


def test_same_file_twice_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = simulate(tmp_path / "scenario.nmea")
    assert _run(["fleet", "load", str(truth.path)]) == 0
    assert _run(["fleet", "load", str(truth.path)]) == 0
    assert "already loaded as load 1" in capsys.readouterr().out
    assert _run(["fleet", "load", "--replace", str(truth.path)]) == 0
    from corridor.fleet.store import FleetStore

    assert [entry["id"] for entry in FleetStore().loads()] == [1]
