"""OFAC's Advanced Sanctions Data Standard XML: the real cons_advanced snapshot, a fixture
with every kind of reference, streaming, bad input and fuzzing."""

from __future__ import annotations

import contextlib
import gzip
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from corridor.errors import CorridorError
from corridor.sources import ParsedList, detect_format, ofac_advanced
from corridor.sources.inputs import local_name, release
from corridor.sources.ofac_advanced import OfacAdvancedXml
from corridor.sources.ofac_csv import OfacCsv

OFAC = Path("sanctions/ofac")
REAL = OFAC / "cons_advanced_2020-03-17.xml.gz"
SAMPLE = Path(__file__).parents[1] / "fixtures" / "ofac" / "sdn_advanced_sample.xml"
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


@cache
def parse(path: Path) -> tuple[ParsedList, dict[str, EntityProxy]]:
    parsed = OfacAdvancedXml().open(path)
    return parsed, {e.entity.id: e.entity for e in parsed.entities if e.entity.id}


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- the real consolidated list, 2020 ---------------------------------------------------


def test_real_counts_and_date(shared_data: Path) -> None:
    parsed, entities = parse(shared_data / REAL)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_cons", "2020-03-17")
    assert parsed.notes == {}  # every reference resolves
    assert Counter(e.schema.name for e in entities.values()) == {
        "Sanction": 375,
        "LegalEntity": 293,
        "Person": 82,
        "UnknownLink": 276,  # ProfileRelationships: "Owned or Controlled By"
    }


def test_real_records(shared_data: Path) -> None:
    _, entities = parse(shared_data / REAL)
    haniya = entities["ofac-9639"]
    assert haniya.get("name") == ["Ismail Abdul Salah HANIYA"]
    assert (haniya.get("firstName"), haniya.get("lastName")) == (["Ismail Abdul Salah"], ["HANIYA"])
    assert set(haniya.get("alias")) == {"Ismail HANIYA", "Ismaeel HANIYYA"}
    assert haniya.get("birthDate") == ["1962"]  # a period 1962-01-01..1962-12-31
    assert haniya.get("birthPlace") == ["Shati"]
    sanction = entities["ofac-9639-sanction"]
    assert sanction.get("program") == ["NS-PLC"]
    assert sanction.get("listingDate") == ["2006-04-12"]  # the earliest of its entries
    assert sanction.get("provisions") == ["Reject"]
    assert set(sanction.get("summary")) == {
        "Consolidated List",
        "Non-SDN Palestinian Legislative Council List",
    }
    sberbank = entities["ofac-17018"]
    assert sberbank.get("swiftBic") == ["SABRRUMM"]
    assert sberbank.get("address") == ["19 ul. Vavilova, Moscow 117997, Russia"]
    assert entities["ofac-17018-sanction"].get("provisions") == ["13662 Sectoral Directive 1"]
    link = entities["ofac-relation-2211"]
    assert (link.get("subject"), link.get("object")) == (["ofac-18267"], ["ofac-17022"])
    assert link.get("role") == ["Owned or Controlled By"]


def test_real_russian_identifiers(shared_data: Path) -> None:
    _, entities = parse(shared_data / REAL)
    counts = Counter(
        p for e in entities.values() for p in ("innCode", "ogrnCode") if e.get(p, quiet=True)
    )
    assert counts["innCode"] > 30
    assert counts["ogrnCode"] > 60


def test_same_party_same_id_as_csv(shared_data: Path) -> None:
    """FixedRef is the CSV's ent_num: parties still listed in 2025 keep their id."""
    _, advanced = parse(shared_data / REAL)
    csv = {
        e.entity.id: e.entity
        for e in OfacCsv().open(shared_data / OFAC / "non_sdn_cons_2025-12-19").entities
    }
    people = [k for k, e in advanced.items() if e.schema.name == "Person"]
    assert len(set(advanced) & set(csv)) > 600  # entities and their Sanctions
    assert all(advanced[k].get("name") == csv[k].get("name") for k in people if k in csv)


# --- the fixture -------------------------------------------------------------------------


