"""OFAC's sdnList XML (sdn.xml / consolidated.xml): the real consolidated snapshot, an
old-namespace fixture, ids and properties that agree with the CSV, bad input, fuzzing."""

from __future__ import annotations

import contextlib
import shutil
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.sources import ParsedList, detect_format
from corridor.sources.base import make_entity
from corridor.sources.ofac_csv import OfacCsv
from corridor.sources.ofac_xml import OfacSdnXml, apply_ofac_field

OFAC = Path("sanctions/ofac")
FIXTURES = Path(__file__).parents[1] / "fixtures" / "ofac"
OLD_NAMESPACE = FIXTURES / "sdn_tempuri.xml"
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
NEW_NS = b"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


@cache
def parse_xml(path: Path) -> tuple[ParsedList, dict[str, EntityProxy]]:
    parsed = OfacSdnXml().open(path)
    return parsed, {e.entity.id: e.entity for e in parsed.entities if e.entity.id}


@cache
def parse_csv(path: Path) -> dict[str, EntityProxy]:
    return {e.entity.id: e.entity for e in OfacCsv().open(path).entities if e.entity.id}


def targets(entities: dict[str, EntityProxy]) -> set[str]:
    return {k for k, e in entities.items() if e.schema.name != "Sanction"}


def sdn_list(*entries: str, count: int | None = None, date: str = "01/08/2026") -> bytes:
    """A small sdnList document in the Sanctions List Service namespace."""
    declared = len(entries) if count is None else count
    return (
        f'<?xml version="1.0" standalone="yes"?>\n<sdnList xmlns="{NEW_NS.decode()}">\n'
        f"<publshInformation><Publish_Date>{date}</Publish_Date>"
        f"<Record_Count>{declared}</Record_Count></publshInformation>\n"
        + "\n".join(entries)
        + "\n</sdnList>\n"
    ).encode()


ENTRY = (
    "<sdnEntry><uid>9639</uid><firstName>Ismail</firstName><lastName>HANIYA</lastName>"
    "<sdnType>Individual</sdnType><programList><program>NS-PLC</program></programList>"
    "</sdnEntry>"
)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- the real consolidated list ----------------------------------------------------------


def test_consolidated_counts_and_date(shared_data: Path) -> None:
    parsed, entities = parse_xml(shared_data / OFAC / "cons_non_sdn_2026-01-08.xml")
    assert (parsed.list_name, str(parsed.published)) == ("ofac_cons", "2026-01-08")
    assert Counter(e.schema.name for e in entities.values()) == {
        "LegalEntity": 363,
        "Person": 79,
        "Sanction": 442,
    }


def test_consolidated_records(shared_data: Path) -> None:
    _, entities = parse_xml(shared_data / OFAC / "cons_non_sdn_2026-01-08.xml")
    haniya = entities["ofac-9639"]
    assert haniya.get("name") == ["Ismail Abdul Salah HANIYA"]
    assert (haniya.get("firstName"), haniya.get("lastName")) == (["Ismail Abdul Salah"], ["HANIYA"])
    assert set(haniya.get("alias")) == {"Ismail HANIYA", "Ismaeel HANIYYA"}
    assert (haniya.get("birthDate"), haniya.get("birthPlace")) == (["1962"], ["Shati"])
    assert entities["ofac-9639-sanction"].get("program") == ["NS-PLC"]
    sberbank = entities["ofac-17018"]
    assert sberbank.get("innCode") == ["7707083893"]
    assert sberbank.get("ogrnCode") == ["1027700132195"]
    assert sberbank.get("swiftBic") == ["SABRRUMM"]
    assert set(sberbank.get("weakAlias")) == {"SBERBANK INDIA", "SBERBANK MUMBAI"}
    # uid 17064 writes the country into the number: "1026303117642 (Russia)".
    assert entities["ofac-17064"].get("ogrnCode") == ["1026303117642"]
    assert entities["ofac-17064"].get("okpoCode") == ["33556474"]


