"""OpenSanctions exports and the Kazakhstan AFM list."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from corridor.errors import CorridorError
from corridor.sources.kz_afm import KzAfmXml
from corridor.sources.opensanctions import FtmJsonLines, TargetsSimpleCsv

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"


@pytest.mark.parametrize(
    ("name", "list_name", "published", "counts"),
    [
        (
            "ua_war_sanctions_targets.simple_2026-03-13.csv",
            "os_ua_war_sanctions",
            "2026-03-13",
            {"Person": 1543, "Company": 1524, "Vessel": 1340, "LegalEntity": 1193},
        ),
        (
            "interpol_red_notices_targets.simple_2025-05-23.csv",
            "os_interpol_red_notices",
            "2025-05-23",
            {"Person": 6561},
        ),
    ],
)
def test_targets_simple(
    shared_data: Path, name: str, list_name: str, published: str, counts: dict[str, int]
) -> None:
    parsed = TargetsSimpleCsv().open(shared_data / "sanctions/opensanctions" / name)
    entities = list(parsed.entities)
    assert (parsed.list_name, str(parsed.published)) == (list_name, published)
    targets = Counter(e.entity.schema.name for e in entities if e.is_target)
    assert targets == counts
    if list_name == "os_ua_war_sanctions":
        ivakha = next(e.entity for e in entities if e.entity.id == "NK-26WkuEefVYLmYk8aTHMC9E")
        assert "ИВАХА Денис Владимирович" in ivakha.get("alias")
        vessel = next(e.entity for e in entities if e.entity.id == "NK-24cf2zYe7LEKhr2zFck73j")
        assert vessel.get("imoNumber") == ["IMO9253325"]


def test_targets_simple_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text("id,schema,name,aliases\nNK-1,Person,A,\n")
    with pytest.raises(CorridorError, match=r"csv:1: missing column\(s\) identifiers, dataset"):
        list(TargetsSimpleCsv().open(path).entities)


def test_ftm_json_lines_keep_target_flags_and_flatten(fixtures: Path) -> None:
    parsed = FtmJsonLines().open(fixtures / "opensanctions" / "entities.ftm.json")
    entities = {e.entity.id: e for e in parsed.entities}
    assert (parsed.list_name, str(parsed.published)) == ("os_ua_war_sanctions", "2026-03-10")
    assert {k for k, e in entities.items() if e.is_target} == {
        "NK-demo-person-1",
        "NK-demo-company-1",
        "NK-demo-vessel-1",
    }
    assert entities["NK-demo-director-1"].entity.schema.name == "Person"
    assert entities["NK-demo-vessel-1"].entity.get("addressEntity") == ["addr-demo-1"]
    assert entities["addr-demo-1"].entity.schema.name == "Address"
    assert entities["NK-demo-ownership-1"].entity.get("percentage") == ["51"]


def test_ftm_json_lines_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(
        '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "b", oops}\n'
    )
    with pytest.raises(CorridorError, match=r"json:2: not a JSON object"):
        list(FtmJsonLines().open(path).entities)
    path.write_text('{"id": "a", "schema": "Nonsense", "properties": {}}\n')
    with pytest.raises(CorridorError, match=r"json:1: not a FollowTheMoney entity"):
        list(FtmJsonLines().open(path).entities)


def test_kz_afm_example_keeps_kazakh_letters_and_iin() -> None:
    parsed = KzAfmXml().open(EXAMPLES / "kz_afm.xml")
    entities = {e.entity.id: e for e in parsed.entities}
    assert (parsed.list_name, str(parsed.published)) == ("kz_afm", "2025-11-01")
    kasymov = entities["kz-afm-780312300126"].entity
    assert kasymov.get("name") == ["ҚАСЫМОВ НҰРЛАН БОЛАТҰЛЫ"]
    assert kasymov.get("fatherName") == ["БОЛАТҰЛЫ"]
    assert kasymov.get("idNumber") == ["780312300126"]
    assert kasymov.get("birthDate") == ["1978-03-12"]
    # Without an IIN the id is a digest of name and birth date: stable across versions.
    no_iin = [
        e
        for e in entities.values()
        if e.entity.get("name", quiet=True) == ["ИВАНОВ ПЕТР СЕРГЕЕВИЧ"]
    ]
    assert len(no_iin) == 1 and no_iin[0].entity.id.startswith("kz-afm-")
    again = {e.entity.id for e in KzAfmXml().open(EXAMPLES / "kz_afm.xml").entities}
    assert set(entities) == again


def test_kz_afm_person_without_name(tmp_path: Path) -> None:
    path = tmp_path / "afm.xml"
    path.write_text("<root>\n<person><fname></fname><iin>1</iin></person></root>")
    with pytest.raises(CorridorError, match=r"afm\.xml:2: person without fname or lname"):
        list(KzAfmXml().open(path).entities)
