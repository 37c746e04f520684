"""The contract between a source parser and the rest of Corridor.

A parser turns one official list file (or file set) into FollowTheMoney entities and
nothing else: no database, no matching. Each entity carries its provenance: the list it
came from, the list's publication date, and the original record id the publisher gave it
(OFAC ``ent_num``/``uid``, EU ``logicalId``, UN ``DATAID``, UK unique id), so a decision
can always be traced back to the exact published record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from followthemoney import model
from followthemoney.proxy import EntityProxy

from corridor.errors import CorridorError

#: The source families a user names with ``--source``.
SOURCES = ("ofac", "eu", "un", "uk", "opensanctions", "kz-afm", "gur", "ftm-shadowfleet")


@dataclass(frozen=True)
class ParsedEntity:
    """One FtM entity with the publisher's own id for the record it came from."""

    entity: EntityProxy
    record_id: str
    #: Whether the entity is itself listed. None lets `is_target` decide by schema;
    #: OpenSanctions exports say it explicitly (a listed company's director may not be).
    target: bool | None = None

    @property
    def is_target(self) -> bool:
        """True for the list's entries: listed persons, organisations, vessels, aircraft."""
        if self.target is not None:
            return self.target
        return is_target_schema(self.entity)


@dataclass
class ParsedList:
    """A list file being parsed.

    ``entities`` is lazy: iterating it reads the file, and may fill in ``published``
    when the publication date sits in the file (OFAC ``Publish_Date``, UN
    ``dateGenerated``). Iterate it completely before trusting ``published``.
    """

    list_name: str
    source: str
    format: str
    files: list[Path]
    entities: Iterator[ParsedEntity]
    published: date | None = None
    #: Counts the parser wants reported beside entity counts (e.g. skipped rows).
    notes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def streaming(
        cls,
        parse: Callable[[ParsedList], Iterator[ParsedEntity]],
        *,
        list_name: str,
        source: str,
        format: str,
        files: list[Path],
    ) -> ParsedList:
        """A list whose ``parse`` generator may set ``published`` (or notes) as it reads."""
        parsed = cls(
            list_name=list_name, source=source, format=format, files=files, entities=iter(())
        )
        parsed.entities = parse(parsed)
        return parsed


class ListFormat(Protocol):
    """One official file format. Modules in `corridor.sources` export one or more."""

    #: Short identifier, e.g. ``ofac-sdn-xml``.
    name: str
    #: Source family, one of `SOURCES`.
    source: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when ``path`` (whose first decompressed bytes are ``head``) is this format."""
        ...

    def open(self, path: Path) -> ParsedList:
        """Start parsing ``path``; errors a user can cause raise `CorridorError`."""
        ...


def is_target_schema(entity: EntityProxy) -> bool:
    """Whether ``entity``'s schema is one a list names as an entry.

    FtM's own ``matchable`` flag is too wide here (an ``Address`` is matchable) and
    ``Sanction``/``Ownership`` are links, not entries.
    """
    return bool(entity.schema.is_a("LegalEntity") or entity.schema.is_a("Vehicle"))


_SLUG = re.compile(r"[^a-z0-9]+")


def entity_id(prefix: str, *parts: str | int) -> str:
    """A stable, readable entity id: ``entity_id("ofac", 15892)`` -> ``ofac-15892``.

    Ids must be the same for the same published record in every version (and in every
    format of the same list) so that version diffs and earlier decisions line up.
    """
    tail = "-".join(_SLUG.sub("-", str(p).lower()).strip("-") for p in parts if str(p).strip())
    if not tail:
        raise ValueError("entity_id needs a non-empty record id")
    return f"{prefix}-{tail}"


def make_entity(schema: str, id_: str) -> EntityProxy:
    """A new FtM entity of ``schema`` with id ``id_``."""
    entity = model.make_entity(schema)
    entity.id = id_
    return entity


def make_sanction(
    target: EntityProxy,
    *,
    authority: str,
    programs: list[str] | None = None,
    listing_date: str | None = None,
    authority_id: str | None = None,
    source_url: str | None = None,
    reason: str | None = None,
    unsc_id: str | None = None,
) -> EntityProxy:
    """The FtM ``Sanction`` that says who listed ``target``, under which programme, when.

    Programmes are also copied onto the target's ``program`` property and the target gets
    the ``sanction`` topic, so screening can show them without following the link.
    """
    sanction = make_entity("Sanction", f"{target.id}-sanction")
    sanction.add("entity", target.id)
    sanction.add("authority", authority)
    for program in programs or []:
        sanction.add("program", program)
        target.add("program", program)
    sanction.add("listingDate", listing_date)
    sanction.add("authorityId", authority_id)
    sanction.add("unscId", unsc_id)
    sanction.add("sourceUrl", source_url)
    sanction.add("reason", reason)
    target.add("topics", "sanction")
    return sanction


#: Identifier kinds a parser may report, and the FtM property that holds each.
#: Where a schema lacks the specific property (a Person has no ``imoNumber``) the value
#: goes to the generic fallback so it is never lost.
IDENTIFIER_PROPS: dict[str, str] = {
    "inn": "innCode",
    "ogrn": "ogrnCode",
    "imo": "imoNumber",
    "bic": "swiftBic",
    "lei": "leiCode",
    "passport": "passportNumber",
    "national_id": "idNumber",
    "registration": "registrationNumber",
    "tax": "taxNumber",
    "vat": "vatCode",
    "mmsi": "mmsi",
    "call_sign": "callSign",
}
_FALLBACK_PROPS = ("registrationNumber", "idNumber", "notes")


def add_identifier(entity: EntityProxy, kind: str, value: str | None) -> None:
    """Add an identifier of ``kind`` (a key of `IDENTIFIER_PROPS`) to ``entity``."""
    if value is None or not value.strip():
        return
    value = value.strip()
    prop = IDENTIFIER_PROPS.get(kind)
    candidates = ((prop,) if prop else ()) + _FALLBACK_PROPS
    for name in candidates:
        if name in entity.schema.properties:
            entity.add(name, value, quiet=True)
            return


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%Y%m%d")


def parse_date(text: str | None, formats: tuple[str, ...] = _DATE_FORMATS) -> date | None:
    """Parse a full date in one of ``formats``; None when empty or not a full date."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if "T" in value:  # ISO timestamps such as UN's dateGenerated
        value = value.split("T", 1)[0]
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def require_date(
    path: Path, text: str | None, what: str, formats: tuple[str, ...] = _DATE_FORMATS
) -> date:
    """Like `parse_date` but a missing or malformed date is a `CorridorError` naming ``what``."""
    parsed = parse_date(text, formats)
    if parsed is None:
        raise CorridorError.at(path, f"{what} {text!r} is not a date; expected e.g. 2026-02-27")
    return parsed


_FILENAME_DATE = re.compile(r"(20\d\d|19\d\d)-(\d\d)-(\d\d)")


def date_from_filename(path: Path) -> date | None:
    """A publication date written in a file or folder name (``sdn_2024-05-03.csv``).

    Some official files carry no date at all (OFAC's legacy ``sdn.csv``); mirrors name
    the file by the day they fetched it, which is the best date there is.
    """
    for part in (path.name, path.parent.name):
        found = _FILENAME_DATE.search(part)
        if found:
            try:
                return date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                return None
    return None
