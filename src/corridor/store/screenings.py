"""Recording screenings and reading them back: the evidence behind every decision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from corridor.errors import CorridorError
from corridor.store.db import Store
from corridor.store.models import Screening


def screening_values(
    *,
    query: dict[str, Any],
    results: list[dict[str, Any]],
    algorithm: str,
    threshold: float,
    list_versions: list[tuple[str, int]],
    kind: str = "single",
    batch: str | None = None,
) -> dict[str, Any]:
    """The columns of a new screening, with the list versions and algorithm it ran on."""
    return {
        "created_at": datetime.now(UTC),
        "kind": kind,
        "batch": batch,
        "query": query,
        "algorithm": algorithm,
        "threshold": threshold,
        "list_versions": [[name, version] for name, version in list_versions],
        "results": results,
        "match_count": sum(1 for r in results if r.get("match")),
    }


def screening_row(
    *,
    query: dict[str, Any],
    results: list[dict[str, Any]],
    algorithm: str,
    threshold: float,
    list_versions: list[tuple[str, int]],
    kind: str = "single",
    batch: str | None = None,
) -> Screening:
    """A new, unsaved screening with the list versions and algorithm it ran on."""
    return Screening(
        **screening_values(
            query=query,
            results=results,
            algorithm=algorithm,
            threshold=threshold,
            list_versions=list_versions,
            kind=kind,
            batch=batch,
        )
    )


def record_screening(
    store: Store,
    *,
    query: dict[str, Any],
    results: list[dict[str, Any]],
    algorithm: str,
    threshold: float,
    list_versions: list[tuple[str, int]],
    kind: str = "single",
    batch: str | None = None,
) -> Screening:
    """Store one screening with the list versions and algorithm it ran on."""
    with store.session() as session:
        row = screening_row(
            query=query,
            results=results,
            algorithm=algorithm,
            threshold=threshold,
            list_versions=list_versions,
            kind=kind,
            batch=batch,
        )
        session.add(row)
        session.flush()
        return row


def get_screening(store: Store, screening_id: int) -> Screening:
    """A recorded screening, or a `CorridorError` naming the id."""
    with store.session() as session:
        row = session.get(Screening, screening_id)
        if row is None:
            raise CorridorError(f"there is no screening {screening_id}")
        return row


def record_batch(
    store: Store,
    items: list[dict[str, Any]],
    *,
    algorithm: str,
    threshold: float,
    list_versions: list[tuple[str, int]],
    batch: str,
) -> None:
    """Store the screenings of part of a batch in one transaction.

    One executemany of a Core INSERT rather than an ORM object per screening: the
    objects, their flush and the ORM's bulk bookkeeping cost the batch's writing process
    a third of what the screening itself costs.
    """
    if not items:
        return
    with store.session() as session:
        session.execute(
            insert(Screening.metadata.tables[Screening.__tablename__]),
            [
                screening_values(
                    query=item["query"],
                    results=item["results"],
                    algorithm=algorithm,
                    threshold=threshold,
                    list_versions=list_versions,
                    kind="batch",
                    batch=batch,
                )
                for item in items
            ],
        )
