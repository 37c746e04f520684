"""Recording screenings and reading them back: the evidence behind every decision."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import insert

from corridor.errors import CorridorError
from corridor.store.db import JSONText, Store
from corridor.store.models import Screening


class ScreeningFields(TypedDict):
    """What a screening records: the query, its results, and what produced them."""

    query: dict[str, Any]
    results: list[dict[str, Any]]
    algorithm: str
    threshold: float
    list_versions: list[tuple[str, int]]
    kind: NotRequired[str]
    batch: NotRequired[str | None]


class BatchScreening(TypedDict):
    """One screening of a batch as its worker hands it over: query and results already
    JSON, so that the one process writing spends its time writing."""

    query: JSONText
    results: JSONText
    match_count: int


def screening_values(**fields: Unpack[ScreeningFields]) -> dict[str, Any]:
    """The columns of a new screening, with the list versions and algorithm it ran on."""
    results = fields["results"]
    return _provenance(
        algorithm=fields["algorithm"],
        threshold=fields["threshold"],
        list_versions=fields["list_versions"],
        kind=fields.get("kind", "single"),
        batch=fields.get("batch"),
    ) | {
        "created_at": datetime.now(UTC),
        "query": fields["query"],
        "results": results,
        "match_count": sum(1 for r in results if r.get("match")),
    }


def _provenance(
    *,
    algorithm: str,
    threshold: float,
    list_versions: list[tuple[str, int]],
    kind: str,
    batch: str | None,
) -> dict[str, Any]:
    """The columns saying what produced a screening, alike for every screening of a run."""
    return {
        "kind": kind,
        "batch": batch,
        "algorithm": algorithm,
        "threshold": threshold,
        "list_versions": [[name, version] for name, version in list_versions],
    }


def screening_row(**fields: Unpack[ScreeningFields]) -> Screening:
    """A new, unsaved screening with the list versions and algorithm it ran on."""
    return Screening(**screening_values(**fields))


def record_screening(store: Store, **fields: Unpack[ScreeningFields]) -> Screening:
    """Store one screening with the list versions and algorithm it ran on."""
    with store.session() as session:
        row = screening_row(**fields)
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
    items: list[BatchScreening],
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
    # Every screening of a batch ran on the same list versions: encoded once, not per row.
    shared = _provenance(
        algorithm=algorithm,
        threshold=threshold,
        list_versions=list_versions,
        kind="batch",
        batch=batch,
    )
    shared["list_versions"] = JSONText(json.dumps(shared["list_versions"]))
    rows = [shared | {"created_at": datetime.now(UTC), **item} for item in items]
    with store.session() as session:
        session.execute(insert(Screening.metadata.tables[Screening.__tablename__]), rows)
