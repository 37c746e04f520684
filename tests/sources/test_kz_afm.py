"""Kazakhstan AFM list of persons and organisations linked to terrorism/extremism financing.

No copy of the real file is public; tests/fixtures/kz_afm/afm_sample.xml is written in the
element names OpenSanctions' crawler reads (see src/corridor/sources/kz_afm.py).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.sources import ParsedEntity, ParsedList, detect_format
from corridor.sources.kz_afm import FORMATS, iin_or_bin

(AFM,) = FORMATS


@pytest.fixture
def sample(fixtures: Path) -> Path:
    return fixtures / "kz_afm" / "afm_sample.xml"


def items(parsed: ParsedList) -> dict[str, ParsedEntity]:
    return {str(e.entity.id): e for e in parsed.entities}


def by_name(found: dict[str, ParsedEntity], name: str) -> ParsedEntity:
    matches = [e for e in found.values() if e.entity.get("name", quiet=True) == [name]]
    assert len(matches) == 1, name
    return matches[0]


def test_sample(sample: Path) -> None:
    assert detect_format(sample) is AFM
    parsed = AFM.open(sample)
    found = items(parsed)
    # No date in the file: the newest listing date (an org added 14.11.2025) stands for it.
    assert (parsed.list_name, parsed.source, str(parsed.published)) == (
        "kz_afm",
        "kz-afm",
        "2025-11-14",
    )
    assert parsed.notes == {"persons": 8, "orgs": 4}
    targets = Counter(e.entity.schema.name for e in found.values() if e.is_target)
    assert targets == {"Person": 9, "Organization": 3}
    assert sum(e.entity.schema.name == "Sanction" for e in found.values()) == 12

    kasymov = found["kz-afm-780312300126"]
    assert kasymov.record_id == "1"  # the row number the AFM prints
    person = kasymov.entity
    assert person.get("name") == ["ҚАСЫМОВ НҰРЛАН БОЛАТҰЛЫ"]  # surname first, as written
    assert person.get("alias") == ["НҰРЛАН БОЛАТҰЛЫ ҚАСЫМОВ"]
    assert (person.get("firstName"), person.get("fatherName"), person.get("lastName")) == (
        ["НҰРЛАН"],
        ["БОЛАТҰЛЫ"],
        ["ҚАСЫМОВ"],
    )
    assert person.get("birthDate") == ["1978-03-12"]
    # The IIN is both the identity number and the taxpayer number.
    assert (person.get("idNumber"), person.get("taxNumber")) == (["780312300126"], ["780312300126"])
    sanction = found["kz-afm-780312300126-sanction"].entity
    assert sanction.get("authority") == ["Kazakhstan Financial Monitoring Agency (AFM)"]
    assert (sanction.get("listingDate"), sanction.get("entity")) == (
        ["2025-01-15"],
        ["kz-afm-780312300126"],
    )


def test_kazakh_letters_survive(sample: Path) -> None:
    found = items(AFM.open(sample))
    names = {n for e in found.values() for n in e.entity.get("name", quiet=True)}
    assert {
        "ӘБІЛҚАЙЫРОВА ГҮЛНАР СЕРІКҚЫЗЫ",
        "ӨМІРЗАҚОВ ДӘУРЕН ҒАЛЫМҰЛЫ",
        "ҰЗАҚБАЕВ ЕРЛАН ТӨЛЕГЕНҰЛЫ",
        "ЖАҢБЫРБАЕВА ӘЙГЕРІМ ШАҺМАРДАНҚЫЗЫ",
        "ТОО «ДАЛА ҚАҚПАСЫ ТРЕЙДИНГ»",
    } <= names
    assert set("ҚҰӨӘІҢҒҮҺ") <= set("".join(names))


def test_records_without_iin(sample: Path) -> None:
    found = items(AFM.open(sample))
    ivanov = by_name(found, "ИВАНОВ ПЕТР СЕРГЕЕВИЧ")
    assert ivanov.entity.id == "kz-afm-fcf4f3c889195f57"  # digest of name and birth date
    assert (ivanov.record_id, ivanov.entity.get("notes")) == ("3", ["ИИН не указан"])
    assert by_name(found, "ӨМІРЗАҚОВ ДӘУРЕН ҒАЛЫМҰЛЫ").entity.get("birthDate") == ["1990"]
    assert by_name(found, "ХАСАНОВ РУСТАМ").entity.get("fatherName") == []


def test_ids_survive_renumbering_and_spacing(sample: Path, tmp_path: Path) -> None:
    """A record's id must not change when the AFM renumbers the list or respaces a name."""
    text = sample.read_text(encoding="utf-8")
    changed = (
        text.replace("<num>3</num>", "<num>2</num>", 1)
        .replace("<lname>ИВАНОВ</lname>", "<lname>  Иванов </lname>")
        .replace("<org_name>ТОО «ДАЛА", "<org_name>ТОО  «Дала")
    )
    path = tmp_path / "afm.xml"
    path.write_text(changed, encoding="utf-8")
    assert set(items(AFM.open(sample))) == set(items(AFM.open(path)))


