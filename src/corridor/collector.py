"""Pausing Python's cyclic garbage collector around work that makes many objects.

The collector runs every few hundred net allocations, and now and then walks every
object alive. Work that builds objects by the million which then live on (an index, a
batch of shipments), or that makes many short-lived objects without reference cycles
(screening), is faster with it paused; objects meant to live as long as the process are
then frozen out of its sight (`gc.freeze`). Reference counting frees everything else.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """The collector off inside the block, and as it was after it (a caller that had
    turned it off keeps it off); with ``freeze``, once the block succeeds, everything
    alive moves to the generation no collection visits."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