def test_same_uid_same_entity_in_xml_and_csv(shared_data: Path) -> None:
    """The consolidated list as XML (2026-01-08) and as CSV (2025-12-19): same records,
    same ids, and the same names and schemas for every one of them."""
    _, xml = parse_xml(shared_data / OFAC / "cons_non_sdn_2026-01-08.xml")
    csv = parse_csv(shared_data / OFAC / "non_sdn_cons_2025-12-19")
    assert targets(xml) == targets(csv)
    assert len(targets(xml)) == 442
    for key in targets(xml):
        assert xml[key].schema == csv[key].schema, key
        assert xml[key].get("name") == csv[key].get("name"), key
    assert set(xml["ofac-9639"].get("alias")) == set(csv["ofac-9639"].get("alias"))


# --- the old-namespace fixture -----------------------------------------------------------


def test_old_namespace_fixture_every_field() -> None:
    parsed, entities = parse_xml(OLD_NAMESPACE)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_sdn", "2024-03-14")
    person = entities["ofac-900101"]
    assert person.get("name") == ["Erlan Bolatovich KASYMOV"]
    assert person.get("position") == ["General Director"]
    assert person.get("birthDate") == ["1978-03-12", "1977"]
    assert (person.get("nationality"), person.get("citizenship")) == (["kz"], ["ru"])
    assert person.get("gender") == ["male"]
    assert person.get("innCode") == ["771234567859"]
    assert person.get("passportNumber") == ["N12345678"]
    assert person.get("weakAlias") == ["Erik KASYM"]  # weak akas come "LAST, First"
    assert "Linked To: STEPPE BRIDGE TRADING LLP" in person.get("notes")
    company = entities["ofac-900102"]
    assert company.schema.name == "LegalEntity"
    assert company.get("innCode") == ["7701234560"]
    assert company.get("okpoCode") == ["12345678"]
    assert company.get("registrationNumber") == ["220540012343"]
    assert "ТОО СТЕПНОЙ МОСТ" in company.get("alias")
    assert company.get("address") == [
        "Dostyk Avenue 5, Office 12, Almaty, Almaty Region 050010, Kazakhstan"
    ]
    assert sorted(entities["ofac-900102-sanction"].get("program")) == [
        "RUSSIA-EO14024",
        "UKRAINE-EO13662",
    ]
    vessel = entities["ofac-900103"]
    assert vessel.get("imoNumber") == ["IMO9876543"]
    assert vessel.get("mmsi") == ["273123456"]
    assert (vessel.get("flag"), vessel.get("pastFlags")) == (["ru"], ["pa"])
    assert vessel.get("grossRegisteredTonnage") == ["42000"]
    assert "Owner STEPPE BRIDGE TRADING LLP" in vessel.get("notes")
    assert entities["ofac-900104"].schema.name == "Airplane"
    assert entities["ofac-900104"].get("model") == ["IL-76TD"]


def test_fixture_xml_and_csv_agree_property_by_property() -> None:
    """The same four records written as sdn.xml and as the CSV set parse to the same
    entities; only the Cyrillic alias is missing from the (ASCII-only) CSV."""
    _, xml = parse_xml(OLD_NAMESPACE)
    csv = parse_csv(FIXTURES / "sdn_csv_2024-03-14")
    assert set(xml) == set(csv)
    for key, entity in xml.items():
        left, right = entity.to_dict()["properties"], csv[key].to_dict()["properties"]
        if key == "ofac-900102":
            assert left.pop("alias") == ["ТОО СТЕПНОЙ МОСТ"]
        assert {p: sorted(v) for p, v in left.items()} == {
            p: sorted(v) for p, v in right.items()
        }, key


@pytest.mark.parametrize(
    ("name", "list_name"),
    [
        ("sdn.xml", "ofac_sdn"),
        ("SDN.XML", "ofac_sdn"),
        ("consolidated.xml", "ofac_cons"),
        ("CONSOLIDATED.XML", "ofac_cons"),
    ],
)
def test_list_name_follows_the_file_name(tmp_path: Path, name: str, list_name: str) -> None:
    path = tmp_path / name
    shutil.copy(OLD_NAMESPACE, path)
    assert OfacSdnXml().open(path).list_name == list_name


