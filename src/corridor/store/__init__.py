"""The operational store: list versions and their entities (SQLAlchemy 2 + Alembic)."""

from corridor.store.db import Store, open_store

__all__ = ["Store", "open_store"]
