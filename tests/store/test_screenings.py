"""Screenings recorded and read back alike on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from corridor.store import Store
from corridor.store.db import JSONText
from corridor.store.models import Screening
from corridor.store.screenings import BatchScreening, get_screening, record_batch, record_screening

RESULTS = [
    {"entity_id": "un-1", "score": 0.91, "match": True, "explanation": ["name «Қасым» met"]},
    {"entity_id": "ofac-2", "score": 0.42, "match": False, "explanation": ["below"]},
]
VERSIONS = [("un_sc", 3), ("ofac_sdn", 5)]


def test_a_batch_stores_the_json_its_workers_encoded(store: Store) -> None:
    """Query and results arrive as JSON text and read back as what they encode."""
    items = [
        BatchScreening(
            query=JSONText(json.dumps({"names": [f"Name {n}"]})),
            results=JSONText(json.dumps(RESULTS[: n + 1])),
            match_count=1,
        )
        for n in range(2)
    ]
    record_batch(
        store, items, algorithm="corridor-v2", threshold=0.7, list_versions=VERSIONS, batch="b1"
    )
    with store.session() as session:
        ids = session.scalars(select(Screening.id).order_by(Screening.id)).all()
    first, second = (get_screening(store, i) for i in ids)
    assert first.results == RESULTS[:1] and second.results == RESULTS
    assert second.query == {"names": ["Name 1"]} and second.match_count == 1
    assert second.list_versions == [["un_sc", 3], ["ofac_sdn", 5]]
    assert (second.kind, second.batch, second.algorithm) == ("batch", "b1", "corridor-v2")


def test_a_single_screening_is_encoded_by_the_store(store: Store) -> None:
    row = record_screening(
        store,
        query={"names": ["Тоқаев"]},
        results=RESULTS,
        algorithm="corridor-v2",
        threshold=0.7,
        list_versions=VERSIONS,
    )
    again = get_screening(store, row.id)
    assert again.results == RESULTS and again.match_count == 1
