"""OFAC's legacy CSV set: the real snapshots' counts (SOURCES.md section 1), the Remarks
mini-language, companion files, located errors on bad input, and fuzzing."""

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
from corridor.sources.ofac_csv import OfacCsv, parse_remarks, remarks_text

OFAC = Path("sanctions/ofac")
FIXTURE_SET = Path(__file__).parents[1] / "fixtures" / "ofac" / "sdn_csv_2024-03-14"
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
#: One real-looking primary row (SOURCES.md's example), CRLF and the Ctrl-Z end line.
PRIMARY_ROW = (
    b'15892,"PROKOPENKO, Ivan Pavlovitch","individual","MAGNIT] [RUSSIA-EO14024",-0- ,-0- ,'
    b'-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia;'
    b" Tax ID No. 773407989940 (Russia); a.k.a. 'PROKOPENKO Ivan'.\"\r\n"
)
EMPTY_COLUMNS = ",-0- " * 9


@cache
def parse(path: Path) -> tuple[ParsedList, dict[str, EntityProxy]]:
    """Parse once per test session: the 2024 SDN file takes a few seconds."""
    parsed = OfacCsv().open(path)
    return parsed, {e.entity.id: e.entity for e in parsed.entities if e.entity.id}


def schemata(entities: dict[str, EntityProxy]) -> Counter[str]:
    return Counter(e.schema.name for e in entities.values())


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- real snapshots ------------------------------------------------------------------


def test_sdn_2024_counts_match_sources_md(shared_data: Path) -> None:
    parsed, entities = parse(shared_data / OFAC / "sdn_2024-05-03.csv")
    assert (parsed.list_name, str(parsed.published)) == ("ofac_sdn", "2024-05-03")
    assert parsed.files == [shared_data / OFAC / "sdn_2024-05-03.csv"]
    assert schemata(entities) == {
        "LegalEntity": 6884,
        "Person": 6854,
        "Vessel": 851,
        "Airplane": 376,
        "Sanction": 14965,
    }
    # SOURCES.md counts 4,440 rows mentioning RUSSIA-EO14024; one of them is BPI-RUSSIA-EO14024.
    programs = [s.get("program") for s in entities.values() if s.schema.name == "Sanction"]
    assert sum(any("RUSSIA-EO14024" in p for p in ps) for ps in programs) == 4440
    assert sum("RUSSIA-EO14024" in ps for ps in programs) == 4439


