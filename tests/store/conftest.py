"""The ``store`` fixture: each store test runs against SQLite and against PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from corridor.store import Store, open_store

PG_ENV = "CORRIDOR_TEST_POSTGRES_URL"


def _reset_postgres(url: str) -> None:
    """Drop every table so each test starts from an empty, unmigrated database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, corridor_home: object) -> str:
    """A database URL for the backend named by the parameter, freshly emptied."""
    if request.param == "sqlite":
        return ""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: `make test` starts PostgreSQL and sets it")
        pytest.skip(f"{PG_ENV} not set; run `make test` to start a throw-away PostgreSQL")
    _reset_postgres(url)
    return url


@pytest.fixture
def store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """An open, migrated store on the parametrised backend (also the CLI's default)."""
    if store_url:
        monkeypatch.setenv("CORRIDOR_DATABASE_URL", store_url)
        from corridor.settings import get_settings

        get_settings.cache_clear()
    opened = open_store(store_url or None)
    yield opened
    opened.close()