def test_fixture_every_reference_resolved() -> None:
    parsed, entities = parse(SAMPLE)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_sdn", "2026-02-03")
    bank = entities["ofac-900201"]
    assert bank.schema.name == "LegalEntity"
    assert bank.get("name") == ["NORTHERN RIVER BANK"]  # the Latin name of the primary alias
    assert set(bank.get("alias")) == {"СЕВЕРНЫЙ РЕЧНОЙ БАНК", "NRB"}
    assert bank.get("previousName") == ["NORTHERN RIVER BANK OAO"]
    assert bank.get("innCode") == ["7701234560"]
    assert bank.get("ogrnCode") == ["1027700000008"]
    assert bank.get("swiftBic") == ["NRBKRUMM"]
    assert bank.get("incorporationDate") == ["1991-08-20"]
    assert bank.get("address") == ["19 Vavilova St., Moscow 117312, Russia"]
    assert "Executive Order 13662 Directive Determination - Subject to Directive 1" in bank.get(
        "notes"
    )
    sanction = entities["ofac-900201-sanction"]
    assert sanction.get("program") == ["RUSSIA-EO14024"]
    assert sanction.get("listingDate") == ["2022-02-24"]
    assert sanction.get("reason") == ["Executive Order 14024 (Russia)"]
    assert sanction.get("provisions") == ["Block"]
    person = entities["ofac-900202"]
    assert person.get("name") == ["Erlan Bolatovich KASYMOV"]
    assert (person.get("firstName"), person.get("middleName")) == (["Erlan"], ["Bolatovich"])
    assert person.get("weakAlias") == ["ERIK"]
    assert person.get("birthDate") == ["1978"]
    assert person.get("birthPlace") == ["Shymkent, Kazakhstan"]  # country from the area code
    assert person.get("nationality") == ["kz"]
    assert person.get("gender") == ["male"]
    assert person.get("passportNumber") == ["N12345678"]
    vessel = entities["ofac-900203"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO9876543"]
    assert (vessel.get("callSign"), vessel.get("flag")) == (["UBCD7"], ["pa"])
    link = entities["ofac-relation-7001"]
    assert (link.get("subject"), link.get("object")) == (["ofac-900203"], ["ofac-900201"])


def _date_period(low: str, high: str) -> etree._Element:
    def ymd(text: str) -> str:
        year, month, day = text.split("-")
        return f"<Year>{year}</Year><Month>{month}</Month><Day>{day}</Day>"

    return etree.fromstring(
        f"<DatePeriod><Start><From>{ymd(low)}</From><To>{ymd(low)}</To></Start>"
        f"<End><From>{ymd(high)}</From><To>{ymd(high)}</To></End></DatePeriod>"
    )


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("1973-09-28", "1973-09-28", ["1973-09-28"]),  # DOB 28 Sep 1973
        ("1978-03-01", "1978-03-31", ["1978-03"]),  # DOB Mar 1978
        ("1962-01-01", "1962-12-31", ["1962"]),  # DOB 1962
        ("1960-01-01", "1962-12-31", ["1960", "1962"]),  # DOB 1960 to 1962
        ("1960-05-03", "1960-06-07", ["1960-05-03", "1960-06-07"]),
    ],
)
def test_date_periods_keep_their_precision(low: str, high: str, expected: list[str]) -> None:
    assert ofac_advanced._period(_date_period(low, high)) == expected


