"""UK lists: OFSI's consolidated list (ConList CSV) and the FCDO UK Sanctions List CSV."""

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
from corridor.sources import ParsedList, detect_format
from corridor.sources.uk import FORMATS, UkCsv

OFSI, FCDO = FORMATS
CONLIST_2018 = "sanctions/uk/ofsi_conlist_2018-04-13.csv.gz"
#: A 2022+ ConList.csv layout: extra columns, a Ship, an FKA, a "Low" alias, cp1252 text.
CONLIST_2022 = (
    "Last Updated,28/02/2023\r\n"
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,"
    "Non-Latin Script Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,"
    "Nationality,Passport Number,Passport Details,National Identification Number,"
    "National Identification Details,Position,Address 1,Address 2,Address 3,Address 4,"
    "Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,"
    "Alias Quality,Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID\r\n"
    "PETROV,Ivan,,,,,,ПЕТРОВ Иван,Cyrillic,Russian,00/00/1970,Omsk,Russia,Russia,,,,,"
    "Director,,,,,,,,,,Individual,Prime Alias,Good quality,Russia,16/03/2022,,,15001\r\n"
    "PETROFF,Ivan,,,,,,,,,00/00/1970,,,,,,,,,,,,,,,,,,Individual,AKA,Low,Russia,16/03/2022,,,15001\r\n"
    "CAFÉ BOREAL LLC,,,,,,,,,,,,,,,,,,,,,,,,,,,,Entity,FKA,,Russia,16/03/2022,,,15002\r\n"
    "BOREAL TRADING LLC,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
    "Entity,Prime Alias,,Russia,16/03/2022,,,15002\r\n"
    "OCEAN STAR,,,,,,,,,,,,,,,,,,,,,,,,,,,IMO 9123456,"
    "Ship,Prime Alias,,Russia,09/05/2023,,,15003\r\n"
)


@pytest.fixture
def fcdo_fixture(fixtures: Path) -> Path:
    return fixtures / "uk" / "UK-Sanctions-List.csv"


