"""Explanations in words: the chain of holdings that makes an entity exposed, or not.

The text reads like the regulators' own examples, e.g. "A (SDN) owns 50 % of B; B,
blocked, owns 40 % of C; A owns 10 % of C directly: 40 % + 10 % = 50 % ≥ 50 % → C
blocked under OFAC". Intermediate entities are explained before the entity that depends
on them, each once, and only with holders that were shown exposed *before* them, so an
explanation never argues in a circle even when the holdings do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.ownership.graph import ASSETS, BOARD, OWN, VOTES
from corridor.ownership.rules import (
    EPS,
    EU_THRESHOLD,
    OFAC_THRESHOLD,
    UK_THRESHOLD,
    RuleResult,
)

#: How the first mention of a listed holder is marked, per regime.
LISTED_LABEL = {"ofac": "SDN", "eu": "EU-listed", "uk": "UK-designated"}
#: What an intermediate entity is called once shown exposed.
EXPOSED_WORD = {
    "ofac": "blocked",
    "eu": "owned or controlled by listed persons",
    "uk": "owned or controlled by a designated person",
}
#: Why a control relation does or does not count, per regime.
IGNORED_CONTROL = {"ofac": "control, not ownership: does not count under OFAC (FAQ 398)"}


@dataclass(frozen=True)
class Stake:
    """One holding of ``holder`` in ``asset``: an edge of the graph as the text needs it."""

    holder: int
    asset: int
    share: float
    kind: int


def pct(value: float) -> str:
    """``50 %``, ``33.33 %``: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


class _Writer:
    """Builds one explanation, remembering who has been introduced already."""

    def __init__(self, result: RuleResult, root: int | None = None) -> None:
        self.result = result
        self.graph = result.graph
        self.root = root  # UK: the designated person whose group is explained
        self.introduced: set[int] = set()
        self.done: set[int] = set()
        self.steps: list[str] = []

    def name(self, node: int) -> str:
        return self.graph.names[node]

    def is_source(self, node: int) -> bool:
        if self.root is not None:
            return node == self.root
        return bool(self.result.listed[node])

    def holder(self, node: int) -> str:
        if self.is_source(node):
            if node in self.introduced:
                return self.name(node)
            self.introduced.add(node)
            return f"{self.name(node)} ({LISTED_LABEL[self.result.regime]})"
        if node in self.introduced:
            return self.name(node)
        self.introduced.add(node)
        if self.root is not None:
            return f"{self.name(node)}, controlled by {self.name(self.root)},"
        return f"{self.name(node)}, {EXPOSED_WORD[self.result.regime]},"

    def statement(self, stake: Stake, *, directly: bool = False) -> str:
        already = stake.holder in self.introduced and self.is_source(stake.holder)
        who = self.holder(stake.holder)
        target = self.name(stake.asset)
        if stake.kind == OWN:
            text = f"{who} owns {pct(stake.share)} of {target}"
        elif stake.kind == VOTES:
            text = f"{who} holds {pct(stake.share)} of the voting rights in {target}"
        elif stake.kind == BOARD:
            text = f"{who} has the right to appoint a majority of the board of {target}"
        elif stake.kind == ASSETS:
            text = f"{who} has the right to use the assets of {target}"
        else:
            text = f"{who} can ensure the affairs of {target} are conducted as it wishes"
        if directly and already:
            text += " directly"
        return text

    def decisive(self, node: int) -> list[Stake]:
        """Stakes in ``node`` held by holders exposed before it, largest first."""
        if self.root is not None:
            group = self.result.groups[self.root]
            joined = group[node]

            def earlier(h: int) -> bool:
                return h in group and group[h] < joined
        else:
            rounds = self.result.round
            joined = int(rounds[node])

            def earlier(h: int) -> bool:
                return 0 <= int(rounds[h]) < joined

        return _stakes(self.result, node, earlier)

    def explain_node(self, node: int) -> None:
        """Append the steps that show ``node`` exposed (its holders first)."""
        if node in self.done or self.is_source(node):
            return
        self.done.add(node)
        stakes = self.decisive(node)
        for stake in stakes:
            self.explain_node(stake.holder)
        owned = [s for s in stakes if s.kind in (OWN, VOTES)]
        parts = [self.statement(s) for s in owned or stakes]
        text = "; ".join(parts)
        if len(owned) > 1 and all(s.kind == OWN for s in owned):
            text += f" ({_sum(owned, inclusive=self.result.regime != 'uk')})"
        self.steps.append(text)


def _stakes(result: RuleResult, node: int, keep: object) -> list[Stake]:
    graph = result.graph
    edges = graph.in_edges(node)
    out = []
    for position in edges.tolist():
        holder = int(graph.owner[position])
        if not keep(holder):  # type: ignore[operator]
            continue
        kind = int(graph.kind[position])
        share = float(graph.share[position])
        if kind in (OWN, VOTES) and share != share:  # NaN: share unknown
            continue
        out.append(Stake(holder, node, share if share == share else 0.0, kind))
    out.sort(key=lambda s: (s.kind != OWN, -s.share, graph.names[s.holder]))
    return out


def _sum(stakes: list[Stake], *, inclusive: bool) -> str:
    total = sum(s.share for s in stakes)
    terms = " + ".join(pct(s.share) for s in stakes)
    sign = "≥" if inclusive else ">"
    return f"{terms} = {pct(total)} {sign} {pct(OFAC_THRESHOLD if inclusive else UK_THRESHOLD)}"


