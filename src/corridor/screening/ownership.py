"""Hits of kind ``ownership``: a screened name that is on no list but owned or controlled
by listed persons.

A Kazakh bank's counterparty is not listed, yet 30 % of it belongs to a designated
oligarch and 25 % to a company he owns outright: blocked under the OFAC 50 % rule. The
ownership data (`corridor.ownership`) knows that company by name; this module meets the
screened name with the names of the entities the rules found exposed, with the same name
comparison as list screening, and returns each exposure with its regime, path and the
rule's explanation.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from corridor.names.analysis import NameForm, analyse_name
from corridor.ownership.exposure import OwnershipAnalysis, analysis
from corridor.screening.engine import Query, query_forms
from corridor.screening.names import compare_names, explain_names
from corridor.store.db import Store

HIT_KIND = "ownership"


def ownership_hits(store: Store, query: Query, threshold: float) -> list[dict[str, Any]]:
    """Exposed entities whose name meets the query's, as screening results."""
    if query.schema in ("Person", "Vessel") or not query.names:
        return []
    found = analysis(store)
    if found is None:
        return []
    forms = [f for f in query_forms(query) if f.tokens]
    hits = []
    for node, listed in _exposed_names(found):
        best = max(
            (compare_names(form, listed, organisation=True) for form in forms),
            key=lambda c: c.score,
            default=None,
        )
        if best is None or best.score < threshold:
            continue
        how = f"name {query.names[0]!r} met {listed.original!r} in the ownership data: "
        how += explain_names(best)
        for exposure in found.exposures(node):
            hit = exposure.to_dict()
            hit.update(
                schema="Company",
                score=round(best.score, 4),
                match=True,
                matched_name=listed.original,
                source_ids=[f"{HIT_KIND}:{exposure.regime}"],
                explanation=[how, exposure.explanation],
            )
            hits.append(hit)
    hits.sort(key=lambda h: (-h["score"], h["entity_id"], h["regime"]))
    return hits


@lru_cache(maxsize=4)
def _exposed_names(found: OwnershipAnalysis) -> list[tuple[int, NameForm]]:
    """The exposed, unlisted entities of one analysis with their analysed names (the
    analysis object is cached per ownership data state, so is this)."""
    nodes: set[int] = set()
    for result in found.results.values():
        nodes.update(int(n) for n in result.derived().tolist())
    names = found.graph.names
    return [(n, analyse_name(names[n], False)) for n in sorted(nodes) if names[n]]
