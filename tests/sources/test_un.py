"""UN Security Council consolidated list XML: the real snapshots, and hostile input."""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.sources import ParsedEntity
from corridor.sources.un import UnXml

UN = UnXml()


def parse(path: Path) -> tuple[list[ParsedEntity], str | None]:
    parsed = UN.open(path)
    entities = list(parsed.entities)
    return entities, parsed.published.isoformat() if parsed.published else None


@pytest.mark.parametrize(
    ("name", "published", "people", "orgs"),
    [
        ("un_consolidated_2025-11-18.xml", "2025-11-18", 727, 273),
        ("un_consolidated_2026-02-27.xml", "2026-02-27", 730, 273),
    ],
)
def test_real_snapshots_count_as_sources_md_says(
    shared_data: Path, name: str, published: str, people: int, orgs: int
) -> None:
    entities, date = parse(shared_data / "sanctions" / "un" / name)
    counts = Counter(e.entity.schema.name for e in entities)
    assert date == published
    assert counts == {"Person": people, "Organization": orgs, "Sanction": people + orgs}
    assert all(e.is_target == (e.entity.schema.name != "Sanction") for e in entities)


def test_record_keeps_names_scripts_dates_and_programme(shared_data: Path) -> None:
    entities, _ = parse(shared_data / "sanctions" / "un" / "un_consolidated_2026-02-27.xml")
    by_id = {e.entity.id: e for e in entities}
    zidane = by_id["un-113219"]
    assert zidane.record_id == "113219"
    person = zidane.entity
    assert person.get("name") == ["MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE"]
    assert "محمد صلاح الدين عبدالحليم زيدان" in person.get("alias")
    assert "Sayf-Al Adl" in person.get("alias")
    assert person.get("nationality") == ["eg"]
    sanction = by_id["un-113219-sanction"].entity
    assert sanction.get("unscId") == ["QDi.001"]
    assert sanction.get("program") == ["Al-Qaida"]
    assert sanction.get("listingDate") == ["2001-01-25"]


def test_birth_year_ranges_become_candidate_years(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>'
        "<DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><SECOND_NAME>B</SECOND_NAME>"
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE>"
        "<FROM_YEAR>1964</FROM_YEAR><TO_YEAR>1966</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>"
        "<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Numéro de passeport</TYPE_OF_DOCUMENT>"
        "<NUMBER>X123</NUMBER></INDIVIDUAL_DOCUMENT>"
        "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    [person, _] = parse(path)[0]
    assert sorted(person.entity.get("birthDate")) == ["1964", "1965", "1966"]
    assert person.entity.get("passportNumber") == ["X123"]


def test_record_without_dataid_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>\n"
        "</INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    with pytest.raises(CorridorError, match=r"un\.xml:3: INDIVIDUAL without DATAID"):
        parse(path)


def test_truncated_snapshot_fails_with_line(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "sanctions" / "un" / "un_consolidated_2026-02-27.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorridorError, match=r"cut\.xml:\d+: malformed XML"):
        parse(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.binary(max_size=40),
    keep=st.integers(min_value=0, max_value=4000),
)
def test_fuzzed_documents_raise_only_corridor_errors(
    tmp_path: Path, cut: int, junk: bytes, keep: int
) -> None:
    sample = (Path(__file__).parents[2] / "examples" / "lists" / "un_consolidated.xml").read_bytes()
    path = tmp_path / "fuzz.xml"
    path.write_bytes(sample[:cut] + junk + sample[keep:])
    with contextlib.suppress(CorridorError):
        parse(path)
