"""``corridor users``: API keys and their roles."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from corridor.api.keys import ROLES, add_user, list_users, revoke_user
from corridor.cases.audit import cli_actor
from corridor.cli.render import console
from corridor.store import open_store

users_app = typer.Typer(help="Manage API users and their keys.", no_args_is_help=True)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name, e.g. payments-gateway.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "analyst",
) -> None:
    """Create a user and print its API key (shown this once only)."""
    key = add_user(open_store(), name, role, actor=cli_actor())
    typer.echo(key)
    typer.echo(
        f"user {name} ({role}) added; the key above is not stored and is shown once", err=True
    )


@users_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="User whose key to revoke.")]) -> None:
    """Revoke a user's key at once."""
    user = revoke_user(open_store(), name, actor=cli_actor())
    console.print(f"user {user.name} revoked (key {user.key_prefix}...)")


@users_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every user, its role and whether its key is revoked."""
    users = list_users(open_store())
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "key_prefix": u.key_prefix,
            "created_at": u.created_at.isoformat(),
            "revoked": u.revoked,
        }
        for u in users
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="API users")
    for column in ("name", "role", "key", "created", "revoked"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["role"]),
            f"{row['key_prefix']}...",
            str(row["created_at"])[:16],
            "yes" if row["revoked"] else "no",
        )
    console.print(table)
