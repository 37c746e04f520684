"""Fetching official lists from their publishers and loading what changed.

Each configured URL (`corridor.settings.Settings.list_urls`) is fetched with a
conditional request (ETag / Last-Modified from the previous fetch), a size limit and a
timeout. A payload whose bytes equal the last one is not loaded again. The fetch state is
only updated after a successful load, so a truncated or corrupt download is retried on the
next run and never replaces the active version.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from corridor.errors import CorridorError
from corridor.settings import get_settings
from corridor.store.db import Store
from corridor.store.lists import LoadResult, ProgressFn, load_list
from corridor.store.models import FetchState

#: List-name prefix -> source family, so a download is only sniffed as its own family.
_FAMILIES = {
    "ofac": "ofac",
    "eu": "eu",
    "un": "un",
    "gb": "uk",
    "os": "opensanctions",
    "kz": "kz-afm",
}


@dataclass(frozen=True)
class UpdateResult:
    """The outcome for one list: ``not-modified``, ``unchanged`` or ``loaded``."""

    list_name: str
    url: str
    status: str
    load: LoadResult | None = None


def source_of(list_name: str) -> str | None:
    """The source family of a list name (``gb_hmt`` -> ``uk``), if known."""
    return _FAMILIES.get(list_name.split("_", 1)[0])


def update_lists(
    store: Store, names: list[str] | None = None, progress: ProgressFn | None = None
) -> list[UpdateResult]:
    """Fetch and load each named list (all configured lists when ``names`` is empty)."""
    urls = get_settings().list_urls
    for name in names or []:
        if name not in urls:
            raise CorridorError(
                f"list {name!r} has no download URL; configured: {', '.join(sorted(urls))} "
                "(set CORRIDOR_LIST_URLS)"
            )
    return [update_list(store, name, urls[name], progress) for name in (names or sorted(urls))]


def update_list(
    store: Store, name: str, url: str, progress: ProgressFn | None = None
) -> UpdateResult:
    """Fetch one list's URL and load it when its content changed."""
    with store.session() as session:
        state = session.get(FetchState, url)
        headers = _conditional_headers(state)
        last_sha = state.sha256 if state else None
    directory = get_settings().home / "downloads"
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        target = Path(tmp) / (Path(urlsplit(url).path).name or name)
        response_headers = fetch(url, target, headers)
        if response_headers is None:
            return UpdateResult(name, url, "not-modified")
        sha = _sha256(target)
        result = None
        if sha != last_sha:
            result = load_list(
                store, target, source_of(name), list_name=name, origin=url, progress=progress
            )
        _save_state(store, url, response_headers, sha)
    return UpdateResult(name, url, "loaded" if result and result.created else "unchanged", result)


def _conditional_headers(state: FetchState | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def fetch(url: str, target: Path, headers: dict[str, str]) -> httpx.Headers | None:
    """Stream ``url`` into ``target``; None when the server says it has not changed."""
    settings = get_settings()
    limit = settings.max_file_bytes
    try:
        with httpx.stream(
            "GET", url, headers=headers, timeout=settings.download_timeout, follow_redirects=True
        ) as response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise CorridorError(
                    f"{url}: server answered HTTP {response.status_code}; expected 200"
                )
            declared = int(response.headers.get("content-length") or 0)
            if declared > limit:
                raise CorridorError(
                    f"{url}: {declared:,} bytes announced, over the {limit:,}-byte limit"
                )
            _stream_to(response, target, limit, url)
            # Content-Length counts the bytes on the wire, before any Content-Encoding.
            received = response.num_bytes_downloaded
    except httpx.HTTPError as exc:
        raise CorridorError(f"{url}: download failed ({type(exc).__name__}: {exc})") from exc
    if declared and received != declared:
        raise CorridorError(f"{url}: download truncated at {received:,} of {declared:,} bytes")
    return response.headers


def _stream_to(response: httpx.Response, target: Path, limit: int, url: str) -> None:
    written = 0
    with target.open("wb") as out:
        for chunk in response.iter_bytes():
            written += len(chunk)
            if written > limit:
                raise CorridorError(
                    f"{url}: more than {limit:,} bytes received (CORRIDOR_MAX_FILE_BYTES)"
                )
            out.write(chunk)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _save_state(store: Store, url: str, headers: httpx.Headers, sha: str) -> None:
    with store.session() as session:
        state = session.get(FetchState, url) or FetchState(url=url)
        state.etag = headers.get("etag")
        state.last_modified = headers.get("last-modified")
        state.sha256 = sha
        state.fetched_at = datetime.now(UTC)
        session.add(state)
