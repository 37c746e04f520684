"""Rich rendering shared by CLI commands: one console, progress bars, number formats."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from corridor.store.lists import ProgressFn

#: Off a terminal Rich assumes 80 columns; tables of lists need more to stay on one line.
console = Console(width=None if Console().is_terminal else 140)
#: Progress goes to stderr so ``--json`` output on stdout stays machine-readable.
err_console = Console(stderr=True)

_PHASES = {"parse": "Parsing entities", "store": "Writing version", "screen": "Screening"}


@contextmanager
def load_progress() -> Iterator[ProgressFn]:
    """A progress callback for list loads, drawing one bar per phase on a terminal.

    Off a terminal (a pipe, a log file, CI) it draws nothing, so stderr carries only
    errors, each on exactly one line.
    """
    if not err_console.is_terminal:
        yield _ignore
        return
    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:

        def update(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(_PHASES.get(phase, phase), total=total)
            progress.update(tasks[phase], completed=done, total=total)

        yield update


def _ignore(phase: str, done: int, total: int | None) -> None:
    """A progress callback that draws nothing."""


#: Link entities published beside the entries; counted, but not worth a table's width.
_LINKS = {"Sanction", "Address", "Identification"}


def counts(schema_counts: dict[str, int], *, links: bool = True) -> str:
    """``{"Person": 730, "Sanction": 1003}`` -> ``Person 730, Sanction 1,003``."""
    shown = {k: v for k, v in schema_counts.items() if links or k not in _LINKS}
    return ", ".join(f"{name} {n:,}" for name, n in shown.items())
