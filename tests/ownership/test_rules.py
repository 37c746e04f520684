"""The regulators' own examples as tests: verdict and explanation text of each.

OFAC FAQs 398-401 (Entities Owned by Blocked Persons, 13 Aug 2014), the European
Commission's FAQ on asset freezes (2022: 25 % + 30 % -> jointly owned) and the
Council's Best Practices (2024: 50 % or more; control criteria), OFSI's General Guidance
(UK: more than 50 %, holdings of different designated persons not aggregated).
"""

from __future__ import annotations

from datetime import date

import pytest

from corridor.ownership.explain import explain, pct
from corridor.ownership.graph import Edge, OwnershipGraph
from corridor.ownership.rules import (
    RuleResult,
    eu_ownership_or_control,
    ofac_50_percent_rule,
    uk_ownership_or_control,
)


def run(rule: str, edges: list[Edge], listed: set[str], as_of: date | None = None) -> RuleResult:
    nodes = sorted(listed | {n for e in edges for n in (e.owner, e.asset)})
    graph = OwnershipGraph.from_edges(edges, {n: n for n in nodes}, as_of=as_of)
    fn = {"ofac": ofac_50_percent_rule, "eu": eu_ownership_or_control}.get(
        rule, uk_ownership_or_control
    )
    return fn(graph, graph.mask(listed))


def verdict(result: RuleResult, node: str) -> tuple[bool, str]:
    i = result.graph.index[node]
    return bool(result.exposed[i]), explain(result, i)


