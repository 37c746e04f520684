"""Goods codes: parsing, the reference versions, and what each code's check says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corridor.errors import CorridorError
from corridor.goods.check import check_code
from corridor.goods.codes import parse_code
from corridor.goods.reference import (
    Reference,
    activate_reference,
    active_version,
    get_reference,
    load_reference,
    reference_versions,
)


@pytest.mark.parametrize(
    ("text", "digits", "system", "hs6"),
    [
        ("8542.31", "854231", "HS subheading", "854231"),
        ("854231", "854231", "HS subheading", "854231"),
        ("8542", "8542", "HS heading", None),
        ("8542 31 00", "85423100", "EU CN", "854231"),
        ("8542.31.0000", "8542310000", "EAEU TN VED / US HTS", "854231"),
        (" 8482-10 ", "848210", "HS subheading", "848210"),
    ],
)
def test_codes_are_normalised_to_hs6(text: str, digits: str, system: str, hs6: str | None) -> None:
    code = parse_code(text)
    assert (code.digits, code.system, code.hs6) == (digits, system, hs6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("85a231", "not a number"),
        ("85423", "has 5 digits"),
        ("0012", "chapters run"),
        ("", "not a number"),
    ],
)
def test_bad_codes_are_refused(text: str, message: str) -> None:
    with pytest.raises(CorridorError, match=message):
        parse_code(text)


def test_no_reference_loaded_is_a_clear_error() -> None:
    with pytest.raises(CorridorError, match="load-reference"):
        get_reference()


def test_reference_counts(reference: Reference) -> None:
    assert len(reference.chpl) == 50
    tiers = [v["tier"] for v in reference.chpl.values()]
    assert {t: tiers.count(t) for t in set(tiers)} == {
        "1": 4,
        "2": 5,
        "3.A": 16,
        "3.B": 9,
        "4.A": 11,
        "4.B": 5,
    }
    assert len(reference.eu_hs6) == 2304  # SOURCES.md: EU_sanction == 1 for 2,304 codes
    assert len(reference.eu_cn8) == 2223


def test_chip_code_in_every_notation(reference: Reference) -> None:
    for text in ("8542.31", "85423111", "8542310000"):
        result = check_code(reference, text)
        assert result.hs6 == "854231"
        assert result.chpl_tier == "1"
        assert result.eu_listed
        assert result.eu_date == "2022-02-25"
        assert "dual_use" in result.eu_categories
        assert "Electronic integrated circuits" in (result.description or "")


def test_cn8_not_listed_under_a_listed_subheading_is_caveated(reference: Reference) -> None:
    result = check_code(reference, "85423100")
    assert any("not among its 3 listed CN8 codes" in c for c in result.caveats)


@pytest.mark.parametrize(
    ("old", "new", "tier"),
    [
        ("854890", "854800", "2"),
        ("880330", "880730", "3.B"),
        ("852580", "852589", "3.A"),
        ("854140", "854149", "3.A"),
        ("854150", "854151", "3.A"),
    ],
)
def test_hs2017_codes_map_to_chpl_hs2022(
    reference: Reference, old: str, new: str, tier: str
) -> None:
    result = check_code(reference, old)
    assert result.chpl_tier == tier
    assert result.chpl_code == new
    assert any("HS 2017 code" in c for c in result.caveats)
    back = check_code(reference, new)
    assert back.chpl_tier == tier
    assert any(f"its HS 2017 code was {old}" in c for c in back.caveats)
    assert back.eu_listed  # the EU HS6 coding uses the HS 2017 code


def test_uncontrolled_and_heading(reference: Reference) -> None:
    cheese = check_code(reference, "0406.90")
    assert cheese.chpl_tier is None and not cheese.eu_listed
    heading = check_code(reference, "8482")
    assert heading.hs6 is None
    assert heading.chpl_tier == "3.B"
    assert any("848210, 848220, 848230, 848250" in c for c in heading.caveats)


def test_reference_versions_are_content_hashed(trade_data: Path, tmp_path: Path) -> None:
    first = load_reference(trade_data)
    assert first.created
    assert not load_reference(trade_data).created  # identical content: the same version
    changed = tmp_path / "trade"
    changed.mkdir()
    for name in ("chpl.csv",):
        shutil.copy(trade_data / name, changed / name)
    shutil.copy(trade_data / "reference" / "hs_nomenclature_comtrade.csv", changed)
    shutil.copy(trade_data / "sanctions_lists" / "ebrd_EU_sanctions_HS6.csv", changed)
    cn8 = trade_data / "eurostat_comext__vzemlys_ruimpeks" / "export_sanctions_codes_cn8.csv"
    lines = cn8.read_text(encoding="utf-8").splitlines()
    (changed / cn8.name).write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")
    second = load_reference(changed)
    assert second.reference.version != first.reference.version
    assert second.previous == first.reference.version
    assert active_version() == second.reference.version
    assert len(reference_versions()) == 2
    activate_reference(first.reference.version)  # roll back
    assert get_reference().version == first.reference.version


def test_bad_reference_file_names_file_and_line(trade_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(trade_data / "reference", folder / "reference")
    shutil.copytree(trade_data / "sanctions_lists", folder / "sanctions_lists")
    shutil.copy(
        trade_data / "eurostat_comext__vzemlys_ruimpeks" / "export_sanctions_codes_cn8.csv", folder
    )
    text = (trade_data / "chpl.csv").read_text(encoding="utf-8").replace("854232,1,", "854232,9,")
    (folder / "chpl.csv").write_text(text, encoding="utf-8")
    with pytest.raises(CorridorError, match=r"chpl\.csv:3: column tier: '9'"):
        load_reference(folder)
    assert active_version() is None  # nothing activated
