"""Safe reading of list files: limits, compression, encodings, and located errors."""

from __future__ import annotations

import contextlib
import gzip
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.settings import get_settings
from corridor.sources.inputs import iter_xml, open_binary, read_csv, require_columns


def test_two_gigabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "sdn.xml"
    with huge.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(2 * 1024**3)
    with pytest.raises(CorridorError, match=r"sdn\.xml: file is 2,147,483,648 bytes, over the"):
        list(iter_xml(huge))


@pytest.mark.parametrize("kind", ["gzip", "zip"])
def test_decompression_bomb_stops_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv("CORRIDOR_MAX_FILE_BYTES", str(10 * 1024**2))
    get_settings.cache_clear()
    payload = b"<a>" + b"<b>x</b>" * (7 * 1024**2) + b"</a>"  # 56 MB that compress to ~100 KB
    bomb = tmp_path / f"bomb.{kind}"
    if kind == "gzip":
        bomb.write_bytes(gzip.compress(payload))
    else:
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("list.xml", payload)
    assert bomb.stat().st_size < 1024**2
    with pytest.raises(CorridorError, match="decompression bomb"):
        list(iter_xml(bomb))


def test_truncated_gzip_is_reported(tmp_path: Path) -> None:
    data = gzip.compress(b"<a>" + b"<b>x</b>" * 20000 + b"</a>")
    path = tmp_path / "list.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorridorError, match=r"list\.xml\.gz: compressed data is truncated"):
        list(iter_xml(path))


def test_zip_with_several_members_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lists.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.xml", "<a/>")
        archive.writestr("b.xml", "<b/>")
    with (
        pytest.raises(CorridorError, match=r"exactly one list file, found a\.xml, b\.xml"),
        open_binary(path),
    ):
        pass


def test_zip_with_one_member_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("list.csv", "a,b\n1,2\n")
    assert list(read_csv(path)) == [(1, ["a", "b"]), (2, ["1", "2"])]


def test_cp1251_text_in_a_utf8_format_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "targets.csv"
    path.write_bytes("id,name\n1,Ivanov\n2,Иванов\n".encode("cp1251"))
    with pytest.raises(
        CorridorError, match=r"targets\.csv:3: byte 0x\w\w is not valid utf-8.*cp1251"
    ):
        list(read_csv(path))


def test_ctrl_z_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b'36,"AEROCARIBBEAN AIRLINES",-0- \r\n\x1a')
    assert list(read_csv(path, skip_ctrl_z=True)) == [(1, ["36", "AEROCARIBBEAN AIRLINES", "-0- "])]


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    with pytest.raises(CorridorError, match=r"list\.csv:2: missing column\(s\) schema, name"):
        require_columns(tmp_path / "list.csv", ["id", "aliases"], ["id", "schema", "name"], line=2)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(min_size=1, max_size=2000))
def test_readers_raise_only_corridor_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(data)
    for reader in (lambda: list(iter_xml(path)), lambda: list(read_csv(path))):
        with contextlib.suppress(CorridorError):
            reader()
