"""What the routers share: the process state, the index, and recording a screening."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Any

from fastapi import HTTPException, Request

from corridor.api.auth import Caller
from corridor.api.recorder import WRITE_TIMEOUT, Recorder
from corridor.api.state import DEFAULT_DATASET, IndexState, Loaded
from corridor.errors import CorridorError
from corridor.screening.engine import ALGORITHM, Match, Query, screen
from corridor.screening.index import Index
from corridor.store.db import Store
from corridor.store.models import Screening

log = logging.getLogger(__name__)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def loaded_index(request: Request) -> Loaded:
    """The current index, or 503 while the first one is still loading."""
    state: IndexState = request.app.state.index
    loaded = state.get()
    if loaded is None:
        raise HTTPException(503, detail=state.error or "the screening index is still loading")
    return loaded


def dataset_index(request: Request, dataset: str) -> tuple[Loaded, Index]:
    """The index for a yente ``dataset``: ``default``, a list name or a source family."""
    loaded = loaded_index(request)
    lists = loaded.datasets().get(dataset)
    if lists is None:
        known = ", ".join(sorted(loaded.datasets()))
        raise HTTPException(404, detail=f"dataset {dataset!r} is unknown; known: {known}")
    if dataset == DEFAULT_DATASET or set(lists) == set(loaded.datasets()[DEFAULT_DATASET]):
        return loaded, loaded.index
    state: IndexState = request.app.state.index
    return loaded, state.subset(loaded, lists)


def screen_query(index: Index, query: Query, *, threshold: float, limit: int) -> list[Match]:
    """Screen one query; a query the name analysis cannot take apart is a 400, not a 500."""
    try:
        return screen(index, query, threshold, limit)
    except CorridorError:
        raise
    except (ValueError, IndexError, KeyError) as exc:
        log.exception("screening failed for %r", query.to_dict())
        raise CorridorError(f"the query could not be screened ({type(exc).__name__})") from exc


def submit_screening(
    request: Request,
    index: Index,
    query: Query,
    matches: list[Match],
    *,
    threshold: float,
    caller: Caller,
    kind: str,
    extra: dict[str, Any] | None = None,
) -> Future[Screening]:
    """Hand a screening and its audit entry to this process's writer (`Recorder`)."""
    results = [m.to_dict() for m in matches]
    asked = query.to_dict()
    recorder: Recorder = request.app.state.recorder
    return recorder.submit(
        query=asked,
        results=results,
        algorithm=ALGORITHM,
        threshold=threshold,
        list_versions=index.versions,
        kind=kind,
        actor=caller.actor,
        details={
            "kind": kind,
            "query": asked,
            "algorithm": ALGORITHM,
            "threshold": threshold,
            "lists": [list(v) for v in index.versions],
            "results": len(results),
            **(extra or {}),
        },
    )


def run_screening(
    request: Request,
    index: Index,
    query: Query,
    *,
    threshold: float,
    limit: int,
    caller: Caller,
    kind: str,
    extra: dict[str, Any] | None = None,
) -> tuple[Screening, list[Match]]:
    """Screen, record the screening, and audit it (one entry per screening); wait until
    both are committed."""
    matches = screen_query(index, query, threshold=threshold, limit=limit)
    written = submit_screening(
        request, index, query, matches, threshold=threshold, caller=caller, kind=kind, extra=extra
    )
    return written.result(WRITE_TIMEOUT), matches
