"""UK lists: OFSI's ConList CSV (2018 and 2022 layouts) and the FCDO UK Sanctions List (CSV, XML).

The FCDO fixture (tests/fixtures/uk/UK-Sanctions-List.{csv,xml}) is one made-up list written
in both official layouts, so the two parsers can be held to the same result.
"""

from __future__ import annotations

import contextlib
import gzip
from collections import Counter
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.sources import ParsedEntity, ParsedList, detect_format
from corridor.sources.uk import FCDO_XML, FORMATS, FcdoCsv, OfsiConListCsv, uk_birth_date

OFSI, FCDO = FORMATS
CONLIST_2018 = "sanctions/uk/ofsi_conlist_2018-04-13.csv.gz"
#: The 2022-format ConList header (36 columns), as OFSI publishes it.
CONLIST_2022_HEADER = (
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,"
    "Non-Latin Script Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,"
    "Nationality,Passport Number,Passport Details,National Identification Number,"
    "National Identification Details,Position,Address 1,Address 2,Address 3,Address 4,"
    "Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,"
    "Alias Quality,Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID"
)


def conlist_2022(non_latin: str = "ПЕТРОВ Иван") -> str:
    """A small 2022-format ConList: primary name, variation, a low-quality AKA, an FKA, a Ship."""
    rows = [
        "PETROV,Ivan,Sergeevich,,,,,,,,00/00/1970,Omsk,Russia,Russia,750012345,"
        "Russian passport,,,Director,,,,,,,,,,Individual,Primary name,,Russia,16/03/2022,"
        "16/03/2022,28/02/2023,15001",
        f"PETROV,Ivan,,,,,,{non_latin},Cyrillic,Russian,00/00/1970,,,,,,,,,,,,,,,,,,"
        "Individual,Primary name variation,,Russia,16/03/2022,16/03/2022,28/02/2023,15001",
        "PETROFF,Ivan,,,,,,,,,00/00/1970,,,,,,,,,,,,,,,,,,Individual,AKA,Low quality,Russia,"
        "16/03/2022,16/03/2022,28/02/2023,15001",
        "CAFÉ BOREAL LLC,,,,,,,,,,,,,,,,,,,,,,,,,,,,Entity,FKA,,Russia,16/03/2022,,,15002",
        "BOREAL TRADING LLC,,,,,,,,,,,,,,,,,,,,,,,,,,,,Entity,Primary name,Good quality,"
        "Russia,16/03/2022,,,15002",
        "OCEAN STAR,,,,,,,,,,,,,,,,,,,,,,,,,,,IMO 9123465,Ship,Primary name,,Russia,"
        "09/05/2023,,,15003",
    ]
    return "\r\n".join(["Last Updated,28/02/2023", CONLIST_2022_HEADER, *rows, ""])


@pytest.fixture
def fcdo_csv(fixtures: Path) -> Path:
    return fixtures / "uk" / "UK-Sanctions-List.csv"


@pytest.fixture
def fcdo_xml(fixtures: Path) -> Path:
    return fixtures / "uk" / "UK-Sanctions-List.xml"


def items(parsed: ParsedList) -> dict[str, ParsedEntity]:
    return {e.entity.id: e for e in parsed.entities if e.entity.id}


