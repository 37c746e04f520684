"""OpenSanctions exports: FtM JSON lines (flat and nested) and targets.simple.csv."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.sources import ParsedEntity, ParsedList, detect_format
from corridor.sources.base import make_entity
from corridor.sources.opensanctions import (
    FORMATS,
    FtmJsonLines,
    TargetsSimpleCsv,
    identifier_kind,
    list_name_from_file,
)

FTM, TARGETS = FORMATS
UA_WAR = "sanctions/opensanctions/ua_war_sanctions_targets.simple_2026-03-13.csv"
INTERPOL = "sanctions/opensanctions/interpol_red_notices_targets.simple_2025-05-23.csv"
HEADER = (
    "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
    "emails,program_ids,dataset,first_seen,last_seen,last_change"
)


@pytest.fixture
def ftm_fixture(fixtures: Path) -> Path:
    return fixtures / "opensanctions" / "entities.ftm.json"


def items(parsed: ParsedList) -> dict[str, ParsedEntity]:
    return {str(e.entity.id): e for e in parsed.entities}


def write_lines(path: Path, *entities: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities))
    return path


# ----------------------------------------------------------------- targets.simple.csv


#: ../shared/data, read directly so the real files are parsed once per module (the
#: ``shared_data`` fixture is function-scoped).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
Parsed = tuple[ParsedList, dict[str, ParsedEntity]]


def parse_real(relative: str) -> Parsed:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent (CI has it; see ARCHITECTURE.md)")
    assert detect_format(path) is TARGETS
    parsed = TARGETS.open(path)
    return parsed, items(parsed)


@pytest.fixture(scope="module")
def ua_war() -> Parsed:
    return parse_real(UA_WAR)


@pytest.fixture(scope="module")
def interpol() -> Parsed:
    return parse_real(INTERPOL)


def test_ua_war_sanctions_counts(ua_war: Parsed) -> None:
    parsed, found = ua_war
    assert (parsed.list_name, parsed.source, str(parsed.published)) == (
        "os_ua_war_sanctions",
        "opensanctions",
        "2026-03-13",
    )
    targets = Counter(e.entity.schema.name for e in found.values() if e.is_target)
    assert targets == {"Person": 1543, "Company": 1524, "Vessel": 1340, "LegalEntity": 1193}
    # A Sanction for every row naming a programme or a sanction text (1,429 name neither).
    assert sum(e.entity.schema.name == "Sanction" for e in found.values()) == 4171


def test_ua_war_sanctions_cyrillic_alias(ua_war: Parsed) -> None:
    ivakha = ua_war[1]["NK-26WkuEefVYLmYk8aTHMC9E"]
    assert ivakha.record_id == "NK-26WkuEefVYLmYk8aTHMC9E"
    assert "ИВАХА Денис Владимирович" in ivakha.entity.get("alias")
    assert "ІВАХА Денис Володимирович" in ivakha.entity.get("alias")
    assert ivakha.entity.get("program") == ["UA-WS-EXECUTIVES"]


def test_ua_war_sanctions_identifiers(ua_war: Parsed) -> None:
    found = ua_war[1]
    # "667001255;9LU2058;IMO9380673": MMSI, call sign and IMO number of one ship.
    centurion = found["NK-2BqYpcHUPgg5MQnG9kYAkB"].entity
    assert centurion.get("imoNumber") == ["IMO9380673"]
    assert (centurion.get("mmsi"), centurion.get("callSign")) == (["667001255"], ["9LU2058"])
    # "1125042006462;5042126251" of a Russian company: OGRN and INN, both check digits valid.
    plant = found["NK-28mqu8V3AzembAmAfehWPd"].entity
    assert (plant.get("ogrnCode"), plant.get("innCode")) == (["1125042006462"], ["5042126251"])
    reason = found["NK-28mqu8V3AzembAmAfehWPd-sanction"].entity.get("reason")
    assert reason[0].startswith("A russian developer of pyrotechnic products")
    # Quotes inside a ;-separated cell are CSV-escaped: '"LLC ""NIKEA"""' is one alias.
    assert found["NK-QibuhNJiVFt2RY32zjTkdy"].entity.get("alias") == ['LLC "NIKEA"']
    # A Ukrainian taxpayer number (no valid INN check digits) stays a generic id.
    zavalishina = found["NK-kZjqDJTdUY8C8SabCkBFEq"].entity
    assert (zavalishina.get("idNumber"), zavalishina.get("innCode")) == (["2720216023"], [])
    assert set(zavalishina.get("birthDate")) == {"1973-06-23", "1974-06-23"}


