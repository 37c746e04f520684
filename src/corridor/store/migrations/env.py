"""Alembic environment: migrates the connection `corridor.store.db` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from corridor.settings import get_settings
from corridor.store.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:  # run from the alembic command line: use the configured database
    engine = create_engine(get_settings().db_url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