def explain(result: RuleResult, node: int, root: int | None = None) -> str:
    """Why ``node`` is, or is not, exposed under ``result``'s regime.

    For the UK pass ``root``, the designated person whose group is explained (see
    `RuleResult.controllers`); without it the first controller is used.
    """
    if result.listed[node]:
        label = LISTED_LABEL[result.regime]
        return f"{result.graph.names[node]} is listed ({label})"
    if not result.exposed[node]:
        return _explain_negative(result, node)
    if result.regime == "uk":
        roots = result.controllers(node)
        return _explain_uk(result, node, root if root in roots else roots[0])
    writer = _Writer(result)
    stakes = writer.decisive(node)
    for stake in stakes:
        writer.explain_node(stake.holder)
    name = result.graph.names[node]
    verdict = (
        f"{name} blocked under OFAC"
        if result.regime == "ofac"
        else f"{name} {'controlled' if result.by_control[node] else 'owned'} by listed "
        "persons under EU rules"
    )
    return _conclude(writer, stakes, verdict, inclusive=True)


def _conclude(writer: _Writer, stakes: list[Stake], verdict: str, *, inclusive: bool) -> str:
    owned = [s for s in stakes if s.kind == OWN]
    total = sum(s.share for s in owned)
    threshold = OFAC_THRESHOLD if inclusive else UK_THRESHOLD
    reached = total >= threshold - EPS if inclusive else total > threshold + EPS
    chosen = owned if reached else [s for s in stakes if s.kind != OWN]
    if not chosen:  # UK: a majority of the voting rights
        chosen = [s for s in stakes if s.kind == VOTES][:1]
    parts = [writer.statement(s, directly=bool(writer.steps)) for s in chosen]
    text = "; ".join([*writer.steps, "; ".join(parts)])
    sign = "≥" if inclusive else ">"
    if reached:
        terms = " + ".join(pct(s.share) for s in owned)
        arithmetic = f"{terms} = {pct(total)}" if len(owned) > 1 else pct(total)
        return f"{text}: {arithmetic} {sign} {pct(threshold)} → {verdict}"
    if chosen and chosen[0].kind == VOTES:
        return f"{text}: {pct(chosen[0].share)} > {pct(threshold)} of the votes → {verdict}"
    return f"{text} → {verdict}"


def _explain_uk(result: RuleResult, node: int, root: int) -> str:
    writer = _Writer(result, root)
    stakes = writer.decisive(node)
    for stake in stakes:
        writer.explain_node(stake.holder)
    owned = sum(s.share for s in stakes if s.kind == OWN)
    word = "owned" if owned > UK_THRESHOLD + EPS else "controlled"
    verdict = f"{result.graph.names[node]} {word} by {result.graph.names[root]} under UK rules"
    return _conclude(writer, stakes, verdict, inclusive=False)


def _explain_negative(result: RuleResult, node: int) -> str:
    """Why not: the stakes exposed holders have, the holders that pass nothing on."""
    graph = result.graph
    name = graph.names[node]
    writer = _Writer(result)
    exposed = result.exposed
    parts: list[str] = []
    stakes = _stakes(result, node, lambda h: True)
    for stake in stakes:
        if exposed[stake.holder]:
            text = writer.statement(stake)
            if stake.kind != OWN:
                if result.regime in IGNORED_CONTROL:
                    text += f" ({IGNORED_CONTROL[result.regime]})"
                elif stake.kind == VOTES:
                    text += " (not a majority)"
            parts.append(text)
        elif result.share[stake.holder] > 0 and stake.kind == OWN:
            word = "blocked" if result.regime == "ofac" else "exposed"
            held = pct(float(result.share[stake.holder]))
            parts.append(
                f"{graph.names[stake.holder]}, not {word} ({held} held by listed persons), "
                f"owns {pct(stake.share)} of {name} and passes on nothing"
            )
    if result.regime == "uk":
        threshold, sign = UK_THRESHOLD, "≤"
        total = max(
            (
                sum(
                    s.share
                    for s in stakes
                    if s.kind == OWN and exposed[s.holder] and s.holder in group
                )
                for group in result.groups.values()
            ),
            default=0.0,
        )
        direct = [s.share for s in stakes if s.kind == OWN and result.listed[s.holder]]
        total = max([total, *direct])
        verdict = (
            f"no one designated person holds more than {pct(threshold)} of {name} "
            f"(largest {pct(total)} {sign} {pct(threshold)}) → {name} not owned or "
            "controlled under UK rules"
        )
    else:
        threshold = OFAC_THRESHOLD if result.regime == "ofac" else EU_THRESHOLD
        total = float(result.share[node])
        who = "blocked persons" if result.regime == "ofac" else "listed persons"
        status = "not blocked under OFAC" if result.regime == "ofac" else "not owned or "
        if result.regime == "eu":
            status += "controlled by listed persons under EU rules"
        verdict = f"{who} own {pct(total)} of {name} < {pct(threshold)} → {name} {status}"
    if not parts:
        return verdict[0].upper() + verdict[1:]
    return "; ".join(parts) + ": " + verdict


def explain_all(result: RuleResult) -> dict[int, str]:
    """An explanation for every derived exposure (not for the listed themselves)."""
    return {int(node): explain(result, int(node)) for node in np.asarray(result.derived())}
