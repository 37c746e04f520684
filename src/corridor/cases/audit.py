"""The append-only audit log, chained by SHA-256 so that any edit shows.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the canonical JSON
(sorted keys, no spaces, UTF-8) of the entry's own content: its sequence number, time,
actor, action, subject and details. `verify_chain` recomputes every hash in order; an
entry edited, deleted or moved by hand breaks the chain at the first such row, which is
what ``corridor audit verify`` reports.

Appends are serialised so that concurrent writers never fork the chain: on PostgreSQL
with a transaction-scoped advisory lock taken before the tip is read, on SQLite with
``BEGIN IMMEDIATE`` (the database write lock, taken before the tip is read). The
sequence number is the primary key, so even a bug that skipped the lock would fail on a
duplicate key rather than write two successors of one entry.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, insert, select, text

from corridor.screening.batch import BatchSummary
from corridor.store.db import Store, open_store
from corridor.store.download import UpdateResult
from corridor.store.lists import LoadResult
from corridor.store.models import AuditEntry, Screening

#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises appends: any fixed 64-bit number
#: unused elsewhere; this is the first 8 bytes of SHA-256("corridor.audit").
_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"corridor.audit").digest()[:8], "big", signed=True)
#: Entries read per round trip while verifying or exporting.
_PAGE = 5000


def canonical(content: dict[str, Any]) -> str:
    """The exact text that is hashed: key order and spacing can never vary."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the canonical content."""
    return hashlib.sha256(f"{prev_hash}\n{canonical(content)}".encode()).hexdigest()


def content_of(row: AuditEntry | Any) -> dict[str, Any]:
    """The hashed fields of an entry (a model instance or a result row)."""
    return {
        "seq": int(row.seq),
        "created_at": row.created_at,
        "actor": row.actor,
        "action": row.action,
        "subject": row.subject,
        "details": row.details,
    }


