"""Each real AIS sample in ../shared/data/maritime/ais loads, with its counts."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from corridor.errors import CorridorError
from corridor.fleet.loaders import detect, load_file
from corridor.fleet.mid import flag_of, valid_ship_mmsi
from corridor.fleet.store import FleetStore

AIS = "maritime/ais"

#: file -> (format, lines, messages, positions, vessels, rejected lines), read from the
#: files (SOURCES.md gives the raw line counts these agree with).
EXPECTED = {
    "aisdb_fixtures/test_data_201201.nmea": ("nmea", 26, 26, 3, 4, 2),
    "aisdb_fixtures/test_data_20210701.csv": ("spire", 2498, 2498, 2361, 2291, 0),
    "aisdb_fixtures/test_data_20211101.nm4": ("nmea", 997, 979, 915, 821, 0),
    "aisdb_fixtures/test_data_noaa_20230101.csv": ("noaa", 1000, 1000, 1000, 1000, 0),
    "gfw_gpsdio_segment_regr/gfw_orbcomm_2021-01-01_to_09_56ssvids.ndjson.gz": (
        "gfw",
        88883,
        80286,
        63918,
        56,
        0,
    ),
    "kystverket_aisnet/Ais1000Lines.nm4": ("nmea", 1000, 877, 743, 828, 0),
    "movingpandas_evergiven_suez/boat-positions.csv.gz": ("track", 22287, 22287, 22287, 256, 0),
    "pyais_fixtures/nmea_data_sample.txt": ("nmea", 898, 778, 758, 164, 120),
}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_samples_load_with_counts(shared_data: Path, name: str) -> None:
    path = shared_data / AIS / name
    fmt, lines, messages, positions, vessels, rejected = EXPECTED[name]
    assert detect(path) == fmt
    report = load_file(path).report
    counts = (report.lines, report.messages, report.positions, report.vessels)
    assert counts == (lines, messages, positions, vessels)
    assert report.rejected_lines == rejected


@pytest.mark.shared
def test_rejections_are_counted_by_reason(shared_data: Path) -> None:
    sample = load_file(shared_data / AIS / "pyais_fixtures/nmea_data_sample.txt").report
    # 100 sentences with an empty payload; 20 first halves of type-5 messages whose
    # second halves are not in the file.
    assert sample.rejected == {"empty payload": 100, "incomplete multipart": 20}
    assert sample.untimed == sample.positions  # bare NMEA: no time anywhere
    kyst = load_file(shared_data / AIS / "kystverket_aisnet/Ais1000Lines.nm4").report
    # 123 two-sentence type-5 messages assembled: 1000 lines, 877 messages.
    assert kyst.statics == 129
    assert kyst.warnings == {"tag block checksum": 246}


def test_bad_lines_never_fatal(tmp_path: Path) -> None:
    good = r"\c:1635731889*5F\!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30"
    path = tmp_path / "mixed.nmea"
    path.write_text(
        "\n".join(
            [
                good,
                good.replace("*30", "*31"),  # bad checksum
                "!AIVDM,1,1,,A,15N1u<PP1F",  # truncated
                "garbage \x00 line",
                "!AIVDM,2,1,8,A,55DTsr01rEv?<E5;801<D604pDlu<0000000001?21J7:5cde>C0H1kmC1E5,0*7B",
            ]
        )
        + "\n"
    )
    report = load_file(path, "nmea").report
    assert report.positions == 1
    assert report.rejected["checksum"] == 1
    assert report.rejected["corrupt"] == 2
    assert report.rejected["incomplete multipart"] == 1


def test_gfw_bare_nan_and_impossible_positions(tmp_path: Path) -> None:
    path = tmp_path / "gfw.ndjson"
    path.write_text(
        '{"msgid": "a", "ssvid": "636019687", "timestamp": "2021-01-01T00:10:09+00:00",'
        ' "lat": -23.5, "lon": 50.7, "speed": 13.0, "course": NaN, "heading": NaN}\n'
        '{"msgid": "b", "ssvid": "636019687", "timestamp": "2021-01-01T00:20:09+00:00",'
        ' "lat": 95.0, "lon": 50.7, "speed": NaN}\n'
        "{not json\n"
    )
    report = load_file(path).report
    assert (report.positions, report.rejected["impossible position"]) == (1, 1)
    assert report.rejected["corrupt"] == 1


def test_dma_csv(tmp_path: Path) -> None:
    header = (
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,"
        "Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
        "Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D"
    )
    rows = [
        "05/07/2017 00:00:00,Class A,273344600,55.6,12.7,At anchor,0,0.1,12.3,250,"
        "IMO8727941,UBCD,KAPITAN PSHENITSYN,Tanker,,17,140,GPS,7.5,PRIMORSK,,AIS,,,,",
        "05/07/2017 00:00:05,Class A,219000001,91,181,Unknown value,,,,,Unknown,,,"
        "Undefined,,,,,,,,AIS,,,,",
    ]
    path = tmp_path / "aisdk-2017-07-05.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    batch = load_file(path)
    assert batch.report.format == "dma"
    assert batch.positions.data["nav_status"] == [1]
    assert batch.statics.data["imo"] == [8727941]
    assert batch.statics.data["flag"] == ["RU"]


def test_unknown_format_is_a_corridor_error(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello\n")
    with pytest.raises(CorridorError, match="not a known AIS format"):
        load_file(path)


def test_mid_flags() -> None:
    flag = flag_of(273344600)
    assert flag is not None and flag.iso2 == "RU"
    assert flag_of(636019687) is not None
    assert not valid_ship_mmsi(123456789)
    assert not valid_ship_mmsi(200000010)  # MID 200 is not allocated


def test_store_roundtrip(shared_data: Path, tmp_path: Path) -> None:
    store = FleetStore(tmp_path / "fleet")
    store.add(load_file(shared_data / AIS / "aisdb_fixtures/test_data_noaa_20230101.csv"))
    con = store.connect()
    assert con.execute("SELECT count(*) FROM positions").fetchone() == (1000,)
    assert store.loads()[0]["positions"] == 1000


SAMPLES = {
    "nmea": r"\c:1635731889*5F\!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30"
    "\n!AIVDM,2,1,8,A,55DTsr01rEv?<E5;801<D604pDlu<0000000001?21J7:5cde>C0H1kmC1E5,0*7B\n",
    "gfw": '{"msgid": "a", "ssvid": "636019687", "timestamp": "2021-01-01T00:10:09+00:00",'
    ' "lat": -23.5, "lon": 50.7, "speed": 13.0, "course": NaN, "shipname": "PERFECT"}\n',
    "noaa": "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
    "Status,Length,Width,Draft,Cargo,TransceiverClass\n636021061,2023-01-11T00:00:00,26.09241,"
    "-80.04806,8.8,272.7,270.0,MSC NAISHA III,IMO9307839,5LCB4,70,8.0,208.0,30.0,8.0,70.0,A\n",
    "spire": '"MMSI","Message_ID","Time","Vessel_Name","IMO","SOG","Longitude","Latitude"\n'
    '"432905000","1","20210701_185151","","","13.6","-103.63687","8.87747666667"\n',
    "track": "ID,ais_pos_timestamp,longitude,latitude\n1,20/03/2021 00:22,32.32925,31.4386\n",
}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_mutated_files_raise_only_corridor_errors(
    fmt: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    data = SAMPLES[fmt].encode()
    folder = tmp_path_factory.mktemp(fmt)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        start=st.integers(0, len(data)), stop=st.integers(0, len(data)), junk=st.binary(max_size=24)
    )
    def check(start: int, stop: int, junk: bytes) -> None:
        path = folder / "sample"
        path.write_bytes(data[:start] + junk + data[stop:])
        for given_fmt in (fmt, None):
            with contextlib.suppress(CorridorError):
                load_file(path, given_fmt)

    check()