def test_interpol_red_notices(interpol: Parsed) -> None:
    parsed, found = interpol
    assert (parsed.list_name, str(parsed.published)) == ("os_interpol_red_notices", "2025-05-23")
    assert Counter(e.entity.schema.name for e in found.values() if e.is_target) == {"Person": 6561}
    person = found["NK-2Ld7pewCoLeyspMtVCMMMo"].entity
    assert person.get("name") == ["JIAN XIA"] and person.get("country") == ["cn"]
    sanction = found["NK-2Ld7pewCoLeyspMtVCMMMo-sanction"].entity
    assert sanction.get("authority") == ["INTERPOL Red Notices"]
    assert sanction.get("reason") == [
        "Red Notice - 1) Murder\n2) Manslaughter\n3) Aggravated theft"
    ]


def test_targets_list_name_from_dataset_title(tmp_path: Path) -> None:
    """A bare targets.simple.csv is named after its dataset title."""
    path = tmp_path / "targets.simple.csv"
    path.write_text(
        f"{HEADER}\nNK-1,Person,A B,,,,,,,,,,Kazakhstan AFM Terrorists,,2026-01-02T03:04:05,\n"
    )
    parsed = TARGETS.open(path)
    assert next(iter(parsed.entities)).entity.get("name") == ["A B"]
    assert (parsed.list_name, str(parsed.published)) == (
        "os_kazakhstan_afm_terrorists",
        "2026-01-02",
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ua_war_sanctions_targets.simple_2026-03-13.csv", "os_ua_war_sanctions"),
        ("ru_rupep_entities.ftm.json", "os_ru_rupep"),
        ("kz_afmrk_sanctions-20260301.ftm.json.gz", "os_kz_afmrk_sanctions"),
        ("entities.ftm.json", None),
        ("targets.simple.csv", None),
    ],
)
def test_list_name_from_file(name: str, expected: str | None) -> None:
    assert list_name_from_file(Path(name)) == expected


@pytest.mark.parametrize(
    ("schema", "value", "russian", "kind"),
    [
        ("Vessel", "IMO9253325", False, "imo"),
        ("Vessel", "IMO9253326", False, "registration"),  # bad IMO check digit
        ("Vessel", "273451870", True, "mmsi"),
        ("Vessel", "UBRS8", True, "call_sign"),
        ("Vessel", "RS 150443", False, "registration"),
        ("Company", "IMO6495856", False, "imo"),
        ("LegalEntity", "5042126251", True, "inn"),
        ("LegalEntity", "1125042006462", True, "ogrn"),
        ("LegalEntity", "5042126251", False, "registration"),  # not in a Russian context
        ("LegalEntity", "5042126252", True, "registration"),  # check digit fails
        ("Person", "773006863179", True, "inn"),
        ("Person", "5042126251", True, "national_id"),  # a 10-digit INN is a company's
        ("Person", "2720216023", True, "national_id"),
        ("Person", "CB1417269", False, "national_id"),
    ],
)
def test_identifier_kind(schema: str, value: str, russian: bool, kind: str) -> None:
    entity = make_entity(schema, "x")
    assert identifier_kind(entity, value, russian) == kind


# ----------------------------------------------------------------- FtM JSON lines


