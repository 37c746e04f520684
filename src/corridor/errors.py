"""The one exception type a user of Corridor can cause.

Anything a user can get wrong (a bad file, a missing column, an unknown list) raises
`CorridorError` with a message that names the file, line or field and says what was
expected. The CLI prints that message on one line and exits with code 2; any other
exception escaping is a bug.
"""

from __future__ import annotations

from pathlib import Path


class CorridorError(Exception):
    """A user-facing error: bad input, unknown names, refused operations."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # Keep it on one line: the CLI prints exactly this.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self.args[0])

    @classmethod
    def at(
        cls,
        path: Path | str,
        what: str,
        *,
        line: int | None = None,
        element: str | None = None,
    ) -> CorridorError:
        """Build an error located in a file: ``file:line: what`` or ``file <element>: what``."""
        where = str(path)
        if line is not None:
            where = f"{where}:{line}"
        if element is not None:
            where = f"{where} <{element}>"
        return cls(f"{where}: {what}")