def test_sdn_2024_prokopenko_remarks(shared_data: Path) -> None:
    _, entities = parse(shared_data / OFAC / "sdn_2024-05-03.csv")
    person = entities["ofac-15892"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["Ivan Pavlovitch PROKOPENKO"]
    assert (person.get("firstName"), person.get("lastName")) == (
        ["Ivan Pavlovitch"],
        ["PROKOPENKO"],
    )
    assert person.get("birthDate") == ["1973-09-28"]
    assert person.get("birthPlace") == ["Vinnitsa, Ukraine"]
    assert set(person.get("nationality")) == {"ru", "ua"}
    assert set(person.get("citizenship")) == {"ru", "ua"}
    assert person.get("gender") == ["male"]
    assert person.get("innCode") == ["773407989940"]
    sanction = entities["ofac-15892-sanction"]
    assert sanction.get("entity") == ["ofac-15892"]
    assert sanction.get("authority") == ["US OFAC"]
    assert sorted(sanction.get("program")) == ["MAGNIT", "RUSSIA-EO14024"]


def test_sdn_2024_vessels_aircraft_and_truncated_remarks(shared_data: Path) -> None:
    _, entities = parse(shared_data / OFAC / "sdn_2024-05-03.csv")
    vessels = [e for e in entities.values() if e.schema.name == "Vessel"]
    assert sum(bool(v.get("imoNumber")) for v in vessels) > 800
    assert all(imo.startswith("IMO") for v in vessels for imo in v.get("imoNumber"))
    aircraft = [e for e in entities.values() if e.schema.name == "Airplane"]
    assert sum(bool(a.get("model")) for a in aircraft) == 376
    # Sberbank's Remarks stop at OFAC's 1,000 characters and 2024 had no comments file:
    # what was read is kept, the cut-off tail stays a note rather than an error.
    sberbank = entities["ofac-17018"]
    assert sberbank.get("swiftBic") == ["SABRRUMM"]
    assert "Listing Date (EO 14024 Directive 3)" in sberbank.get("notes")


def test_consolidated_folder_joins_companions(shared_data: Path) -> None:
    parsed, entities = parse(shared_data / OFAC / "non_sdn_cons_2025-12-19")
    assert (parsed.list_name, str(parsed.published)) == ("ofac_cons", "2025-12-19")
    assert [p.name for p in parsed.files] == [
        "cons_prim.csv",
        "cons_add.csv",
        "cons_alt.csv",
        "cons_comments.csv",
    ]
    assert schemata(entities)["Sanction"] == 442
    haniya = entities["ofac-9639"]
    assert haniya.get("name") == ["Ismail Abdul Salah HANIYA"]
    assert set(haniya.get("alias")) == {"Ismail HANIYA", "Ismaeel HANIYYA"}
    assert haniya.get("birthDate") == ["1962"]
    assert haniya.get("birthPlace") == ["Shati"]
    assert entities["ofac-9639-sanction"].get("program") == ["NS-PLC"]
    # The identifiers are only in cons_comments.csv, the continuation of the Remarks.
    sberbank = entities["ofac-17018"]
    assert sberbank.get("innCode") == ["7707083893"]
    assert sberbank.get("ogrnCode") == ["1027700132195"]
    assert set(sberbank.get("weakAlias")) == {"SBERBANK INDIA", "SBERBANK MUMBAI"}
    assert "19 ul. Vavilova, Moscow 117312, Russia" in sberbank.get("address")
    # "Registration Numbe" + "r 1027700342890": the cut fell inside a word.
    agricultural = entities["ofac-17014"]
    assert agricultural.get("ogrnCode") == ["1027700342890"]
    assert agricultural.get("okpoCode") == ["52750822"]  # Government Gazette Number
    assert agricultural.get("weakAlias") == ["RUSAG"]


def test_primary_file_reads_its_companions(shared_data: Path) -> None:
    parsed, entities = parse(shared_data / OFAC / "non_sdn_cons_2025-12-19" / "cons_prim.csv")
    assert parsed.list_name == "ofac_cons"
    assert len(parsed.files) == 4
    assert set(entities["ofac-9639"].get("alias")) == {"Ismail HANIYA", "Ismaeel HANIYYA"}


def test_watchman_fixture(shared_data: Path) -> None:
    parsed, entities = parse(shared_data / OFAC / "fixture_watchman_ofactest")
    assert schemata(entities)["Sanction"] == 17
    assert parsed.published is None  # no date in the files or the folder name
    # watchman cut its companions from the full list: rows without an entry are counted.
    assert parsed.notes["companion rows without a primary row"] > 0
    assert parsed.notes["files without OFAC's Ctrl-Z end marker"] == 4
    logan = entities["ofac-10278"]
    assert logan.get("passportNumber") == ["P0017003"]
    assert logan.get("socialSecurityNumber") == ["561779011"]  # FtM drops the dashes
    assert logan.get("weakAlias") == ["BURTON BURGESS"]
    hesa = entities["ofac-11195"]
    assert len(hesa.get("address")) == 5
    assert "Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS" in hesa.get("notes")


def test_companions_without_primary_name_the_missing_file(shared_data: Path) -> None:
    folder = shared_data / OFAC / "sdn_aux_2025-12-24"
    assert detect_format(folder).name == "ofac-csv"
    with pytest.raises(CorridorError, match=r"sdn_aux_2025-12-24: .*expected sdn\.csv"):
        OfacCsv().open(folder)


def test_truncated_real_file_is_refused(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / OFAC / "sdn_2024-05-03.csv").read_bytes()
    path = write(tmp_path, "sdn.csv", data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"sdn\.csv: ends in the middle of a row"):
        list(OfacCsv().open(path).entities)


# --- the project's own fixture set ---------------------------------------------------


def test_fixture_set_every_field() -> None:
    parsed, entities = parse(FIXTURE_SET)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_sdn", "2024-03-14")
    assert parsed.notes == {}
    person = entities["ofac-900101"]
    assert person.get("position") == ["General Director"]
    assert person.get("birthDate") == ["1978-03-12", "1977"]
    assert person.get("alias") == ["Yerlan KASSYMOV"]
    assert person.get("weakAlias") == ["Erik KASYM"]
    assert person.get("address") == ["Almaty, Kazakhstan"]
    company = entities["ofac-900102"]
    # The comments row continues "...; Registrat" with "ion ID 1127700000009 (Russia).".
    assert company.get("ogrnCode") == ["1027700000008", "1127700000009"]
    assert company.get("innCode") == ["7701234560"]
    assert company.get("incorporationDate") == ["2022-06-05"]
    assert company.get("previousName") == ["STEPPE GATE LLP"]
    vessel = entities["ofac-900103"]
    assert vessel.get("imoNumber") == ["IMO9876543"]
    assert (vessel.get("flag"), vessel.get("pastFlags")) == (["ru"], ["pa"])
    assert vessel.get("callSign") == ["UBCD7"]
    assert "Owner STEPPE BRIDGE TRADING LLP" in vessel.get("notes")
    aircraft = entities["ofac-900104"]
    assert aircraft.get("serialNumber") == ["1023409999"]
    assert aircraft.get("buildDate") == ["1995-03-01"]


def test_renamed_primary_file_stands_alone(tmp_path: Path) -> None:
    """Only an officially named primary picks up companions beside it."""
    shutil.copy(FIXTURE_SET / "sdn.csv", tmp_path / "sdn_2024-03-14.csv")
    shutil.copy(FIXTURE_SET / "alt.csv", tmp_path / "alt.csv")
    parsed = OfacCsv().open(tmp_path / "sdn_2024-03-14.csv")
    assert parsed.files == [tmp_path / "sdn_2024-03-14.csv"]
    entities = {e.entity.id: e.entity for e in parsed.entities}
    assert not entities["ofac-900101"].get("alias")


def test_companion_file_given_alone_is_refused() -> None:
    with pytest.raises(CorridorError, match=r"alt\.csv: is an OFAC companion file"):
        OfacCsv().open(FIXTURE_SET / "alt.csv")


def test_remarks_cut_at_a_space_keep_the_space() -> None:
    cut = [["1", "Number 1027700132195 (Russia)."]]
    assert remarks_text("Tax ID No. 7707083893 (Russia); Registration ", cut).endswith(
        "Registration Number 1027700132195 (Russia)."
    )
    assert remarks_text("-0- ", cut) == "Number 1027700132195 (Russia)."


@pytest.mark.parametrize(
    ("remarks", "schema", "prop", "expected"),
    [
        ("DOB 28 Sep 1973; POB Vinnitsa, Ukraine.", "Person", "birthDate", ["1973-09-28"]),
        ("DOB circa 1960.", "Person", "birthDate", ["1960"]),
        ("DOB 1960 to 1962.", "Person", "birthDate", ["1960", "1962"]),
        ("DOB Mar 1978; alt. DOB 1979.", "Person", "birthDate", ["1978-03", "1979"]),
        ("nationality Russia; citizen Ukraine.", "Person", "citizenship", ["ua"]),
        ("Gender Male.", "Person", "gender", ["male"]),
        (
            "Passport 515458008 (Russia) expires 30 May 2017.",
            "Person",
            "passportNumber",
            ["515458008"],
        ),
        ("National ID No. 216040 (Yemen).", "Person", "idNumber", ["216040"]),
        ("Tax ID No. 773407989940 (Russia).", "Person", "innCode", ["773407989940"]),
        ("Tax ID No. 123456 (Turkey).", "Company", "taxNumber", ["123456"]),
        ("Registration Number 1027700132195 (Russia).", "Company", "ogrnCode", ["1027700132195"]),
        ("Registration Number 26740 (Iran).", "Company", "registrationNumber", ["26740"]),
        ("Identification Number 2.194.575 (Paraguay).", "Person", "idNumber", ["2.194.575"]),
        ("SWIFT/BIC SABRRUMM; Website www.sberbank.ru.", "Company", "swiftBic", ["SABRRUMM"]),
        ("Website www.sberbank.ru.", "Company", "website", ["http://www.sberbank.ru/"]),
        ("Email Address info@gicdf.org.", "Company", "email", ["info@gicdf.org"]),
        (
            "Legal Entity Number 253400WSS48YWMBUA688.",
            "Company",
            "leiCode",
            ["253400WSS48YWMBUA688"],
        ),
        (
            "Organization Established Date 17 Oct 1990.",
            "Company",
            "incorporationDate",
            ["1990-10-17"],
        ),
        ("Nationality of Registration Russia.", "Company", "country", ["ru"]),
        ("Vessel Registration Identification IMO 9187629.", "Vessel", "imoNumber", ["IMO9187629"]),
        ("MMSI 273123456.", "Vessel", "mmsi", ["273123456"]),
        (
            "Former Vessel Flag Malta; alt. Former Vessel Flag Tanzania.",
            "Vessel",
            "pastFlags",
            ["mt", "tz"],
        ),
        ("a.k.a. 'RUSAG'; f.k.a. 'OLD NAME'.", "Company", "weakAlias", ["RUSAG"]),
        ("a.k.a. 'RUSAG'; f.k.a. 'OLD NAME'.", "Company", "previousName", ["OLD NAME"]),
        ("a.k.a. 'AL-ZAHAR, Mahmoud'.", "Person", "weakAlias", ["Mahmoud AL-ZAHAR"]),
        (
            "Linked To: ROSOBORONEKSPORT OAO.",
            "Company",
            "notes",
            ["Linked To: ROSOBORONEKSPORT OAO"],
        ),
        (
            "Target Type Financial Institution.",
            "Company",
            "notes",
            ["Target Type Financial Institution"],
        ),
    ],
)
def test_remarks_fields(remarks: str, schema: str, prop: str, expected: list[str]) -> None:
    entity = make_entity(schema, "ofac-1")
    parse_remarks(entity, remarks)
    assert entity.get(prop) == expected


def test_identifier_with_a_bad_check_digit_is_kept_generic() -> None:
    """FtM refuses an INN whose check digit is wrong; the number must not vanish."""
    company = make_entity("Company", "ofac-1")
    parse_remarks(company, "Tax ID No. 7707083890 (Russia).")
    assert company.get("innCode") == []
    assert company.get("registrationNumber") == ["7707083890"]
    assert company.get("notes") == ["Tax ID No. 7707083890 (Russia)"]


def test_unreadable_values_become_notes() -> None:
    person = make_entity("Person", "ofac-1")
    parse_remarks(person, "DOB sometime; nationality Atlantis; Phone Number 982188526300.")
    assert person.get("birthDate") == []
    assert set(person.get("notes")) == {
        "DOB sometime",
        "nationality Atlantis",
        "Phone Number 982188526300",
    }


# --- sniffing --------------------------------------------------------------------------


def test_sniff(tmp_path: Path) -> None:
    fmt = OfacCsv()
    assert fmt.sniff(FIXTURE_SET, b"")
    assert fmt.sniff(FIXTURE_SET / "sdn.csv", b"")
    assert fmt.sniff(tmp_path / "list.csv", PRIMARY_ROW)
    assert fmt.sniff(tmp_path / "list.csv", b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ')
    assert not fmt.sniff(tmp_path, b"")
    assert not fmt.sniff(tmp_path / "list.csv", b"id,schema,name\r\nNK-1,Person,X\r\n")
    assert not fmt.sniff(tmp_path / "list.xml", b'<?xml version="1.0"?><sdnList>')


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"sdn\.csv: file is empty"),
        (b"\x1a", r"sdn\.csv: holds no entries"),
        (b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\r\n', r"sdn\.csv:1: 4 columns; expected 12"),
        (b'x,"NAME",-0- ' + EMPTY_COLUMNS.encode() + b"\r\n", r"sdn\.csv:1: ent_num 'x'"),
        (b'1,"NAME","ship"' + EMPTY_COLUMNS.encode() + b"\r\n", r"sdn\.csv:1: SDN_Type 'ship'"),
        (b"1,-0- ,-0- " + EMPTY_COLUMNS.encode() + b"\r\n", r"sdn\.csv:1: entry 1 has no SDN_Name"),
        (PRIMARY_ROW + PRIMARY_ROW, r"sdn\.csv:2: ent_num 15892 is listed twice"),
        (PRIMARY_ROW + b'2,"CAF\x81"' + EMPTY_COLUMNS.encode() + b"\r\n", r"sdn\.csv:2: byte 0x81"),
        (PRIMARY_ROW + b'2,"UNCLOSED' + EMPTY_COLUMNS.encode(), r"sdn\.csv: ends in the middle"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "sdn.csv", data)
    with pytest.raises(CorridorError, match=message):
        list(OfacCsv().open(path).entities)


def test_bad_companion_row_names_its_file(tmp_path: Path) -> None:
    write(tmp_path, "sdn.csv", PRIMARY_ROW)
    write(tmp_path, "alt.csv", b'15892,1,"aka"\r\n')
    with pytest.raises(CorridorError, match=r"alt\.csv:1: 3 columns; expected 5"):
        list(OfacCsv().open(tmp_path).entities)


# --- fuzzing -----------------------------------------------------------------------------


def _only_corridor_errors(path: Path) -> None:
    with contextlib.suppress(CorridorError):
        list(OfacCsv().open(path).entities)


def test_fuzz_random_bytes(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("ofac-csv-random")

    @FUZZ
    @given(data=st.binary(max_size=512))
    def check(data: bytes) -> None:
        _only_corridor_errors(write(folder, "sdn.csv", data))

    check()


def test_fuzz_mutated_fixture(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cut, splice and corrupt the fixture's primary and comments files."""
    folder = tmp_path_factory.mktemp("ofac-csv-mutated")
    for name in ("add.csv", "alt.csv"):
        shutil.copy(FIXTURE_SET / name, folder / name)
    primary = (FIXTURE_SET / "sdn.csv").read_bytes()
    comments = (FIXTURE_SET / "sdn_comments.csv").read_bytes()

    @FUZZ
    @given(
        start=st.integers(0, len(primary)),
        stop=st.integers(0, len(primary)),
        junk=st.binary(max_size=24),
        cut=st.integers(0, len(comments)),
    )
    def check(start: int, stop: int, junk: bytes, cut: int) -> None:
        write(folder, "sdn.csv", primary[:start] + junk + primary[stop:])
        write(folder, "sdn_comments.csv", comments[:cut] + junk)
        _only_corridor_errors(folder)

    check()
