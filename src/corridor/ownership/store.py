"""Where ownership data lives: Parquet files under ``$CORRIDOR_HOME/ownership``, read by DuckDB.

Why Parquet and not tables in the operational database: ownership data is bulk,
append-only, analytical data (a national register is millions of holdings), and the
rules need it as a few numpy arrays. DuckDB reads three million holdings from Parquet,
resolves ids, keeps the newest statement of each holding and hands back numpy columns
in about a second; the same through SQLAlchemy rows from SQLite takes tens of seconds
and a Python object per row. This is the architecture's rule for analytics data
(DuckDB over Parquet), and it keeps the operational schema (and its migrations) out of
it. The links to list entities are checked against the operational store each time the
graph is built, so a delisting or a new list version takes effect at once.

Layout: each load is ``loads/NNNNNN.holdings.parquet``, ``loads/NNNNNN.parties.parquet``
and ``loads/NNNNNN.json`` (its manifest: file, SHA-256, counts, how parties were
linked). The manifest is written last, after both Parquet files are renamed into place,
so a crash leaves no half load visible: only loads with a manifest are read.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from sqlalchemy import select

from corridor.ownership.graph import KIND_CODES, OwnershipGraph
from corridor.ownership.sources import OwnershipFile, Party, read_ownership_file
from corridor.settings import get_settings
from corridor.store import Store
from corridor.store.models import ActiveList, ListEntity, ListVersion

#: Lists whose entries are the roots of each regime. OFAC's 50 % rule follows blocked
#: persons: the SDN list (the Consolidated non-SDN list holds sectoral and other
#: restrictions that do not block). EU and UK freezes cover their own lists and the UN
#: Security Council list, which both implement. OpenSanctions mirrors of those lists
#: (``os_<dataset>``) count for the regime they mirror.
REGIME_LISTS: dict[str, frozenset[str]] = {
    "ofac": frozenset({"ofac_sdn", "os_us_ofac_sdn"}),
    "eu": frozenset({"eu_fsf", "un_sc", "os_eu_fsf", "os_un_sc_sanctions"}),
    "uk": frozenset(
        {"gb_hmt", "gb_fcdo", "un_sc", "os_gb_hmt_sanctions", "os_gb_fcdo_sanctions"}
        | {"os_un_sc_sanctions"}
    ),
}
#: Score a name (and identifier) match must reach to link a party to a listed entity.
#: Higher than the screening default (0.7): a wrong link makes an innocent company
#: "blocked", and an unlinked party still shows in the graph under its own id.
LINK_THRESHOLD = 0.9
#: At most this many list entries are taken as the same party (one per list it is on).
MAX_ALSO = 8

#: ``WHEN 'ownership' THEN 0 ...``: kind names to `corridor.ownership.graph` codes in SQL.
_KIND_CASE = " ".join(f"WHEN '{name}' THEN {code}" for name, code in KIND_CODES.items())
_HOLDING_COLUMNS = {
    "seq": "INTEGER",
    "owner": "VARCHAR",
    "asset": "VARCHAR",
    "share": "DOUBLE",
    "kind": "VARCHAR",
    "role": "VARCHAR",
    "start_date": "DATE",
    "end_date": "DATE",
    "source": "VARCHAR",
    "record": "VARCHAR",
}
_PARTY_COLUMNS = {
    "seq": "INTEGER",
    "party_id": "VARCHAR",
    "name": "VARCHAR",
    "schema": "VARCHAR",
    "identifiers": "VARCHAR",
    "entity_id": "VARCHAR",
    "link": "VARCHAR",
    "score": "DOUBLE",
    "also": "VARCHAR",
}


@dataclass
class ListedEntity:
    """An entry of an active list version, as the ownership rules need it."""

    entity_id: str
    caption: str
    lists: set[str] = field(default_factory=set)


@dataclass
class LoadSummary:
    """What ``corridor ownership load`` did."""

    seq: int
    path: str
    format: str
    holdings: int
    parties: int
    linked_by_id: int
    linked_by_name: int
    created: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def ownership_dir() -> Path:
    return get_settings().home / "ownership" / "loads"


def manifests() -> list[dict[str, Any]]:
    """Every complete load, oldest first."""
    folder = ownership_dir()
    if not folder.is_dir():
        return []
    out = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    return sorted(out, key=lambda m: int(m["seq"]))


def listed_entities(store: Store) -> dict[str, ListedEntity]:
    """Every target entity of every active list version: id -> caption and lists."""
    out: dict[str, ListedEntity] = {}
    with store.session() as session:
        rows = session.execute(
            select(ListEntity.entity_id, ListEntity.caption, ListVersion.list_name)
            .join(ActiveList, ActiveList.version_id == ListEntity.version_id)
            .join(ListVersion, ListVersion.id == ListEntity.version_id)
            .where(ListEntity.target.is_(True))
        )
        for entity_id, caption, list_name in rows:
            item = out.setdefault(entity_id, ListedEntity(entity_id, caption))
            item.lists.add(list_name)
    return out


def active_version_key(store: Store) -> list[tuple[str, int]]:
    with store.session() as session:
        return sorted(
            (name, vid)
            for name, vid in session.execute(select(ActiveList.list_name, ActiveList.version_id))
        )


#: A match of a party against the lists: (entity id, score, why).
LinkMatch = tuple[str, float, str]
Linker = Callable[[Party], list[LinkMatch]]


@dataclass
class Link:
    """How one party was tied to the lists: its primary entity and the same party on
    other lists (OFAC, EU and UK list one company under three ids)."""

    entity_id: str
    score: float
    how: str
    also: list[str] = field(default_factory=list)


def screening_linker(store: Store) -> Linker:
    """Link a party to listed entities by screening its name and identifiers."""
    from corridor.screening.engine import Query, screen
    from corridor.screening.index import load_index

    index = load_index(store)
    schemas = {"Person": "Person", "Company": "Company", "Organization": "Organization"}

    def link(party: Party) -> list[LinkMatch]:
        if not party.name and not party.identifiers:
            return []
        query = Query(
            names=[party.name] if party.name else [],
            schema=schemas.get(party.schema),
            identifiers=party.identifiers,
            countries=party.countries,
        )
        return [
            (m.entity.entity_id, m.score, "; ".join(m.explanation))
            for m in screen(index, query, LINK_THRESHOLD, limit=MAX_ALSO)
            if m.is_match
        ]

    return link


def load_ownership(
    store: Store, path: Path, *, match_names: bool = True, linker: Linker | None = None
) -> LoadSummary:
    """Read ``path`` whole, link its parties to the lists, and store it as a new load.

    A file whose bytes were loaded before is not stored again. Parties whose id is the id
    of a listed entity (``ofac-12345``, an OpenSanctions ``NK-...``) are linked by id;
    the others, when ``match_names``, by screening their name and identifiers at
    `LINK_THRESHOLD`. The link, its score and its reason are stored with the party.
    """
    digest = _sha256(path)
    known = _already_loaded(manifests(), digest)
    if known is not None:
        return known
    data = read_ownership_file(path)  # all checks before any lock or write
    with _load_lock():
        return _store_load(store, path, data, digest, match_names, linker)


def _already_loaded(done: list[dict[str, Any]], digest: str) -> LoadSummary | None:
    for manifest in done:
        if manifest["sha256"] == digest:
            return LoadSummary(
                int(manifest["seq"]),
                manifest["path"],
                manifest["format"],
                int(manifest["holdings"]),
                int(manifest["parties"]),
                int(manifest["linked_by_id"]),
                int(manifest["linked_by_name"]),
                created=False,
            )
    return None


@contextmanager
def _load_lock() -> Iterator[None]:
    """One load at a time per ``$CORRIDOR_HOME``: two loads must not take one number.

    ``flock`` is released by the kernel when the process ends, so a crashed load leaves
    no stale lock behind.
    """
    folder = ownership_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _store_load(
    store: Store,
    path: Path,
    data: OwnershipFile,
    digest: str,
    match_names: bool,
    linker: Linker | None,
) -> LoadSummary:
    done = manifests()
    known = _already_loaded(done, digest)  # loaded meanwhile by another process
    if known is not None:
        return known
    listed = listed_entities(store)
    links = _link(data, listed, linker or (screening_linker(store) if match_names else None))
    seq = max((int(m["seq"]) for m in done), default=0) + 1
    summary = LoadSummary(
        seq,
        str(path),
        data.format,
        len(data.holdings),
        len(data.parties),
        sum(1 for link in links.values() if link.how == "id"),
        sum(1 for link in links.values() if link.how != "id"),
    )
    _write(seq, data, links, digest, summary, active_version_key(store))
    return summary


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _link(
    data: OwnershipFile, listed: dict[str, ListedEntity], linker: Linker | None
) -> dict[str, Link]:
    links: dict[str, Link] = {}
    for party in data.parties.values():
        if party.id in listed:
            link = Link(party.id, 1.0, "id")
            if linker is not None:
                same = Party(party.id, listed[party.id].caption, party.schema, party.identifiers)
                link.also = [m[0] for m in linker(same) if m[0] != party.id]
            links[party.id] = link
        elif linker is not None:
            found = linker(party)
            if found:
                entity_id, score, why = found[0]
                also = [m[0] for m in found[1:]]
                links[party.id] = Link(entity_id, score, f"screening: {why}", also)
    return links


def _write(
    seq: int,
    data: OwnershipFile,
    links: dict[str, Link],
    digest: str,
    summary: LoadSummary,
    versions: list[tuple[str, int]],
) -> None:
    folder = ownership_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{seq:06d}"
    holdings = (
        [
            seq,
            h.owner,
            h.asset,
            "" if h.share is None else repr(h.share),
            h.kind,
            h.role,
            h.start.isoformat() if h.start else "",
            h.end.isoformat() if h.end else "",
            h.source,
            h.record,
        ]
        for h in data.holdings
    )
    parties = []
    for party in data.parties.values():
        link = links.get(party.id, Link("", 0.0, ""))
        identifiers = ";".join(party.identifiers)
        also = ";".join(link.also)
        row = [seq, party.id, party.name, party.schema, identifiers, link.entity_id, link.how]
        parties.append([*row, repr(link.score), also])
    for suffix, rows, columns in (
        ("holdings", holdings, _HOLDING_COLUMNS),
        ("parties", parties, _PARTY_COLUMNS),
    ):
        _to_parquet(rows, columns, stem.with_suffix(f".{suffix}.parquet"))
    manifest = {
        **summary.to_dict(),
        "sha256": digest,
        "loaded_at": datetime.now(UTC).isoformat(),
        "list_versions": versions,
    }
    manifest.pop("created", None)
    partial = stem.with_suffix(".json.partial")
    partial.write_text(json.dumps(manifest, indent=1))
    partial.replace(stem.with_suffix(".json"))


def _to_parquet(rows: Iterable[list[Any]], columns: dict[str, str], target: Path) -> None:
    """Rows -> Parquet through a temporary CSV that DuckDB reads with fixed types."""
    partial = target.with_suffix(".partial")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as tmp:
        writer = csv.writer(tmp)
        writer.writerow(columns)
        writer.writerows(rows)
    try:
        spec = ", ".join(f"'{k}': '{v}'" for k, v in columns.items())
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{tmp.name}', header=true, columns={{{spec}}}, "
            f"nullstr='', quote='\"')) TO '{partial}' (FORMAT parquet)"
        )
        partial.replace(target)
    finally:
        Path(tmp.name).unlink(missing_ok=True)


@dataclass
class StoredGraph:
    """The graph of every stored load as of a date, with the list entries at its roots."""

    graph: OwnershipGraph
    listed: dict[str, ListedEntity]
    #: node id -> how each party behind it was linked (for the record of an exposure).
    links: dict[str, str]
    #: node id -> the list entities it is (itself, and the same party on other lists).
    aliases: dict[str, set[str]] = field(default_factory=dict)

    def roots(self, regime: str) -> np.ndarray:
        """Nodes listed on one of ``regime``'s lists, under their own id or an alias."""
        lists = REGIME_LISTS[regime]
        mask = self.graph.mask(e.entity_id for e in self.listed.values() if e.lists & lists)
        for node, names in self.aliases.items():
            if node in self.graph.index and any(
                n in self.listed and self.listed[n].lists & lists for n in names
            ):
                mask[self.graph.index[node]] = True
        return mask

    def node_of(self, entity_id: str) -> int | None:
        """The node for ``entity_id``: its own, or the node it is an alias of."""
        if entity_id in self.graph.index:
            return self.graph.index[entity_id]
        for node, names in self.aliases.items():
            if entity_id in names and node in self.graph.index:
                return self.graph.index[node]
        return None


