"""``corridor serve``: the HTTP API under Uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from corridor.store import open_store


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes; each holds its own screening index.")
    ] = 1,
) -> None:
    """Serve the API (yente-compatible /match, screenings, batch jobs, lists)."""
    import uvicorn

    # Migrate once here, so that several workers starting together do not race to.
    open_store().close()
    uvicorn.run(
        "corridor.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )
