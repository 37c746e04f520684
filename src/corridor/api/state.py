"""The screening index of one API process: loaded once, reloaded when lists change.

Every process (each Uvicorn worker) holds its own `Index`. At most every
``CORRIDOR_API_INDEX_CHECK_SECONDS`` a request looks at which list versions are active;
when they changed, a background thread loads the new index while requests go on
against the old one, which is replaced in one assignment when the new one is ready.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass, field

from corridor.api.matching import Stored
from corridor.screening.index import Index, load_index
from corridor.settings import get_settings
from corridor.store.db import Store
from corridor.store.lists import active_versions
from corridor.store.models import ListVersion

log = logging.getLogger(__name__)

#: Source families a client may name as a dataset, besides list names and ``default``.
SOURCE_TITLES = {
    "ofac": "US OFAC sanctions lists",
    "eu": "EU Financial Sanctions Files",
    "un": "UN Security Council Consolidated List",
    "uk": "UK sanctions lists",
    "opensanctions": "OpenSanctions",
    "kz-afm": "Kazakhstan AFM list of persons linked to terrorism and extremism",
}
DEFAULT_DATASET = "default"


@dataclass
class Loaded:
    """An index and the active list versions it was built from."""

    index: Index
    versions: dict[int, ListVersion]
    key: tuple[tuple[str, int], ...]
    subsets: dict[str, Index] = field(default_factory=dict)
    #: Properties of the listed entities read so far (`corridor.api.matching.stored_entities`):
    #: the versions above never change, so entries stay true while this index serves.
    entities: Stored = field(default_factory=dict)

    def datasets(self) -> dict[str, list[str]]:
        """Dataset name -> list names it covers: each list, each source, and default."""
        by_name: dict[str, list[str]] = {DEFAULT_DATASET: []}
        for version in sorted(self.versions.values(), key=lambda v: v.list_name):
            by_name[version.list_name] = [version.list_name]
            by_name.setdefault(version.source, []).append(version.list_name)
            by_name[DEFAULT_DATASET].append(version.list_name)
        return by_name


def _key(versions: list[ListVersion]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((v.list_name, v.id) for v in versions))


class IndexState:
    """The current `Loaded` index of this process and its reloading."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.current: Loaded | None = None
        self.error: str | None = None
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self._checked = 0.0

    def start(self) -> None:
        """Begin loading in the background; `/readyz` says when it is done."""
        self._checked = time.monotonic()
        self._spawn()

    def _spawn(self) -> None:
        with self._lock:
            if self._loading is not None and self._loading.is_alive():
                return
            self._loading = threading.Thread(target=self._load, name="index-load", daemon=True)
            self._loading.start()

    def _load(self) -> None:
        try:
            versions = active_versions(self.store)
            index = load_index(self.store)
            loaded = Loaded(index, {v.id: v for v in versions}, _key(versions))
            first, self.error = self.current is None, None
            if first:  # pause before serving, not in the middle of it
                _settle_garbage_collector()
            self.current = loaded
            if not first:  # after the swap, so that the replaced index can be freed
                _settle_garbage_collector()
            log.info("index loaded: %d entities from %s", len(index.entities), loaded.key)
        except Exception as exc:  # keep serving the previous index; /readyz reports it
            log.exception("index load failed")
            self.error = f"{type(exc).__name__}: {exc}"

    def wait(self, timeout: float | None = None) -> Loaded | None:
        """Block until the load in progress (if any) has finished."""
        thread = self._loading
        if thread is not None:
            thread.join(timeout)
        return self.current

    def get(self) -> Loaded | None:
        """The current index, after starting a reload if the active versions changed."""
        interval = get_settings().api_index_check_seconds
        now = time.monotonic()
        if now - self._checked >= interval:
            self._checked = now
            current = self.current
            if current is None or _key(active_versions(self.store)) != current.key:
                self._spawn()
        return self.current

    def refresh(self) -> Loaded | None:
        """Reload now if the active versions changed (after a list update in this
        process), and wait for it."""
        self._checked = 0.0
        self.get()
        return self.wait()

    def subset(self, loaded: Loaded, lists: list[str]) -> Index:
        """The index restricted to ``lists``, built on first use and kept with ``loaded``."""
        key = ",".join(sorted(lists))
        found = loaded.subsets.get(key)
        if found is None:
            with self._lock:
                found = loaded.subsets.get(key)
                if found is None:
                    wanted = set(lists)
                    found = Index(
                        [e for e in loaded.index.entities if wanted & set(e.list_versions)]
                    )
                    loaded.subsets[key] = found
        return found


def _settle_garbage_collector() -> None:
    """Keep the index out of the cyclic garbage collector's full passes.

    The index of every shared list is some 850,000 objects that live as long as the
    process; a full collection walks all of them, which took 200 to 500 ms on the
    reference machine, a pause of every request in progress (a p99 of its own). Once
    an index is loaded (and the one it replaced is collected) everything alive is
    moved to the permanent generation, which the collector skips; garbage made while
    serving is still freed by reference counting and by the young generations.
    """
    gc.unfreeze()  # let the replaced index's cycles be found...
    gc.collect()  # ...and freed, once per load
    gc.freeze()