def build_graph(store: Store, as_of: date | None = None) -> StoredGraph | None:
    """Every stored holding valid on ``as_of`` (today when None), ids resolved to list ids.

    Where two loads state the same holding (owner, asset, kind), the newest load wins: a
    register extract loaded in 2026 replaces the 2024 one rather than doubling the share.
    """
    loads = manifests()
    if not loads:
        return None
    when = as_of or date.today()
    folder = ownership_dir()
    holdings = [str(folder / f"{int(m['seq']):06d}.holdings.parquet") for m in loads]
    parties = [str(folder / f"{int(m['seq']):06d}.parties.parquet") for m in loads]
    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE p AS SELECT party_id, arg_max(name, seq) AS name, "
        "arg_max(NULLIF(entity_id, ''), seq) AS entity_id, arg_max(link, seq) AS link, "
        "arg_max(also, seq) AS also "
        "FROM read_parquet(?) GROUP BY party_id",
        [parties],
    )
    con.execute(
        "CREATE TEMP TABLE e AS SELECT * FROM ("
        " SELECT coalesce(po.entity_id, h.owner) AS o, coalesce(pa.entity_id, h.asset) AS a,"
        " h.share, h.kind, h.seq FROM read_parquet(?) h"
        " LEFT JOIN p po ON po.party_id = h.owner LEFT JOIN p pa ON pa.party_id = h.asset"
        " WHERE (h.start_date IS NULL OR h.start_date <= ?)"
        " AND (h.end_date IS NULL OR h.end_date > ?)"
        ") WHERE o <> a QUALIFY seq = max(seq) OVER (PARTITION BY o, a, kind)",
        [holdings, when, when],
    )
    con.execute(
        "CREATE TEMP TABLE n AS SELECT id, (row_number() OVER (ORDER BY id) - 1)::INTEGER AS ix"
        " FROM (SELECT o AS id FROM e UNION SELECT a FROM e"
        " UNION SELECT coalesce(entity_id, party_id) FROM p)"
    )
    ids = [str(r[0]) for r in con.execute("SELECT id FROM n ORDER BY ix").fetchall()]
    cols = con.execute(
        "SELECT no.ix AS owner, na.ix AS asset, coalesce(e.share, 'NaN'::DOUBLE) AS share,"
        f" CASE e.kind {_KIND_CASE} END::TINYINT AS kind"
        " FROM e JOIN n no ON no.id = e.o JOIN n na ON na.id = e.a"
    ).fetchnumpy()
    names = dict(con.execute("SELECT party_id, name FROM p WHERE name <> ''").fetchall())
    canonical = con.execute(
        "SELECT coalesce(entity_id, party_id), name, link, also FROM p"
    ).fetchall()
    con.close()
    listed = listed_entities(store)
    links: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    for node, name, link, also in canonical:
        if name:
            names.setdefault(node, name)
        if link:
            links[node] = link
        if also:
            aliases.setdefault(node, {node}).update(also.split(";"))
    labels = [listed[i].caption if i in listed else names.get(i, i) for i in ids]
    graph = OwnershipGraph(
        ids,
        labels,
        np.asarray(cols["owner"], dtype=np.int32),
        np.asarray(cols["asset"], dtype=np.int32),
        np.asarray(cols["share"], dtype=np.float64),
        np.asarray(cols["kind"], dtype=np.int8),
    )
    return StoredGraph(graph, listed, links, aliases)
