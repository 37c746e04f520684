"""Property-based requests generated from the API's own OpenAPI document: whatever a
client sends, the server answers without a server error (5xx).

Schemathesis runs as its command line (``st run``) against the live server: its pytest
plugin does not support the pinned pytest, and the command line is what CI would run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.api.conftest import Server

#: Examples per operation and phase: every parameter's edge cases (the coverage phase)
#: and some random requests, while the whole run stays under a minute on 2 cores.
EXAMPLES = 25
ST = str(Path(sys.executable).with_name("st"))


def test_no_server_error(server: Server, tmp_path: Path) -> None:
    command = [
        ST,
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "4",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "-H",
        f"X-API-Key: {server.keys['admin']}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # Every operation of the document was exercised, not skipped.
    selected = re.search(r"Selected: (\d+)/(\d+)", run.stdout)
    tested = re.search(r"Tested: (\d+)", run.stdout)
    assert selected and tested, run.stdout[-3000:]
    assert selected.group(1) == selected.group(2) == tested.group(1)
    assert int(tested.group(1)) >= 16


def test_list_update_failure_is_a_client_error(server: Server) -> None:
    with server.client("admin") as admin:
        response = admin.post("/lists/update", json={"lists": ["un_sc"]})
        assert response.status_code == 400 and "download failed" in response.json()["detail"]
        unknown = admin.post("/lists/update", json={"lists": ["nowhere"]})
        assert unknown.status_code == 400 and "no download URL" in unknown.json()["detail"]
