"""Build small UN Security Council consolidated-list XML files for store and CLI tests.

The UN format is the simplest official list format; writing it from the test keeps each
test's versions (what is added, removed, changed) visible next to its assertions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass
class UnIndividual:
    dataid: str
    first: str
    second: str
    aliases: list[str] = field(default_factory=list)
    nationality: str = "Russian Federation"
    listed_on: str = "2022-03-01"


def un_xml(entries: list[UnIndividual], generated: str = "2026-02-27T00:00:09.554Z") -> str:
    """A UN consolidated list holding ``entries`` as individuals."""
    people = "".join(_individual(e) for e in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<CONSOLIDATED_LIST dateGenerated="{generated}">\n'
        f"  <INDIVIDUALS>{people}\n  </INDIVIDUALS>\n  <ENTITIES/>\n</CONSOLIDATED_LIST>\n"
    )


def _individual(e: UnIndividual) -> str:
    aliases = "".join(
        f"<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>{escape(a)}</ALIAS_NAME></INDIVIDUAL_ALIAS>"
        for a in e.aliases
    )
    return f"""
    <INDIVIDUAL>
      <DATAID>{e.dataid}</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>{escape(e.first)}</FIRST_NAME>
      <SECOND_NAME>{escape(e.second)}</SECOND_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.{e.dataid[-3:]}</REFERENCE_NUMBER>
      <LISTED_ON>{e.listed_on}</LISTED_ON>
      <NATIONALITY><VALUE>{escape(e.nationality)}</VALUE></NATIONALITY>
      <LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE>
      {aliases}
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1970-01-02</DATE></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>"""


def write_un(
    path: Path, entries: list[UnIndividual], generated: str = "2026-02-27T00:00:09.554Z"
) -> Path:
    path.write_text(un_xml(entries, generated), encoding="utf-8")
    return path


V1 = [
    UnIndividual("1000001", "IVAN", "PETROV", ["IVAN PETROFF"]),
    UnIndividual("1000002", "ANNA", "SIDOROVA"),
    UnIndividual("1000003", "OLEG", "KUZNETSOV"),
]
#: V1 with 1000002 removed, 1000004 added and an alias added to 1000001.
V2 = [
    UnIndividual("1000001", "IVAN", "PETROV", ["IVAN PETROFF", "ИВАН ПЕТРОВ"]),
    UnIndividual("1000003", "OLEG", "KUZNETSOV"),
    UnIndividual("1000004", "ZHANAT", "ABENOV", nationality="Kazakhstan"),
]
