"""The three ownership-and-control rules, each in its own function with its authority.

All three compute a *least* fixed point from the listed persons outwards: an entity is
exposed only when stakes of entities already shown exposed push it over the threshold.
Walking outward frontier by frontier is what makes cycles (A owns B owns A) terminate
correctly: each entity joins at most once, so each edge is read at most once per rule
(per designated person for the UK), and a ring of companies that merely own each other
is never exposed by its own bootstrapping, as a "greatest" fixed point would have it.

Shares are percentages 0-100. ``EPS`` absorbs the binary rounding of decimal shares
(33.33 + 16.67 is 49.99999999999999 in floating point, and is 50 % in law).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor.ownership.graph import (
    ASSETS,
    BOARD,
    CONTROL,
    OWN,
    VOTES,
    BoolArray,
    FloatArray,
    IntArray,
    OwnershipGraph,
)

EPS = 1e-6
#: OFAC: "50 percent or more" (revised guidance, 13 Aug 2014).
OFAC_THRESHOLD = 50.0
#: EU: "50 % or more" of the proprietary rights since the Council's Best Practices of
#: 3 July 2024 (it was "more than 50 %" before).
EU_THRESHOLD = 50.0
#: UK: "more than 50 %" of the shares or voting rights.
UK_THRESHOLD = 50.0
REGIMES = ("ofac", "eu", "uk")


@dataclass
class RuleResult:
    """What one rule found over one graph: who is exposed, when, and by how much.

    ``round`` is the step of the walk at which a node joined (0 for the listed, -1 for
    never): explanations use only holders that joined earlier, so they never argue in a
    circle. ``share`` is the aggregate share held by exposed holders at the end (for the
    UK, the largest share held by any one designated person's group).
    """

    regime: str
    graph: OwnershipGraph
    listed: BoolArray
    exposed: BoolArray
    round: IntArray
    share: FloatArray
    #: Nodes exposed through control (board, votes, use of assets, control in fact)
    #: rather than ownership.
    by_control: BoolArray
    #: UK only: designated person -> {node it owns or controls: round}.
    groups: dict[int, dict[int, int]] = field(default_factory=dict)

    def derived(self) -> IntArray:
        """Nodes exposed through ownership or control that are not listed themselves."""
        return np.flatnonzero(self.exposed & ~self.listed).astype(np.int32)

    def controllers(self, node: int) -> list[int]:
        """UK: the designated persons whose group holds ``node``."""
        return sorted(root for root, group in self.groups.items() if node in group)


def _walk(
    graph: OwnershipGraph,
    listed: BoolArray,
    threshold: float,
    *,
    inclusive: bool,
    control_kinds: tuple[int, ...],
    votes_control: bool,
) -> tuple[BoolArray, IntArray, FloatArray, BoolArray]:
    """Frontier-by-frontier fixed point shared by the OFAC and EU rules.

    Each round takes the nodes that joined last, adds their whole ownership stakes to
    the assets' totals (a stake is never multiplied along a chain), and marks the assets
    they control; assets whose total reaches the threshold, or that are controlled, join.
    """
    n = graph.size
    exposed = listed.copy()
    rounds = np.full(n, -1, dtype=np.int32)
    rounds[listed] = 0
    total = np.zeros(n, dtype=np.float64)
    by_control = np.zeros(n, dtype=np.bool_)
    own = graph.kind == OWN
    controls = np.isin(graph.kind, control_kinds)
    if votes_control:
        # Sole control of a majority of the voting rights (EU Best Practices, 2024).
        controls |= (graph.kind == VOTES) & (graph.share > 50.0 + EPS)
    share = np.nan_to_num(graph.share, nan=0.0)
    frontier = np.flatnonzero(listed).astype(np.int32)
    step = 0
    while frontier.size:
        step += 1
        edges = graph.out_edges(frontier)
        owned = edges[own[edges]]
        assets = graph.asset[owned]
        np.add.at(total, assets, share[owned])
        controlled = graph.asset[edges[controls[edges]]]
        candidates = np.unique(np.concatenate([assets, controlled]))
        candidates = candidates[~exposed[candidates]]
        level = total[candidates]
        over = level >= threshold - EPS if inclusive else level > threshold + EPS
        ctrl = np.zeros(candidates.size, dtype=np.bool_)
        if controlled.size:
            ctrl = np.isin(candidates, controlled)
        joined = candidates[over | ctrl]
        by_control[candidates[ctrl & ~over]] = True
        exposed[joined] = True
        rounds[joined] = step
        frontier = joined.astype(np.int32)
    return exposed, rounds, total, by_control


def ofac_50_percent_rule(graph: OwnershipGraph, blocked: BoolArray) -> RuleResult:
    """OFAC's 50 Percent Rule: blocked if owned 50 % or more by blocked persons.

    Authority: OFAC, *Revised Guidance on Entities Owned by Persons Whose Property and
    Interests in Property Are Blocked* (13 August 2014; 79 FR 47726), and FAQs 398-401:

    - ownership only: control without 50 % ownership does not block (FAQ 398);
    - stakes of all blocked persons are aggregated (FAQ 399), across programmes (FAQ 400);
    - "indirectly": shares held through an entity that is itself 50 % or more owned by
      blocked persons count in full, so a blocked owner passes on its whole stake and
      percentages are not multiplied along a chain; shares held through an entity that
      is not blocked count zero (FAQ 401, examples 1-4).

    ``blocked`` marks the SDNs (and anyone else blocked by designation).
    """
    exposed, rounds, total, by_control = _walk(
        graph, blocked, OFAC_THRESHOLD, inclusive=True, control_kinds=(), votes_control=False
    )
    return RuleResult("ofac", graph, blocked, exposed, rounds, total, by_control)


def eu_ownership_or_control(graph: OwnershipGraph, listed: BoolArray) -> RuleResult:
    """EU: owned (50 % or more, aggregated) or controlled by listed persons.

    Authority: Council of the EU, *Best Practices for the effective implementation of
    restrictive measures* (3 July 2024), "owned or controlled": ownership is holding 50 %
    or more of the proprietary rights; control includes the right to appoint or remove a
    majority of the board, sole control of a majority of the voting rights, and the right
    to use all or part of the entity's assets. European Commission, *FAQ on asset freeze
    and the prohibition to make funds available* (Regulation 269/2014, 2022): holdings of
    different listed persons are aggregated (25 % + 30 % -> jointly owned), and a listed
    person's ownership or control is presumed to extend to the entities those entities
    own or control, so an owned or controlled entity passes on its stakes in full.
    """
    exposed, rounds, total, by_control = _walk(
        graph,
        listed,
        EU_THRESHOLD,
        inclusive=True,
        control_kinds=(BOARD, ASSETS, CONTROL),
        votes_control=True,
    )
    return RuleResult("eu", graph, listed, exposed, rounds, total, by_control)


def uk_ownership_or_control(graph: OwnershipGraph, designated: BoolArray) -> RuleResult:
    """UK: owned or controlled, directly or indirectly, by one designated person.

    Authority: Sanctions and Anti-Money Laundering Act 2018 regulations (e.g. the Russia
    (Sanctions) (EU Exit) Regulations 2019, reg. 7 and Schedule 1) and OFSI's *General
    Guidance for Financial Sanctions*, chapter 4: a person owns or controls an entity if
    it holds more than 50 % of the shares or of the voting rights, directly or through a
    chain of entities in each of which it holds a majority stake, or has the right to
    appoint or remove a majority of the board, or it is reasonable to expect that it
    could ensure the entity's affairs are conducted as it wishes (control in fact).

    OFSI "would not simply aggregate different designated persons' holdings" (General
    Guidance 4.14), so each designated person is walked on its own: its group is itself
    and every entity it owns or controls, and the group's holdings count as its own.
    """
    n = graph.size
    exposed = designated.copy()
    rounds = np.full(n, -1, dtype=np.int32)
    rounds[designated] = 0
    best = np.zeros(n, dtype=np.float64)
    by_control = np.zeros(n, dtype=np.bool_)
    groups: dict[int, dict[int, int]] = {}
    for root in np.flatnonzero(designated & (graph.indptr[1:] > graph.indptr[:-1])).tolist():
        group, shares, ctrl = _uk_group(graph, int(root))
        if len(group) == 1:
            continue
        groups[int(root)] = group
        for node, step in group.items():
            if node == root:
                continue
            held = shares.get(node, 0.0)
            if held > best[node]:
                best[node] = held
            if not exposed[node] or rounds[node] > step:
                rounds[node] = step
            exposed[node] = True
            if node in ctrl and held <= UK_THRESHOLD + EPS:
                by_control[node] = True
    by_control &= ~designated
    return RuleResult("uk", graph, designated, exposed, rounds, best, by_control, groups)


def _uk_group(
    graph: OwnershipGraph, root: int
) -> tuple[dict[int, int], dict[int, float], set[int]]:
    """One designated person's group: {node: round}, shares held by it, nodes by control."""
    group = {root: 0}
    shares: dict[int, float] = {}
    votes: dict[int, float] = {}
    ctrl: set[int] = set()
    frontier = np.asarray([root], dtype=np.int32)
    step = 0
    while frontier.size:
        step += 1
        edges = graph.out_edges(frontier)
        joined = []
        for asset, pct, kind in zip(
            graph.asset[edges].tolist(),
            graph.share[edges].tolist(),
            graph.kind[edges].tolist(),
            strict=True,
        ):
            if asset in group:
                continue
            value = 0.0 if pct != pct else pct  # NaN: share not given
            if kind == OWN:
                shares[asset] = shares.get(asset, 0.0) + value
            elif kind == VOTES:
                votes[asset] = votes.get(asset, 0.0) + value
            elif kind in (BOARD, CONTROL):
                ctrl.add(asset)
            else:
                continue
            if (
                shares.get(asset, 0.0) > UK_THRESHOLD + EPS
                or votes.get(asset, 0.0) > UK_THRESHOLD + EPS
                or asset in ctrl
            ):
                group[asset] = step
                joined.append(asset)
        frontier = np.asarray(joined, dtype=np.int32)
    return group, shares, ctrl


RULES = {
    "ofac": ofac_50_percent_rule,
    "eu": eu_ownership_or_control,
    "uk": uk_ownership_or_control,
}