def load(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {e.entity.id: e.entity for e in parsed.entities if e.entity.id}


def targets(parsed: ParsedList) -> Counter[str]:
    return Counter(e.entity.schema.name for e in parsed.entities if e.is_target)


def test_ofsi_2018_conlist(shared_data: Path) -> None:
    path = shared_data / CONLIST_2018
    assert detect_format(path) is OFSI
    parsed = OFSI.open(path)
    records = {e.entity.id: e.record_id for e in parsed.entities if e.entity.id}
    assert (parsed.list_name, str(parsed.published)) == ("gb_hmt", "2018-04-13")
    entities = load(OFSI.open(path))
    kinds = Counter(e.schema.name for e in entities.values())
    assert kinds == {"Sanction": 2106, "Person": 1426, "Organization": 680}
    qahtani = entities["gb-hmt-13349"]
    assert records["gb-hmt-13349"] == "13349"
    assert qahtani.get("name") == ["Nayef Salam Muhammad Ujaym AL-HABABI"]
    assert {"Faruq AL-QAHTANI", "Sheikh Farooq AL-QAHTANI"} <= set(qahtani.get("alias"))
    assert set(qahtani.get("birthDate")) == {"1980", "1981"}
    assert set(qahtani.get("nationality")) == {"sa", "qa"}
    assert qahtani.get("passportNumber") == ["592667"]
    sanction = entities["gb-hmt-13349-sanction"]
    assert sanction.get("authority") == ["UK HM Treasury (OFSI)"]
    assert sanction.get("program") == ["The ISIL (Da'esh) and Al-Qaida organisations"]
    assert sanction.get("listingDate") == ["2016-04-01"]


def test_ofsi_2022_layout(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(CONLIST_2022.replace("ПЕТРОВ Иван", "").encode("cp1252"))
    assert detect_format(path) is OFSI
    parsed = OFSI.open(path)
    entities = load(parsed)
    assert str(parsed.published) == "2023-02-28"
    person = entities["gb-hmt-15001"]
    assert person.get("name") == ["Ivan PETROV"]
    assert person.get("weakAlias") == ["Ivan PETROFF"]
    assert (person.get("birthDate"), person.get("position")) == (["1970"], ["Director"])
    company = entities["gb-hmt-15002"]
    assert company.get("name") == ["BOREAL TRADING LLC"]
    assert company.get("previousName") == ["CAFÉ BOREAL LLC"]
    assert entities["gb-hmt-15003"].schema.name == "Vessel"


def test_fcdo_fixture(fcdo_fixture: Path) -> None:
    assert detect_format(fcdo_fixture) is FCDO
    parsed = FCDO.open(fcdo_fixture)
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("gb_fcdo", "2026-11-01")
    kinds = Counter(e.schema.name for e in entities.values())
    assert kinds == {"Sanction": 6, "Person": 3, "Organization": 2, "Vessel": 1}

    person = entities["gb-fcdo-rus9001"]
    assert person.get("name") == ["Daniyar Maratovich ISKAKOV"]
    assert "Искаков Данияр Маратович" in person.get("alias")
    assert person.get("weakAlias") == ["Daniiar YSKAKOV"]
    assert (person.get("birthDate"), person.get("passportNumber")) == (
        ["1979-02-03"],
        ["N11223344"],
    )
    sanction = entities["gb-fcdo-rus9001-sanction"]
    assert sanction.get("authority") == ["UK FCDO"]
    assert (sanction.get("program"), sanction.get("listingDate")) == (["Russia"], ["2025-09-15"])
    assert set(sanction.get("provisions")) == {"Asset freeze", "Trust services sanctions"}

    company = entities["gb-fcdo-rus9002"]
    assert (company.get("ogrnCode"), company.get("innCode")) == (["1227700456785"], ["7709123453"])
    assert company.get("weakAlias") == ["Microtech Component"]
    ship = entities["gb-fcdo-rus9003"]
    assert (ship.get("imoNumber"), ship.get("flag")) == (["IMO9273416"], ["ga"])
    assert entities["gb-fcdo-bel9001"].get("birthDate") == ["1975"]
    # A Syrian registration number is not an OGRN: it stays generic.
    syrian = entities["gb-fcdo-syr9001"]
    assert (syrian.get("registrationNumber"), syrian.get("ogrnCode")) == (["CR 4471-2019"], [])
    assert entities["gb-fcdo-syr9001-sanction"].get("reason")
    korean = entities["gb-fcdo-dpr9001"]
    assert (korean.get("idNumber"), korean.get("alias")) == (["745110456"], ["박철민"])
    assert entities["gb-fcdo-dpr9001-sanction"].get("unscId") == ["KPi.099"]


def test_fcdo_example_is_a_subset(fcdo_fixture: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "lists" / "UK-Sanctions-List.csv"
    fixture_ids = set(load(FCDO.open(fcdo_fixture)))
    example_ids = set(load(FCDO.open(example)))
    assert example_ids and example_ids < fixture_ids


def test_fcdo_without_report_date_row(tmp_path: Path, fcdo_fixture: Path) -> None:
    """A re-export that drops row 1 still loads as FCDO (its header says Last Updated too)."""
    lines = fcdo_fixture.read_bytes().split(b"\r\n")
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(b"\r\n".join(lines[1:]))
    assert detect_format(path) is FCDO
    parsed = FCDO.open(path)
    assert targets(parsed)["Person"] == 3 and parsed.published is None


def test_truncated_gzip_names_the_file(tmp_path: Path, fcdo_fixture: Path) -> None:
    data = gzip.compress(fcdo_fixture.read_bytes())
    path = tmp_path / "UK-Sanctions-List.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.csv\.gz: .*truncated"):
        list(FCDO.open(path).entities)


@pytest.mark.parametrize(
    ("fmt", "text", "missing"),
    [
        (FCDO, "Report Date: 01-Nov-2026\nUnique ID,Name 6,Designation Type\n", "name type"),
        (OFSI, "Last Updated,13/04/2018\nName 6,Group Type,Alias Type,Regime\n", "group id"),
    ],
)
def test_missing_column_names_column_and_line(
    tmp_path: Path, fmt: UkCsv, text: str, missing: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorridorError, match=rf"list\.csv:2: missing column\(s\) {missing}"):
        list(fmt.open(path).entities)


def test_missing_subject_type_column(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Report Date: 01-Nov-2026\nUnique ID,Name 6,Name type\nA1,X,Primary name\n")
    with pytest.raises(CorridorError, match=r"list\.csv:2: missing column 'designation type'"):
        list(FCDO.open(path).entities)


def test_unknown_subject_type_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "Report Date: 01-Nov-2026\nUnique ID,Name 6,Name type,Designation Type\n"
        "A1,X,Primary name,Entity\nA2,Y,Primary name,Aircraft\n"
    )
    with pytest.raises(CorridorError, match=r"list\.csv:4: 'designation type' is 'Aircraft'"):
        list(FCDO.open(path).entities)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(b"")
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.csv: file is empty"):
        list(FCDO.open(path).entities)


def test_fcdo_cp1251_names_the_line(tmp_path: Path, fcdo_fixture: Path) -> None:
    """The FCDO file is UTF-8; a Windows Cyrillic copy fails on its first Cyrillic line."""
    text = fcdo_fixture.read_bytes().decode("utf-8-sig")
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(text.encode("cp1251", errors="replace"))
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.csv:4: byte 0x\w\w is not valid"):
        list(FCDO.open(path).entities)


def _parse_all(path: Path) -> None:
    """Sniff and parse ``path`` as every UK format; only CorridorError may escape."""
    with contextlib.suppress(CorridorError):
        detect_format(path, "uk")
    for fmt in FORMATS:
        with contextlib.suppress(CorridorError):
            for _ in fmt.open(path).entities:
                pass


_FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    _parse_all(path)


@_FUZZ
@given(
    data=st.data(),
    replacement=st.one_of(
        st.binary(max_size=80),
        st.text(max_size=80).map(str.encode),
        st.just(b",,,,,"),
        st.just(b'"unclosed'),
    ),
)
def test_fuzz_mutated_lines(
    tmp_path: Path, fcdo_fixture: Path, data: st.DataObject, replacement: bytes
) -> None:
    for original in (fcdo_fixture.read_bytes(), CONLIST_2022.encode("utf-8")):
        lines = original.split(b"\r\n")
        index = data.draw(st.integers(0, len(lines) - 1))
        cut = data.draw(st.integers(0, len(lines[index])))
        lines[index] = lines[index][:cut] + replacement
        path = tmp_path / "fuzz.csv"
        path.write_bytes(b"\r\n".join(lines))
        _parse_all(path)
