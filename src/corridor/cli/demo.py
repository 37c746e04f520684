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
    """Load the example lists, screen the example customers, score the example shipments."""
    lists_dir = examples / "lists"
    if not lists_dir.is_dir():
        raise CorridorError.at(lists_dir, "no such folder; expected the project's examples/lists")
    store = open_store()
    for path in sorted(lists_dir.iterdir()):
        if path.name.startswith(".") or path.suffix == ".md":
            continue
        console.print(describe_load(load_list(store, path)), soft_wrap=True)
    status()
    customers = examples / "customers" / "customers.csv"
    if customers.is_file():
        from corridor.cli.screen import file as screen_file
        from corridor.settings import get_settings

        output = get_settings().home / "demo-screening.csv"
        output.unlink(missing_ok=True)  # a fresh run, not a resumed one
        console.print(f"screening {customers.name} (Latin and Cyrillic, with identifiers):")
        screen_file(customers, output, top=3, threshold=None, mapping=None, workers=1)
        console.print(f"hits with explanations: {output}")
    goods_dir = examples / "goods"
    if goods_dir.is_dir():
        from corridor.cli.goods import load_reference_cmd, shipments_check

        load_reference_cmd(goods_dir)
        shipments_check(goods_dir / "shipments.json")