def own(owner: str, asset: str, share: float, **kw: object) -> Edge:
    return Edge(owner, asset, share, "ownership", **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------ OFAC FAQs 398-401


def test_faq_398_control_without_ownership_does_not_block() -> None:
    edges = [own("X", "A", 40), Edge("X", "A", kind="board")]
    blocked, text = verdict(run("ofac", edges, {"X"}), "A")
    assert not blocked
    assert text == (
        "X (SDN) owns 40 % of A; X has the right to appoint a majority of the board of A "
        "(control, not ownership: does not count under OFAC (FAQ 398)): "
        "blocked persons own 40 % of A < 50 % → A not blocked under OFAC"
    )


def test_faq_399_stakes_of_different_blocked_persons_are_aggregated() -> None:
    edges = [own("X", "A", 25), own("Y", "A", 25)]
    blocked, text = verdict(run("ofac", edges, {"X", "Y"}), "A")
    assert blocked
    assert text == (
        "X (SDN) owns 25 % of A; Y (SDN) owns 25 % of A: "
        "25 % + 25 % = 50 % ≥ 50 % → A blocked under OFAC"
    )


def test_faq_400_across_programmes() -> None:
    # X is blocked under RUSSIA-EO14024, Y under UKRAINE-EO13662: one set of blocked persons.
    edges = [own("X", "A", 30), own("Y", "A", 20), own("Z", "A", 50)]
    result = run("ofac", edges, {"X", "Y"})
    blocked, text = verdict(result, "A")
    assert blocked
    assert text.endswith("30 % + 20 % = 50 % ≥ 50 % → A blocked under OFAC")
    assert "Z" not in text


def test_faq_401_example_1_chain() -> None:
    edges = [own("X", "A", 50), own("A", "B", 50)]
    result = run("ofac", edges, {"X"})
    assert verdict(result, "A") == (
        True,
        "X (SDN) owns 50 % of A: 50 % ≥ 50 % → A blocked under OFAC",
    )
    assert verdict(result, "B") == (
        True,
        "X (SDN) owns 50 % of A; A, blocked, owns 50 % of B: 50 % ≥ 50 % → B blocked under OFAC",
    )


def test_faq_401_example_2_two_blocked_subsidiaries() -> None:
    edges = [own("X", "A", 50), own("X", "B", 50), own("A", "C", 25), own("B", "C", 25)]
    blocked, text = verdict(run("ofac", edges, {"X"}), "C")
    assert blocked
    assert text == (
        "X (SDN) owns 50 % of A; X owns 50 % of B; A, blocked, owns 25 % of C; "
        "B, blocked, owns 25 % of C: 25 % + 25 % = 50 % ≥ 50 % → C blocked under OFAC"
    )


def test_faq_401_example_3_direct_and_indirect() -> None:
    edges = [own("X", "A", 50), own("X", "B", 10), own("A", "B", 40)]
    blocked, text = verdict(run("ofac", edges, {"X"}), "B")
    assert blocked
    assert text == (
        "X (SDN) owns 50 % of A; A, blocked, owns 40 % of B; X owns 10 % of B directly: "
        "40 % + 10 % = 50 % ≥ 50 % → B blocked under OFAC"
    )


def test_issue_wording_example() -> None:
    edges = [own("A", "B", 50), own("B", "C", 40), own("A", "C", 10)]
    blocked, text = verdict(run("ofac", edges, {"A"}), "C")
    assert blocked
    assert text == (
        "A (SDN) owns 50 % of B; B, blocked, owns 40 % of C; A owns 10 % of C directly: "
        "40 % + 10 % = 50 % ≥ 50 % → C blocked under OFAC"
    )


def test_faq_401_example_4_stakes_through_unblocked_entities_count_zero() -> None:
    edges = [own("X", "A", 25), own("X", "B", 25), own("A", "C", 50), own("B", "C", 50)]
    result = run("ofac", edges, {"X"})
    assert not verdict(result, "A")[0]
    blocked, text = verdict(result, "C")
    assert not blocked
    assert text == (
        "A, not blocked (25 % held by listed persons), owns 50 % of C and passes on nothing; "
        "B, not blocked (25 % held by listed persons), owns 50 % of C and passes on nothing: "
        "blocked persons own 0 % of C < 50 % → C not blocked under OFAC"
    )


def test_percentages_are_not_multiplied_along_a_chain() -> None:
    # Multiplying would give X 0.6 * 0.6 = 36 % of C; OFAC counts A's whole 60 %.
    edges = [own("X", "A", 60), own("A", "B", 60), own("B", "C", 60)]
    result = run("ofac", edges, {"X"})
    assert all(verdict(result, n)[0] for n in "ABC")
    assert result.share[result.graph.index["C"]] == 60


def test_just_below_fifty_is_not_blocked_and_decimal_shares_add_up() -> None:
    assert not verdict(run("ofac", [own("X", "A", 49.99)], {"X"}), "A")[0]
    edges = [own("X", "A", 33.33), own("Y", "A", 16.67)]
    blocked, text = verdict(run("ofac", edges, {"X", "Y"}), "A")
    assert blocked, text
    assert "33.33 % + 16.67 % = 50 % ≥ 50 %" in text


# ------------------------------------------------------------------ cycles


def test_cycle_with_listed_support_terminates_and_blocks_both() -> None:
    edges = [own("X", "A", 50), own("A", "B", 60), own("B", "A", 30)]
    result = run("ofac", edges, {"X"})
    assert verdict(result, "A") == (
        True,
        "X (SDN) owns 50 % of A: 50 % ≥ 50 % → A blocked under OFAC",
    )
    assert verdict(result, "B")[0]
    # A's aggregate counts B's 30 % once B is blocked: 80 % held by blocked persons.
    assert result.share[result.graph.index["A"]] == pytest.approx(80)


def test_cycle_without_listed_support_is_not_self_blocking() -> None:
    # A and B own 60 % of each other; an SDN holds 10 % of A. Assuming A blocked would
    # "prove" B blocked and back: the least fixed point says neither is.
    edges = [own("A", "B", 60), own("B", "A", 60), own("X", "A", 10)]
    for rule in ("ofac", "eu", "uk"):
        result = run(rule, edges, {"X"})
        assert not verdict(result, "A")[0], rule
        assert not verdict(result, "B")[0], rule


def test_listed_company_owned_back_by_its_subsidiary() -> None:
    # X (SDN) owns 100 % of A, A owns 10 % of X: a loop through the listed root.
    edges = [own("X", "A", 100), own("A", "X", 10)]
    for rule in ("ofac", "eu", "uk"):
        result = run(rule, edges, {"X"})
        assert verdict(result, "A")[0], rule


# ------------------------------------------------------------------ EU


def test_eu_commission_faq_aggregation_25_plus_30() -> None:
    edges = [own("P", "C", 25), own("Q", "C", 30), own("R", "C", 45)]
    blocked, text = verdict(run("eu", edges, {"P", "Q"}), "C")
    assert blocked
    assert text == (
        "Q (EU-listed) owns 30 % of C; P (EU-listed) owns 25 % of C: "
        "30 % + 25 % = 55 % ≥ 50 % → C owned by listed persons under EU rules"
    )


def test_eu_fifty_percent_is_enough_since_the_2024_best_practices() -> None:
    blocked, text = verdict(run("eu", [own("P", "C", 50)], {"P"}), "C")
    assert blocked
    assert text.endswith("50 % ≥ 50 % → C owned by listed persons under EU rules")


@pytest.mark.parametrize(
    ("edge", "words"),
    [
        (Edge("P", "C", kind="board"), "has the right to appoint a majority of the board of C"),
        (Edge("P", "C", kind="assets"), "has the right to use the assets of C"),
        (Edge("P", "C", 60, kind="votes"), "holds 60 % of the voting rights in C"),
    ],
)
def test_eu_control_criteria(edge: Edge, words: str) -> None:
    edges = [own("P", "C", 10), edge]
    result = run("eu", edges, {"P"})
    blocked, text = verdict(result, "C")
    assert blocked
    assert words in text
    assert text.endswith("→ C controlled by listed persons under EU rules")
    # The same facts do not block under OFAC: control is not ownership (FAQ 398).
    assert not verdict(run("ofac", edges, {"P"}), "C")[0]


def test_eu_control_passes_down_to_what_the_controlled_entity_owns() -> None:
    edges = [Edge("P", "A", kind="board"), own("A", "B", 50)]
    blocked, text = verdict(run("eu", edges, {"P"}), "B")
    assert blocked
    assert text == (
        "P (EU-listed) has the right to appoint a majority of the board of A; "
        "A, owned or controlled by listed persons, owns 50 % of B: 50 % ≥ 50 % "
        "→ B owned by listed persons under EU rules"
    )


def test_eu_minority_votes_are_not_control() -> None:
    edges = [Edge("P", "C", 40, kind="votes")]
    blocked, text = verdict(run("eu", edges, {"P"}), "C")
    assert not blocked
    assert "(not a majority)" in text


# ------------------------------------------------------------------ UK


def test_uk_needs_more_than_fifty() -> None:
    blocked, text = verdict(run("uk", [own("P", "C", 50)], {"P"}), "C")
    assert not blocked
    assert text.endswith("→ C not owned or controlled under UK rules")
    blocked, text = verdict(run("uk", [own("P", "C", 50.01)], {"P"}), "C")
    assert blocked
    assert (
        text == "P (UK-designated) owns 50.01 % of C: 50.01 % > 50 % → C owned by P under UK rules"
    )


def test_uk_does_not_aggregate_different_designated_persons() -> None:
    edges = [own("P", "C", 30), own("Q", "C", 30)]
    assert not verdict(run("uk", edges, {"P", "Q"}), "C")[0]
    assert verdict(run("eu", edges, {"P", "Q"}), "C")[0]
    assert verdict(run("ofac", edges, {"P", "Q"}), "C")[0]


def test_uk_indirect_holding_through_a_majority_owned_chain() -> None:
    edges = [own("P", "A", 60), own("A", "C", 30), own("P", "C", 25)]
    result = run("uk", edges, {"P"})
    blocked, text = verdict(result, "C")
    assert blocked
    assert text == (
        "P (UK-designated) owns 60 % of A; A, controlled by P, owns 30 % of C; "
        "P owns 25 % of C directly: 30 % + 25 % = 55 % > 50 % → C owned by P under UK rules"
    )
    assert result.controllers(result.graph.index["C"]) == [result.graph.index["P"]]


@pytest.mark.parametrize("kind", ["board", "control"])
def test_uk_control_by_board_or_in_fact(kind: str) -> None:
    edges = [own("P", "C", 5), Edge("P", "C", kind=kind)]
    blocked, text = verdict(run("uk", edges, {"P"}), "C")
    assert blocked
    assert text.endswith("→ C controlled by P under UK rules")


def test_uk_votes_majority() -> None:
    blocked, text = verdict(run("uk", [Edge("P", "C", 51, kind="votes")], {"P"}), "C")
    assert blocked
    assert text == (
        "P (UK-designated) holds 51 % of the voting rights in C: 51 % > 50 % of the votes "
        "→ C controlled by P under UK rules"
    )


# ------------------------------------------------------------------ dates


def test_a_share_sold_before_the_date_does_not_count_after_it() -> None:
    edges = [own("X", "A", 60, start=date(2019, 1, 1), end=date(2022, 3, 1))]
    assert verdict(run("ofac", edges, {"X"}, as_of=date(2022, 2, 28)), "A")[0]
    assert not verdict(run("ofac", edges, {"X"}, as_of=date(2022, 3, 1)), "A")[0]
    assert not verdict(run("ofac", edges, {"X"}, as_of=date(2018, 12, 31)), "A")[0]


def test_pct_formatting() -> None:
    assert pct(50) == "50 %"
    assert pct(33.333333) == "33.33 %"
    assert pct(10.5) == "10.5 %"


def test_intermediate_named_once_and_explained_before_use() -> None:
    edges = [own("P", "C", 60), own("C", "D", 30), own("C", "E", 60), own("E", "D", 30)]
    blocked, text = verdict(run("ofac", edges, {"P"}), "D")
    assert blocked
    assert text == (
        "P (SDN) owns 60 % of C; C, blocked, owns 60 % of E; C owns 30 % of D; "
        "E, blocked, owns 30 % of D: 30 % + 30 % = 60 % ≥ 50 % → D blocked under OFAC"
    )


def test_intermediate_owned_jointly_shows_its_own_sum() -> None:
    edges = [own("X", "A", 25), own("Y", "A", 25), own("A", "B", 50)]
    blocked, text = verdict(run("ofac", edges, {"X", "Y"}), "B")
    assert blocked
    assert text == (
        "X (SDN) owns 25 % of A; Y (SDN) owns 25 % of A (25 % + 25 % = 50 % ≥ 50 %); "
        "A, blocked, owns 50 % of B: 50 % ≥ 50 % → B blocked under OFAC"
    )
