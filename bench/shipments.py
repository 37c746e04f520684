"""Shipment scoring throughput: 100,000 generated shipments, parties screened.

Usage: .venv/bin/python bench/shipments.py [--count N] [--workers W]

Reads the goods reference and the OFAC SDN snapshot from ../shared/data in place (falls
back to the project's examples/lists). The shipments are generated with a fixed seed from
pools of parties the size of a mid-sized bank's trade book (parties recur across
shipments, as they do in practice), goods drawn from the CHPL, the EU list and the rest
of the HS, one in ten lines by description only, and a few parties that are on the list.

Printed in the same run: the baseline (rules only, no screening), Corridor (parties
screened, each distinct party once per run), and screening without that memo on a sample
(what the memo saves), with throughput and peak memory.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corridor.goods.reference import Reference, compile_reference
from corridor.goods.risk import PartyScreener, RiskScorer
from corridor.goods.rules import load_rules
from corridor.goods.shipments import Shipment
from corridor.screening.index import Index, build_index
from corridor.store.db import open_store
from corridor.store.lists import load_list

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SDN = SHARED / "sanctions" / "ofac" / "sdn_2024-05-03.csv"
TRADE = SHARED / "trade"

HUBS = ["KZ", "KG", "AM", "GE", "UZ", "AE", "TR", "CN"]
PREFIX = ["Astana", "Almaty", "Bishkek", "Yerevan", "Tashkent", "Tbilisi", "Steppe", "Altyn"]
MIDDLE = ["Food", "Tech", "Components", "Trade", "Logistics", "Build", "Pharma", "Motors"]
SUFFIX = ["LLP", "LLC", "TOO", "ОсОО", "JSC", "Group", "Holding"]
RU_WORDS = ["Восток", "Техно", "Снаб", "Торг", "Альянс", "Импорт", "Групп", "Сервис"]
LISTED = ["ТОО «Сбер Восток»", "ОсОО «Карголайн»", "Milur Electronics LLC", "ОсОО «Профлаб»"]
DESCRIPTIONS = [
    "микросхемы",
    "подшипники шариковые",
    "CNC milling machine",
    "radio navigation receiver",
    "smartphones",
    "сыр твердый",
    "ноутбуки",
    "printed circuit boards",
]


SYLLABLES = [c + v for c in "bdgkmnprstzlv" for v in "aeiou"]
CYRILLIC = str.maketrans("abdegiklmnoprstuvz", "абдегиклмнопрстувз")


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def company(rng: random.Random, n: int) -> str:
    """A trade book's counterparty: mostly invented names, a tenth made of common words
    (Vostok, Trade, Group: the words that also fill the sanctions lists)."""
    if n % 10 == 0:
        return f"ТОО «{rng.choice(RU_WORDS)} {rng.choice(RU_WORDS)}»"
    if n % 10 == 1:
        return f"{rng.choice(PREFIX)} {rng.choice(MIDDLE)} {rng.choice(SUFFIX)}"
    name = f"{word(rng)} {word(rng)}"
    if n % 3 == 0:
        return f"ТОО «{name.lower().translate(CYRILLIC).title()}»"
    return f"{name} {rng.choice(SUFFIX)}"


def generate(count: int, reference: Reference, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    consignees = [company(rng, n) for n in range(4000)]
    exporters = [
        f"{rng.choice(['Nord', 'Süd', 'Rhein', 'Alpen'])} Export {n} GmbH" for n in range(800)
    ]
    payers = [company(rng, 10000 + n) for n in range(1000)]
    chpl = sorted(reference.chpl)
    eu = sorted(reference.eu_hs6)
    other = reference.hs6_codes
    shipments = []
    for n in range(count):
        name = rng.choice(consignees) if rng.random() > 0.002 else rng.choice(LISTED)
        country = rng.choice(HUBS)
        lines = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            pool = rng.choices((chpl, eu, other), weights=(2, 3, 5))[0]
            line: dict[str, Any] = {
                "quantity": rng.randint(1, 5000),
                "value": round(rng.uniform(500, 200000), 2),
                "currency": "EUR",
            }
            if rng.random() < 0.1:
                line["description"] = rng.choice(DESCRIPTIONS)
            else:
                line["code"] = rng.choice(pool)
            lines.append(line)
        own = rng.random() < 0.7
        shipments.append(
            {
                "id": f"S{n}",
                "parties": [
                    {"role": "exporter", "name": rng.choice(exporters), "country": "DE"},
                    {
                        "role": "consignee",
                        "name": name,
                        "country": country,
                        "incorporated": f"{rng.randint(2005, 2024)}-0{rng.randint(1, 9)}-15",
                        "website": None if rng.random() < 0.2 else "example.com",
                        "business": rng.choice(["food retail", "electronics", "trading", None]),
                    },
                ],
                "goods": lines,
                "route": {
                    "origin": "DE",
                    "destination": country,
                    "final_destination": "RU" if rng.random() < 0.05 else None,
                },
                "payment": {
                    "payer": {
                        "name": name if own else rng.choice(payers),
                        "country": country if own else rng.choice(HUBS),
                    },
                    "amount": sum(line["value"] for line in lines),
                    "currency": "EUR",
                },
            }
        )
    return shipments


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_WORKER: RiskScorer | None = None
#: Screening results of the distinct parties, filled before the scoring workers fork.
_CACHE: dict[tuple[Any, ...], Any] = {}


def _init_worker(reference: Reference, index: Index | None) -> None:
    global _WORKER
    _WORKER = RiskScorer(load_rules(), reference, index)
    _WORKER.screener.cache.update(_CACHE)


def _screen_keys(keys: list[tuple[Any, ...]]) -> list[tuple[tuple[Any, ...], Any]]:
    assert _WORKER is not None
    return [(key, _WORKER.screener.best(*key[:3], list(key[3]))) for key in keys]


def party_keys(data: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each distinct party once, as the screener keys it."""
    keys = {}
    gc.disable()
    for item in data:
        for p in Shipment.model_validate(item).all_parties():
            keys[(p.name, p.type, p.country, tuple(p.identifiers))] = None
            for owner in p.owners:
                keys[(owner, "owner", p.country, ())] = None
    gc.enable()
    return list(keys)