def load(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {key: item.entity for key, item in items(parsed).items()}


# ---------------------------------------------------------------- OFSI ConList


def test_ofsi_2018_conlist(shared_data: Path) -> None:
    path = shared_data / CONLIST_2018
    assert detect_format(path) is OFSI
    parsed = OFSI.open(path)
    found = items(parsed)
    assert (parsed.list_name, parsed.source, str(parsed.published)) == (
        "gb_hmt",
        "uk",
        "2018-04-13",
    )
    assert parsed.notes == {"rows": 9487}
    kinds = Counter(e.entity.schema.name for e in found.values())
    assert kinds == {"Sanction": 2106, "Person": 1426, "Organization": 680}
    assert sum(e.is_target for e in found.values()) == 2106

    qahtani = found["gb-hmt-13349"]
    assert qahtani.record_id == "13349"
    person = qahtani.entity
    # The 2018 file repeats each name once per date of birth; the first prime alias is the name.
    assert person.get("name") == ["Nayef Salam Muhammad Ujaym AL-HABABI"]
    assert {"Faruq AL-QAHTANI", "Sheikh Farooq AL-QAHTANI"} <= set(person.get("alias"))
    assert set(person.get("birthDate")) == {"1980", "1981"}  # "00/00/1980"
    assert set(person.get("nationality")) == {"sa", "qa"}  # "1) Saudi Arabia 2) Qatar"
    assert person.get("passportNumber") == ["592667"]  # out of "Passport No: 592667 (...)"
    sanction = found["gb-hmt-13349-sanction"].entity
    assert sanction.get("authority") == ["UK HM Treasury (OFSI)"]
    assert sanction.get("program") == ["The ISIL (Da'esh) and Al-Qaida organisations"]
    assert sanction.get("listingDate") == ["2016-04-01"]
    assert sanction.get("entity") == ["gb-hmt-13349"]

    # "(1) A-333602 (Indian) issued on 4 June 1985 in Bombay ... (14) KC-285901": 14 numbers.
    kaskar = found["gb-hmt-7863"].entity
    assert len(kaskar.get("passportNumber")) == 14
    assert {"A-333602", "KC-285901"} <= set(kaskar.get("passportNumber"))
    assert found["gb-hmt-10894"].entity.get("previousName") == [
        "CHANGGWANG CREDIT BANK",
        "KOREA CHANGGWANG CREDIT BANK",
    ]


def test_ofsi_2022_layout_utf8(tmp_path: Path) -> None:
    """The 2022 layout adds non-Latin names, which Windows-1252 cannot hold: read as UTF-8."""
    path = tmp_path / "ConList.csv"
    path.write_text(conlist_2022(), encoding="utf-8")
    assert detect_format(path) is OFSI
    parsed = OFSI.open(path)
    entities = load(parsed)
    assert str(parsed.published) == "2023-02-28"
    person = entities["gb-hmt-15001"]
    assert person.get("name") == ["Ivan Sergeevich PETROV"]
    assert set(person.get("alias")) == {"Ivan PETROV", "ПЕТРОВ Иван"}
    assert person.get("weakAlias") == ["Ivan PETROFF"]
    assert person.get("passportNumber") == ["750012345"]
    assert person.get("notes") == ["Russian passport"]
    assert (person.get("birthDate"), person.get("position")) == (["1970"], ["Director"])
    company = entities["gb-hmt-15002"]
    assert company.get("name") == ["BOREAL TRADING LLC"]
    assert company.get("previousName") == ["CAFÉ BOREAL LLC"]
    ship = entities["gb-hmt-15003"]
    assert (ship.schema.name, ship.get("imoNumber")) == ("Vessel", ["IMO9123465"])
    assert entities["gb-hmt-15001-sanction"].get("startDate") == ["2022-03-16"]


def test_ofsi_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(conlist_2022(non_latin="").encode("cp1252"))
    company = load(OFSI.open(path))["gb-hmt-15002"]
    assert company.get("previousName") == ["CAFÉ BOREAL LLC"]


# ---------------------------------------------------------------- FCDO UK Sanctions List


def test_fcdo_csv_fixture(fcdo_csv: Path) -> None:
    assert detect_format(fcdo_csv) is FCDO
    parsed = FCDO.open(fcdo_csv)
    found = items(parsed)
    assert (parsed.list_name, parsed.format, str(parsed.published)) == (
        "gb_fcdo",
        "uk-fcdo-csv",
        "2026-11-01",
    )
    targets = Counter(e.entity.schema.name for e in found.values() if e.is_target)
    assert targets == {"Person": 2, "Organization": 3, "Vessel": 1}
    others = Counter(e.entity.schema.name for e in found.values() if not e.is_target)
    assert others == {"Sanction": 6, "Organization": 3, "Ownership": 3}
    assert found["gb-fcdo-rus9001"].record_id == "RUS9001"
    check_fcdo_entities({key: item.entity for key, item in found.items()})


def check_fcdo_entities(entities: dict[str, EntityProxy]) -> None:
    """What both FCDO layouts must yield for the fixture list."""
    person = entities["gb-fcdo-rus9001"]
    assert person.get("name") == ["Daniyar Maratovich ISKAKOV"]
    assert set(person.get("alias")) == {
        "Daniar Maratovich ISKAKOV",  # "Primary name variation"
        "Искаков Данияр Маратович",  # non-Latin, Russian
        "Ысқақов Данияр Маратұлы",  # non-Latin, Kazakh
    }
    assert person.get("weakAlias") == ["Daniiar YSKAKOV"]  # "Low quality a.k.a"
    assert person.get("passportNumber") == ["N11223344"]
    assert person.get("idNumber") == ["790203300123"]
    assert (person.get("birthDate"), person.get("nationality")) == (["1979-02-03"], ["kz"])
    assert (person.get("gender"), person.get("birthPlace")) == (["male"], ["Shymkent"])
    sanction = entities["gb-fcdo-rus9001-sanction"]
    assert sanction.get("authority") == ["UK Foreign, Commonwealth & Development Office (FCDO)"]
    assert sanction.get("program") == ["The Russia (Sanctions) (EU Exit) Regulations 2019"]
    assert sanction.get("listingDate") == ["2025-09-15"]
    assert set(sanction.get("authorityId")) == {"RUS9001", "16999"}  # the FCDO and OFSI ids
    assert "Trust services sanctions" in sanction.get("provisions")

    company = entities["gb-fcdo-rus9002"]
    assert (company.get("ogrnCode"), company.get("innCode")) == (["1227700456785"], ["7709123453"])
    assert company.get("weakAlias") == ["MTK"]
    assert "ООО «Микротех Компонент»" in company.get("alias")
    assert len(company.get("address")) == 2
    assert set(company.get("email")) == {"info@mikrotekh.example", "sales@mikrotekh.example"}
    parent = entities["gb-fcdo-rus9002-parent-" + entities_key(entities, "ROSTEKHMASH JSC")]
    assert parent.get("asset") == ["gb-fcdo-rus9002"]

    # A Kazakh BIN under the Russia regime is not a Russian INN: it stays generic.
    kazakh = entities["gb-fcdo-rus9004"]
    assert (kazakh.get("registrationNumber"), kazakh.get("innCode")) == (["BIN 210540012345"], [])
    assert "«Дала қақпасы трейдинг» ЖШС" in kazakh.get("alias")
    syrian = entities["gb-fcdo-syr9001"]
    assert (syrian.get("registrationNumber"), syrian.get("ogrnCode")) == (["CR 4471-2019"], [])

    ship = entities["gb-fcdo-rus9003"]
    assert (ship.get("imoNumber"), ship.get("flag")) == (["IMO9273416"], ["ga"])
    assert (set(ship.get("pastFlags")), ship.get("buildDate")) == ({"lr", "pa"}, ["2004"])
    owner_id = "gb-fcdo-rus9003-owner-" + entities_key(entities, "WANDERER MARITIME LTD")
    assert entities[owner_id].get("asset") == ["gb-fcdo-rus9003"]

    korean = entities["gb-fcdo-dpr9001"]
    assert korean.get("alias") == ["Chol-min PAK", "박철민"]
    assert set(korean.get("birthDate")) == {"1968-05", "1969"}  # "dd/05/1968", "dd/mm/1969"
    assert entities["gb-fcdo-dpr9001-sanction"].get("unscId") == ["KPi.099"]


def entities_key(entities: dict[str, EntityProxy], name: str) -> str:
    """The digest part of the id of the named (non-listed) company called ``name``."""
    found = [k for k, e in entities.items() if e.get("name", quiet=True) == [name]]
    assert len(found) == 1, name
    return found[0].rsplit("-", 1)[-1]


def test_fcdo_xml_fixture(fcdo_xml: Path) -> None:
    detected = detect_format(fcdo_xml)
    assert detected is FCDO  # reached through the CSV format until FCDO_XML is registered
    assert FCDO_XML.sniff(fcdo_xml, fcdo_xml.read_bytes()[:8192])
    parsed = detected.open(fcdo_xml)
    entities = load(parsed)
    assert (parsed.list_name, parsed.format, str(parsed.published)) == (
        "gb_fcdo",
        "uk-fcdo-xml",
        "2026-11-01",
    )
    assert parsed.notes == {"designations": 6}
    check_fcdo_entities(entities)


def test_fcdo_csv_and_xml_agree(fcdo_csv: Path, fcdo_xml: Path) -> None:
    """Both official serialisations of one list give the same entities and the same names."""
    from_csv, from_xml = load(FCDO.open(fcdo_csv)), load(FCDO_XML.open(fcdo_xml))
    assert set(from_csv) == set(from_xml)
    for key, entity in from_csv.items():
        for prop in ("name", "alias", "weakAlias", "birthDate", "imoNumber", "innCode"):
            assert set(entity.get(prop, quiet=True)) == set(from_xml[key].get(prop, quiet=True))


def test_fcdo_without_report_date_row(tmp_path: Path, fcdo_csv: Path) -> None:
    """A re-export that drops row 1 still loads (its header also says "Last Updated")."""
    lines = fcdo_csv.read_bytes().split(b"\r\n")
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(b"\r\n".join(lines[1:]))
    assert detect_format(path) is FCDO
    parsed = FCDO.open(path)
    assert sum(e.is_target for e in parsed.entities) == 6 and parsed.published is None


def test_fcdo_placeholders_are_no_values(tmp_path: Path) -> None:
    """ "Unknown" is what the FCDO writes for a website or owner it does not know."""
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(
        "Report Date: 01-Nov-2026\n"
        "Unique ID,Name 6,Name type,Designation Type,Website,"
        "Current owner/operator (s),IMO number\n"
        "RUS9101,NORD STAR,Primary name,Ship,Unknown,Unknown,IMO 9123465\n",
        encoding="utf-8",
    )
    found = load(FCDO.open(path))
    assert list(found) == ["gb-fcdo-rus9101", "gb-fcdo-rus9101-sanction"]
    assert found["gb-fcdo-rus9101"].get("imoNumber") == ["IMO9123465"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("24/11/1974", "1974-11-24"),
        ("00/00/1980", "1980"),
        ("00/05/1980", "1980-05"),
        ("dd/mm/1950", "1950"),
        ("dd/08/1955", "1955-08"),
        ("1961", "1961"),
        ("", None),
        ("circa 1960", None),
    ],
)
def test_uk_birth_dates(text: str, iso: str | None) -> None:
    assert uk_birth_date(text) == iso


