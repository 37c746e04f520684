"""The ``corridor`` command line (Typer + Rich): parse, call the domain, render.

Errors a user can cause arrive as `CorridorError` and are printed on one line with exit
code 2; anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import click
import typer

from corridor.cli.audit import audit_app
from corridor.cli.demo import demo
from corridor.cli.fleet import fleet_app
from corridor.cli.goods import goods_app, shipments_app
from corridor.cli.lists import lists_app
from corridor.cli.ownership import ownership_app
from corridor.cli.screen import screen_app
from corridor.cli.serve import serve
from corridor.cli.trade import trade_app
from corridor.cli.users import users_app
from corridor.errors import CorridorError

app = typer.Typer(
    name="corridor",
    help="Find and stop sanctions circumvention through the Eurasian trade corridor.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(lists_app, name="lists")
app.add_typer(screen_app, name="screen")
app.add_typer(ownership_app, name="ownership")
app.add_typer(fleet_app, name="fleet")
app.add_typer(goods_app, name="goods")
app.add_typer(shipments_app, name="shipments")
app.add_typer(trade_app, name="trade")
app.command("demo")(demo)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.command("serve")(serve)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``corridor`` script."""
    try:
        code = app(args=argv, standalone_mode=False)
    except CorridorError as exc:
        typer.echo(f"corridor: error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        typer.echo("corridor: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