def cli_actor() -> str:
    """Who runs the command line, as the audit log names them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def _lock(connection: Connection) -> None:
    """Take the append lock for the rest of ``connection``'s transaction."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif dialect == "sqlite":
        raw = connection.connection.dbapi_connection
        # Python's sqlite3 opens a transaction only at the first write; one already open
        # has written, so it holds the write lock already.
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def append_entry(
    connection: Connection,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one entry in ``connection``'s transaction (the caller commits).

    Call it before the transaction's other reads on SQLite, or after a write: the lock
    must be held when the chain's tip is read.
    """
    event = {"actor": actor, "action": action, "subject": subject, "details": details}
    return append_entries(connection, [event])[0]


def append_entries(connection: Connection, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append several entries (``actor``, ``action``, ``subject``, ``details`` each) in
    order, under one lock and one tip read, in ``connection``'s transaction."""
    _lock(connection)
    tip = connection.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (int(tip.seq), str(tip.hash)) if tip is not None else (0, GENESIS)
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    rows = []
    for event in events:
        seq += 1
        content = {
            "seq": seq,
            "created_at": now,
            "actor": event["actor"],
            "action": event["action"],
            "subject": event["subject"],
            # Round-trip through JSON so that what is hashed is what the database returns.
            "details": json.loads(canonical(event.get("details") or {})),
        }
        digest = entry_hash(prev_hash, content)
        rows.append({**content, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    if rows:
        connection.execute(insert(AuditEntry), rows)
    return rows


def record(
    store: Store,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one entry in a transaction of its own."""
    with store.engine.connect() as connection:
        entry = append_entry(
            connection, actor=actor, action=action, subject=subject, details=details
        )
        connection.commit()
    return entry


@dataclass(frozen=True)
class Verdict:
    """What `verify_chain` found: how many entries, and the first broken one if any."""

    entries: int
    head: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def iter_entries(store: Store) -> Iterator[AuditEntry]:
    """Every entry in chain order, read a page at a time."""
    after = 0
    while True:
        with store.session() as session:
            page = list(
                session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.seq > after)
                    .order_by(AuditEntry.seq)
                    .limit(_PAGE)
                )
            )
        if not page:
            return
        yield from page
        after = int(page[-1].seq)


def verify_chain(store: Store) -> Verdict:
    """Recompute every hash in order; report the first entry that does not fit."""
    prev_hash, expected, count = GENESIS, 1, 0
    for row in iter_entries(store):
        count += 1
        seq = int(row.seq)
        if seq != expected:
            missing = f"entry {expected} is missing" if seq > expected else "out of order"
            return Verdict(count - 1, prev_hash, seq, f"{missing} before entry {seq}")
        if row.prev_hash != prev_hash:
            return Verdict(
                count - 1, prev_hash, seq, "prev_hash does not match the previous entry's hash"
            )
        digest = entry_hash(prev_hash, content_of(row))
        if digest != row.hash:
            return Verdict(
                count - 1, prev_hash, seq, "content does not match its hash (edited by hand?)"
            )
        prev_hash, expected = digest, expected + 1
    return Verdict(count, prev_hash)


def export_entries(store: Store, out: TextIO) -> int:
    """Write every entry as one JSON object per line, in chain order."""
    count = 0
    for row in iter_entries(store):
        entry = {**content_of(row), "prev_hash": row.prev_hash, "hash": row.hash}
        out.write(canonical(entry) + "\n")
        count += 1
    return count


def record_list_change(store: Store, result: LoadResult, *, actor: str, action: str) -> None:
    """Audit a list load, update or activation (``action``: ``list.load``...)."""
    version = result.version
    record(
        store,
        actor=actor,
        action=action,
        subject=f"list:{version.list_name}:{version.id}",
        details={
            "list": version.list_name,
            "version": version.id,
            "sha256": version.sha256,
            "origin": version.origin,
            "published": version.published.isoformat() if version.published else None,
            "created": result.created,
            "activated": result.activated,
            "replaced": result.previous.id if result.previous is not None else None,
        },
    )


def activated(result: LoadResult) -> LoadResult:
    """Audit a CLI activation (on the configured store) and hand the result on."""
    store = open_store()
    try:
        record_list_change(store, result, actor=cli_actor(), action="list.activate")
    finally:
        store.close()
    return result


def updated(store: Store, result: UpdateResult) -> None:
    """Audit a CLI list update that loaded a file."""
    if result.load is not None:
        record_list_change(store, result.load, actor=cli_actor(), action="list.update")


def screened(store: Store, row: Screening, actor: str | None = None) -> None:
    """Audit one recorded screening."""
    record(
        store,
        actor=actor or cli_actor(),
        action="screening",
        subject=f"screening:{row.id}",
        details={
            "kind": row.kind,
            "query": row.query,
            "algorithm": row.algorithm,
            "threshold": row.threshold,
            "lists": row.list_versions,
            "results": len(row.results),
            "matches": row.match_count,
        },
    )


def batch_screened(
    store: Store,
    summary: BatchSummary,
    output: Path,
    threshold: float,
    versions: list[tuple[str, int]],
    actor: str | None = None,
) -> None:
    """Audit one batch run (its row screenings are recorded with its run id)."""
    record(
        store,
        actor=actor or cli_actor(),
        action="screening.batch",
        subject=f"batch:{summary.run_id}",
        details={
            "output": str(output),
            "output_sha256": hashlib.sha256(output.read_bytes()).hexdigest(),
            "rows": summary.total,
            "screened": summary.screened,
            "skipped": summary.skipped,
            "errors": summary.errors,
            "hits": summary.hits,
            "threshold": threshold,
            "lists": [list(v) for v in versions],
        },
    )


def goods_checked(
    store: Store, *, actor: str, reference_version: str, checks: list[dict[str, Any]]
) -> None:
    """Audit one goods check (codes and/or a description, over the API): what was asked,
    under which reference version, and the tier and EU answer given for each code."""
    record(
        store,
        actor=actor,
        action="goods.check",
        subject=f"goods:{reference_version}",
        details={"reference_version": reference_version, "checks": checks},
    )


def shipments_checked(store: Store, *, actor: str, assessments: list[dict[str, Any]]) -> None:
    """Audit shipment checks, one entry per shipment (``Assessment.to_dict()`` each: its
    level, score, every reason with evidence and source, and the rules, reference and
    list versions it was scored under), all in one transaction."""
    with store.engine.connect() as connection:
        append_entries(
            connection,
            [
                {
                    "actor": actor,
                    "action": "shipment.check",
                    "subject": f"shipment:{a['id']}",
                    "details": a,
                }
                for a in assessments
            ],
        )
        connection.commit()
