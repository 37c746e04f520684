"""Opening list files safely: size limits, transparent gzip/zip, and located errors.

Official lists arrive as plain files, gzip (``.gz``) or zip archives. A hostile or broken
download can be huge, a decompression bomb, truncated, or in the wrong encoding; every one
of these must end as a `CorridorError` naming the file, never as a crash or an exhausted
machine. Parsers read through `open_binary`, `open_text`, `read_csv` and `iter_xml`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import sys
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from corridor.errors import CorridorError
from corridor.settings import get_settings

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
#: OFAC's legacy CSV files end with a DOS end-of-file byte (Ctrl-Z) on its own line.
CTRL_Z = "\x1a"

# Official CSV fields can be long (OFAC Remarks, OFSI "Other Information").
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class _LimitedReader(io.RawIOBase):
    """A read-only stream that refuses to yield more than ``limit`` bytes.

    Wraps a decompressing stream so that a zip bomb stops at the limit, and turns the
    decompressor's own errors (truncated or corrupt data) into located `CorridorError`s.
    """

    def __init__(self, inner: IO[bytes], path: Path, limit: int) -> None:
        self._inner = inner
        self._path = path
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        try:
            data = self._inner.read(len(view))
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
            raise CorridorError.at(
                self._path, f"compressed data is truncated or corrupt ({exc})"
            ) from exc
        self._count += len(data)
        if self._count > self._limit:
            raise CorridorError.at(
                self._path,
                f"decompresses to more than {self._limit:,} bytes "
                "(CORRIDOR_MAX_FILE_BYTES); refusing a possible decompression bomb",
            )
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def check_file(path: Path) -> int:
    """Check that ``path`` is a readable, non-empty file within the size limit; return its size."""
    if not path.exists():
        raise CorridorError.at(path, "no such file")
    if not path.is_file():
        raise CorridorError.at(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise CorridorError.at(path, "file is empty")
    limit = get_settings().max_file_bytes
    if size > limit:
        raise CorridorError.at(
            path, f"file is {size:,} bytes, over the {limit:,}-byte limit (CORRIDOR_MAX_FILE_BYTES)"
        )
    return size


def read_head(path: Path, size: int = 8192) -> bytes:
    """The first ``size`` bytes of the (decompressed) content, for format sniffing."""
    with open_binary(path) as stream:
        return stream.read(size)


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open a list file for reading bytes, decompressing gzip or a one-member zip."""
    check_file(path)
    limit = get_settings().max_file_bytes
    raw = path.open("rb")
    try:
        magic = raw.read(4)
        raw.seek(0)
        inner: IO[bytes]
        if magic.startswith(GZIP_MAGIC):
            inner = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
        elif magic == ZIP_MAGIC:
            inner = _open_zip_member(raw, path)
        else:
            yield raw
            return
        stream = io.BufferedReader(_LimitedReader(inner, path, limit), buffer_size=1 << 16)
        yield stream
    finally:
        raw.close()


def _open_zip_member(raw: IO[bytes], path: Path) -> IO[bytes]:
    try:
        archive = zipfile.ZipFile(raw)
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorridorError.at(path, f"not a readable zip archive ({exc})") from exc
    if len(members) != 1:
        names = ", ".join(m.filename for m in members[:5]) or "nothing"
        raise CorridorError.at(path, f"zip archive must hold exactly one list file, found {names}")
    return archive.open(members[0])


@contextmanager
def open_text(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Open a list file as text in ``encoding`` (strict: bad bytes are reported, not replaced)."""
    with open_binary(path) as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
        try:
            yield text
        finally:
            text.detach()


def describe_decode_error(path: Path, exc: UnicodeDecodeError, encoding: str, line: int) -> str:
    """Explain a decoding failure, with a hint for the usual Windows code pages."""
    bad = exc.object[exc.start : exc.start + 1].hex() if exc.object else "??"
    hint = ""
    if codecs.lookup(encoding).name == "utf-8":
        hint = " - the file looks like a Windows code page (cp1251 Cyrillic or cp1252 Latin)"
    return f"{path}:{line}: byte 0x{bad} is not valid {encoding}; expected {encoding} text{hint}"


def text_lines(path: Path, encoding: str = "utf-8") -> Iterator[str]:
    """Yield the decoded lines of a list file, line endings kept.

    Decoding line by line (rather than through a buffered text stream that reads ahead)
    lets a bad byte be reported on the exact physical line it sits on.
    """
    with open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise CorridorError(describe_decode_error(path, exc, encoding, number)) from exc


def read_csv(
    path: Path,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    skip_ctrl_z: bool = False,
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, row)`` for each CSV row; errors name the file and line.

    ``line_number`` is the physical line where the row ends (1-based), which is what a
    user sees in an editor. Completely empty rows are skipped.
    """
    reader = csv.reader(text_lines(path, encoding), delimiter=delimiter, strict=False)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if skip_ctrl_z and len(row) == 1 and row[0].strip() == CTRL_Z:
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        raise CorridorError.at(path, f"malformed CSV ({exc})", line=reader.line_num) from exc


def require_columns(
    path: Path, header: Sequence[str], required: Sequence[str], line: int = 1
) -> dict[str, int]:
    """Map column names to indexes, failing with the list of missing columns."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):  # the first of repeated names wins (EU CSV repeats ids)
        index.setdefault(name.strip(), i)
    missing = [name for name in required if name not in index]
    if missing:
        raise CorridorError.at(
            path,
            f"missing column(s) {', '.join(missing)}; expected a header with {', '.join(required)}",
            line=line,
        )
    return index


def iter_xml(path: Path, tags: Sequence[str] | None = None) -> Iterator[etree._Element]:
    """Stream the elements closing with one of ``tags`` (all when None) from an XML file.

    Entities are not resolved and nothing is fetched from the network (no XXE), and each
    yielded element should be cleared by the caller once used so memory stays flat.
    Syntax errors and truncation become `CorridorError` with the line number.
    """
    with open_binary(path) as stream:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=list(tags) if tags else None,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
        try:
            yield from (element for _, element in events)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if exc.lineno else None
            msg = exc.msg or str(exc)
            raise CorridorError.at(path, f"malformed XML ({msg})", line=line) from exc


def local_name(element: etree._Element) -> str:
    """The tag without its namespace: ``{ns}sdnEntry`` -> ``sdnEntry``."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def release(element: etree._Element) -> None:
    """Free a streamed element and the siblings before it, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]
