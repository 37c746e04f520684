"""The FastAPI application: ``corridor serve`` runs `create_app` under Uvicorn.

OpenAPI is served at ``/openapi.json`` and the interactive docs at ``/docs``.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from corridor.api import goods, routes, yente
from corridor.api.jobs import JobRunner
from corridor.api.keys import KeyChecker
from corridor.api.limits import BodyLimit
from corridor.api.recorder import Recorder
from corridor.api.state import IndexState
from corridor.errors import CorridorError
from corridor.settings import get_settings
from corridor.store import open_store

DESCRIPTION = """Sanctions screening with yente-compatible matching (`/match/{dataset}`),
Corridor screenings and batch jobs, list versions and diffs, goods codes and shipment
risk. Every endpoint but `/healthz` needs an API key:
`Authorization: ApiKey <key>` or `X-API-Key: <key>`."""


#: Seconds a thread runs before another waiting for the GIL gets it (Python's is 0.005).
SWITCH_INTERVAL = 0.001


def create_app() -> FastAPI:
    """A new application on the configured store; the index loads in the background."""
    settings = get_settings()
    # /match screens on the event loop (pure CPU); the recorder thread, which holds the
    # database write lock while it writes, must not wait 5 ms (Python's default switch
    # interval) for the GIL at each step of its transaction: 1 ms keeps the lock short.
    sys.setswitchinterval(SWITCH_INTERVAL)
    store = open_store()
    state = IndexState(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start()
        yield
        app.state.jobs.close()
        app.state.recorder.close()
        app.state.keys.close()
        store.close()

    app = FastAPI(
        title="Corridor",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.index = state
    app.state.jobs = JobRunner(store, state)
    app.state.recorder = Recorder(store)
    app.state.keys = KeyChecker(store)

    @app.exception_handler(CorridorError)
    async def corridor_error(_: Request, exc: CorridorError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=400)

    app.include_router(yente.router)
    app.include_router(routes.router)
    app.include_router(goods.router)
    app.add_middleware(
        BodyLimit,
        body_limit=settings.api_max_body_bytes,
        upload_limit=settings.api_max_upload_bytes,
        upload_paths=frozenset({"/screenings/batch"}),
    )
    return app
