"""Official sanctions list formats, each turned into FollowTheMoney entities.

One module per format family; each exports ``FORMATS``, a tuple of `ListFormat`s. This
package only parses: storing, versioning and diffing happen in `corridor.store`.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from corridor.errors import CorridorError
from corridor.sources.base import SOURCES, ListFormat, ParsedEntity, ParsedList
from corridor.sources.inputs import read_head

__all__ = ["SOURCES", "ListFormat", "ParsedEntity", "ParsedList", "formats", "open_list"]

#: Format modules, most specific first: sniffing takes the first that accepts a file.
_MODULES = (
    "eu_vessels",
    "gur",
    "ftm_shadowfleet",
    "ofac_xml",
    "ofac_advanced",
    "ofac_csv",
    "un",
    "eu",
    "uk",
    "opensanctions",
    "kz_afm",
)


@cache
def formats() -> tuple[ListFormat, ...]:
    """Every known format, in sniffing order."""
    found: list[ListFormat] = []
    for name in _MODULES:
        module = importlib.import_module(f"corridor.sources.{name}")
        found.extend(module.FORMATS)
    return tuple(found)


def detect_format(path: Path, source: str | None = None) -> ListFormat:
    """The format of ``path``, optionally restricted to one source family."""
    if source is not None and source not in SOURCES:
        raise CorridorError(f"--source {source!r} is unknown; expected one of {', '.join(SOURCES)}")
    if not path.exists():
        raise CorridorError.at(path, "no such file or directory")
    head = b"" if path.is_dir() else read_head(path)
    candidates = [f for f in formats() if source is None or f.source == source]
    for fmt in candidates:
        if fmt.sniff(path, head):
            return fmt
    expected = source or "any known official list format"
    raise CorridorError.at(path, f"not recognised as {expected}; use --source to name the list")


def open_list(path: Path, source: str | None = None) -> ParsedList:
    """Sniff the format of ``path`` and start parsing it."""
    return detect_format(path, source).open(path)
