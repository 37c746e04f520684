"""Shared test fixtures: an isolated CORRIDOR_HOME and the location of ../shared/data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def corridor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own CORRIDOR_HOME (and so its own SQLite database)."""
    home = tmp_path / "corridor-home"
    monkeypatch.setenv("CORRIDOR_HOME", str(home))
    monkeypatch.delenv("CORRIDOR_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the repository; tests that need it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent (CI has it; see ARCHITECTURE.md)")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    """The project's own small files in official formats, under tests/fixtures."""
    return FIXTURES
