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
import json
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
    #: ``/match/default`` (POST, the load under test) or ``/healthz`` (GET: the most this
    #: load generator can drive on this machine, the ceiling of what it can measure).
    path: str = "/match/default"
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    #: CPU seconds used during the phase by the server's processes, by this load
    #: generator, and by everything else on the machine (other people's jobs).
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    other_cpu: float = 0.0


def _ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK"))


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process ``root`` and its descendants."""
    parents, used = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _ticks()
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(used.get(pid, 0.0) for pid in tree)


def machine_cpu() -> float:
    """CPU seconds every core of the machine has spent busy so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / _ticks()


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


class Connection:
    """One keep-alive HTTP/1.1 connection with the least client-side work per request.

    httpx's AsyncClient spent 4.6 ms of CPU per request on this machine (9.6 ms against
    ``/match``), more than the server spent answering it: on two shared cores the load
    generator took a core from the server it measured, and could not drive more than
    about 210 req/s even against ``/healthz``. Requests here are bytes prepared once;
    a response is read by its ``Content-Length`` and its status checked (and a ``/match``
    body parsed as JSON, so a truncated answer counts as an error).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes, parse: bool) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        if parse and status == 200:
            json.loads(body)["responses"]
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def raw_request(method: str, path: str, key: str, body: dict[str, Any] | None) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ApiKey {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def run_phase(
    url: str, key: str, bodies: list[dict[str, Any]], phase: Phase, seconds: float
) -> None:
    host, port = url.removeprefix("http://").split(":")
    if phase.path == "/healthz":
        requests = [raw_request("GET", phase.path, key, None)]
    else:
        requests = [raw_request("POST", phase.path, key, body) for body in bodies]
    parse = phase.path != "/healthz"
    started = time.perf_counter()
    stop_at = started + seconds
    interval = CLIENTS / phase.offered if phase.offered else 0.0

    async def client(number: int) -> None:
        # Spread the clients' first requests over one interval.
        due = started + interval * number / CLIENTS
        sent = number
        connection = Connection(host, int(port))
        try:
            while True:
                if interval:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    due += interval
                now = time.perf_counter()
                if now >= stop_at:
                    return
                raw = requests[sent % len(requests)]
                sent += CLIENTS
                try:
                    status = await asyncio.wait_for(connection.request(raw, parse), 30)
                    ok, kind = status == 200, str(status)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                    connection.close()
                    ok, kind = False, type(exc).__name__
                if ok:
                    phase.latencies.append(time.perf_counter() - now)
                else:
                    phase.errors += 1
                    phase.error_kinds[kind] = phase.error_kinds.get(kind, 0) + 1
        finally:
            connection.close()

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
    parser.add_argument(
        "--phases",
        default="target,saturation,ceiling",
        help="Which phases to run, in order: target, saturation, ceiling (GET /healthz).",
    )
    args = parser.parse_args()
    console = Console(width=200)
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
        known = {
            "target": Phase("target", target),
            "saturation": Phase("saturation", None),
            "ceiling": Phase("ceiling: GET /healthz", None, "/healthz"),
        }
        phases = [known[name.strip()] for name in args.phases.split(",")]
        try:
            wait_ready(url, key, process, args.workers)
            bodies = queries(2000)
            for phase in phases:
                server, client, machine = (
                    tree_cpu(process.pid),
                    time.process_time(),
                    machine_cpu(),
                )
                asyncio.run(run_phase(url, key, bodies, phase, args.seconds))
                phase.server_cpu = tree_cpu(process.pid) - server
                phase.client_cpu = time.process_time() - client
                phase.other_cpu = machine_cpu() - machine - phase.server_cpu - phase.client_cpu
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
        "server CPU ms/req",
        "client CPU ms/req",
        "others' load (cores)",
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
        f"{statistics.mean(baseline) * 1000:.1f}",
        "-",
        "-",
        "-",
    )
    for phase in phases:
        done = len(phase.latencies)
        rate = done / phase.seconds if phase.seconds else 0.0
        p99 = percentile(phase.latencies, 0.99) * 1000
        if phase.path == "/healthz":
            verdict = "what the load generator drives at most"
        else:
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
            f"{phase.server_cpu * 1000 / max(done, 1):.2f}",
            f"{phase.client_cpu * 1000 / max(done, 1):.2f}",
            f"{max(phase.other_cpu, 0.0) / phase.seconds:.2f}" if phase.seconds else "-",
            verdict,
        )
    console.print(table)


if __name__ == "__main__":
    main()
