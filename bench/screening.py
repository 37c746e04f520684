"""Screening quality and speed: Corridor beside nomenklatura's logic-v2, in one run.

Pairwise quality on the 826 labelled pairs of
``../shared/data/sanctions/eval/nomenklatura/name_bench_cases.csv``: each pair is scored
by both engines (name1 as the query, name2 as the listed entity, the pair's schema on
both sides) and precision, recall and F1 are reported at each engine's own threshold
(Corridor: CORRIDOR_THRESHOLD, default 0.7; logic-v2: 0.7), with the time per pair.

With ``--speed`` it also loads every real list in ../shared/data/sanctions and reports
the index build time, per-query latency (p50, p99), the share of the 683 UN positives
(``positives_un_untreated.csv``) and of their perturbations whose UN record is a match
ranked first, the negatives with a match, the records per second of ``corridor screen
file`` itself on the negatives (a new process, every screening recorded), and the time
Corridor and logic-v2 take for the same queries and candidates.

    .venv/bin/python bench/screening.py [--speed] [--errors N]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from followthemoney import model
from rich.console import Console
from rich.table import Table

from corridor.errors import CorridorError
from corridor.screening.engine import (
    ALGORITHM,
    Match,
    Query,
    candidates,
    query_forms,
    score_candidate,
    screen,
)
from corridor.screening.index import Index, build_index, index_entity, load_index
from corridor.settings import get_settings
from corridor.store import Store, open_store
from corridor.store.lists import (
    activate_version,
    iter_active_targets,
    list_versions,
    load_list,
)

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT.parent / "shared/data/sanctions/eval/nomenklatura/name_bench_cases.csv"
LOGIC_V2_THRESHOLD = 0.7


@dataclass
class Pair:
    schema: str
    query: str
    candidate: str
    is_match: bool
    group: str


@dataclass
class Outcome:
    engine: str
    scores: list[float]
    seconds: float


def read_pairs() -> list[Pair]:
    with CASES.open(encoding="utf-8") as handle:
        return [
            Pair(r["schema"], r["name1"], r["name2"], r["is_match"] == "true", r["case_group"])
            for r in csv.DictReader(handle)
        ]


def corridor_scores(pairs: list[Pair]) -> Outcome:
    threshold = get_settings().threshold
    started = time.perf_counter()
    scores = []
    for pair in pairs:
        listed = index_entity("c", pair.schema, pair.candidate, {"name": [pair.candidate]})
        query = Query(names=[pair.query], schema=pair.schema)
        scores.append(score_candidate(query, query_forms(query), [], listed, threshold).score)
    return Outcome(f"Corridor {ALGORITHM}", scores, time.perf_counter() - started)


def logic_v2_scores(pairs: list[Pair]) -> Outcome:
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    started = time.perf_counter()
    scores = []
    for pair in pairs:
        query = model.make_entity(pair.schema)
        query.id = "q"
        query.add("name", pair.query)
        result = model.make_entity(pair.schema)
        result.id = "r"
        result.add("name", pair.candidate)
        scores.append(algorithm.compare(query, result, config).score)
    return Outcome("nomenklatura logic-v2", scores, time.perf_counter() - started)


def quality(pairs: list[Pair], scores: list[float], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for p, s in zip(pairs, scores, strict=True) if p.is_match and s >= threshold)
    fp = sum(1 for p, s in zip(pairs, scores, strict=True) if not p.is_match and s >= threshold)
    fn = sum(1 for p, s in zip(pairs, scores, strict=True) if p.is_match and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


UN_POSITIVES = ROOT.parent / "shared/data/sanctions/eval/yente_candidate_generation"
#: UN positives whose candidates both engines score, for the speed ratio.
SAME_CANDIDATES = 200


def false_positives(index: Index, limit: int) -> tuple[int, int, float]:
    """Screen the synthetic people designed to match nobody: (screened, matched, seconds)."""
    with gzip.open(UN_POSITIVES / "negatives_global.csv.gz", "rt", encoding="utf-8") as handle:
        rows = [r for _, r in zip(range(limit), csv.DictReader(handle), strict=False)]
    threshold = get_settings().threshold
    started = time.perf_counter()
    matched = 0
    for row in rows:
        birth = row.get("date_of_birth") or None
        query = Query(names=[row["full_name"]], schema="Person", birth_date=birth)
        results = screen(index, query, threshold, limit=1)
        matched += bool(results and results[0].is_match)
    return len(rows), matched, time.perf_counter() - started


def screen_file_throughput(home: Path, limit: int) -> tuple[float, float]:
    """`corridor screen file` on the negatives, run as a user runs it: a new process on
    all cores, the index read from disk, every screening recorded in the store.

    Records per second over the command's whole wall time (start-up included), and the
    peak memory of its largest process in MB.
    """
    source = home / "negatives.csv"
    with gzip.open(UN_POSITIVES / "negatives_global.csv.gz", "rt", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        with source.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "name", "schema", "birth_date"])
            for number, row in zip(range(limit), reader, strict=False):
                writer.writerow([number, row["full_name"], "Person", row["date_of_birth"]])
    load_index(open_store())  # written to disk, as after any list load
    command = [str(Path(sys.executable).with_name("corridor")), "screen", "file", str(source)]
    started = time.perf_counter()
    # Run through a small Python process, so that the peak memory its children report is
    # the command's own, not this process's (a fork starts with all of this one's pages).
    measured = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_CHILD, *command, "-o", str(home / "hits.csv")],
        env={**os.environ, "CORRIDOR_HOME": str(home)},
        check=True,
        capture_output=True,
        text=True,
    )
    rate = limit / (time.perf_counter() - started)
    return rate, int(measured.stdout.split()[-1]) / 1024


#: Runs the command given as arguments; prints the peak RSS (KB) of its largest process.
_PEAK_OF_CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def same_candidates(index: Index, store: Store, rows: list[dict[str, str]]) -> tuple[float, float]:
    """Seconds Corridor and logic-v2 take for the same queries and candidates.

    Corridor's time is `screen` whole: analysing the query, selecting its candidates and
    scoring them. logic-v2 is given those candidates, as FollowTheMoney entities with
    all their listed properties, and only scores them (as yente does after its search).
    """
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    queries = [
        Query(names=[r["full_name"]], schema="Person", birth_date=r.get("date_of_birth") or None)
        for r in rows
    ]
    chosen = [candidates(index, query) for query in queries]
    wanted = {entity.entity_id for found in chosen for entity in found}
    proxies = {
        row.entity_id: model.get_proxy(
            {"id": row.entity_id, "schema": row.schema, "properties": row.properties}
        )
        for _, row in iter_active_targets(store)
        if row.entity_id in wanted
    }
    threshold = get_settings().threshold
    started = time.perf_counter()
    for query in queries:
        screen(index, query, threshold, limit=10)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for query, found in zip(queries, chosen, strict=True):
        asked = model.make_entity("Person")
        asked.id = "q"
        asked.add("name", query.names)
        asked.add("birthDate", query.birth_date)
        for entity in found:
            algorithm.compare(asked, proxies[entity.entity_id], config)
    return ours, time.perf_counter() - started


#: Spelling variants a clerk or another transliteration produces, applied one at a time.
_SPELLINGS = (("kh", "h"), ("ou", "u"), ("y", "i"), ("j", "dj"), ("sh", "ch"), ("ee", "i"))


def perturbations(name: str, birth: str | None, seed: int) -> list[tuple[str, str | None]]:
    """Variants of one UN name: a typo, a dropped and a moved part, a spelling variant,
    and a birth year one off. Deterministic per ``seed`` so runs compare."""
    rng = random.Random(seed)
    parts = name.split()
    variants: list[tuple[str, str | None]] = []
    long_parts = [i for i, p in enumerate(parts) if len(p) >= 5]
    if long_parts:  # swap two neighbouring letters inside one word
        i = rng.choice(long_parts)
        word = parts[i]
        k = rng.randrange(1, len(word) - 2)
        typo = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        variants.append((" ".join([*parts[:i], typo, *parts[i + 1 :]]), birth))
    if len(parts) >= 3:  # drop a middle part; move the last part to the front
        variants.append((" ".join(parts[:1] + parts[2:]), birth))
        variants.append((" ".join(parts[-1:] + parts[:-1]), birth))
    lowered = name.lower()
    for old, new in _SPELLINGS:
        if old in lowered:
            variants.append((lowered.replace(old, new, 1), birth))
            break
    if birth and birth[:4].isdigit():
        shifted = str(int(birth[:4]) + rng.choice((-1, 1))) + birth[4:]
        variants.append((name, shifted))
    return variants


def un_first(results: list[Match]) -> bool:
    """The UN record is a match among the results sharing the top score (the same person
    is often on several lists, UN, OFAC, UK..., with equal scores)."""
    top = results[0].score if results else 0.0
    return any(
        r.is_match and r.score == top and r.entity.entity_id.startswith("un-") for r in results
    )


def un_first_person(results: list[Match]) -> bool:
    """The UN record is a match and nobody else ranks above it: every result scoring
    higher shares a date of birth with it, the list data's own evidence that it is the
    same person on another list (a dropped middle name meets OFAC's "Salah GASMI" exactly
    and the UN's "SALAH EDDINE GASMI" at 0.85)."""
    un = next((r for r in results if r.entity.entity_id.startswith("un-")), None)
    if un is None or not un.is_match:
        return False
    born = {d[:10] for d in un.entity.birth_dates}
    above = [r for r in results if r.score > un.score]
    return all(born & {d[:10] for d in r.entity.birth_dates} for r in above)


def speed_and_recall(console: Console, negatives: int) -> None:
    """Every shared list loaded: index build time, per-query latency, UN recall."""
    sys.path.insert(0, str(Path(__file__).parent))
    from lists import candidates  # the same real lists bench/lists.py loads

    with tempfile.TemporaryDirectory() as home:
        os.environ["CORRIDOR_HOME"] = home
        get_settings.cache_clear()
        store = open_store()
        for path in candidates():
            with contextlib.suppress(CorridorError):  # e.g. OFAC companions without sdn.csv
                load_list(store, path)
        # The positives were drawn from the 2025-11-18 UN snapshot: make it the active one.
        for version in list_versions(store, "un_sc"):
            if version.published and version.published.isoformat() == "2025-11-18":
                activate_version(store, version.id)
        started = time.perf_counter()
        index = build_index(store)
        build = time.perf_counter() - started
        with (UN_POSITIVES / "positives_un_untreated.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        screened, matched, seconds = false_positives(index, negatives)
        batch_rate, batch_memory = screen_file_throughput(Path(home), negatives)
        ours, theirs = same_candidates(index, store, rows[:SAME_CANDIDATES])
        threshold = get_settings().threshold
        latencies, found, found_names = [], 0, set()
        for row in rows:
            birth = row.get("date_of_birth") or None
            query = Query(names=[row["full_name"]], schema="Person", birth_date=birth)
            began = time.perf_counter()
            results = screen(index, query, threshold, limit=10)
            latencies.append(time.perf_counter() - began)
            if un_first(results):
                found += 1
                found_names.add(row["full_name"])
        # Perturbations are asked only of the positives found untreated: a positive the
        # list does not hold is already counted as a miss above.
        perturbed = found_perturbed = found_person = 0
        for number, row in enumerate(rows):
            if row["full_name"] not in found_names:
                continue
            for name, birth in perturbations(row["full_name"], row.get("date_of_birth"), number):
                query = Query(names=[name], schema="Person", birth_date=birth)
                perturbed += 1
                results = screen(index, query, threshold, limit=10)
                found_perturbed += un_first(results)
                found_person += un_first_person(results)
    latencies.sort()
    table = Table(title=f"All shared lists loaded: {len(index.entities):,} listed entities")
    for column in ("measure", "value"):
        table.add_column(column)
    table.add_row("index build", f"{build:.2f} s")
    table.add_row("query p50", f"{statistics.median(latencies) * 1000:.1f} ms")
    table.add_row("query p99", f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms")
    table.add_row(
        "UN positives found first, matched",
        f"{found} / {len(rows)} = {found / len(rows):.3f}",
    )
    table.add_row(
        "perturbed UN positives found first, matched",
        f"{found_perturbed:,} / {perturbed:,} = {found_perturbed / max(perturbed, 1):.3f}",
    )
    table.add_row(
        "perturbed UN positives: UN record matched, only the same person above it",
        f"{found_person:,} / {perturbed:,} = {found_person / max(perturbed, 1):.3f}",
    )
    table.add_row(
        f"negatives with a match (first {screened:,})",
        f"{matched:,} = {matched / max(screened, 1):.2%}",
    )
    table.add_row("screening throughput, one process", f"{screened / seconds:,.0f} records/s")
    table.add_row(
        f"corridor screen file, {screened:,} negatives, {os.cpu_count()} cores",
        f"{batch_rate:,.0f} records/s",
    )
    table.add_row(
        "corridor screen file, peak memory of its largest process", f"{batch_memory:,.0f} MB"
    )
    table.add_row(
        f"first {SAME_CANDIDATES} UN positives, same candidates: Corridor screen / logic-v2",
        f"{ours:.2f} s / {theirs:.2f} s = {theirs / ours:.0f}x faster",
    )
    console.print(table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"peak memory (max RSS of this process, all lists loaded and indexed): {peak:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--errors", type=int, default=0, help="print N misjudged pairs of Corridor")
    parser.add_argument("--speed", action="store_true", help="also load all lists: speed, recall")
    parser.add_argument(
        "--negatives", type=int, default=50000, help="synthetic negatives to screen (of 50,000)"
    )
    args = parser.parse_args()
    if not CASES.exists():
        sys.exit(f"{CASES} is absent: the benchmark reads the labelled pairs there")
    pairs = read_pairs()
    threshold = get_settings().threshold
    # Warm-up, outside the timings: rigour and nomenklatura build their tables (territory
    # names, org types) once per process.
    corridor_scores([Pair("Company", "Warm-up Bank México S.A.", "Warm-up Bank S.A.", True, "")])
    logic_v2_scores(pairs[:1])
    ours = corridor_scores(pairs)
    theirs = logic_v2_scores(pairs)
    table = Table(title=f"Pairwise name matching, {len(pairs)} labelled pairs")
    for column in ("engine", "threshold", "precision", "recall", "F1", "µs / pair"):
        table.add_column(column, justify="left" if column == "engine" else "right")
    for outcome, cut in ((ours, threshold), (theirs, LOGIC_V2_THRESHOLD)):
        p, r, f = quality(pairs, outcome.scores, cut)
        per_pair = outcome.seconds / len(pairs) * 1e6
        figures = (f"{cut:.2f}", f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{per_pair:,.0f}")
        table.add_row(outcome.engine, *figures)
    sys.path.insert(0, str(ROOT))
    from tests.names.kz_ru_pairs import PAIRS as KZ_RU

    kz_pairs = [Pair(p.schema, p.query, p.candidate, p.is_match, p.pattern) for p in KZ_RU]
    for outcome, cut in ((corridor_scores(kz_pairs), threshold), (logic_v2_scores(kz_pairs), 0.7)):
        right = sum(
            1 for p, sc in zip(kz_pairs, outcome.scores, strict=True) if p.is_match == (sc >= cut)
        )
        table.add_row(
            f"{outcome.engine}: Kazakh/Russian pairs",
            f"{cut:.2f}",
            "",
            "",
            f"{right}/{len(kz_pairs)} right",
            "",
        )
    console = Console(width=120)
    console.print(table)
    ratio = theirs.seconds / ours.seconds
    console.print(
        f"pairwise, both names analysed from scratch: logic-v2 time / Corridor time = {ratio:.1f}x"
    )
    if args.speed:
        speed_and_recall(console, args.negatives)
    shown = 0
    for pair, score in zip(pairs, ours.scores, strict=True):
        if shown >= args.errors:
            break
        if pair.is_match != (score >= threshold):
            shown += 1
            kind = "missed" if pair.is_match else "false hit"
            where = f"[{pair.schema}/{pair.group}]"
            console.print(f"{kind} {score:.2f} {where} {pair.query!r} vs {pair.candidate!r}")


if __name__ == "__main__":
    main()
