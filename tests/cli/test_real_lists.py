"""Done-when of the foundation issue: every real list snapshot loads, with the right counts.

Counts are the ones ../shared/data/sanctions/SOURCES.md gives for each file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.errors import CorridorError
from corridor.sources import detect_format
from tests.cli.test_lists_cli import run

#: (path under sanctions/, format, list name, entries, publication date or None)
REAL_LISTS = [
    ("ofac/sdn_2024-05-03.csv", "ofac-csv", "ofac_sdn", 14965, "2024-05-03"),
    ("ofac/non_sdn_cons_2025-12-19", "ofac-csv", "ofac_cons", 442, "2025-12-19"),
    ("ofac/cons_non_sdn_2026-01-08.xml", "ofac-sdn-xml", "ofac_cons", 442, "2026-01-08"),
    ("ofac/cons_advanced_2020-03-17.xml.gz", "ofac-advanced-xml", "ofac_cons", 375, "2020-03-17"),
    ("un/un_consolidated_2025-11-18.xml", "un-sc-xml", "un_sc", 1000, "2025-11-18"),
    ("un/un_consolidated_2026-02-27.xml", "un-sc-xml", "un_sc", 1003, "2026-02-27"),
    ("eu/eu_fsf_csv_partial_2018-07-04.csv", "eu-fsf-csv", "eu_fsf", 93, "2018-07-04"),
    ("uk/ofsi_conlist_2018-04-13.csv.gz", "uk-ofsi-conlist-csv", "gb_hmt", 2106, "2018-04-13"),
    (
        "opensanctions/ua_war_sanctions_targets.simple_2026-03-13.csv",
        "opensanctions-targets-csv",
        "os_ua_war_sanctions",
        5600,
        "2026-03-13",
    ),
    (
        "opensanctions/interpol_red_notices_targets.simple_2025-05-23.csv",
        "opensanctions-targets-csv",
        "os_interpol_red_notices",
        6561,
        "2025-05-23",
    ),
]


@pytest.mark.parametrize(("rel", "fmt"), [(r[0], r[1]) for r in REAL_LISTS])
def test_format_is_sniffed(shared_data: Path, rel: str, fmt: str) -> None:
    assert detect_format(shared_data / "sanctions" / rel).name == fmt


def test_companion_files_without_primary_are_refused(shared_data: Path) -> None:
    with pytest.raises(CorridorError, match=r"sdn\.csv"):
        detect_format(shared_data / "sanctions" / "ofac" / "sdn_aux_2025-12-24").open(
            shared_data / "sanctions" / "ofac" / "sdn_aux_2025-12-24"
        )


def test_unknown_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(CorridorError, match=r"notes\.txt: not recognised as any known"):
        detect_format(path)


def test_every_real_list_loads_with_its_counts(
    capsys: pytest.CaptureFixture[str], shared_data: Path
) -> None:
    """One store; the later snapshot of a list replaces the earlier one as active."""
    for rel, *_ in REAL_LISTS:
        code, _, err = run(capsys, "lists", "load", str(shared_data / "sanctions" / rel))
        assert code == 0, err
    code, out, _ = run(capsys, "lists", "history", "ofac_cons", "--json")
    history = {v["published"]: v["entries"] for v in json.loads(out)}
    code, out, _ = run(capsys, "lists", "history", "un_sc", "--json")
    history |= {v["published"]: v["entries"] for v in json.loads(out)}
    code, out, _ = run(capsys, "lists", "status", "--json")
    status = {s["list"]: s for s in json.loads(out)}
    for _, _, name, entries, published in REAL_LISTS:
        if status[name]["published"] == published:
            assert status[name]["entries"] == entries, name
        else:
            assert history[published] == entries, name
    assert status["ofac_sdn"]["schema_counts"]["Person"] == 6854
    assert status["un_sc"]["published"] == "2026-02-27"
