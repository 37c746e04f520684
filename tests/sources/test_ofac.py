"""OFAC's three formats: counts from SOURCES.md, record details, ids that agree across formats."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy

from corridor.errors import CorridorError
from corridor.sources import ParsedList
from corridor.sources.base import make_entity
from corridor.sources.ofac_advanced import OfacAdvancedXml
from corridor.sources.ofac_csv import OfacCsv, parse_remarks
from corridor.sources.ofac_xml import OfacSdnXml

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"


def load(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {e.entity.id: e.entity for e in parsed.entities if e.entity.id}


def schemata(entities: dict[str, EntityProxy]) -> Counter[str]:
    return Counter(e.schema.name for e in entities.values())


@pytest.fixture(scope="module")
def sdn_2024() -> tuple[ParsedList, dict[str, EntityProxy]]:
    path = Path(__file__).parents[3] / "shared/data/sanctions/ofac/sdn_2024-05-03.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    parsed = OfacCsv().open(path)
    return parsed, load(parsed)


def test_sdn_csv_counts_and_remarks(sdn_2024: tuple[ParsedList, dict[str, EntityProxy]]) -> None:
    parsed, entities = sdn_2024
    assert (parsed.list_name, str(parsed.published)) == ("ofac_sdn", "2024-05-03")
    assert schemata(entities) == {
        "LegalEntity": 6884,
        "Person": 6854,
        "Vessel": 851,
        "Airplane": 376,
        "Sanction": 14965,
    }
    prokopenko = entities["ofac-15892"]
    assert prokopenko.get("name") == ["Ivan Pavlovitch PROKOPENKO"]
    assert prokopenko.get("birthDate") == ["1973-09-28"]
    assert prokopenko.get("birthPlace") == ["Vinnitsa, Ukraine"]
    assert set(prokopenko.get("nationality")) == {"ru", "ua"}
    assert prokopenko.get("innCode") == ["773407989940"]
    assert "RUSSIA-EO14024" in prokopenko.get("program")


def test_consolidated_csv_folder_joins_companions(shared_data: Path) -> None:
    parsed = OfacCsv().open(shared_data / "sanctions/ofac/non_sdn_cons_2025-12-19")
    entities = load(parsed)
    assert parsed.list_name == "ofac_cons"
    assert schemata(entities)["Sanction"] == 442
    haniya = entities["ofac-9639"]
    assert set(haniya.get("alias")) >= {"Ismail HANIYA", "Ismaeel HANIYYA"}
    assert haniya.get("birthDate") == ["1962"]
    # sdn_comments continue the Remarks: Sberbank's INN and OGRN are only in the overflow.
    sberbank = entities["ofac-17018"]
    assert sberbank.get("innCode") == ["7707083893"]
    assert sberbank.get("ogrnCode") == ["1027700132195"]
    assert sberbank.get("swiftBic") == ["SABRRUMM"]


def test_watchman_fixture_folder(shared_data: Path) -> None:
    entities = load(OfacCsv().open(shared_data / "sanctions/ofac/fixture_watchman_ofactest"))
    assert schemata(entities)["Sanction"] == 17
    assert any(e.has("address", quiet=True) for e in entities.values())


def test_companions_without_primary_name_the_missing_file(shared_data: Path) -> None:
    with pytest.raises(CorridorError, match=r"sdn_aux_2025-12-24: .*expected sdn\.csv"):
        OfacCsv().open(shared_data / "sanctions/ofac/sdn_aux_2025-12-24")


@pytest.mark.parametrize(
    ("remarks", "prop", "expected"),
    [
        ("DOB 28 Sep 1973; POB Vinnitsa, Ukraine.", "birthDate", ["1973-09-28"]),
        ("DOB circa 1960.", "birthDate", ["1960"]),
        ("DOB 1960 to 1962.", "birthDate", ["1960", "1962"]),
        ("DOB Mar 1978.", "birthDate", ["1978-03"]),
        ("Tax ID No. 773407989940 (Russia).", "innCode", ["773407989940"]),
        ("Registration Number 1027700132195 (Russia).", "ogrnCode", ["1027700132195"]),
        ("SWIFT/BIC SABRRUMM; Website www.sberbank.ru.", "swiftBic", ["SABRRUMM"]),
        ("Passport 515458008 (Russia) expires 30 May 2017.", "passportNumber", ["515458008"]),
        ("a.k.a. 'RUSAG'; f.k.a. 'OLD NAME'.", "weakAlias", ["RUSAG"]),
        ("a.k.a. 'RUSAG'; f.k.a. 'OLD NAME'.", "previousName", ["OLD NAME"]),
        ("Linked To: ROSOBORONEKSPORT OAO.", "notes", ["Linked To: ROSOBORONEKSPORT OAO"]),
        ("Tax ID No. 123456 (Turkey).", "taxNumber", ["123456"]),
    ],
)
def test_remarks_fields(remarks: str, prop: str, expected: list[str]) -> None:
    entity = make_entity("Person" if prop != "ogrnCode" else "Company", "ofac-1")
    parse_remarks(entity, remarks)
    assert entity.get(prop) == expected


def test_vessel_imo_from_remarks() -> None:
    vessel = make_entity("Vessel", "ofac-2")
    parse_remarks(vessel, "Vessel Registration Identification IMO 9187629; MMSI 273123456.")
    assert vessel.get("imoNumber") == ["IMO9187629"]
    assert vessel.get("mmsi") == ["273123456"]


def test_csv_row_with_wrong_column_count_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text(
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        '173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA"\n'
    )
    with pytest.raises(CorridorError, match=r"sdn\.csv:2: 4 columns; expected 12"):
        list(OfacCsv().open(path).entities)


def test_sdnlist_xml_consolidated(shared_data: Path) -> None:
    parsed = OfacSdnXml().open(shared_data / "sanctions/ofac/cons_non_sdn_2026-01-08.xml")
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_cons", "2026-01-08")
    assert schemata(entities) == {"LegalEntity": 363, "Person": 79, "Sanction": 442}
    assert set(entities["ofac-9639"].get("alias")) >= {"Ismail HANIYA", "Ismaeel HANIYYA"}


def test_sdnlist_xml_example_types_identifiers() -> None:
    parsed = OfacSdnXml().open(EXAMPLES / "sdn.xml")
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_sdn", "2026-11-20")
    sberbank = entities["ofac-900001"]
    assert sberbank.get("swiftBic") == ["SABRRUMM"]
    assert sberbank.get("innCode") == ["7707083893"]
    assert sberbank.get("ogrnCode") == ["1027700132195"]
    assert "ПАО СБЕРБАНК" in sberbank.get("alias")
    assert entities["ofac-900005"].get("imoNumber") == ["IMO9273416"]
    assert entities["ofac-900003"].get("birthDate") == ["1978-03-12"]


def test_advanced_xml_counts_and_ids_agree_with_other_formats(shared_data: Path) -> None:
    parsed = OfacAdvancedXml().open(shared_data / "sanctions/ofac/cons_advanced_2020-03-17.xml.gz")
    advanced = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("ofac_cons", "2020-03-17")
    assert schemata(advanced)["Sanction"] == 375
    haniya = advanced["ofac-9639"]
    assert haniya.get("name") == ["Ismail Abdul Salah HANIYA"]
    assert haniya.get("birthDate") == ["1962"]
    assert haniya.get("program") == ["NS-PLC"]
    csv_ids = set(load(OfacCsv().open(shared_data / "sanctions/ofac/non_sdn_cons_2025-12-19")))
    # Most 2020 parties are still listed in 2025 and carry the same id in both formats.
    assert len(set(advanced) & csv_ids) > 300


def test_advanced_xml_without_date_of_issue(tmp_path: Path) -> None:
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(
        '<Sanctions xmlns="http://www.un.org/sanctions/1.0"><DistinctParties/></Sanctions>'
    )
    with pytest.raises(CorridorError, match="no DateOfIssue"):
        OfacAdvancedXml().open(path)
