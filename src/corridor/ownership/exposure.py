"""Exposure through ownership: what screening, the CLI and the API ask of this package.

`exposure_for` answers for one entity (a listed id or an id of the ownership data): under
which regimes it is exposed, through which listed owners, by which path, and why in
words. `compute_exposures` answers for every entity at once. The rules run once per
state of the data (stored loads, active list versions, date); the result is kept in
memory, so screening a batch does not rerun them per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from corridor.errors import CorridorError
from corridor.ownership.explain import LISTED_LABEL, explain
from corridor.ownership.graph import ASSETS, BOARD, CONTROL, OWN, VOTES
from corridor.ownership.rules import REGIMES, RULES, RuleResult
from corridor.ownership.store import StoredGraph, active_version_key, build_graph, manifests
from corridor.store import Store

#: The hit kind screening reports for an exposure.
HIT_KIND = "ownership"
#: Edge kinds through which exposure passes under each regime (see `corridor.ownership.rules`).
COUNTING_KINDS = {
    "ofac": frozenset({OWN}),
    "eu": frozenset({OWN, VOTES, BOARD, ASSETS, CONTROL}),
    "uk": frozenset({OWN, VOTES, BOARD, CONTROL}),
}


@dataclass
class Exposure:
    """One entity exposed under one regime through ownership or control."""

    entity_id: str
    name: str
    regime: str
    #: Aggregate share held by listed (or, through them, exposed) holders; for the UK,
    #: the largest share one designated person's group holds.
    listed_share_pct: float
    #: Listed persons at the roots of the explanation: [{"entity_id", "name"}].
    listed_owners: list[dict[str, str]]
    #: Entities along the way, listed roots first, the entity itself last.
    path: list[dict[str, str]]
    explanation: str
    by_control: bool = False
    #: How the parties behind the ids were linked to the lists (id, or name and score).
    links: dict[str, str] = field(default_factory=dict)

    @property
    def via(self) -> list[str]:
        """Ids of the listed owners it is exposed through."""
        return [o["entity_id"] for o in self.listed_owners]

    def to_dict(self) -> dict[str, Any]:
        """The hit as screening records it (kind ``ownership``) and the API returns it."""
        return {
            "kind": HIT_KIND,
            "entity_id": self.entity_id,
            "name": self.name,
            "regime": self.regime,
            "listed_share_pct": round(self.listed_share_pct, 4),
            "by_control": self.by_control,
            "listed_owners": self.listed_owners,
            "path": self.path,
            "via": self.via,
            "explanation": self.explanation,
            "links": self.links,
        }


class OwnershipAnalysis:
    """The three rules run over one stored graph."""

    def __init__(self, stored: StoredGraph) -> None:
        self.stored = stored
        self.graph = stored.graph
        self.results: dict[str, RuleResult] = {
            regime: RULES[regime](self.graph, stored.roots(regime)) for regime in REGIMES
        }

    def exposures(self, node: int, regimes: tuple[str, ...] = REGIMES) -> list[Exposure]:
        out = []
        for regime in regimes:
            result = self.results[regime]
            if not result.exposed[node] or result.listed[node]:
                continue
            if regime == "uk":
                for root in result.controllers(node):
                    out.append(self._exposure(result, node, root))
            else:
                out.append(self._exposure(result, node, None))
        return out

    def _exposure(self, result: RuleResult, node: int, root: int | None) -> Exposure:
        graph = self.graph
        support = _support(result, node, root)
        roots = [n for n in support if result.listed[n]] if root is None else [root]
        share = float(result.share[node])
        if root is not None:
            group = result.groups[root]
            share = sum(
                float(graph.share[e])
                for e in graph.in_edges(node).tolist()
                if int(graph.kind[e]) == OWN and int(graph.owner[e]) in group
            )

        def ref(n: int) -> dict[str, str]:
            return {"entity_id": graph.ids[n], "name": graph.names[n]}

        ordered = sorted(support, key=lambda n: (int(_round(result, n, root)), graph.ids[n]))
        links = {graph.ids[n]: self.stored.links.get(graph.ids[n], "") for n in [*support, node]}
        links = {k: v for k, v in links.items() if v}
        return Exposure(
            entity_id=graph.ids[node],
            name=graph.names[node],
            regime=result.regime,
            listed_share_pct=share,
            listed_owners=[ref(n) for n in sorted(roots, key=lambda n: graph.ids[n])],
            path=[ref(n) for n in ordered] + [ref(node)],
            explanation=explain(result, node, root),
            by_control=bool(result.by_control[node]),
            links=links,
        )

    def why_not(self, node: int, regimes: tuple[str, ...] = REGIMES) -> dict[str, str]:
        """For each regime under which ``node`` is not exposed, the reason in words."""
        return {
            regime: explain(self.results[regime], node)
            for regime in regimes
            if not self.results[regime].exposed[node]
        }

    def all_exposures(self, regimes: tuple[str, ...] = REGIMES) -> list[Exposure]:
        out = []
        for regime in regimes:
            result = self.results[regime]
            for node in result.derived().tolist():
                out.extend(self.exposures(int(node), (regime,)))
        return out


def _round(result: RuleResult, node: int, root: int | None) -> int:
    if root is not None:
        return result.groups[root].get(node, 0)
    return int(result.round[node])


def _support(result: RuleResult, node: int, root: int | None) -> set[int]:
    """Holders (transitively) whose earlier exposure made ``node`` exposed."""
    graph = result.graph
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        mine = _round(result, current, root)
        if mine <= 0:
            continue
        for edge in graph.in_edges(current).tolist():
            holder = int(graph.owner[edge])
            if holder in seen:
                continue
            if root is not None:
                ok = holder in result.groups[root] and result.groups[root][holder] < mine
            else:
                ok = 0 <= int(result.round[holder]) < mine
            if ok and int(graph.kind[edge]) in COUNTING_KINDS[result.regime]:
                seen.add(holder)
                stack.append(holder)
    seen.discard(node)
    return seen


_CACHE: dict[tuple[Any, ...], OwnershipAnalysis | None] = {}


def analysis(store: Store, as_of: date | None = None) -> OwnershipAnalysis | None:
    """The analysis of the current data (None when no ownership data is loaded)."""
    key = (
        str(store.engine.url),
        tuple(int(m["seq"]) for m in manifests()),
        tuple(active_version_key(store)),
        as_of or date.today(),
    )
    if key not in _CACHE:
        _CACHE.clear()  # one state at a time: the newest
        stored = build_graph(store, as_of)
        _CACHE[key] = OwnershipAnalysis(stored) if stored is not None else None
    return _CACHE[key]


def _regimes(regime: str | None) -> tuple[str, ...]:
    if regime is None:
        return REGIMES
    if regime not in REGIMES:
        raise CorridorError(f"regime {regime!r} is unknown; expected one of {', '.join(REGIMES)}")
    return (regime,)


def exposure_for(
    entity_id: str,
    regime: str | None = None,
    *,
    store: Store | None = None,
    as_of: date | None = None,
) -> list[Exposure]:
    """Exposures of ``entity_id`` through ownership or control, one per regime (for the
    UK, one per designated controller); empty when it is not exposed or not known.

    Screening calls this for each listed or screened entity id and reports each exposure
    as a hit of kind ``ownership`` (`Exposure.to_dict`).
    """
    from corridor.store import open_store

    regimes = _regimes(regime)
    found = analysis(store or open_store(), as_of)
    node = found.stored.node_of(entity_id) if found is not None else None
    if found is None or node is None:
        return []
    return found.exposures(node, regimes)


def not_exposed_reasons(
    entity_id: str,
    regime: str | None = None,
    *,
    store: Store | None = None,
    as_of: date | None = None,
) -> dict[str, str]:
    """Why ``entity_id`` is not exposed, per regime (empty when it is unknown)."""
    from corridor.store import open_store

    regimes = _regimes(regime)
    found = analysis(store or open_store(), as_of)
    node = found.stored.node_of(entity_id) if found is not None else None
    if found is None or node is None:
        return {}
    return found.why_not(node, regimes)


def compute_exposures(
    store: Store, regime: str | None = None, as_of: date | None = None
) -> list[Exposure]:
    """Every exposed entity under each regime (listed entities themselves excluded)."""
    regimes = _regimes(regime)
    found = analysis(store, as_of)
    if found is None:
        raise CorridorError("no ownership data is loaded; run `corridor ownership load FILE`")
    return found.all_exposures(regimes)


def describe_roots(found: OwnershipAnalysis) -> dict[str, int]:
    """How many listed roots each regime has in the graph."""
    return {
        f"{regime} ({LISTED_LABEL[regime]})": int(np.count_nonzero(r.listed))
        for regime, r in found.results.items()
    }