def test_ftm_fixture(ftm_fixture: Path) -> None:
    assert detect_format(ftm_fixture) is FTM
    parsed = FTM.open(ftm_fixture)
    found = items(parsed)
    assert (parsed.list_name, parsed.format, str(parsed.published)) == (
        "os_ua_war_sanctions",
        "opensanctions-ftm-json",
        "2026-03-10",
    )
    assert Counter(e.entity.schema.name for e in found.values()) == {
        "Person": 2,
        "Company": 1,
        "Vessel": 1,
        "Address": 1,
        "Sanction": 2,
        "Ownership": 1,
        "Directorship": 1,
    }
    # The export's own target flags: the director is in the file but not listed.
    assert {k for k, e in found.items() if e.is_target} == {
        "NK-demo-person-1",
        "NK-demo-company-1",
        "NK-demo-vessel-1",
    }
    person = found["NK-demo-person-1"].entity
    assert "Сидоров Иван Петрович" in person.get("alias")
    assert person.get("innCode") == ["773006863179"]
    assert person.context["referents"] == ["ua-ws-person-1711"]
    ownership = found["NK-demo-ownership-1"].entity
    assert (ownership.get("owner"), ownership.get("asset")) == (
        ["NK-demo-person-1"],
        ["NK-demo-company-1"],
    )
    assert ownership.get("percentage") == ["51"]
    assert found["NK-demo-sanction-1"].entity.get("entity") == ["NK-demo-company-1"]
    vessel = found["NK-demo-vessel-1"].entity
    assert vessel.get("imoNumber") == ["IMO9273416"]
    # The nested Address became an entity of its own, referenced by id.
    assert vessel.get("addressEntity") == ["addr-demo-1"]
    assert found["addr-demo-1"].entity.get("city") == ["Libreville"]


def test_nested_export_is_flattened(tmp_path: Path) -> None:
    """targets.nested.json: adjacent entities inline, without their link back to the parent."""
    company = {"id": "co-1", "schema": "Company", "properties": {"name": ["Alpha LLC"]}}
    ownership = {
        "id": "own-1",
        "schema": "Ownership",
        "properties": {"asset": [company], "percentage": ["100"]},
    }
    sanction = {"id": "san-1", "schema": "Sanction", "properties": {"program": ["UA-WS"]}}
    person = {
        "id": "p-1",
        "schema": "Person",
        "properties": {
            "name": ["Ivan Petrov"],
            "sanctions": [sanction],
            "ownershipOwner": [ownership],
        },
        "datasets": ["ua_war_sanctions"],
        "target": True,
    }
    path = write_lines(tmp_path / "targets.nested.json", person)
    assert detect_format(path) is FTM
    found = items(FTM.open(path))
    assert list(found) == ["san-1", "co-1", "own-1", "p-1"]  # nested entities first
    assert found["san-1"].entity.get("entity") == ["p-1"]
    assert found["own-1"].entity.get("owner") == ["p-1"]
    assert found["own-1"].entity.get("asset") == ["co-1"]
    assert found["p-1"].is_target and found["co-1"].target is None


def test_ftm_list_name_rules(tmp_path: Path) -> None:
    """One shared dataset names the list; mixed datasets fall back to the file name."""
    one = {"id": "a", "schema": "Person", "properties": {"name": ["A"]}}
    mixed = [{**one, "datasets": ["us_ofac_sdn"]}, {**one, "id": "b", "datasets": ["eu_fsf"]}]
    path = write_lines(tmp_path / "sanctions_entities.ftm.json", *mixed)
    assert FTM.open(path).list_name == "os_sanctions"
    path = write_lines(tmp_path / "entities.ftm.json", *mixed)
    assert FTM.open(path).list_name == "os_opensanctions"
    shared = [{**one, "datasets": ["kz_afmrk_sanctions", "x"]}, {**one, "datasets": ["x"]}]
    assert FTM.open(write_lines(tmp_path / "e.ftm.json", *shared)).list_name == "os_x"


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ['{"id": "a", "schema": "Person", "properties": {}}', '{"id": "b", oops}'],
            r":2: not a JSON",
        ),
        (
            ['{"id": "a", "schema": "Nonsense", "properties": {}}'],
            r":1: not a FollowTheMoney entity",
        ),
        (['["a list"]'], r":1: expected a JSON object per line, found list"),
        (['{"schema": "Person", "properties": {"name": ["A"]}}'], r":1: entity without an id"),
        (
            [
                '{"id": "a", "schema": "Vessel", "properties": {"name": ["A"]}}',
                '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}',
            ],
            r":2: entity 'a' is a Person here but a Vessel earlier",
        ),
        (
            [
                '{"id": "a", "schema": "Vessel", "properties": '
                '{"addressEntity": [{"schema": "Address"}]}}'
            ],
            r":1: nested entity in 'addressEntity' without an id",
        ),
        (["[" * 5000 + "]" * 5000], r":1: not a JSON object"),
    ],
)
def test_bad_json_lines_are_located(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CorridorError, match=r"entities\.ftm\.json" + message):
        list(FTM.open(path).entities)


