"""Ranking listed entities by the blocking keys they share with a query.

Compiled with mypyc with the scoring (``make install``): a query meets some 200 postings,
and numpy, whose calls cost more than these few additions, made the search a sixth of a
screening.
"""

from __future__ import annotations

import math


def rank(
    postings: list[tuple[int, list[int]]], size: int, limit: int, weak_limit: int
) -> list[int]:
    """Positions of the entities sharing the most keys with a query, best first.

    ``postings`` holds, for each key of the query in sorted order, its kind's weight
    (`corridor.screening.index.KEY_KINDS`) and the positions of the entities that have
    it; ``size`` is the number of entities. A key counts by its kind and by its rarity,
    summed in that order, and ties go to the earlier entity: a resumed batch (a new
    process, another string hash seed) keeps the candidates of the run it resumes. Only
    the first ``limit`` count; of those, an entity sharing no more than a word start is
    kept while there are fewer than ``weak_limit`` in all.
    """
    scores: dict[int, float] = {}
    kinds: dict[int, int] = {}
    for kind, positions in postings:
        weight = max(kind, 1) * math.log2(2 * size / len(positions))
        for position in positions:
            scores[position] = scores.get(position, 0.0) + weight
            kinds[position] = kinds.get(position, 0) + kind
    # Positions in order, then a stable sort on the score alone: ties stay in position
    # order, and Python compares floats, not tuples (a third of the time).
    ranked = sorted([p for p, kind in kinds.items() if kind > 0])
    ranked.sort(key=scores.__getitem__, reverse=True)
    del ranked[limit:]
    strong = [p for p in ranked if kinds[p] > 1]
    weak = [p for p in ranked if kinds[p] == 1]
    return strong + weak[: max(0, weak_limit - len(strong))]
