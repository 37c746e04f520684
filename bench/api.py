"""Load test of ``POST /match/default`` over HTTP, with every shared list loaded.

Every real list in ../shared/data/sanctions is loaded into a fresh store, the index is
built (and cached on disk for the workers), and ``corridor serve`` is started on
127.0.0.1 with one worker per core. 100 concurrent clients then send yente-shaped
``/match`` requests (one Person query each: the UN positives and synthetic negatives
of ../shared/data/sanctions/eval, half and half) for ``--seconds``, in two phases:

- ``target``: the clients together offer the target rate, 20 x yente's published
  4 requests/s per vCPU for logic-v2 (160 req/s on 2 cores); each client sends its next
  request on schedule (or at once when late), so latency is measured under that load;
- ``saturation``: every client sends its next request as soon as the last returns
  (closed loop), which measures the most the server gives.

Latency is measured at the client, from sending to the full response. Each request is
also recorded as a screening and audited, as in production. The baseline, measured in
the same run, is the bare `screen` call on the same queries in this process (no HTTP,
no recording): what the HTTP layer, auth, recording and audit add is the difference.

    .venv/bin/python bench/api.py                 # 60 s per phase
    .venv/bin/python bench/api.py --seconds 20    # shorter
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared/data/sanctions/eval/yente_candidate_generation"
CLIENTS = 100
#: yente's published throughput for logic-v2 per vCPU, and the issue's multiple of it.
YENTE_PER_VCPU, TARGET_FACTOR = 4.0, 20
P99_TARGET_MS = 100.0


@dataclass
class Phase:
    name: str
    offered: float | None
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)


def queries(limit: int) -> list[dict[str, Any]]:
    """yente Person queries: UN positives and synthetic negatives, interleaved."""
    with (EVAL / "positives_un_untreated.csv").open(encoding="utf-8") as handle:
        positives = list(csv.DictReader(handle))[:limit]
    with gzip.open(EVAL / "negatives_global.csv.gz", "rt", encoding="utf-8") as handle:
        negatives = [r for _, r in zip(range(limit), csv.DictReader(handle), strict=False)]
    out = []
    for pair in zip(positives, negatives, strict=False):
        for row in pair:
            props: dict[str, list[str]] = {"name": [row["full_name"]]}
            if row.get("date_of_birth"):
                props["birthDate"] = [row["date_of_birth"]]
            out.append({"queries": {"q": {"schema": "Person", "properties": props}}})
    return out


def prepare(home: Path) -> tuple[str, float, list[float]]:
    """Load every shared list, build the index; return an analyst key, the index size
    and the in-process baseline latencies of `screen` on the benchmark queries."""
    os.environ["CORRIDOR_HOME"] = str(home)
    sys.path.insert(0, str(Path(__file__).parent))
    from corridor.api.keys import add_user
    from corridor.api.matching import example_to_query
    from corridor.api.models import EntityExample
    from corridor.errors import CorridorError
    from corridor.screening.engine import screen
    from corridor.screening.index import load_index
    from corridor.settings import get_settings
    from corridor.store import open_store
    from corridor.store.lists import load_list
    from lists import candidates  # the same real lists bench/lists.py loads

    get_settings.cache_clear()
    store = open_store()
    for path in candidates():
        with contextlib.suppress(CorridorError):  # e.g. OFAC companions without sdn.csv
            load_list(store, path)
    index = load_index(store)  # cached on disk: the workers load it from there
    key = add_user(store, "bench", "analyst", actor="bench")
    threshold = get_settings().threshold
    baseline = []
    for body in queries(500):
        query = example_to_query(EntityExample.model_validate(body["queries"]["q"]))
        began = time.perf_counter()
        screen(index, query, threshold, 5)
        baseline.append(time.perf_counter() - began)
    size = len(index.entities)
    store.close()
    return key, size, baseline


async def run_phase(
    url: str, key: str, bodies: list[dict[str, Any]], phase: Phase, seconds: float
) -> None:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    headers = {"Authorization": f"ApiKey {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30) as http:
        started = time.perf_counter()
        stop_at = started + seconds
        interval = CLIENTS / phase.offered if phase.offered else 0.0

        async def client(number: int) -> None:
            # Spread the clients' first requests over one interval.
            due = started + interval * number / CLIENTS
            sent = number
            while True:
                if interval:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    due += interval
                now = time.perf_counter()
                if now >= stop_at:
                    return
                body = bodies[sent % len(bodies)]
                sent += CLIENTS
                try:
                    response = await http.post("/match/default", json=body)
                    ok = response.status_code == 200
                    kind = str(response.status_code)
                except httpx.HTTPError as exc:
                    ok, kind = False, type(exc).__name__
                if ok:
                    phase.latencies.append(time.perf_counter() - now)
                else:
                    phase.errors += 1
                    phase.error_kinds[kind] = phase.error_kinds.get(kind, 0) + 1

        await asyncio.gather(*(client(n) for n in range(CLIENTS)))
        phase.seconds = time.perf_counter() - started


def wait_ready(url: str, key: str, process: subprocess.Popen[bytes], workers: int) -> None:
    deadline, ready = time.monotonic() + 600, 0
    while ready < 10 * workers and time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited")
        try:
            status = httpx.get(f"{url}/readyz", headers={"X-API-Key": key}, timeout=10).status_code
        except httpx.HTTPError:
            status = 0
        ready = ready + 1 if status == 200 else 0
        time.sleep(0.1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="Length of each phase.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=18900)
    args = parser.parse_args()
    console = Console()
    cores = os.cpu_count() or 1
    target = TARGET_FACTOR * YENTE_PER_VCPU * cores
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        began = time.perf_counter()
        key, size, baseline = prepare(home)
        console.print(
            f"{size:,} listed entities loaded and indexed in {time.perf_counter() - began:.0f} s"
        )
        env = {**os.environ, "CORRIDOR_HOME": str(home)}
        env.pop("CORRIDOR_DATABASE_URL", None)
        corridor = str(Path(sys.executable).with_name("corridor"))
        command = [corridor, "serve", "--port", str(args.port), "--workers", str(args.workers)]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{args.port}"
        phases = [Phase("target", target), Phase("saturation", None)]
        try:
            wait_ready(url, key, process, args.workers)
            bodies = queries(2000)
            for phase in phases:
                asyncio.run(run_phase(url, key, bodies, phase, args.seconds))
        finally:
            process.terminate()
            process.wait(30)
    table = Table(
        title=f"POST /match/default, {CLIENTS} clients, {size:,} entities, "
        f"{args.workers} workers, {cores} cores"
    )
    for column in (
        "phase",
        "offered req/s",
        "throughput req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "target",
    ):
        table.add_column(column, justify="left" if column in ("phase", "target") else "right")
    table.add_row(
        "baseline: screen() in process",
        "-",
        f"{1 / statistics.mean(baseline):,.0f} per core",
        f"{percentile(baseline, 0.5) * 1000:.1f}",
        f"{percentile(baseline, 0.99) * 1000:.1f}",
        "-",
        "-",
    )
    for phase in phases:
        done = len(phase.latencies)
        rate = done / phase.seconds if phase.seconds else 0.0
        p99 = percentile(phase.latencies, 0.99) * 1000
        verdict = (
            f">= {target:.0f} req/s, p99 < {P99_TARGET_MS:.0f} ms, 0 errors: "
            + (
                "met"
                if rate >= target * 0.98 and p99 < P99_TARGET_MS and not phase.errors
                else "NOT met"
            )
            if phase.offered
            else f">= {target:.0f} req/s: " + ("met" if rate >= target else "NOT met")
        )
        table.add_row(
            phase.name,
            f"{phase.offered:.0f}" if phase.offered else "max",
            f"{rate:,.1f}",
            f"{percentile(phase.latencies, 0.5) * 1000:.1f}",
            f"{p99:.1f}",
            f"{phase.errors}" + (f" {phase.error_kinds}" if phase.errors else ""),
            verdict,
        )
    console.print(table)


if __name__ == "__main__":
    main()
