"""Every format, fed mutated copies of a real-format sample: only CorridorError escapes.

A parser that raises anything else on bad input is a bug (the CLI would print a traceback
instead of a one-line error).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.sources import formats

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"
FIXTURES = Path(__file__).parent.parent / "fixtures"

#: A small sample of each format (written by the project) for the fuzzer to mutate.
SAMPLES = {
    "ofac-sdn-xml": EXAMPLES / "sdn.xml",
    "un-sc-xml": EXAMPLES / "un_consolidated.xml",
    "eu-fsf-xml": EXAMPLES / "eu_fsf.xml",
    "uk-fcdo-csv": EXAMPLES / "UK-Sanctions-List.csv",
    "kz-afm-xml": EXAMPLES / "kz_afm.xml",
    "opensanctions-ftm-json": FIXTURES / "opensanctions" / "entities.ftm.json",
}
#: Formats without a project sample get a few real-looking lines written here.
INLINE = {
    "ftm-shadowfleet-csv": (
        "vessels.csv",
        b"vessel_imo,vessel_name,tanker_size,buildyear\r\n8727941,Kapitan Pshenitsyn,Handysize,"
        b"1987\r\n9610810,Viktor Bakaev,Aframax,2013\r\n",
    ),
    "eu-annex-xlii-csv": (
        "ImportversionListOfEUDesignatedVessels231025.csv",
        b"Vessel name;IMO number ;Date of application\r\nAngara;9179842;25.06.2024\r\n"
        b"Maria;8517839;25.06.2024\r\nCh\xe9ri;9305609;24.10.2025\r\n",
    ),
    "gur-vessels-csv": (
        "gur_vessels_master.csv",
        b"gur_id,name,imo,mmsi_current,mmsi_legacy,flag,vessel_type,callsign,former_names,"
        b"build_year,status\r\n1575,ZHUO YUAN,9408683,352005626,,Panama,Crude Oil Tanker,"
        b"3E8856,Profit / Advantage Solar,2009,listed\r\n,KOROGLU,9347231,,423242100,,,,,,"
        b"delisted_from_gur\r\n",
    ),
    "ofac-csv": (
        "sdn.csv",
        b'15892,"PROKOPENKO, Ivan Pavlovitch","individual","MAGNIT] [RUSSIA-EO14024",-0- ,-0- ,'
        b'-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia;'
        b" Tax ID No. 773407989940 (Russia); a.k.a. 'PROKOPENKO Ivan'.\"\r\n\x1a",
    ),
    "ofac-advanced-xml": (
        "cons_advanced.xml",
        b'<Sanctions xmlns="http://www.un.org/sanctions/1.0"><DateOfIssue><Year>2020</Year>'
        b"<Month>3</Month><Day>17</Day></DateOfIssue><ReferenceValueSets><AliasTypeValues>"
        b'<AliasType ID="1403">Name</AliasType></AliasTypeValues></ReferenceValueSets>'
        b'<DistinctParties><DistinctParty FixedRef="9639"><Profile ID="9639" PartySubTypeID="4">'
        b'<Identity ID="1"><Alias AliasTypeID="1403" Primary="true"><DocumentedName>'
        b"<DocumentedNamePart><NamePartValue>HANIYA</NamePartValue></DocumentedNamePart>"
        b"</DocumentedName></Alias></Identity></Profile></DistinctParty></DistinctParties>"
        b'<SanctionsEntries><SanctionsEntry ProfileID="9639"><SanctionsMeasure><Comment>NS-PLC'
        b"</Comment></SanctionsMeasure></SanctionsEntry></SanctionsEntries></Sanctions>",
    ),
    "eu-fsf-csv": (
        "eu.csv",
        b"Date_file;Entity_logical_id;Subject_type;Programme;Naal_logical_id;Naal_wholename;"
        b"Naal_gender;Birt_logical_id;Birt_date\r\n"
        b"04/07/2018;1;P;ZWE;1;Robert Gabriel Mugabe;M;;\r\n"
        b"04/07/2018;1;P;ZWE;;;;1;1924-02-21\r\n",
    ),
    "uk-ofsi-conlist-csv": (
        "conlist.csv",
        b"Last Updated,13/04/2018\r\n"
        b"Name 6,Name 1,DOB,Group Type,Alias Type,Regime,Listed On,Group ID\r\n"
        b"AB-BILAL,,11/11/1965,Individual,Prime Alias,ISIL,09/10/2015,13301\r\n"
        b"WAINAKH,,11/11/1965,Individual,AKA,ISIL,09/10/2015,13301\r\n",
    ),
    "opensanctions-targets-csv": (
        "targets.simple.csv",
        b"id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,"
        b'dataset,first_seen,last_seen,last_change\r\nNK-1,Person,IVAKHA Denis,"\xd0\x98\xd0\x92'
        b'\xd0\x90\xd0\xa5\xd0\x90 \xd0\x94\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x81",'
        b"1970-01-01,ru,,IMO1234567,"
        b'"""x""",,,Ukraine War,2025-01-01,2026-03-13T05:41:01,2026-01-01\r\n',
    ),
}


def sample(name: str, tmp_path: Path) -> tuple[str, bytes]:
    if name in SAMPLES:
        return SAMPLES[name].name, SAMPLES[name].read_bytes()
    return INLINE[name]


@pytest.mark.parametrize("name", sorted({f.name for f in formats()}))
def test_samples_cover_every_format_and_parse(name: str, tmp_path: Path) -> None:
    file_name, data = sample(name, tmp_path)
    path = tmp_path / file_name
    path.write_bytes(data)
    fmt = next(f for f in formats() if f.name == name)
    assert fmt.sniff(path, data[:8192]), f"{name} does not recognise its own sample"
    entities = list(fmt.open(path).entities)
    assert any(e.is_target for e in entities)


@pytest.mark.parametrize("name", sorted({f.name for f in formats()}))
def test_mutations_raise_only_corridor_errors(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    file_name, data = sample(name, Path("."))
    fmt = next(f for f in formats() if f.name == name)
    folder = tmp_path_factory.mktemp(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        start=st.integers(0, len(data)),
        stop=st.integers(0, len(data)),
        junk=st.binary(max_size=24),
    )
    def check(start: int, stop: int, junk: bytes) -> None:
        path = folder / file_name
        path.write_bytes(data[:start] + junk + data[stop:])
        with contextlib.suppress(CorridorError):
            list(fmt.open(path).entities)

    check()
    shutil.rmtree(folder, ignore_errors=True)
