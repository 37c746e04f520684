"""The ``corridor`` script's entry point."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

import corridor.cli
from corridor.cli import launch


def test_commands_run_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector is paused for the imports only: a command's own work has it."""
    seen: list[bool] = []
    monkeypatch.setattr(corridor.cli, "main", lambda: seen.append(gc.isenabled()))
    launch.main()
    assert seen == [True]


def test_the_installed_script_starts_through_launch() -> None:
    installed = Path(sys.executable).with_name("corridor")
    assert "corridor.cli.launch" in installed.read_text(encoding="utf-8")
    script = subprocess.run(
        [installed, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert script.returncode == 0, script.stderr
    assert "screen" in script.stdout
