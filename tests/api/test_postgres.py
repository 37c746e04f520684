"""Two Uvicorn workers on one PostgreSQL store, screening concurrently: the audit chain
stays valid (appends are serialised by an advisory lock) and has one entry per screening."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from corridor.cases.audit import verify_chain
from corridor.store import open_store
from tests.api.conftest import prepare_store, start_server, stop

PG_ENV = "CORRIDOR_TEST_POSTGRES_URL"
CLIENTS, REQUESTS = 8, 12


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: `make test` starts PostgreSQL and sets it")
        pytest.skip(f"{PG_ENV} not set; run `make test` to start a throw-away PostgreSQL")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _workers(pid: int) -> list[int]:
    """Uvicorn's worker processes under ``pid`` (not multiprocessing's resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.mark.postgres
def test_two_workers_keep_the_audit_chain(postgres_url: str, corridor_home: Path) -> None:
    keys = prepare_store(postgres_url)
    env = {
        **os.environ,
        "CORRIDOR_HOME": str(corridor_home),
        "CORRIDOR_DATABASE_URL": postgres_url,
    }
    url, process = start_server(env, workers=2)
    try:
        headers = {"X-API-Key": keys["analyst"]}
        # Both workers answer from the same socket; wait until every answer is "ready".
        deadline, ready = time.monotonic() + 90, 0
        while ready < 20 and time.monotonic() < deadline:
            status = httpx.get(f"{url}/readyz", headers=headers, timeout=10).status_code
            ready = ready + 1 if status == 200 else 0
            time.sleep(0.05)
        assert ready >= 20, "the workers did not load their indexes"
        assert len(_workers(process.pid)) == 2, "uvicorn did not start two workers"

        def client(n: int) -> list[int]:
            codes = []
            with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
                for i in range(REQUESTS):
                    if i % 2:
                        body = {"names": [f"Ivan Sidorov {n}-{i}"], "schema": "Person"}
                        codes.append(http.post("/screenings", json=body).status_code)
                    else:
                        query = {"schema": "Person", "properties": {"name": ["Sidorov Ivan"]}}
                        body = {"queries": {"a": query, "b": query}}
                        codes.append(http.post("/match/default", json=body).status_code)
            return codes

        with ThreadPoolExecutor(CLIENTS) as pool:
            codes = [c for result in pool.map(client, range(CLIENTS)) for c in result]
        assert codes == [200] * CLIENTS * REQUESTS
    finally:
        stop(process)
    store = open_store(postgres_url)
    try:
        verdict = verify_chain(store)
        assert verdict.ok, verdict
        with store.engine.connect() as conn:
            screenings = conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'screening'")
            ).scalar_one()
            pids = conn.execute(text("SELECT count(*) FROM screenings")).scalar_one()
        # Each /screenings call is one screening, each /match call here two.
        expected = CLIENTS * (REQUESTS // 2) * 3
        assert screenings == pids == expected
    finally:
        store.close()
