"""``POST /goods/check`` and ``POST /shipments/check``: the CLI's answers over HTTP, under
the screening keys and audited (this module's own server: it loads goods reference data)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Server

ROOT = Path(__file__).resolve().parents[2]
GOODS = ROOT / "examples" / "goods"


def corridor(server: Server, *args: str) -> str:
    command = [str(Path(sys.executable).parent / "corridor"), *args]
    run = subprocess.run(command, env=server.env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def demo(name: str) -> dict[str, Any]:
    shipments: list[dict[str, Any]] = json.loads((GOODS / "shipments.json").read_text())
    return next(s for s in shipments if s["id"].startswith(name))


def test_goods_check_before_reference_is_loaded_is_a_clear_400(server: Server) -> None:
    with server.client("viewer") as client:
        response = client.post("/goods/check", json={"codes": ["854231"]})
    assert response.status_code == 400
    assert "load-reference" in response.json()["detail"]


@pytest.fixture(scope="module")
def loaded(server: Server) -> Server:
    corridor(server, "goods", "load-reference", str(GOODS))
    return server


def test_goods_check_gives_tier_eu_and_suggestions(loaded: Server) -> None:
    body = {"codes": ["8542.31", "0406.90"], "description": "подшипники шариковые", "top": 3}
    with loaded.client("viewer") as client:
        response = client.post("/goods/check", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    chips, cheese = result["codes"]
    assert chips["hs6"] == "854231" and chips["chpl_tier"] == "1"
    assert chips["system"] == "HS subheading" and chips["eu_833_2014"] is True
    assert cheese["hs6"] == "040690" and cheese["chpl_tier"] is None
    # The same facts as the command line prints.
    cli = json.loads(corridor(loaded, "goods", "check", "8542.31", "0406.90", "--json"))
    assert result["codes"] == cli
    assert result["suggestions"][0]["hs6"].startswith("8482")
    assert len(result["suggestions"]) <= 3


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"codes": ["85x2"]}, 400, "is not a number"),
        ({"codes": ["854"]}, 400, "has 3 digits"),
        ({}, 400, "give codes, a description, or both"),
        ({"description": "   "}, 400, "give codes"),
        ({"codes": "854231"}, 422, "codes: Input should be a valid list"),
        ({"codes": ["854231"], "extra": 1}, 422, "extra: Extra inputs are not permitted"),
    ],
)
def test_goods_check_bad_input(
    loaded: Server, body: dict[str, Any], status: int, message: str
) -> None:
    with loaded.client("viewer") as client:
        response = client.post("/goods/check", json=body)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert message in detail


def test_listed_consignee_in_cyrillic_is_critical_and_named(loaded: Server) -> None:
    with loaded.client("analyst") as client:
        response = client.post("/shipments/check", json=demo("DEMO-3"))
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    assert result["level"] == "critical"
    listed = next(r for r in result["reasons"] if r["rule"] == "listed_party")
    evidence = " ".join(listed["evidence"])
    assert "STEPPE GATE TRADING" in evidence.upper() and "consignee" in evidence
    assert listed["source"]
    assert result["list_versions"] and result["reference_version"]


def test_batch_scores_each_shipment_like_the_cli(loaded: Server, tmp_path: Path) -> None:
    with loaded.client("admin") as client:
        response = client.post(
            "/shipments/check",
            json={"shipments": json.loads((GOODS / "shipments.json").read_text())},
        )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["level"] for r in results] == ["low", "critical", "critical"]
    assert results[1]["level"] == "critical" and "chpl_goods" in [
        r["rule"] for r in results[1]["reasons"]
    ]
    cli = json.loads(
        corridor(loaded, "shipments", "check", str(GOODS / "shipments.json"), "--json")
    )
    assert [(r["id"], r["level"], r["score"]) for r in results] == [
        (r["id"], r["level"], r["score"]) for r in cli
    ]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"id": "x", "goods": []}, 422, "goods: List should have at least 1 item"),
        (
            {"id": "x", "goods": [{"code": "854231"}], "route": {"destination": "Narnia"}},
            422,
            "route.destination: Value error, 'Narnia' is not a country",
        ),
        ({"id": "x", "goods": [{"code": "85x2"}]}, 422, "is not a number"),
        ({"shipments": []}, 422, "shipments: List should have at least 1 item"),
        (
            {
                "id": "x",
                "goods": [{"code": "854231"}],
                "parties": [{"role": "consignee", "name": "A" * 1001}],
            },
            400,
            "a consignee name is over 1,000 characters",
        ),
    ],
)
def test_shipments_bad_input(
    loaded: Server, body: dict[str, Any], status: int, message: str
) -> None:
    with loaded.client("analyst") as client:
        response = client.post("/shipments/check", json=body)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert message in detail


def test_auth_and_roles(loaded: Server) -> None:
    shipment = demo("DEMO-1")
    with loaded.client(None) as anonymous:
        assert anonymous.post("/goods/check", json={"codes": ["854231"]}).status_code == 401
        assert anonymous.post("/shipments/check", json=shipment).status_code == 401
    with loaded.client("viewer") as viewer:
        response = viewer.post("/shipments/check", json=shipment)
        assert response.status_code == 403 and "needs analyst" in response.json()["detail"]


def test_checks_are_audited_and_the_chain_holds(loaded: Server, tmp_path: Path) -> None:
    with loaded.client("analyst") as client:
        assert client.post("/shipments/check", json=demo("DEMO-2")).status_code == 200
        assert client.post("/goods/check", json={"codes": ["8542.32"]}).status_code == 200
    assert "audit log intact" in corridor(loaded, "audit", "verify")
    out = tmp_path / "audit.jsonl"
    corridor(loaded, "audit", "export", "-o", str(out))
    entries = [json.loads(line) for line in out.read_text().splitlines()]
    shipments = [e for e in entries if e["action"] == "shipment.check"]
    goods = [e for e in entries if e["action"] == "goods.check"]
    demo2 = [e for e in shipments if e["subject"].startswith("shipment:DEMO-2")][-1]
    assert demo2["actor"] == "api:test-analyst" and demo2["details"]["level"] == "critical"
    assert demo2["details"]["reasons"] and demo2["details"]["list_versions"]
    checked = goods[-1]["details"]
    assert checked["checks"] == [
        {"input": "8542.32", "hs6": "854232", "chpl_tier": "1", "eu_833_2014": True}
    ]
    assert checked["reference_version"]


def test_no_server_error_with_reference_loaded(loaded: Server, tmp_path: Path) -> None:
    """The module-wide schemathesis run meets ``/goods/check`` without reference data (a
    400 throughout); here both operations are fuzzed with it loaded."""
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{loaded.url}/openapi.json",
        "--include-path-regex",
        "^/(goods|shipments)/check$",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "25",
        "--seed",
        "5",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "-H",
        f"X-API-Key: {loaded.keys['admin']}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: 2" in run.stdout, run.stdout[-3000:]