def _score_chunk(chunk: list[dict[str, Any]]) -> list[str]:
    assert _WORKER is not None
    gc.disable()
    return [a.level for a in _WORKER.score_batch([Shipment.model_validate(s) for s in chunk])]


def run(
    name: str, data: list[dict[str, Any]], reference: Reference, index: Index | None, workers: int
) -> tuple[str, int, float, dict[str, int]]:
    start = time.perf_counter()
    if workers > 1:
        _CACHE.clear()
        if index is not None:
            # Screen each distinct party once, the parties split between the workers.
            keys = party_keys(data)
            step = max(1, len(keys) // (workers * 4))
            with multiprocessing.get_context("fork").Pool(
                workers, _init_worker, (reference, index)
            ) as pool:
                for part in pool.map(
                    _screen_keys, [keys[i : i + step] for i in range(0, len(keys), step)]
                ):
                    _CACHE.update(part)
        size = max(1, len(data) // (workers * 8))
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        with multiprocessing.get_context("fork").Pool(
            workers, _init_worker, (reference, index)
        ) as pool:
            levels = [lv for part in pool.map(_score_chunk, chunks) for lv in part]
    else:
        scorer = RiskScorer(load_rules(), reference, index)
        gc.disable()  # as score_batch does: the parsed shipments live until the end
        shipments = [Shipment.model_validate(s) for s in data]
        gc.enable()
        levels = [a.level for a in scorer.score_batch(shipments)]
        del shipments
    seconds = time.perf_counter() - start
    counts = {lv: levels.count(lv) for lv in ("low", "medium", "high", "critical")}
    return name, len(data), seconds, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2_000, help="shipments for the no-memo row")
    args = parser.parse_args()
    if not TRADE.is_dir():
        sys.exit(f"{TRADE} is absent: the benchmark reads the real reference data")
    reference = compile_reference(TRADE)
    lists = [SDN] if SDN.exists() else sorted((ROOT / "examples" / "lists").iterdir())
    with tempfile.TemporaryDirectory() as home:
        store = open_store(f"sqlite:///{home}/corridor.db")
        for path in lists:
            load_list(store, path)
        start = time.perf_counter()
        index = build_index(store)
        print(
            f"index: {len(index.entities):,} listed entities in {time.perf_counter() - start:.1f} s"
        )
    data = generate(args.count, reference)
    gc.freeze()  # the generated input lives all run: keep the collector off it
    print(f"generated {len(data):,} shipments; peak so far {peak_mb():.0f} MB")
    rows = [
        run("baseline: rules only, no screening", data, reference, None, 1),
        run("Corridor: parties screened, 1 process", data, reference, index, 1),
    ]
    if args.workers > 1:
        rows.append(
            run(
                f"Corridor: parties screened, {args.workers} processes",
                data,
                reference,
                index,
                args.workers,
            )
        )
    sample = data[: args.sample]
    start = time.perf_counter()
    scorer = RiskScorer(load_rules(), reference, index)
    for item in sample:
        scorer.screener = PartyScreener(index, 0.7, 0.6)  # forget every party: no memo
        scorer.score(Shipment.model_validate(item))
    rows.append(("screening without memo (sample)", len(sample), time.perf_counter() - start, {}))
    print()
    print(f"{'run':48} {'shipments':>10} {'seconds':>8} {'per s':>8}  levels")
    for name, count, seconds, counts in rows:
        levels = " ".join(f"{k} {v}" for k, v in counts.items())
        print(f"{name:48} {count:>10,} {seconds:>8.1f} {count / seconds:>8,.0f}  {levels}")
    print(f"\npeak memory (this process): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
