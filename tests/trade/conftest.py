"""A trade store loaded once per session from ``../shared/data/trade`` (about 15 s)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor.settings import get_settings
from corridor.trade.store import Loaded, load_path
from tests.conftest import SHARED_DATA

TRADE = SHARED_DATA / "trade"


@pytest.fixture(scope="session")
def trade_data() -> Path:
    if not TRADE.is_dir():
        pytest.skip(f"{TRADE} is absent (CI has it; see ARCHITECTURE.md)")
    return TRADE


@pytest.fixture(scope="session")
def loaded_store(
    trade_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Loaded]]:
    home = tmp_path_factory.mktemp("trade-home")
    old = os.environ.get("CORRIDOR_HOME")
    os.environ["CORRIDOR_HOME"] = str(home)
    get_settings.cache_clear()
    try:
        entries = load_path(trade_data)
    finally:
        if old is None:
            del os.environ["CORRIDOR_HOME"]
        else:
            os.environ["CORRIDOR_HOME"] = old
        get_settings.cache_clear()
    return home, entries


@pytest.fixture
def store(
    loaded_store: tuple[Path, list[Loaded]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Loaded]]:
    """CORRIDOR_HOME pointing at the session's loaded store (read-only use)."""
    home, entries = loaded_store
    monkeypatch.setenv("CORRIDOR_HOME", str(home))
    get_settings.cache_clear()
    yield entries
    get_settings.cache_clear()
