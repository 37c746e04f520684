"""The ``corridor`` script's entry point: import the commands, then run one.

Importing the commands and all they use (SQLAlchemy, FollowTheMoney's model, ICU,
numpy) creates objects that live as long as the process. The cyclic garbage collector,
counting allocations, walked them again and again while they were created, and then in
every full collection of the command's own work. Paused for the imports, then frozen out
of its sight (`gc.freeze`), they cost less: `corridor screen file`'s start (imports,
reading 50,000 rows, loading the index) took 3-8 % less time in four paired runs.
"""

from __future__ import annotations

from corridor import collector


def main() -> None:
    """Run the ``corridor`` command line (`corridor.cli.main`)."""
    with collector.paused(freeze=True):
        from corridor.cli import main as run
    run()
