"""``GET /entities/{id}/exposure``: ownership exposure over HTTP (its own server: the
lists and ownership data loaded here would disturb the other modules' fixtures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.api.conftest import Server

ROOT = Path(__file__).resolve().parents[2]
HOLDINGS = ROOT / "tests" / "fixtures" / "ownership" / "holdings.csv"


def corridor(server: Server, *args: str) -> None:
    command = [str(Path(sys.executable).parent / "corridor"), *args]
    subprocess.run(command, env=server.env, check=True, capture_output=True)


def test_exposure_names_the_rule_the_path_and_why_not(server: Server) -> None:
    corridor(server, "lists", "load", str(ROOT / "examples" / "lists" / "sdn.xml"))
    corridor(server, "ownership", "load", "--no-match", str(HOLDINGS))
    with server.client("viewer") as client:
        body = client.get("/entities/kz-bin-200340022222/exposure").json()
        [hit] = body["exposures"]
        assert hit["kind"] == "ownership" and hit["regime"] == "ofac"
        assert hit["listed_share_pct"] == 55 and hit["via"] == ["ofac-900003"]
        assert hit["explanation"].endswith("→ Altyn Counterparty LLP blocked under OFAC")
        assert set(body["not_exposed"]) == {"eu", "uk"}
        assert client.get("/entities/kz-bin-200340022222/exposure?regime=xx").status_code == 422
        unknown = client.get("/entities/nobody/exposure").json()
        assert unknown == {"entity_id": "nobody", "exposures": [], "not_exposed": {}}
    with server.client(None) as anonymous:
        assert anonymous.get("/entities/kz-bin-200340022222/exposure").status_code == 401
