"""EU FSF (XML, CSV) and UK (OFSI ConList, FCDO) lists."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy

from corridor.errors import CorridorError
from corridor.sources import ParsedList
from corridor.sources.eu import EuFsfCsv, EuFsfXml
from corridor.sources.uk import FORMATS as UK_FORMATS
from corridor.sources.uk import uk_birth_date

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"
OFSI, FCDO = UK_FORMATS


def load(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {e.entity.id: e.entity for e in parsed.entities if e.entity.id}


def test_eu_csv_partial_file(shared_data: Path) -> None:
    parsed = EuFsfCsv().open(shared_data / "sanctions/eu/eu_fsf_csv_partial_2018-07-04.csv")
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("eu_fsf", "2018-07-04")
    assert Counter(e.schema.name for e in entities.values())["Sanction"] == 93
    mugabe = entities["eu-1"]
    assert mugabe.get("name") == ["Robert Gabriel Mugabe"]
    assert mugabe.get("gender") == ["male"]
    assert mugabe.get("birthDate") == ["1924-02-21"]
    assert mugabe.get("passportNumber") == ["AD001095"]
    assert entities["eu-1-sanction"].get("authorityId") == ["EU.36.64"]


def test_eu_csv_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("Date_file;Entity_logical_id;Subject_type\n04/07/2018;1;P\n", encoding="cp1252")
    with pytest.raises(CorridorError, match=r"eu\.csv:1: missing column\(s\) Naal_wholename"):
        list(EuFsfCsv().open(path).entities)


def test_eu_xml_example() -> None:
    parsed = EuFsfXml().open(EXAMPLES / "eu_fsf.xml")
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("eu_fsf", "2026-11-19")
    person = entities["eu-990101"]
    assert "Жакупов Арман Серикович" in person.get("alias")
    assert person.get("weakAlias") == ["Arman Jakupov"]
    assert person.get("passportNumber") == ["N98765432"]
    company = entities["eu-990102"]
    assert (company.get("innCode"), company.get("ogrnCode")) == (["7709123453"], ["1227700456785"])
    sanction = entities["eu-990102-sanction"]
    assert sanction.get("program") == ["UKR"] and sanction.get("listingDate") == ["2024-06-24"]


def test_eu_xml_without_logical_id(tmp_path: Path) -> None:
    path = tmp_path / "eu.xml"
    path.write_text(
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-01">\n'
        '<sanctionEntity><subjectType classificationCode="P"/></sanctionEntity></export>'
    )
    with pytest.raises(CorridorError, match=r"eu\.xml:2: sanctionEntity without logicalId"):
        list(EuFsfXml().open(path).entities)


def test_ofsi_conlist_groups_interleaved_rows(shared_data: Path) -> None:
    parsed = OFSI.open(shared_data / "sanctions/uk/ofsi_conlist_2018-04-13.csv.gz")
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("gb_hmt", "2018-04-13")
    assert Counter(e.schema.name for e in entities.values())["Sanction"] == 2106
    person = entities["gb-hmt-13298"]
    assert person.get("name") == ["Maghomed Maghomedzakirovich ABDURAKHMANOV"]
    assert set(person.get("alias")) == {"Abu AL BANAT", "Abu BANAT"}
    assert person.get("passportNumber") == ["515458008"]
    assert person.get("birthDate") == ["1974-11-24"]


def test_fcdo_example() -> None:
    parsed = FCDO.open(EXAMPLES / "UK-Sanctions-List.csv")
    entities = load(parsed)
    assert (parsed.list_name, str(parsed.published)) == ("gb_fcdo", "2026-11-01")
    person = entities["gb-fcdo-rus9001"]
    assert "Искаков Данияр Маратович" in person.get("alias")
    assert person.get("weakAlias") == ["Daniiar YSKAKOV"]
    assert entities["gb-fcdo-rus9003"].get("imoNumber") == ["IMO9273416"]
    assert entities["gb-fcdo-rus9002"].get("ogrnCode") == ["1227700456785"]


def test_fcdo_header_without_unique_id(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(
        "Report Date: 01-Nov-2026\nName 6,Name type,Designation Type\nX,Primary name,Entity\n"
    )
    with pytest.raises(CorridorError, match=r"csv:2: missing column\(s\) unique id"):
        list(FCDO.open(path).entities)


def test_fcdo_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    text = (EXAMPLES / "UK-Sanctions-List.csv").read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    lines[3] = lines[3].replace("YSKAKOV", "Ыскаков")
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1251", errors="replace"))
    with pytest.raises(CorridorError, match=r"UK-Sanctions-List\.csv:\d+: byte 0x"):
        list(FCDO.open(path).entities)


@pytest.mark.parametrize(
    ("text", "iso"),
    [("24/11/1974", "1974-11-24"), ("00/00/1980", "1980"), ("00/05/1980", "1980-05")],
)
def test_uk_partial_birth_dates(text: str, iso: str) -> None:
    assert uk_birth_date(text) == iso
