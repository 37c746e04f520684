"""Opening the operational database and keeping its schema current.

SQLite (a file in ``$CORRIDOR_HOME``) by default; PostgreSQL when
``CORRIDOR_DATABASE_URL`` says so. Either way the schema is brought to the newest
Alembic revision when the store is opened, so no separate "migrate" step can be forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from corridor.errors import CorridorError
from corridor.settings import get_settings

_ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


class JSONText(str):
    """A value for a JSON column that is JSON text already, stored as it is.

    A batch's workers encode each query and its results themselves: handing the writing
    process text rather than nested dicts to unpickle and encode again was a fifth of
    its work.
    """

    __slots__ = ()


def _json(value: object) -> str:
    """How the store writes a JSON column: `json.dumps`, as SQLAlchemy would, except for
    `JSONText`, which is written as it is."""
    return value if isinstance(value, JSONText) else json.dumps(value)


@dataclass
class Store:
    """An open database: its engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (the API) go on while a list loads; foreign keys are off by
    # default in SQLite and must be switched on per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the parent directory is created."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CorridorError(f"CORRIDOR_DATABASE_URL {url!r} is not a database URL ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, json_serializer=_json)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
    return create_engine(parsed, pool_pre_ping=True, json_serializer=_json)


def migrate(engine: Engine) -> None:
    """Upgrade the database behind ``engine`` to the newest schema revision."""
    config = Config(str(_ALEMBIC_INI))
    config.set_main_option("script_location", str(_ALEMBIC_INI.parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the database at ``url``, or the configured one."""
    url = url or get_settings().db_url
    engine = create_db_engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        safe = make_url(url).render_as_string(hide_password=True)
        raise CorridorError(f"cannot open database {safe}: {exc.orig}") from exc
    return Store(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