def test_dangling_references_are_counted(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes().replace(b'FeatureTypeID="13"', b'FeatureTypeID="999"')
    parsed = OfacAdvancedXml().open(write(tmp_path, "sdn_advanced.xml", data))
    entities = {e.entity.id: e.entity for e in parsed.entities}
    assert parsed.notes == {"unresolved references": 1}
    assert "NRBKRUMM" in entities["ofac-900201"].get("notes")  # kept, label unknown


def test_parties_are_freed_as_they_are_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Bounded memory: once a DistinctParty is built, it and every party before it are
    freed; what the tree still holds is the parser's read-ahead, not the list so far."""
    party = SAMPLE.read_bytes().split(b"<DistinctParties>")[1].split(b"</DistinctParties>")[0]
    copies = b"".join(party.replace(b"9002", str(n).encode()) for n in range(1000, 1300))
    data = SAMPLE.read_bytes().replace(party, copies, 1)
    held: list[int] = []

    def watched(element: etree._Element) -> None:
        release(element)
        parent = element.getparent()
        if local_name(element) == "DistinctParty" and parent is not None:
            assert element.getprevious() is None and len(element) == 0
            held.append(len(parent))

    monkeypatch.setattr(ofac_advanced, "release", watched)
    parsed = OfacAdvancedXml().open(write(tmp_path, "sdn_advanced.xml", data))
    assert sum(e.is_target for e in parsed.entities) == 900
    assert len(held) == 2 * 900  # freed in both passes
    assert max(held) < 100  # 900 parties, at most a read-ahead buffer of them in memory


# --- sniffing ----------------------------------------------------------------------------


def test_sniff(tmp_path: Path, shared_data: Path) -> None:
    fmt = OfacAdvancedXml()
    assert fmt.sniff(SAMPLE, SAMPLE.read_bytes()[:8192])
    assert not fmt.sniff(tmp_path / "x.xml", b'<sdnList xmlns="http://tempuri.org/sdnList.xsd">')
    assert not fmt.sniff(tmp_path / "x.xml", b"<Sanctions><DateOfIssue>")
    assert detect_format(shared_data / REAL).name == "ofac-advanced-xml"


# --- bad input ---------------------------------------------------------------------------


def test_truncated_real_file_names_file_and_line(shared_data: Path, tmp_path: Path) -> None:
    data = gzip.decompress((shared_data / REAL).read_bytes())
    path = write(tmp_path, "cons_advanced.xml", data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"cons_advanced\.xml:\d+: malformed XML"):
        OfacAdvancedXml().open(path)


def test_truncated_gzip_is_refused(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / REAL).read_bytes()
    path = write(tmp_path, "cons_advanced.xml.gz", data[: len(data) // 2])
    with pytest.raises(
        CorridorError, match=r"cons_advanced\.xml\.gz: compressed data is truncated"
    ):
        OfacAdvancedXml().open(path)


HEAD = b'<Sanctions xmlns="http://www.un.org/sanctions/1.0">'
DATE = b"<DateOfIssue><Year>2026</Year><Month>2</Month><Day>3</Day></DateOfIssue>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"sdn_advanced\.xml: file is empty"),
        (HEAD + b"<DistinctParties/></Sanctions>", r"sdn_advanced\.xml: no DateOfIssue"),
        (HEAD + DATE.replace(b">2<", b">14<") + b"</Sanctions>", r":1: DateOfIssue is not a date"),
        (HEAD + DATE + b"<DistinctParties><DistinctParty>", r"sdn_advanced\.xml:1: malformed XML"),
        (
            HEAD + DATE + b'<DistinctParties><DistinctParty FixedRef="x"/></DistinctParties>'
            b"</Sanctions>",
            r"sdn_advanced\.xml:1: DistinctParty FixedRef 'x'",
        ),
        (
            HEAD + DATE + b'<DistinctParties><DistinctParty FixedRef="1"><Profile ID="1"/>'
            b"</DistinctParty></DistinctParties></Sanctions>",
            r"sdn_advanced\.xml:1: DistinctParty 1 has no name",
        ),
    ],
)
def test_bad_input_names_the_file(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "sdn_advanced.xml", data)
    with pytest.raises(CorridorError, match=message):
        list(OfacAdvancedXml().open(path).entities)


# --- fuzzing -----------------------------------------------------------------------------


def _only_corridor_errors(path: Path) -> None:
    with contextlib.suppress(CorridorError):
        list(OfacAdvancedXml().open(path).entities)


def test_fuzz_random_bytes(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("ofac-advanced-random")

    @FUZZ
    @given(data=st.binary(max_size=512))
    def check(data: bytes) -> None:
        _only_corridor_errors(write(folder, "sdn_advanced.xml", data))

    check()


def test_fuzz_mutated_fixture(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("ofac-advanced-mutated")
    data = SAMPLE.read_bytes()
    junks = [b"", b"<", b'ID="1"', b"<Year>99999999999999999999</Year>", b"</Profile>", b"\x00"]

    @FUZZ
    @given(
        start=st.integers(0, len(data)),
        stop=st.integers(0, len(data)),
        junk=st.sampled_from(junks) | st.binary(max_size=16),
    )
    def check(start: int, stop: int, junk: bytes) -> None:
        _only_corridor_errors(write(folder, "sdn_advanced.xml", data[:start] + junk + data[stop:]))

    check()


def test_fuzz_swapped_reference_ids(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Well-formed files whose references point anywhere: still only CorridorError."""
    folder = tmp_path_factory.mktemp("ofac-advanced-refs")
    data = SAMPLE.read_bytes()
    refs = [b'TypeID="1403"', b'TypeID="1520"', b'TypeID="8"', b'LocationID="2001"', b'ID="4"']

    @FUZZ
    @given(old=st.sampled_from(refs), new=st.sampled_from([b'ID=""', b'TypeID="1"', b'ID="x"']))
    def check(old: bytes, new: bytes) -> None:
        _only_corridor_errors(write(folder, "sdn_advanced.xml", data.replace(old, new)))

    check()
