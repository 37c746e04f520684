"""`corridor lists update` against a real HTTP server on 127.0.0.1 serving ../shared/data."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corridor.errors import CorridorError
from corridor.settings import get_settings
from corridor.store import Store
from corridor.store.download import update_lists
from corridor.store.lists import active_versions

UN_OLD = "sanctions/un/un_consolidated_2025-11-18.xml"
UN_NEW = "sanctions/un/un_consolidated_2026-02-27.xml"


class ListServer(ThreadingHTTPServer):
    """Serves files under ``root``; ``/truncated/`` and ``/corrupt/`` spoil the payload."""

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.requests: list[tuple[str, int]] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}/{path}"


class _Handler(BaseHTTPRequestHandler):
    server: ListServer

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        mode, _, rel = self.path.lstrip("/").partition("/")
        if (
            mode not in ("plain", "etag", "truncated", "corrupt")
            or not (self.server.root / rel).is_file()
        ):
            self._reply(404, b"not found")
            return
        body = (self.server.root / rel).read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if mode == "etag" and self.headers.get("If-None-Match") == etag:
            self._reply(304, b"", etag=etag)
            return
        if mode == "corrupt":  # same length, garbage in the middle: XML no longer parses
            middle = len(body) // 2
            body = body[:middle] + b"\x00<<garbage>>\xff" * 64 + body[middle + 64 * 14 :]
        if mode == "truncated":  # announce the whole file, send half, hang up
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.server.requests.append((self.path, 200))
            self.close_connection = True
            return
        self._reply(200, body, etag=etag if mode == "etag" else None)

    def _reply(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.server.requests.append((self.path, status))
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server(shared_data: Path) -> Iterator[ListServer]:
    srv = ListServer(shared_data)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def configure(monkeypatch: pytest.MonkeyPatch, **urls: str) -> None:
    monkeypatch.setenv("CORRIDOR_LIST_URLS", json.dumps(urls))
    get_settings.cache_clear()


def active(store: Store) -> list[tuple[str, str | None]]:
    return [
        (v.list_name, v.published.isoformat() if v.published else None)
        for v in active_versions(store)
    ]


def test_conditional_update_loads_only_changes(
    store: Store, server: ListServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, un_sc=server.url(f"etag/{UN_OLD}"))
    [first] = update_lists(store)
    assert first.status == "loaded" and first.load is not None
    assert first.load.version.target_count == 1000

    [second] = update_lists(store, ["un_sc"])
    assert second.status == "not-modified"
    assert server.requests[-1] == (f"/etag/{UN_OLD}", 304)

    configure(monkeypatch, un_sc=server.url(f"etag/{UN_NEW}"))
    [third] = update_lists(store)
    assert third.status == "loaded"
    assert active(store) == [("un_sc", "2026-02-27")]


def test_same_bytes_without_conditional_support_is_unchanged(
    store: Store, server: ListServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, un_sc=server.url(f"plain/{UN_OLD}"))
    assert [r.status for r in update_lists(store)] == ["loaded"]
    assert [r.status for r in update_lists(store)] == ["unchanged"]
    assert server.requests[-1] == (f"/plain/{UN_OLD}", 200)


@pytest.mark.parametrize(
    ("mode", "message"), [("truncated", "download"), ("corrupt", "malformed XML")]
)
def test_spoiled_payload_keeps_active_version(
    store: Store, server: ListServer, monkeypatch: pytest.MonkeyPatch, mode: str, message: str
) -> None:
    configure(monkeypatch, un_sc=server.url(f"etag/{UN_OLD}"))
    update_lists(store)
    configure(monkeypatch, un_sc=server.url(f"{mode}/{UN_NEW}"))
    with pytest.raises(CorridorError, match=message):
        update_lists(store)
    assert active(store) == [("un_sc", "2025-11-18")]
    # The failed fetch is not remembered: the next run tries again and succeeds.
    configure(monkeypatch, un_sc=server.url(f"etag/{UN_NEW}"))
    assert [r.status for r in update_lists(store)] == ["loaded"]


def test_size_limit_and_http_errors(
    store: Store, server: ListServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIDOR_MAX_FILE_BYTES", "1000")
    configure(monkeypatch, un_sc=server.url(f"etag/{UN_OLD}"))
    with pytest.raises(CorridorError, match="over the 1,000-byte limit"):
        update_lists(store)
    monkeypatch.delenv("CORRIDOR_MAX_FILE_BYTES")
    configure(monkeypatch, un_sc=server.url("etag/missing.xml"))
    with pytest.raises(CorridorError, match="HTTP 404"):
        update_lists(store)
    with pytest.raises(CorridorError, match="has no download URL"):
        update_lists(store, ["eu_fsf"])
    assert active(store) == []