def test_too_deeply_nested(tmp_path: Path) -> None:
    entity: dict[str, Any] = {"id": "leaf", "schema": "Address", "properties": {}}
    for depth in range(12):
        entity = {"id": f"v{depth}", "schema": "Vessel", "properties": {"addressEntity": [entity]}}
    path = write_lines(tmp_path / "entities.ftm.json", entity)
    with pytest.raises(CorridorError, match=r"json:1: entities nested more than 8 deep"):
        list(FTM.open(path).entities)


def test_truncated_json_names_the_last_line(tmp_path: Path, ftm_fixture: Path) -> None:
    data = ftm_fixture.read_bytes()
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(data[: len(data) - 200])
    with pytest.raises(CorridorError, match=r"entities\.ftm\.json:8: not a JSON object"):
        list(FTM.open(path).entities)


def test_truncated_real_csv_names_the_line(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / UA_WAR).read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 30  # 30 bytes into a row
    path = tmp_path / "ua_war_sanctions_targets.simple.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(
        CorridorError, match=r"targets\.simple\.csv:\d+: (\d+ fields|malformed CSV)"
    ):
        list(TARGETS.open(path).entities)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,schema,name,aliases\nNK-1,Person,A,\n",
            r"csv:1: missing column\(s\) identifiers, dataset",
        ),
        (f"{HEADER}\nNK-1,Person,A\n", r"csv:2: 3 fields; expected 16"),
        (f"{HEADER}\nNK-1,Thing,A,,,,,,,,,,ds,,,\n", r"csv:2: schema 'Thing' is not a Follow"),
        (f"{HEADER}\n,Person,A,,,,,,,,,,ds,,,\n", r"csv:2: row without an id"),
        (
            f'{HEADER}\nNK-1,Person,A,,,,,,,,,,ds,,,\n"NK-1",Vessel,A,,,,,,,,,,ds,,,\n',
            r"csv:3: entity 'NK-1' is a Vessel here but a Person earlier",
        ),
        # An unclosed quote swallows the rest of the row.
        (f'{HEADER}\nNK-1,Person,"A,,,,,,,,,,ds,,,\n', r"csv:2: 3 fields; expected 16"),
    ],
)
def test_bad_csv_is_located(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text(text)
    with pytest.raises(CorridorError, match=message):
        list(TARGETS.open(path).entities)


def test_cp1251_csv_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "targets.simple.csv"
    text = f"{HEADER}\nNK-1,Person,IVAKHA,ИВАХА Денис,,,,,,,,,ds,,,\n"
    path.write_bytes(text.encode("cp1251"))
    with pytest.raises(
        CorridorError, match=r"targets\.simple\.csv:2: byte 0x\w\w is not valid utf-8"
    ):
        list(TARGETS.open(path).entities)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_file(tmp_path: Path, fmt: FtmJsonLines | TargetsSimpleCsv) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(b"")
    with pytest.raises(CorridorError, match=r"entities\.ftm\.json: file is empty"):
        list(fmt.open(path).entities)


# ----------------------------------------------------------------- fuzzing


def parse_all(path: Path) -> None:
    """Sniff and parse ``path`` in both formats; only CorridorError may escape."""
    with contextlib.suppress(CorridorError):
        detect_format(path, "opensanctions")
    for fmt in FORMATS:
        with contextlib.suppress(CorridorError):
            for _ in fmt.open(path).entities:
                pass


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def samples() -> list[bytes]:
    """The FtM fixture and the first lines of the real targets.simple.csv."""
    found = [
        (Path(__file__).parent.parent / "fixtures/opensanctions/entities.ftm.json").read_bytes()
    ]
    real = SHARED / UA_WAR
    if real.exists():
        with real.open("rb") as handle:
            found.append(b"".join(handle.readline() for _ in range(40)))
    return found


@FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(data)
    parse_all(path)


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_slices(tmp_path: Path, samples: list[bytes], data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(samples))
    start = data.draw(st.integers(0, len(original)))
    stop = data.draw(st.integers(start, len(original)))
    junk = data.draw(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from([b'{"id": 1}', b'"schema": {}', b"[[[[", b'"', b";", b"\xd0"]),
        )
    )
    path = tmp_path / "fuzz.json"
    path.write_bytes(original[:start] + junk + original[stop:])
    parse_all(path)
