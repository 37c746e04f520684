"""Batch screening jobs: an uploaded file screened in the background of one process.

The upload is saved under ``$CORRIDOR_HOME/jobs/<id>/``, a `BatchJob` row is written
(``queued``) and the job is handed to this process's single job thread, so a batch never
takes more than one core from the interactive endpoints. Results are the same CSV as
``corridor screen file`` writes, every row screening is recorded, and the job as a whole
gets one audit entry. Any process can report a job's status; its files are on the
shared home directory.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from corridor.api.state import IndexState
from corridor.cases.audit import record
from corridor.errors import CorridorError
from corridor.screening.batch import read_rows, run_batch
from corridor.screening.engine import ALGORITHM
from corridor.settings import get_settings
from corridor.store.db import Store
from corridor.store.models import BatchJob
from corridor.store.screenings import BatchScreening, record_batch

log = logging.getLogger(__name__)

#: Input formats `corridor.screening.batch.read_rows` reads.
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet")
#: Seconds to wait for the first index of a process before a job fails.
INDEX_WAIT = 600.0
#: Rows between two progress updates of a job's row.
PROGRESS_EVERY = 500


def job_dir(job_id: str) -> Path:
    return get_settings().home / "jobs" / job_id


def output_path(job_id: str) -> Path:
    return job_dir(job_id) / "results.csv"


class JobRunner:
    """Runs this process's jobs one at a time on a background thread."""

    def __init__(self, store: Store, state: IndexState) -> None:
        self.store = store
        self.state = state
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-job")

    def submit(
        self, upload: BinaryIO, filename: str, *, threshold: float, top: int, actor: str
    ) -> BatchJob:
        """Save the upload, record a queued job and start it."""
        suffix = Path(filename).suffix.lower() or ".csv"
        if suffix not in SUFFIXES:
            raise CorridorError(
                f"file {filename!r}: expected one of {', '.join(SUFFIXES)} (CSV, XLSX, Parquet)"
            )
        job_id = uuid.uuid4().hex
        folder = job_dir(job_id)
        folder.mkdir(parents=True)
        with (folder / f"input{suffix}").open("wb") as out:
            shutil.copyfileobj(upload, out, 1 << 20)
        job = BatchJob(
            id=job_id,
            created_at=datetime.now(UTC),
            actor=actor,
            filename=Path(filename).name[:255] or "upload",
            status="queued",
            threshold=threshold,
            top=top,
            total=0,
            screened=0,
            errors=0,
            hits=0,
        )
        with self.store.session() as session:
            session.add(job)
        self.pool.submit(self._run, job_id, folder / f"input{suffix}")
        return job

    def _update(self, job_id: str, **values: Any) -> None:
        with self.store.session() as session:
            job = session.get(BatchJob, job_id)
            if job is not None:
                for name, value in values.items():
                    setattr(job, name, value)

    def _run(self, job_id: str, path: Path) -> None:
        try:
            self._update(job_id, status="running")
            self._screen(job_id, path)
        except CorridorError as exc:
            self._update(job_id, status="failed", error=exc.message, finished_at=datetime.now(UTC))
        except Exception as exc:  # a bug: keep the process serving, say so in the job
            log.exception("batch job %s failed", job_id)
            self._update(
                job_id,
                status="failed",
                error=f"internal error ({type(exc).__name__})",
                finished_at=datetime.now(UTC),
            )

    def _screen(self, job_id: str, path: Path) -> None:
        with self.store.session() as session:
            job = session.get(BatchJob, job_id)
            assert job is not None
            threshold, top, actor, filename = job.threshold, job.top, job.actor, job.filename
        rows = read_rows(path, {})
        self._update(job_id, total=len(rows))
        loaded = self.state.wait(INDEX_WAIT) if self.state.current is None else self.state.get()
        if loaded is None or not loaded.index.entities:
            raise CorridorError("no list is loaded: load lists before screening")
        index = loaded.index

        def store_rows(items: list[BatchScreening]) -> None:
            record_batch(
                self.store,
                items,
                algorithm=ALGORITHM,
                threshold=threshold,
                list_versions=index.versions,
                batch=job_id,
            )

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0:
                self._update(job_id, screened=done)

        output = output_path(job_id)
        summary = run_batch(
            index,
            rows,
            output,
            threshold=threshold,
            top=top,
            record=store_rows,
            progress=progress,
            workers=1,
        )
        digest = hashlib.sha256(output.read_bytes()).hexdigest()
        record(
            self.store,
            actor=actor,
            action="screening.batch",
            subject=f"job:{job_id}",
            details={
                "file": filename,
                "input_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "output_sha256": digest,
                "rows": summary.total,
                "screened": summary.screened,
                "errors": summary.errors,
                "hits": summary.hits,
                "algorithm": ALGORITHM,
                "threshold": threshold,
                "lists": [list(v) for v in index.versions],
            },
        )
        self._update(
            job_id,
            status="done",
            screened=summary.screened,
            errors=summary.errors,
            hits=summary.hits,
            finished_at=datetime.now(UTC),
        )

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
