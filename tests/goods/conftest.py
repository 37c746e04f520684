"""Fixtures for the goods tests: the real trade reference data, read in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.goods.reference import Reference, load_reference


@pytest.fixture
def trade_data(shared_data: Path) -> Path:
    path = shared_data / "trade"
    if not (path / "chpl.csv").exists():
        pytest.skip(f"{path} has no chpl.csv")
    return path


@pytest.fixture
def reference(trade_data: Path) -> Reference:
    """The real CHPL, EU lists and HS texts, loaded as the active reference version."""
    return load_reference(trade_data).reference