def test_identifier_with_bad_check_digit_is_not_lost() -> None:
    vessel = make_entity("Vessel", "ofac-1")
    apply_ofac_field(vessel, "Vessel Registration Identification", "IMO 9876540")
    assert vessel.get("imoNumber") == []
    assert vessel.get("registrationNumber") == ["IMO 9876540"]
    assert vessel.get("notes") == ["Vessel Registration Identification IMO 9876540"]


# --- sniffing ----------------------------------------------------------------------------


def test_sniff(tmp_path: Path, shared_data: Path) -> None:
    fmt = OfacSdnXml()
    assert fmt.sniff(OLD_NAMESPACE, OLD_NAMESPACE.read_bytes()[:8192])
    assert fmt.sniff(tmp_path / "x.xml", sdn_list(ENTRY))
    assert fmt.sniff(tmp_path / "x.xml", b'<o:sdnList xmlns:o="http://tempuri.org/sdnList.xsd">')
    assert not fmt.sniff(tmp_path / "x.xml", b'<Sanctions xmlns="http://www.un.org/sanctions/1.0">')
    assert not fmt.sniff(tmp_path / "x.xml", b"<CONSOLIDATED_LIST><INDIVIDUALS>")
    assert not fmt.sniff(tmp_path / "x.xml", b"<sdnListing>")
    path = shared_data / OFAC / "cons_non_sdn_2026-01-08.xml"
    assert detect_format(path).name == "ofac-sdn-xml"


# --- bad input ---------------------------------------------------------------------------


def test_truncated_real_file_names_file_and_line(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / OFAC / "cons_non_sdn_2026-01-08.xml").read_bytes()
    path = write(tmp_path, "consolidated.xml", data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"consolidated\.xml:\d+: malformed XML"):
        list(OfacSdnXml().open(path).entities)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"sdn\.xml: file is empty"),
        (sdn_list(ENTRY).replace(b"</uid>", b"</id>"), r"sdn\.xml:\d+: malformed XML"),
        (b"<other><x/></other>", r"sdn\.xml: root element is not <sdnList>"),
        (sdn_list(count=0), r"sdn\.xml: holds no <sdnEntry>"),
        (sdn_list(ENTRY, count=2), r"Record_Count says 2 entries but the file holds 1"),
        (sdn_list(ENTRY, date="2026-13-45"), r"Publish_Date '2026-13-45' is not a date"),
        (sdn_list(ENTRY.replace("9639", "")), r"sdn\.xml:\d+: sdnEntry uid None"),
        (sdn_list(ENTRY.replace("Individual", "Ship")), r"sdnType 'Ship' is unknown"),
        (
            sdn_list(ENTRY.replace("<lastName>HANIYA</lastName>", "").replace("Ismail", "")),
            "no lastName",
        ),
        # An external entity is neither fetched nor expanded (no XXE): the list is just empty.
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sdnList>&e;</sdnList>',
            "no <sdnEntry>",
        ),
    ],
)
def test_bad_input_names_the_file(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "sdn.xml", data)
    with pytest.raises(CorridorError, match=message):
        list(OfacSdnXml().open(path).entities)


# --- fuzzing -----------------------------------------------------------------------------


def _only_corridor_errors(path: Path) -> None:
    with contextlib.suppress(CorridorError):
        list(OfacSdnXml().open(path).entities)


def test_fuzz_random_bytes(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("ofac-xml-random")

    @FUZZ
    @given(data=st.binary(max_size=512))
    def check(data: bytes) -> None:
        _only_corridor_errors(write(folder, "sdn.xml", data))

    check()


def test_fuzz_mutated_fixture(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("ofac-xml-mutated")
    data = OLD_NAMESPACE.read_bytes()

    @FUZZ
    @given(
        start=st.integers(0, len(data)),
        stop=st.integers(0, len(data)),
        junk=st.sampled_from([b"", b"<", b"</sdnEntry>", b"<uid>x</uid>", b"\xff", b"&amp;"])
        | st.binary(max_size=16),
    )
    def check(start: int, stop: int, junk: bytes) -> None:
        _only_corridor_errors(write(folder, "sdn.xml", data[:start] + junk + data[stop:]))

    check()
