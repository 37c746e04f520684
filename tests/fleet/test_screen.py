"""Vessel screening: every vessel seen in the AIS against the vessel lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.cli import main
from corridor.fleet import events
from corridor.fleet.loaders import load_file
from corridor.fleet.store import FleetStore
from corridor.fleet.vessels import read_list, screen, store_vessels
from corridor.store import open_store
from corridor.store.lists import load_list

VESSELS = "maritime/vessels"


@pytest.mark.shared
def test_vessel_lists_parse(shared_data: Path) -> None:
    eu = read_list(
        shared_data / VESSELS / "eu_annex_xlii_dma/ImportversionListOfEUDesignatedVessels231025.csv"
    )
    assert len(eu) == 557 and len({v.imo for v in eu}) == 556
    assert any(v.imo == 9179842 and "Angara" in v.names for v in eu)
    ftm = read_list(shared_data / VESSELS / "followthemoney_shadowfleet_owners")
    assert len(ftm) == 637
    kapitan = next(v for v in ftm if v.imo == 8727941)
    assert {"Kapitan Pshenitsyn", "KAPITAN PSHENITSIN"} <= kapitan.names
    assert 273344600 in kapitan.mmsis
    gur = read_list(shared_data / VESSELS / "androm2018_gur_dma/gur_vessels_master.csv")
    zhuo = next(v for v in gur if v.imo == 9408683)
    assert {"ZHUO YUAN", "Profit", "Advantage Solar"} <= zhuo.names
    assert not any("(former)" in n for v in gur for n in v.names)
    assert {v.list_name for v in gur} == {"ua_gur_vessels"}
    assert 9347231 not in {v.imo for v in gur}  # delisted_from_gur


@pytest.mark.shared
def test_vessel_lists_load_as_sources(shared_data: Path) -> None:
    store = open_store()
    eu = load_list(
        store,
        shared_data
        / VESSELS
        / "eu_annex_xlii_dma/ImportversionListOfEUDesignatedVessels231025.csv",
    )
    assert (eu.version.list_name, str(eu.version.published)) == ("eu_annex_xlii", "2025-10-23")
    assert eu.version.target_count == 556  # 557 rows, one IMO listed twice
    gur = load_list(store, shared_data / VESSELS / "androm2018_gur_dma/gur_vessels_master.csv")
    assert gur.version.target_count == 1404  # status "listed"; 10 delisted kept as vessels
    ftm = load_list(store, shared_data / VESSELS / "followthemoney_shadowfleet_owners")
    assert ftm.version.target_count == 637
    listed = list(store_vessels())
    assert {v.list_name for v in listed} == {"eu_annex_xlii", "ua_gur_vessels", "ftm_shadow_fleet"}
    kapitan = next(v for v in listed if v.imo == 8727941 and v.list_name == "ftm_shadow_fleet")
    assert "KAPITAN PSHENITSIN" in kapitan.names and 273344600 in kapitan.mmsis
    tracos = next(v for v in listed if v.imo == 9224453 and v.list_name == "ua_gur_vessels")
    assert {"TRACOS", "SCF Khibiny", "Mars A"} <= tracos.names and 352004128 in tracos.mmsis


@pytest.mark.shared
def test_gfw_tanker_hits_by_imo(shared_data: Path, tmp_path: Path) -> None:
    store = FleetStore(tmp_path / "fleet")
    gfw = shared_data / "maritime/ais/gfw_gpsdio_segment_regr"
    store.add(load_file(next(gfw.glob("*.ndjson.gz"))))
    con = store.connect()
    events.prepare(con)
    listed = read_list(shared_data / VESSELS / "androm2018_gur_dma/sanctions_by_imo.csv")
    hits = screen(con, listed)
    # PERFECT, IMO 9241114, is OFAC True in the cross-reference (SOURCES.md, C).
    assert [(h["mmsi"], h["reason"], h["lists"]) for h in hits if h["reason"] == "imo"] == [
        (636019687, "imo", "xref_ofac")
    ]


def test_store_vessels_and_cli(
    fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_list(open_store(), fixtures / "opensanctions" / "entities.ftm.json")
    listed = list(store_vessels())
    sea = next(v for v in listed if v.imo == 9273416)
    assert {"SEA WANDERER", "OCEAN WANDERER"} <= sea.names and 626123456 in sea.mmsis
    # AIS of that ship under its former name and MMSI.
    nmea = tmp_path / "wanderer.nmea"
    from pyais.encode import encode_dict

    lines = []
    for i, msg in enumerate(
        [
            {"type": 1, "mmsi": 626123456, "lat": 36.4, "lon": 22.9, "speed": 0.3},
            {"type": 5, "mmsi": 626123456, "imo": 9273416, "shipname": "OCEAN WANDERER"},
        ]
    ):
        for sentence in encode_dict(msg, sentence_type="VDM", seq_id=1):
            lines.append(f"\\c:{1700000000 + i}\\{sentence}")
    nmea.write_text("\n".join(lines) + "\n")
    with pytest.raises(SystemExit) as done:
        main(["fleet", "load", str(nmea)])
    assert done.value.code == 0
    out = tmp_path / "hits.csv"
    with pytest.raises(SystemExit) as done:
        main(["fleet", "screen", "-o", str(out)])
    assert done.value.code == 0
    text = out.read_text().splitlines()
    assert text[0] == "mmsi,imo,name,reason,matched,lists,listed_names,listed_imo"
    reasons = {line.split(",")[3] for line in text[1:]}
    assert reasons == {"imo", "mmsi", "name"}