# ---------------------------------------------------------------- bad input


def test_truncated_real_gzip_names_the_file(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / CONLIST_2018).read_bytes()
    path = tmp_path / "ofsi_conlist.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"ofsi_conlist\.csv\.gz: .*truncated"):
        list(OFSI.open(path).entities)


def test_truncated_csv_names_the_line(tmp_path: Path, fcdo_csv: Path) -> None:
    data = fcdo_csv.read_bytes()
    path = tmp_path / "UK-Sanctions-List.csv"
    cut = data.index(b"RUS9002") + 40  # inside line 7, the first row of RUS9002
    path.write_bytes(data[:cut])
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.csv:\d+: \d+ fields; expected 58"):
        list(FCDO.open(path).entities)


def test_truncated_xml_names_the_line(tmp_path: Path, fcdo_xml: Path) -> None:
    data = fcdo_xml.read_bytes()
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.xml:\d+: malformed XML"):
        list(FCDO.open(path).entities)


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        (
            FCDO,
            "Report Date: 01-Nov-2026\nUnique ID,Name 6,Designation Type\n",
            r"list\.csv:2: missing column\(s\) name type",
        ),
        (
            OFSI,
            "Last Updated,13/04/2018\nName 6,Group Type,Alias Type,Regime\n",
            r"list\.csv:2: missing column\(s\) group id",
        ),
        (
            FCDO,
            "Report Date: 01-Nov-2026\nUnique ID,Name 6,Name type\nA1,X,Primary name\n",
            r"list\.csv:2: missing column\(s\) designation type",
        ),
        (
            FCDO,
            "Report Date: 01-Nov-2026\nUnique ID,Name 6,Name type,Designation Type\n"
            "A1,X,Primary name,Entity\nA2,Y,Primary name,Aircraft\n",
            r"list\.csv:4: subject 'A2' has type 'Aircraft'; expected Individual, Entity or Ship",
        ),
        (
            FCDO,
            "Report Date: 01-Nov-2026\nUnique ID,Name 6,Name type,Designation Type\n"
            "A1,,Primary name,Entity\n",
            r"list\.csv:3: subject 'A1' has no name",
        ),
        (
            FCDO,
            "Report Date: 01-Nov-2026\nUnique ID,Name 6,Name type,Designation Type\n"
            ",X,Primary name,Entity\n",
            r"list\.csv:3: row without a subject id",
        ),
        (
            OFSI,
            "Last Updated,yesterday\nName 6,Group Type,Alias Type,Regime,Group ID\n",
            r"list\.csv:1: first row .* holds no date",
        ),
        (FCDO, "Report Date: 01-Nov-2026\n", r"list\.csv:2: no header row"),
    ],
)
def test_bad_csv_is_located(
    tmp_path: Path, fmt: OfsiConListCsv | FcdoCsv, text: str, message: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorridorError, match=message):
        list(fmt.open(path).entities)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<Designations><Designation><UniqueID>A1</UniqueID>"
            "<IndividualEntityShip>Aircraft</IndividualEntityShip></Designation></Designations>",
            r"list\.xml:1: subject 'A1' has type 'Aircraft'",
        ),
        (
            "<Designations>\n<Designation><RegimeName>Russia</RegimeName></Designation>\n"
            "</Designations>",
            r"list\.xml:2: <Designation> without <UniqueID>",
        ),
        ("<Designations><DateGenerated>01/11/2026</DateGenerated></Designations>", "no <Desig"),
        ("<Designations><Designation>", r"list\.xml:1: malformed XML"),
    ],
)
def test_bad_xml_is_located(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "list.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorridorError, match=message):
        list(FCDO_XML.open(path).entities)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(b"")
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.csv: file is empty"):
        list(FCDO.open(path).entities)


def test_fcdo_cp1251_names_the_line(tmp_path: Path, fcdo_csv: Path) -> None:
    """The FCDO file is UTF-8; a Windows-Cyrillic copy fails on its first Cyrillic row."""
    text = fcdo_csv.read_bytes().decode("utf-8-sig")
    first = next(n for n, line in enumerate(text.split("\r\n"), 1) if "Искаков" in line)
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(text.encode("cp1251", errors="replace"))
    with pytest.raises(
        CorridorError, match=rf"UK-Sanctions-List\.csv:{first}: byte 0x\w\w is not valid utf-8"
    ):
        list(FCDO.open(path).entities)


# ---------------------------------------------------------------- fuzzing


def parse_all(path: Path) -> None:
    """Sniff and parse ``path`` as every UK format; only CorridorError may escape."""
    with contextlib.suppress(CorridorError):
        detect_format(path, "uk")
    for fmt in (*FORMATS, FCDO_XML):
        with contextlib.suppress(CorridorError):
            for _ in fmt.open(path).entities:
                pass


FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    parse_all(path)


@pytest.fixture(scope="module")
def samples() -> list[bytes]:
    """The fixture list in both layouts, a 2022 ConList, and the head of the real 2018 file."""
    fixtures = Path(__file__).parent.parent / "fixtures" / "uk"
    found = [
        (fixtures / name).read_bytes()
        for name in ("UK-Sanctions-List.csv", "UK-Sanctions-List.xml")
    ]
    found.append(conlist_2022().encode("utf-8"))
    real = Path(__file__).parents[3] / "shared" / "data" / CONLIST_2018
    if real.exists():
        found.append(b"\r\n".join(gzip.decompress(real.read_bytes()).split(b"\r\n")[:60]))
    return found


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_slices(tmp_path: Path, samples: list[bytes], data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(samples))
    start = data.draw(st.integers(0, len(original)))
    stop = data.draw(st.integers(start, len(original)))
    junk = data.draw(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from([b",,,,,", b'"unclosed', b"\r\n", b"<Designation>", b"\xd0"]),
        )
    )
    path = tmp_path / "fuzz.csv"
    path.write_bytes(original[:start] + junk + original[stop:])
    parse_all(path)
