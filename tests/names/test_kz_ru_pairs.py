"""Every labelled Kazakh/Russian pair must be judged right at the default threshold."""

from __future__ import annotations

from collections import Counter

import pytest

from corridor.screening.engine import Query, query_forms, score_candidate
from corridor.screening.index import index_entity
from corridor.settings import get_settings
from tests.names.kz_ru_pairs import PAIRS, LabelledPair


def test_table_is_large_and_balanced() -> None:
    kinds = Counter((p.schema, p.is_match) for p in PAIRS)
    assert len(PAIRS) >= 150
    assert all(
        kinds[(schema, label)] >= 20 for schema in ("Person", "Company") for label in (True, False)
    )


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p.pattern}:{p.query}|{p.candidate}")
def test_pair(pair: LabelledPair) -> None:
    query = Query(names=[pair.query], schema=pair.schema)
    listed = index_entity("x", pair.schema, pair.candidate, {"name": [pair.candidate]})
    match = score_candidate(query, query_forms(query), [], listed, get_settings().threshold)
    assert match.is_match == pair.is_match, match.explanation
