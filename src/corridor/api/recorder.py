"""Group commit of screenings and their audit entries, one writer thread per process.

Recording each API screening in transactions of its own made the request threads of a
process queue on the database write lock: on SQLite a waiting writer sleeps in growing
steps (1, 2, 5, 10... ms) while the holder waits for the GIL, and throughput fell to a
fifth of what screening allows. Instead, request threads hand their screening to this
process's writer thread, which writes everything pending in one transaction (each
screening row, then its audit entry, so a screening is never stored unaudited) and
wakes the requests with their screening rows. `submit` returns at once with a future
that completes when the transaction holding the screening and its audit entry has
committed: the thread-pool endpoints wait on it, ``/match`` (a coroutine) awaits it
without holding a thread, and answers only after it; either way a client never sees
results that are not on record. `close` (at shutdown) writes everything still queued
before it returns.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Unpack

from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from corridor.cases.audit import append_entries
from corridor.store.db import Store
from corridor.store.models import Screening
from corridor.store.screenings import ScreeningFields, screening_row

log = logging.getLogger(__name__)

#: Most screenings written in one transaction: bounds a transaction's time and size.
MAX_GROUP = 256
#: Seconds a request waits for its screening to be written before it fails (500).
WRITE_TIMEOUT = 60.0


@dataclass
class _Pending:
    row: Screening
    actor: str
    details: dict[str, Any]
    done: Future[Screening] = field(default_factory=Future)


class Recorder:
    """This process's writer of screenings and audit entries."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: queue.Queue[_Pending | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="recorder", daemon=True)
        self.thread.start()

    def submit(
        self, *, actor: str, details: dict[str, Any], **fields: Unpack[ScreeningFields]
    ) -> Future[Screening]:
        """Queue one screening and its audit entry for the writer; the future gives the
        stored row once the transaction holding both has committed (or its error)."""
        row = screening_row(**fields)
        item = _Pending(row, actor, details)
        # Running from the start, so that no waiter can cancel it (a request timing out
        # or going away): the screening was made and is written whatever the caller does.
        item.done.set_running_or_notify_cancel()
        self.pending.put(item)
        return item.done

    def _loop(self) -> None:
        while True:
            first = self.pending.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    item = self.pending.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self.pending.put(None)  # stop after this group
                    break
                group.append(item)
            try:
                self._write_retrying(group)
            except Exception as exc:
                log.exception("recording %d screenings failed", len(group))
                for item in group:
                    item.done.set_exception(exc)
            else:
                for item in group:
                    item.done.set_result(item.row)

    def _write_retrying(self, group: list[_Pending]) -> None:
        """`_write`, tried again while the database is locked by another process.

        Two workers on one SQLite file take turns at its write lock; a worker whose
        event loop is busy screening gets the GIL back only every switch interval, so
        under saturation the other worker waited past SQLite's 5 s busy timeout and
        three /match requests in 9,000 failed with "database is locked" (500). The
        transaction rolled back whole, so writing the same screenings again is safe.
        """
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            try:
                self._write(group)
                return
            except OperationalError:
                if time.monotonic() >= deadline:
                    raise
                log.warning("recording %d screenings: database locked, trying again", len(group))
                for item in group:  # rolled back: the same values as new, id-less rows
                    item.row = Screening(
                        **{
                            column.key: getattr(item.row, column.key)
                            for column in inspect(Screening).column_attrs
                            if column.key != "id"
                        }
                    )

    def _write(self, group: list[_Pending]) -> None:
        with self.store.session() as session:
            session.add_all(item.row for item in group)
            session.flush()  # the first write: on SQLite this takes the write lock
            append_entries(
                session.connection(),
                [
                    {
                        "actor": item.actor,
                        "action": "screening",
                        "subject": f"screening:{item.row.id}",
                        "details": {**item.details, "matches": item.row.match_count},
                    }
                    for item in group
                ],
            )

    def close(self) -> None:
        """Write what is queued, then stop the writer."""
        self.pending.put(None)
        self.thread.join(WRITE_TIMEOUT)
        if self.thread.is_alive():
            log.error("the recorder did not finish writing in %.0f s", WRITE_TIMEOUT)
