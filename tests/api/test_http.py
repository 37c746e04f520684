"""The API over HTTP against a real Uvicorn server: auth, yente shapes, screenings,
batch jobs, lists, size limits, and the audit trail they leave."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import httpx
from followthemoney import model
from pydantic import BaseModel, ConfigDict, Field

from corridor.cases.audit import iter_entries, verify_chain
from corridor.store import open_store
from tests.api.conftest import Server


# The response models a yente client reads (yente/data/common.py), restated here so the
# test fails if Corridor drops or renames a field a client relies on.
class YenteFtResult(BaseModel):
    score: float
    detail: str | None = None


class YenteScoredEntity(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool
    first_seen: str | None
    last_seen: str | None
    last_change: str | None
    score: float
    features: dict[str, float]
    explanations: dict[str, YenteFtResult]
    match: bool


class YenteTotal(BaseModel):
    value: int
    relation: str


class YenteExample(BaseModel):
    schema_: str = Field(alias="schema")
    properties: dict[str, Any]


class YenteMatches(BaseModel):
    status: int
    results: list[YenteScoredEntity]
    total: YenteTotal
    query: YenteExample


class YenteMatchResponse(BaseModel):
    responses: dict[str, YenteMatches]
    limit: int


#: The example of yente's /match documentation, plus a Corridor fixture person in
#: Cyrillic with a differing birth year.
YENTE_QUERY = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"],
            },
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
        "sidorov": {
            "schema": "Person",
            "properties": {"name": ["Сидоров Иван Петрович"], "birthDate": ["1968-05-14"]},
        },
        "mikrotekh": {
            "schema": "Company",
            "properties": {"name": "Mikrotech Komponent", "innCode": ["7709123453"]},
        },
    }
}


def audit_actions(server: Server) -> list[tuple[str, str, str]]:
    store = open_store(server.database_url)
    try:
        return [(e.actor, e.action, e.subject) for e in iter_entries(store)]
    finally:
        store.close()


def test_healthz_needs_no_key_but_everything_else_does(server: Server) -> None:
    with server.client(None) as anonymous:
        assert anonymous.get("/healthz").json() == {"status": "ok"}
        for method, path in (
            ("GET", "/readyz"),
            ("GET", "/catalog"),
            ("GET", "/algorithms"),
            ("GET", "/lists"),
            ("POST", "/match/default"),
            ("GET", "/search/default?q=x"),
            ("GET", "/screenings/1"),
        ):
            response = anonymous.request(method, path)
            assert response.status_code == 401, (method, path)
            assert response.headers["www-authenticate"] == "ApiKey"
        assert anonymous.get("/readyz", headers={"X-API-Key": "cor_wrong"}).status_code == 401
        assert anonymous.get("/readyz", headers={"Authorization": "Basic abc"}).status_code == 401
        key = server.keys["viewer"]
        assert anonymous.get("/readyz", headers={"X-API-Key": key}).status_code == 200
        assert (
            anonymous.get("/readyz", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        )


def test_roles_viewer_analyst_admin(server: Server) -> None:
    with server.client("viewer") as viewer:
        assert viewer.get("/lists").status_code == 200
        assert viewer.post("/match/default", json=YENTE_QUERY).status_code == 403
        assert viewer.post("/screenings", json={"names": ["x"]}).status_code == 403
    with server.client("analyst") as analyst:
        assert analyst.post("/lists/update", json={"lists": ["un_sc"]}).status_code == 403
        assert analyst.post("/lists/versions/1/activate").status_code == 403


def test_yente_match_shape_and_scores(server: Server) -> None:
    with server.client() as client:
        response = client.post("/match/default", params={"algorithm": "best"}, json=YENTE_QUERY)
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "4"
    parsed = YenteMatchResponse.model_validate(response.json())
    assert parsed.limit == 5
    assert set(parsed.responses) == set(YENTE_QUERY["queries"])
    sidorov = parsed.responses["sidorov"]
    assert sidorov.status == 200 and sidorov.query.schema_ == "Person"
    top = sidorov.results[0]
    assert top.id == "NK-demo-person-1" and top.match and top.score >= 0.7
    assert top.properties["birthDate"] == ["1968-05-14"]
    assert top.datasets == ["os_ua_war_sanctions"]
    assert "name" in top.explanations and top.features["name"] > 0.9
    assert top.explanations["birth_date"].score > 0
    # Every result is a FollowTheMoney entity a yente client can load.
    proxy = model.get_proxy(response.json()["responses"]["sidorov"]["results"][0], cleaned=False)
    assert proxy.schema.name == "Person"
    # The same INN is on the UK list and on OpenSanctions: both match, on the identifier.
    companies = {r.id: r for r in parsed.responses["mikrotekh"].results if r.match}
    assert "NK-demo-company-1" in companies
    assert "identifier" in companies["NK-demo-company-1"].explanations
    # Nothing on the lists resembles John Doe strongly enough to match.
    assert not any(r.match for r in parsed.responses["entity1"].results)


def test_match_dataset_threshold_limit_and_errors(server: Server) -> None:
    query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Sidorov"]}}}}
    with server.client() as client:
        found = client.post("/match/os_ua_war_sanctions", json=query).json()
        assert found["responses"]["q"]["results"][0]["id"] == "NK-demo-person-1"
        elsewhere = client.post("/match/kz-afm", json=query).json()
        assert all(r["datasets"] == ["kz_afm"] for r in elsewhere["responses"]["q"]["results"])
        strict = client.post("/match/default", params={"threshold": 1.0}, json=query).json()
        assert not any(r["match"] for r in strict["responses"]["q"]["results"])
        assert client.post("/match/nowhere", json=query).status_code == 404
        assert client.post("/match/default?algorithm=logic-v2", json=query).status_code == 400
        assert client.post("/match/default", json={"queries": {}}).status_code == 400
        bad_schema = {"queries": {"q": {"schema": "Banana", "properties": {"name": ["x"]}}}}
        assert client.post("/match/default", json=bad_schema).status_code == 400
        no_name = {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1970"]}}}}
        assert client.post("/match/default", json=no_name).status_code == 400
        assert client.post("/match/default", json={"nope": 1}).status_code == 422


def test_screening_recorded_readable_and_audited(server: Server) -> None:
    body = {"names": ["Сидоров Иван Петрович"], "schema": "Person", "birth_date": "1968-05-14"}
    with server.client() as client:
        created = client.post("/screenings", json=body)
        assert created.status_code == 200, created.text
        screening = created.json()
        assert screening["results"][0]["entity_id"] == "NK-demo-person-1"
        assert screening["results"][0]["match"] is True
        assert screening["results"][0]["explanation"]
        assert {"list": "os_ua_war_sanctions", "version": 4} in screening["lists"]
        again = client.get(f"/screenings/{screening['id']}").json()
        assert again == screening
        assert client.get("/screenings/999999").status_code == 404
        assert client.post("/screenings", json={"names": []}).status_code == 400
        assert client.post("/screenings", json={"names": ["x"], "limit": 0}).status_code == 422
    assert ("api:test-analyst", "screening", f"screening:{screening['id']}") in audit_actions(
        server
    )


def test_batch_upload_job_and_results(server: Server) -> None:
    data = "id,name,birth_date\nc1,Ivan Petrovich Sidorov,1968-05-14\nc2,Jane Nobody,\nc3,,\n"
    with server.client() as client:
        submitted = client.post(
            "/screenings/batch", files={"file": ("customers.csv", data, "text/csv")}
        )
        assert submitted.status_code == 202, submitted.text
        job = submitted.json()
        assert job["status"] in ("queued", "running", "done")
        deadline = time.monotonic() + 60
        while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/jobs/{job['id']}").json()
        assert job["status"] == "done", job
        assert (job["total"], job["screened"], job["errors"]) == (3, 3, 1)
        assert job["hits"] >= 1 and job["results_url"] == f"/jobs/{job['id']}/results"
        results = client.get(job["results_url"])
        assert results.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(results.text)))
        assert any(r["query_id"] == "c1" and r["entity_id"] == "NK-demo-person-1" for r in rows)
        assert any(r["query_id"] == "c3" and r["match"] == "error" for r in rows)
        assert client.get("/jobs/unknown").status_code == 404
        wrong = client.post(
            "/screenings/batch", files={"file": ("x.pdf", b"%PDF", "application/pdf")}
        )
        assert wrong.status_code == 400
    assert ("api:test-analyst", "screening.batch", f"job:{job['id']}") in audit_actions(server)


def test_body_and_upload_limits(server: Server) -> None:
    big = {"queries": {"q": {"schema": "Person", "properties": {"name": ["x" * 70_000]}}}}
    with server.client() as client:
        assert client.post("/match/default", json=big).status_code == 413
        chunks = (b"x" * 1024 for _ in range(100))  # no Content-Length: counted as it comes
        streamed = client.post(
            "/match/default", content=chunks, headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        upload = "id,name\n" + "c,Some Name\n" * 30_000  # ~330 KB, over the 256 KiB limit
        too_big = client.post("/screenings/batch", files={"file": ("c.csv", upload, "text/csv")})
        assert too_big.status_code == 413


def test_lists_diff_catalog_entities_search_algorithms(server: Server) -> None:
    with server.client("viewer") as client:
        lists = client.get("/lists").json()
        assert {v["list"] for v in lists} == {
            "ofac_sdn",
            "kz_afm",
            "gb_fcdo",
            "os_ua_war_sanctions",
        }
        diff = client.get("/lists/uk/diff")
        assert diff.status_code == 404 and "only version" in diff.json()["detail"]
        catalog = client.get("/catalog").json()
        names = {d["name"] for d in catalog["datasets"]}
        assert {"default", "ofac", "uk", "gb_fcdo", "kz_afm"} <= names
        entity = client.get("/entities/NK-demo-person-1").json()
        assert entity["schema"] == "Person" and entity["datasets"] == ["os_ua_war_sanctions"]
        assert client.get("/entities/no-such-id").status_code == 404
        search = client.get("/search/default", params={"q": "Sidorov"}).json()
        assert search["results"][0]["id"] == "NK-demo-person-1" and search["total"]["value"] >= 1
        algorithms = client.get("/algorithms").json()
        assert algorithms["default"] == algorithms["best"] == algorithms["algorithms"][0]["name"]
        assert client.get("/openapi.json").json()["paths"]["/match/{dataset}"]


def test_admin_activation_reloads_index_and_is_audited(server: Server) -> None:
    with server.client("admin") as admin:
        before = admin.get("/lists").json()
        ofac = next(v for v in before if v["list"] == "ofac_sdn")
        activated = admin.post(f"/lists/versions/{ofac['version']}/activate")
        assert activated.status_code == 200 and activated.json()["status"] == "active"
        assert admin.post("/lists/versions/999999/activate").status_code == 404
    actions = audit_actions(server)
    assert ("api:test-admin", "list.activate", f"list:ofac_sdn:{ofac['version']}") in actions
    assert ("test", "user.add", "user:test-admin") in actions
    store = open_store(server.database_url)
    try:
        assert verify_chain(store).ok
    finally:
        store.close()


def test_revoked_key_is_refused_at_once(server: Server) -> None:
    from corridor.api.keys import add_user, revoke_user

    store = open_store(server.database_url)
    try:
        key = add_user(store, "short-lived", "analyst", actor="test")
        assert httpx.get(f"{server.url}/readyz", headers={"X-API-Key": key}).status_code == 200
        revoke_user(store, "short-lived", actor="test")
        assert httpx.get(f"{server.url}/readyz", headers={"X-API-Key": key}).status_code == 401
    finally:
        store.close()
