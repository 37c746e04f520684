"""``corridor demo``: the main job on the project's own ``examples/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.cli.lists import describe_load, status
from corridor.cli.render import console
from corridor.errors import CorridorError
from corridor.store import open_store
from corridor.store.lists import load_list

#: The repository's examples folder (the demo runs from a checkout, as `make demo` does).
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def demo(
    examples: Annotated[
        Path, typer.Option(help="Folder holding lists/ in official formats.")
    ] = EXAMPLES,
) -> None:
    """Load the example lists and print the status of every active list."""
    lists_dir = examples / "lists"
    if not lists_dir.is_dir():
        raise CorridorError.at(lists_dir, "no such folder; expected the project's examples/lists")
    store = open_store()
    for path in sorted(lists_dir.iterdir()):
        if path.name.startswith(".") or path.suffix == ".md":
            continue
        console.print(describe_load(load_list(store, path)), soft_wrap=True)
    status()
    goods_dir = examples / "goods"
    if goods_dir.is_dir():
        from corridor.cli.goods import load_reference_cmd, shipments_check

        load_reference_cmd(goods_dir)
        shipments_check(goods_dir / "shipments.json")
