"""Ownership exposure at scale: Corridor's array rules against plain networkx.

A generated graph (numpy, vectorised, seeded): ``--companies`` companies (1 million) and
``--persons`` natural persons, ``--edges`` holdings (3 million; 2 % of them control
relations: board, votes, use of assets, control in fact), with shares per company that
add up to at most 100 %, random owners (so chains and cycles both occur) and
``--roots`` listed roots (persons and companies). The OFAC, EU and UK rules run on it;
the issue's target is all three in under 60 s with a peak under 4 GB on the 2-core
reference machine.

The baseline is a straightforward networkx implementation of the same rules (sweep over
every node, sum the stakes of exposed owners, repeat until nothing changes; the UK walk
per designated person). It runs on the subgraph induced by the first
``--nx-companies`` companies (100,000 by default; pass 1000000 for the whole graph), and
Corridor runs on that subgraph too, so the exposed sets are compared for equality.
Each run is its own process, so each peak RSS is that implementation's own.

    .venv/bin/python bench/ownership.py
    .venv/bin/python bench/ownership.py --nx-companies 1000000 --json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REGIMES = ("ofac", "eu", "uk")
#: Share of edges that are control relations rather than shareholdings.
CONTROL_SHARE = 0.02
#: Share of holdings whose owner is a natural person (the rest are companies).
PERSON_OWNERS = 0.3
#: Share of company-held stakes held within the same "group" (nearby index), and its span.
LOCAL_OWNERS, GROUP_SPAN = 0.8, 50


def generate(
    companies: int, persons: int, edges: int, roots: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(owner, asset, share, kind, listed) arrays; nodes are companies then persons."""
    rng = np.random.default_rng(seed)
    n = companies + persons
    asset = rng.integers(0, companies, size=edges, dtype=np.int32)
    from_person = rng.random(edges) < PERSON_OWNERS
    # Companies mostly hold companies near them in index order (a corporate group is
    # registered together), some anywhere: so groups, long chains and cycles all occur,
    # and the first K companies keep most of their edges in the networkx subgraph.
    near = (asset + rng.integers(-GROUP_SPAN, GROUP_SPAN + 1, size=edges)) % companies
    anywhere = rng.integers(0, companies, size=edges)
    company_owner = np.where(rng.random(edges) < LOCAL_OWNERS, near, anywhere)
    owner = np.where(
        from_person, companies + rng.integers(0, max(persons, 1), size=edges), company_owner
    ).astype(np.int32)
    clash = owner == asset
    owner[clash] = (owner[clash] + 1) % companies
    # Shares: log-normal weights normalised per asset (one holder usually dominates, as
    # in real registers), scaled so 60-100 % of each company's capital is in the data
    # (the rest is free float or unknown holders).
    weight = rng.lognormal(0.0, 1.5, size=edges)
    per_asset = np.bincount(asset, weights=weight, minlength=companies)
    known = rng.uniform(60.0, 100.0, size=companies)
    share = np.round(weight / per_asset[asset] * known[asset], 2)
    kind = np.zeros(edges, dtype=np.int8)
    control = rng.random(edges) < CONTROL_SHARE
    kind[control] = rng.integers(1, 5, size=int(control.sum()), dtype=np.int8)
    votes = kind == 1
    share[votes] = np.round(rng.uniform(10.0, 90.0, size=int(votes.sum())), 2)
    share[(kind > 1)] = np.nan
    listed = np.zeros(n, dtype=np.bool_)
    listed[companies + rng.choice(persons, size=roots * 2 // 3, replace=False)] = True
    listed[rng.choice(companies, size=roots - roots * 2 // 3, replace=False)] = True
    return owner, asset, share, kind, listed


def subset(
    arrays: tuple[np.ndarray, ...], companies: int, keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The subgraph induced by the first ``keep`` companies and every person."""
    owner, asset, share, kind, listed = arrays
    if keep >= companies:
        return owner, asset, share, kind, listed
    node_keep = np.ones(listed.size, dtype=np.bool_)
    node_keep[keep:companies] = False
    new_index = np.cumsum(node_keep) - 1
    mask = node_keep[owner] & node_keep[asset]
    return (
        new_index[owner[mask]].astype(np.int32),
        new_index[asset[mask]].astype(np.int32),
        share[mask],
        kind[mask],
        listed[node_keep],
    )


def digest(nodes: Any) -> str:
    return hashlib.sha1(np.asarray(sorted(nodes), dtype=np.int64).tobytes()).hexdigest()[:12]


def run_corridor(arrays: tuple[np.ndarray, ...]) -> dict[str, Any]:
    from corridor.ownership.explain import explain
    from corridor.ownership.graph import OwnershipGraph
    from corridor.ownership.rules import RULES

    owner, asset, share, kind, listed = arrays
    start = time.perf_counter()
    ids = [str(i) for i in range(listed.size)]
    graph = OwnershipGraph(ids, ids, owner, asset, share, kind)
    out: dict[str, Any] = {"build_s": time.perf_counter() - start, "times": {}, "exposed": {}}
    out["digest"] = {}
    for regime in REGIMES:
        start = time.perf_counter()
        result = RULES[regime](graph, listed)
        out["times"][regime] = time.perf_counter() - start
        derived = result.derived()
        out["exposed"][regime] = int(derived.size)
        out["digest"][regime] = digest(derived.tolist())
        # Explanations for a sample, as `corridor ownership exposure` would write them.
        start = time.perf_counter()
        for node in derived[:200].tolist():
            explain(result, node)
        out.setdefault("explain_ms", {})[regime] = (
            (time.perf_counter() - start) * 1000 / max(1, min(200, derived.size))
        )
    return out


def run_networkx(arrays: tuple[np.ndarray, ...]) -> dict[str, Any]:
    import networkx as nx

    owner, asset, share, kind, listed = arrays
    start = time.perf_counter()
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(listed.size))
    g.add_edges_from(
        (int(o), int(a), {"share": float(s), "kind": int(k)})
        for o, a, s, k in zip(owner, asset, share, kind, strict=True)
    )
    roots = set(np.flatnonzero(listed).tolist())
    out: dict[str, Any] = {"build_s": time.perf_counter() - start, "times": {}, "exposed": {}}
    out["digest"] = {}
    for regime in REGIMES:
        start = time.perf_counter()
        exposed = nx_uk(g, roots) if regime == "uk" else nx_sweep(g, roots, regime == "eu")
        out["times"][regime] = time.perf_counter() - start
        derived = exposed - roots
        out["exposed"][regime] = len(derived)
        out["digest"][regime] = digest(derived)
    return out


def _value(share: float) -> float:
    return 0.0 if share != share else share


def nx_sweep(g: Any, roots: set[int], eu: bool) -> set[int]:
    """OFAC (and EU with control): sweep all nodes until no node changes."""
    exposed = set(roots)
    changed = True
    while changed:
        changed = False
        for node in g.nodes:
            if node in exposed:
                continue
            total = 0.0
            controlled = False
            for holder, _, data in g.in_edges(node, data=True):
                if holder not in exposed:
                    continue
                if data["kind"] == 0:
                    total += _value(data["share"])
                elif eu and (
                    data["kind"] in (2, 3, 4) or (data["kind"] == 1 and data["share"] > 50)
                ):
                    controlled = True
            if total >= 50 - 1e-6 or controlled:
                exposed.add(node)
                changed = True
    return exposed


def nx_uk(g: Any, roots: set[int]) -> set[int]:
    """UK: for each designated person, grow its group until no entity joins."""
    exposed = set(roots)
    for root in roots:
        group = {root}
        changed = True
        while changed:
            changed = False
            shares: dict[int, float] = defaultdict(float)
            votes: dict[int, float] = defaultdict(float)
            control: set[int] = set()
            for holder in group:
                for _, target, data in g.out_edges(holder, data=True):
                    if data["kind"] == 0:
                        shares[target] += _value(data["share"])
                    elif data["kind"] == 1:
                        votes[target] += _value(data["share"])
                    elif data["kind"] in (2, 4):
                        control.add(target)
            for target in set(shares) | set(votes) | control:
                if target in group:
                    continue
                if shares[target] > 50 + 1e-6 or votes[target] > 50 + 1e-6 or target in control:
                    group.add(target)
                    changed = True
        exposed |= group
    return exposed


def worker(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    arrays = generate(args.companies, args.persons, args.edges, args.roots, args.seed)
    keep = args.keep or args.companies
    arrays = subset(arrays, args.companies, keep)
    gen_s = time.perf_counter() - start
    result = run_networkx(arrays) if args.worker == "networkx" else run_corridor(arrays)
    result.update(
        impl=args.worker,
        nodes=int(arrays[4].size),
        edges=int(arrays[0].size),
        gen_s=gen_s,
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    print(json.dumps(result))


def spawn(args: argparse.Namespace, impl: str, keep: int) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        impl,
        "--keep",
        str(keep),
        *("--companies", str(args.companies), "--persons", str(args.persons)),
        *("--edges", str(args.edges), "--roots", str(args.roots), "--seed", str(args.seed)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=3_000_000)
    parser.add_argument("--roots", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--nx-companies", type=int, default=100_000, dest="nx_companies")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", choices=("corridor", "networkx"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    runs = [spawn(args, "corridor", args.companies)]
    keep = min(args.nx_companies, args.companies)
    if keep < args.companies:
        runs.append(spawn(args, "corridor", keep))
    runs.append(spawn(args, "networkx", keep))
    if args.json:
        print(json.dumps(runs, indent=2))
        return
    report(runs)


def report(runs: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Ownership exposure: Corridor (numpy frontier walk) vs networkx sweep")
    for column in ("implementation", "nodes", "edges", "regime", "exposed", "seconds"):
        table.add_column(column, justify="right" if column != "implementation" else "left")
    table.add_column("peak MB", justify="right")
    for run in runs:
        total = sum(run["times"].values())
        for regime in REGIMES:
            table.add_row(
                run["impl"],
                f"{run['nodes']:,}",
                f"{run['edges']:,}",
                regime,
                f"{run['exposed'][regime]:,}",
                f"{run['times'][regime]:.2f}",
                "",
            )
        table.add_row(
            run["impl"],
            f"{run['nodes']:,}",
            f"{run['edges']:,}",
            "all three",
            "",
            f"{total:.2f} (+{run['build_s']:.2f} build)",
            f"{run['peak_mb']:,.0f}",
            end_section=True,
        )
    console = Console()
    console.print(table)
    nx_run = runs[-1]
    same = next(r for r in runs[:-1] if r["nodes"] == nx_run["nodes"])
    for regime in REGIMES:
        agree = same["digest"][regime] == nx_run["digest"][regime]
        speedup = nx_run["times"][regime] / max(same["times"][regime], 1e-9)
        console.print(
            f"{regime}: exposed sets {'identical' if agree else 'DIFFER'} on "
            f"{nx_run['nodes']:,} nodes; Corridor {speedup:,.0f}x faster than networkx"
        )
    full = runs[0]
    total = sum(full["times"].values())
    console.print(
        f"full graph: all three regimes in {total:.1f} s (target < 60 s), "
        f"peak {full['peak_mb']:,.0f} MB (target < 4096 MB); explanation "
        + ", ".join(f"{r} {full['explain_ms'][r]:.1f} ms" for r in REGIMES)
    )


if __name__ == "__main__":
    main()