def test_listing_date_from_correction(sample: Path) -> None:
    """No added_to_list: "включен от 03.04.2023" ("included from") in correction gives it."""
    found = items(AFM.open(sample))
    sanction = found["kz-afm-880923314058-sanction"].entity
    assert sanction.get("listingDate") == ["2023-04-03"]
    assert sanction.get("summary") == ["включен от 03.04.2023"]


def test_organisations(sample: Path) -> None:
    found = items(AFM.open(sample))
    trading = by_name(found, "ТОО «ДАЛА ҚАҚПАСЫ ТРЕЙДИНГ»").entity
    assert trading.schema.name == "Organization" and str(trading.id).startswith("kz-afm-org-")
    assert trading.get("alias") == ["DALA GATE TRADING LLP"]
    # "A; B" in org_name: two names of one organisation.
    union = by_name(found, "ОБЩЕСТВЕННОЕ ОБЪЕДИНЕНИЕ «ЖАСЫЛ ЖОЛ»").entity
    assert union.get("alias") == ["«ЖАСЫЛ ЖОЛ» ҚОҒАМДЫҚ БІРЛЕСТІГІ"]
    # An <org> whose org_iin is an IIN (birth date 18.04.1992) is a person.
    person = found["kz-afm-920418301904"].entity
    assert (person.schema.name, person.get("idNumber")) == ("Person", ["920418301904"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("780312300126", ("iin", "780312300126")),  # born 12.03.1978
        ("010207603348", ("iin", "010207603348")),
        ("210540012345", ("bin", "210540012345")),  # registered 05.2021, 5th digit 4
        ("78031230012", None),
        ("7803123001260", None),
        ("", None),
        (None, None),
    ],
)
def test_iin_or_bin(value: str | None, expected: tuple[str, str] | None) -> None:
    assert iin_or_bin(value) == expected


def test_declared_windows_1251_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "afm.xml"
    text = (
        '<?xml version="1.0" encoding="windows-1251"?>\n<root><person><lname>ИВАНОВ</lname>'
        "<fname>ПЕТР</fname><birthdate>01.01.1970</birthdate></person></root>"
    )
    path.write_bytes(text.encode("cp1251"))
    (found,) = [e.entity for e in AFM.open(path).entities if e.is_target]
    assert found.get("name") == ["ИВАНОВ ПЕТР"]


# ---------------------------------------------------------------- bad input


def test_cp1251_declared_utf8_names_the_line(tmp_path: Path, sample: Path) -> None:
    path = tmp_path / "afm.xml"
    path.write_bytes(sample.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    # Line 9 holds the first Cyrillic letter (<lname>ҚАСЫМОВ</lname>).
    with pytest.raises(CorridorError, match=r"afm\.xml:9: malformed XML \(Invalid bytes in char"):
        list(AFM.open(path).entities)


def test_truncated_names_the_line(tmp_path: Path, sample: Path) -> None:
    data = sample.read_bytes()
    path = tmp_path / "afm.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"afm\.xml:\d+: malformed XML"):
        list(AFM.open(path).entities)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<root>\n<person><fname></fname><iin>1</iin></person></root>",
            r"afm\.xml:2: person without fname or lname",
        ),
        ("<root>\n\n<org><note>x</note></org></root>", r"afm\.xml:3: org without org_name"),
        ("<root><person><fname>A</fname></persn></root>", r"afm\.xml:1: malformed XML"),
        ("<root><something/></root>", r"afm\.xml: no <person> or <org> records"),
        ("", r"afm\.xml: file is empty"),
        # An external entity is neither fetched nor expanded (no XXE): the name stays empty.
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<r><person><fname>&x;</fname></person></r>",
            r"afm\.xml:1: person without fname or lname",
        ),
    ],
)
def test_bad_xml_is_located(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "afm.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorridorError, match=message):
        list(AFM.open(path).entities)


# ---------------------------------------------------------------- fuzzing


def parse_all(path: Path) -> None:
    with contextlib.suppress(CorridorError):
        detect_format(path, "kz-afm")
    with contextlib.suppress(CorridorError):
        for _ in AFM.open(path).entities:
            pass


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SAMPLE = (Path(__file__).parent.parent / "fixtures" / "kz_afm" / "afm_sample.xml").read_bytes()


@FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    parse_all(path)


@FUZZ
@given(
    start=st.integers(0, len(SAMPLE)),
    length=st.integers(0, 400),
    junk=st.one_of(
        st.binary(max_size=40),
        st.sampled_from([b"<person>", b"</org>", b"<iin>12</iin>", b"&amp", b"\xd2", b"<!--"]),
    ),
)
def test_fuzz_mutated_slices(tmp_path: Path, start: int, length: int, junk: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(SAMPLE[:start] + junk + SAMPLE[start + length :])
    parse_all(path)
