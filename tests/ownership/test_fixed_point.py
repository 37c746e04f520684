"""The array rules against a plain reference on random graphs with cycles (hypothesis).

The reference is the definition read literally: sweep every entity, add the stakes of
exposed holders, repeat until nothing changes (the least fixed point from the listed).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.ownership.explain import explain
from corridor.ownership.graph import Edge, OwnershipGraph
from corridor.ownership.rules import (
    eu_ownership_or_control,
    ofac_50_percent_rule,
    uk_ownership_or_control,
)

KINDS = ["ownership"] * 6 + ["votes", "board", "assets", "control", "director"]
NODES = [f"n{i}" for i in range(8)]

edge = st.builds(
    lambda o, a, share, kind: Edge(o, a, share, kind),
    st.sampled_from(NODES),
    st.sampled_from(NODES),
    st.sampled_from([None, 10.0, 25.0, 30.0, 40.0, 49.99, 50.0, 51.0, 60.0, 100.0]),
    st.sampled_from(KINDS),
).filter(lambda e: e.owner != e.asset)


def sweep(edges: list[Edge], listed: set[str], regime: str) -> set[str]:
    exposed = set(listed)
    changed = True
    while changed:
        changed = False
        for node in NODES:
            if node in exposed:
                continue
            mine = [e for e in edges if e.asset == node and e.owner in exposed]
            total = sum(e.share or 0.0 for e in mine if e.kind == "ownership")
            control = regime == "eu" and any(
                e.kind in ("board", "assets", "control")
                or (e.kind == "votes" and (e.share or 0) > 50)
                for e in mine
            )
            if total >= 50 - 1e-6 or control:
                exposed.add(node)
                changed = True
    return exposed


def uk_reference(edges: list[Edge], listed: set[str]) -> set[str]:
    exposed = set(listed)
    for root in listed:
        group = {root}
        changed = True
        while changed:
            changed = False
            for node in NODES:
                if node in group:
                    continue
                mine = [e for e in edges if e.asset == node and e.owner in group]
                shares = sum(e.share or 0.0 for e in mine if e.kind == "ownership")
                votes = sum(e.share or 0.0 for e in mine if e.kind == "votes")
                control = any(e.kind in ("board", "control") for e in mine)
                if shares > 50 + 1e-6 or votes > 50 + 1e-6 or control:
                    group.add(node)
                    changed = True
        exposed |= group
    return exposed


@settings(max_examples=300, deadline=None)
@given(st.lists(edge, max_size=24), st.sets(st.sampled_from(NODES), max_size=3))
def test_rules_equal_the_reference_sweep(edges: list[Edge], listed: set[str]) -> None:
    graph = OwnershipGraph.from_edges(edges, {n: n for n in NODES})
    mask = graph.mask(listed)
    for regime, rule in (("ofac", ofac_50_percent_rule), ("eu", eu_ownership_or_control)):
        result = rule(graph, mask)
        found = {graph.ids[i] for i in range(graph.size) if result.exposed[i]}
        assert found == sweep(edges, listed, regime), regime
        for i in range(graph.size):
            assert explain(result, i)  # every verdict, either way, has words
    result = uk_ownership_or_control(graph, mask)
    found = {graph.ids[i] for i in range(graph.size) if result.exposed[i]}
    assert found == uk_reference(edges, listed)
    for i in range(graph.size):
        assert explain(result, i)
