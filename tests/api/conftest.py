"""A real Uvicorn server on 127.0.0.1, in a subprocess, over a store with fixture lists."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from corridor.api.keys import add_user
from corridor.settings import get_settings
from corridor.store import open_store
from corridor.store.lists import load_list

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LISTS = (
    FIXTURES / "ofac" / "sdn_advanced_sample.xml",
    FIXTURES / "kz_afm" / "afm_sample.xml",
    FIXTURES / "uk" / "UK-Sanctions-List.xml",
    FIXTURES / "opensanctions" / "entities.ftm.json",
)


#: The ``corridor`` script of the virtual environment running the tests.
CORRIDOR = str(Path(sys.executable).with_name("corridor"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``corridor serve`` and a key of each role."""

    url: str
    keys: dict[str, str]
    env: dict[str, str]
    database_url: str
    process: subprocess.Popen[bytes]

    def client(self, role: str | None = "analyst", **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"ApiKey {self.keys[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


def start_server(env: dict[str, str], workers: int = 1) -> tuple[str, subprocess.Popen[bytes]]:
    """Start ``corridor serve`` and wait until its index is loaded."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [CORRIDOR, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return url, process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start in 60 s")


def wait_ready(url: str, key: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = httpx.get(f"{url}/readyz", headers={"X-API-Key": key}, timeout=5)
        if response.status_code == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("index did not load in 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def prepare_store(database_url: str | None) -> dict[str, str]:
    """Load the fixture lists and create one user per role; return their keys."""
    store = open_store(database_url)
    try:
        for path in LISTS:
            load_list(store, path)
        return {
            role: add_user(store, f"test-{role}", role, actor="test")
            for role in ("viewer", "analyst", "admin")
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server (SQLite) for the tests of a module."""
    home = tmp_path_factory.mktemp("api-home")
    env = {
        **os.environ,
        "CORRIDOR_HOME": str(home),
        "CORRIDOR_API_INDEX_CHECK_SECONDS": "0",
        "CORRIDOR_API_MAX_BODY_BYTES": "65536",
        "CORRIDOR_API_MAX_UPLOAD_BYTES": "262144",
        # Nothing listens on port 9 (discard): an update fails fast, never leaves the host.
        "CORRIDOR_LIST_URLS": '{"un_sc": "http://127.0.0.1:9/consolidated.xml"}',
    }
    env.pop("CORRIDOR_DATABASE_URL", None)
    saved = os.environ.get("CORRIDOR_HOME")
    os.environ["CORRIDOR_HOME"] = str(home)
    get_settings.cache_clear()
    try:
        keys = prepare_store(None)
    finally:
        if saved is None:
            os.environ.pop("CORRIDOR_HOME")
        else:
            os.environ["CORRIDOR_HOME"] = saved
        get_settings.cache_clear()
    url, process = start_server(env)
    try:
        wait_ready(url, keys["viewer"])
        yield Server(url, keys, env, f"sqlite:///{home / 'corridor.db'}", process)
    finally:
        stop(process)
