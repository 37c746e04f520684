"""The ``corridor lists`` commands as a user runs them: output, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main
from tests.unxml import V1, V2, write_un


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``corridor ARGS``; return exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def test_load_status_diff_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "lists", "load", str(write_un(tmp_path / "v1.xml", V1)))
    assert code == 0 and "un_sc: version 1 (2026-02-27)" in out and "3 entries" in out
    code, out, _ = run(
        capsys, "lists", "load", str(write_un(tmp_path / "v2.xml", V2)), "--source", "un"
    )
    assert code == 0 and "replaces version 1" in out

    code, out, _ = run(capsys, "lists", "status", "--json")
    status = json.loads(out)
    assert [(s["list"], s["version"], s["entries"]) for s in status] == [("un_sc", 2, 3)]

    code, out, _ = run(capsys, "lists", "diff", "un", "--json")
    diff = json.loads(out)
    assert [a["record_id"] for a in diff["added"]] == ["1000004"]
    assert [r["record_id"] for r in diff["removed"]] == ["1000002"]

    code, out, _ = run(capsys, "lists", "diff", "un_sc")
    assert code == 0 and "1 added, 1 removed" in out and "ZHANAT ABENOV" in out

    export = tmp_path / "out" / "all.ftm.json"
    code, out, _ = run(capsys, "lists", "export", "-o", str(export))
    lines = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and {line["id"] for line in lines} >= {"un-1000001", "un-1000004"}
    assert all(line["provenance"]["version"] == 2 for line in lines)


def test_bad_file_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<CONSOLIDATED_LIST dateGenerated='2026-01-01'><INDIVIDUALS><INDIVIDUAL>")
    code, _, err = run(capsys, "lists", "load", str(bad), "--source", "un")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("corridor: error: ") and "bad.xml" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("lists", "load", "/nonexistent/file.xml"), "no such file"),
        (("lists", "load", "{empty}", "--source", "un"), "file is empty"),
        (("lists", "load", "{v1}", "--source", "nowhere"), "--source 'nowhere' is unknown"),
        (("lists", "diff", "un_sc"), "no list 'un_sc' is loaded"),
        (("lists", "export", "-o", "x", "--format", "csv"), "expected ftm"),
    ],
)
def test_user_errors_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    (tmp_path / "empty.xml").write_bytes(b"")
    paths = {"empty": str(tmp_path / "empty.xml"), "v1": str(write_un(tmp_path / "v1.xml", V1))}
    code, _, err = run(capsys, *(a.format(**paths) for a in args))
    assert code == 2 and expected in err and err.count("\n") == 1


def test_un_snapshots_diff_and_truncated_load(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shared_data: Path
) -> None:
    """Done-when of the foundation issue, on the real UN snapshots."""
    un = shared_data / "sanctions" / "un"
    code, out, _ = run(capsys, "lists", "load", str(un / "un_consolidated_2025-11-18.xml"))
    assert code == 0 and "1,000 entries" in out
    code, out, _ = run(capsys, "lists", "load", str(un / "un_consolidated_2026-02-27.xml"))
    assert code == 0 and "1,003 entries" in out

    code, out, _ = run(capsys, "lists", "diff", "un_sc", "--json")
    diff = json.loads(out)
    assert (diff["from"]["published"], diff["to"]["published"]) == ("2025-11-18", "2026-02-27")
    assert sorted(a["record_id"] for a in diff["added"] if a["schema"] != "Sanction") == [
        "6909526",
        "6909527",
        "6909528",
        "6909529",
    ]
    assert [r["record_id"] for r in diff["removed"] if r["schema"] != "Sanction"] == ["6908121"]

    # A truncated copy of a real list fails with exit 2 and the active version stays.
    whole = (un / "un_consolidated_2025-11-18.xml").read_bytes()
    truncated = tmp_path / "un_truncated.xml"
    truncated.write_bytes(whole[: len(whole) * 2 // 3])
    code, _, err = run(capsys, "lists", "load", str(truncated))
    assert code == 2 and "un_truncated.xml:" in err
    code, out, _ = run(capsys, "lists", "status", "--json")
    assert [(s["version"], s["published"]) for s in json.loads(out)] == [(2, "2026-02-27")]
