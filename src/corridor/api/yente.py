"""The yente-compatible endpoints: ``/match``, ``/search``, ``/entities``, ``/catalog``,
``/algorithms``, ``/healthz`` and ``/readyz``, with yente's request and response shapes.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from sqlalchemy import select

from corridor.api.auth import Caller, analyst, viewer
from corridor.api.common import (
    dataset_index,
    loaded_index,
    screen_query,
    store_of,
    submit_screening,
)
from corridor.api.matching import (
    as_utc,
    example_to_query,
    query_schema,
    scored_entity,
    stored_entities,
)
from corridor.api.models import (
    Algorithm,
    AlgorithmDocs,
    AlgorithmResponse,
    DataCatalogModel,
    DatasetModel,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    EntityResponse,
    ErrorResponse,
    FeatureDoc,
    SearchFacet,
    SearchFacetItem,
    SearchResponse,
    StatusResponse,
    TotalSpec,
)
from corridor.api.recorder import WRITE_TIMEOUT
from corridor.api.state import DEFAULT_DATASET, SOURCE_TITLES, IndexState
from corridor.errors import CorridorError
from corridor.screening import engine
from corridor.screening.engine import ALGORITHM, screen
from corridor.screening.engine import Query as ScreeningQuery
from corridor.settings import get_settings
from corridor.store.models import ListEntity, ListVersion

router = APIRouter()

#: yente's default and largest page of match results (MATCH_PAGE, MAX_MATCHES is 500,
#: but Corridor scores at most `corridor.screening.index.MAX_CANDIDATES` candidates).
MATCH_PAGE = 5
MAX_MATCHES = 100
SEARCH_PAGE = 10
#: Names yente clients pass as ``algorithm`` and that mean "the server's best".
ALGORITHM_ALIASES = {ALGORITHM, "best", "default"}

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid query"},
    401: {"model": ErrorResponse, "description": "Missing, unknown or revoked API key"},
    403: {"model": ErrorResponse, "description": "The key's role may not do this"},
    404: {"model": ErrorResponse, "description": "Unknown dataset or entity"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    503: {"model": ErrorResponse, "description": "Index still loading"},
}
Dataset = Annotated[
    str,
    Path(
        description="`default` (every active list), a list name such as `un_sc`, or a "
        "source family such as `ofac`",
        examples=["default"],
        max_length=64,
    ),
]


@router.get("/healthz", response_model=StatusResponse, tags=["System"])
def healthz() -> StatusResponse:
    """The process is up (no key needed: for load balancers)."""
    return StatusResponse(status="ok")


@router.get("/readyz", response_model=StatusResponse, tags=["System"], responses=_ERRORS)
def readyz(request: Request, _: Annotated[Caller, Depends(viewer)]) -> StatusResponse:
    """The screening index is loaded: 503 until then."""
    loaded_index(request)
    return StatusResponse(status="ok")


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    tags=["Matching"],
    responses=_ERRORS,
)
async def match(
    request: Request,
    response: Response,
    body: EntityMatchQuery,
    dataset: Dataset,
    caller: Annotated[Caller, Depends(analyst)],
    limit: Annotated[int, Query(ge=1, le=MAX_MATCHES)] = MATCH_PAGE,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    algorithm: Annotated[str, Query(max_length=64)] = ALGORITHM,
) -> EntityMatchResponse:
    """Query-by-example matching, as yente's ``/match``: each query entity (schema and
    FollowTheMoney properties such as ``name``, ``birthDate``, ``nationality``,
    ``idNumber``, ``innCode``, ``imoNumber``) gets its scored results. Every query is
    recorded as a screening and audited."""
    # A coroutine, not a thread-pool function: screening is pure CPU under the GIL, so
    # threads bring no parallelism, only switching. Under 100 concurrent clients the
    # pool's threads took turns every 5 ms (the GIL switch interval) and the event loop,
    # which reads and writes the sockets, waited its turn among them: each request took
    # as long as all the requests in progress together. On the event loop, requests are
    # screened one after the other, each in its own few milliseconds; the loop yields
    # between the queries of a batch, and the writes happen in the `Recorder`'s thread.
    if algorithm not in ALGORITHM_ALIASES:
        raise HTTPException(400, detail=f"algorithm {algorithm!r} is unknown; use {ALGORITHM}")
    if body.config:
        raise HTTPException(
            400, detail=f"configuration parameters are not supported by {ALGORITHM}"
        )
    if not body.queries:
        raise HTTPException(400, detail="No queries provided.")
    most = get_settings().api_max_queries
    if len(body.queries) > most:
        raise HTTPException(400, detail=f"Too many queries in one batch (limit: {most})")
    cut = get_settings().threshold if threshold is None else threshold
    queries = {}
    for key, example in body.queries.items():
        try:
            queries[key] = example_to_query(example)
        except CorridorError as exc:
            raise HTTPException(400, detail=f"query {key!r}: {exc.message}") from exc
    loaded, index = dataset_index(request, dataset)
    store = store_of(request)
    responses = {}
    written = []
    for number, (key, query) in enumerate(queries.items()):
        if number:
            await asyncio.sleep(0)  # let other requests in between the queries of a batch
        matches = screen_query(index, query, threshold=cut, limit=limit)
        written.append(
            submit_screening(
                request,
                index,
                query,
                matches,
                threshold=cut,
                caller=caller,
                kind="match",
                extra={"dataset": dataset, "key": key[:64]},
            )
        )
        stored = stored_entities(store, matches, loaded.entities)
        responses[key] = EntityMatches(
            status=200,
            results=[scored_entity(m, stored, loaded.versions) for m in matches],
            total=TotalSpec(value=len(matches), relation="eq"),
            query=body.queries[key],
        )
    # Answer only once every screening and its audit entry are committed: a client that
    # got its results can rely on their being on record.
    for future in written:
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), WRITE_TIMEOUT)
    response.headers["x-batch-size"] = str(len(responses))
    return EntityMatchResponse(responses=responses, limit=limit)


@router.get(
    "/search/{dataset}",
    response_model=SearchResponse,
    response_model_by_alias=True,
    tags=["Matching"],
    responses=_ERRORS,
)
def search(
    request: Request,
    dataset: Dataset,
    _: Annotated[Caller, Depends(viewer)],
    q: Annotated[str, Query(min_length=1, max_length=1000, description="Name to look up")],
    schema: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_MATCHES)] = SEARCH_PAGE,
    offset: Annotated[int, Query(ge=0, le=MAX_MATCHES)] = 0,
) -> SearchResponse:
    """Look listed entities up by name (a lookup, not a recorded screening)."""
    try:
        query = ScreeningQuery(names=[q], schema=query_schema(schema) if schema else None)
    except CorridorError as exc:
        raise HTTPException(400, detail=exc.message) from exc
    loaded, index = dataset_index(request, dataset)
    found = [m for m in screen(index, query, 1.0, offset + limit) if m.score > 0]
    page = found[offset : offset + limit]
    stored = stored_entities(store_of(request), page, loaded.entities)
    results = [
        EntityResponse.model_validate(
            scored_entity(m, stored, loaded.versions).model_dump(by_alias=True)
        )
        for m in page
    ]
    schemata: dict[str, int] = {}
    for m in found:
        schemata[m.entity.schema] = schemata.get(m.entity.schema, 0) + 1
    facets = {
        "schema": SearchFacet(
            label="Types",
            values=[SearchFacetItem(name=k, label=k, count=v) for k, v in sorted(schemata.items())],
        )
    }
    return SearchResponse(
        limit=limit,
        offset=offset,
        total=TotalSpec(value=len(found)),
        results=results,
        facets=facets,
    )


@router.get(
    "/entities/{entity_id}",
    response_model=EntityResponse,
    response_model_by_alias=True,
    tags=["Data access"],
    responses=_ERRORS,
)
def entity(
    request: Request,
    entity_id: Annotated[str, Path(max_length=255)],
    _: Annotated[Caller, Depends(viewer)],
) -> EntityResponse:
    """One entity of the active lists, with its properties and the lists that hold it."""
    loaded = loaded_index(request)
    with store_of(request).session() as session:
        rows = list(
            session.execute(
                select(ListEntity, ListVersion)
                .join(ListVersion, ListVersion.id == ListEntity.version_id)
                .where(ListEntity.entity_id == entity_id)
                .where(ListEntity.version_id.in_(list(loaded.versions)))
                .order_by(ListVersion.list_name)
            ).tuples()
        )
    if not rows:
        raise HTTPException(404, detail=f"no entity {entity_id!r} in the active lists")
    properties: dict[str, list[str]] = {}
    for row, _version in rows:
        for prop, values in row.properties.items():
            known = properties.setdefault(prop, [])
            known.extend(v for v in values if v not in known)
    first = rows[0][0]
    return EntityResponse(
        id=first.entity_id,
        caption=first.caption,
        schema=first.schema,
        properties=properties,
        datasets=[v.list_name for _, v in rows],
        referents=[f"{v.source}:{r.record_id}" for r, v in rows],
        target=any(r.target for r, _ in rows),
        last_seen=as_utc(max(v.loaded_at for _, v in rows)),
    )


@router.get("/catalog", response_model=DataCatalogModel, tags=["System"], responses=_ERRORS)
def catalog(request: Request, _: Annotated[Caller, Depends(viewer)]) -> DataCatalogModel:
    """The datasets ``/match`` and ``/search`` accept: every active list, each source
    family, and ``default``."""
    loaded = loaded_index(request)
    by_name = {v.list_name: v for v in loaded.versions.values()}
    state: IndexState = request.app.state.index
    datasets = []
    for name, lists in loaded.datasets().items():
        version = by_name.get(name)
        if version is not None:
            title = f"{name} ({version.source}, {version.format})"
            stamp = version.published.isoformat() if version.published else "undated"
            ver = f"{stamp}-v{version.id}"
            children: list[str] = []
        else:
            title = "All active lists" if name == DEFAULT_DATASET else SOURCE_TITLES.get(name, name)
            ver = "+".join(f"{n}-v{by_name[n].id}" for n in lists)
            children = lists
        datasets.append(
            DatasetModel(
                name=name,
                title=title,
                version=ver,
                index_version=ver,
                index_current=True,
                children=children,
                load=True,
            )
        )
    names = [d.name for d in datasets]
    return DataCatalogModel(
        datasets=datasets, current=names, outdated=[], index_stale=state.error is not None
    )


def _feature(name: str, description: str, coefficient: float) -> tuple[str, FeatureDoc]:
    return name, FeatureDoc(description=description, coefficient=coefficient)


@router.get("/algorithms", response_model=AlgorithmResponse, tags=["Matching"], responses=_ERRORS)
def algorithms(_: Annotated[Caller, Depends(viewer)]) -> AlgorithmResponse:
    """The one scoring algorithm and its features (the keys of ``explanations``)."""

    def constant(name: str) -> float:
        return float(getattr(engine, name, 0.0))

    features = dict(
        [
            _feature("name", "Best comparison of a query name with a listed name", 1.0),
            _feature(
                "identifier",
                "Equal valid identifiers (IIN, BIN, INN, OGRN, BIC, IMO, LEI) are decisive; "
                "different ones of the same kind count against",
                constant("IDENTIFIER_DIFFERENT"),
            ),
            _feature(
                "birth_date",
                "Birth date equal, within a year, or different",
                constant("DOB_MISMATCH"),
            ),
            _feature("country", "Country agrees or differs", constant("COUNTRY_MISMATCH")),
            _feature("gender", "Gender differs", constant("GENDER_MISMATCH")),
            _feature(
                "schema", "Listed as a legal entity of unspecified kind", constant("SCHEMA_LOOSE")
            ),
        ]
    )
    description = (
        "Corridor's name matching (Latin, Cyrillic and Kazakh, with transliteration and "
        "legal-form normalisation), adjusted by identifiers, birth date, country and gender"
    )
    return AlgorithmResponse(
        algorithms=[
            Algorithm(
                name=ALGORITHM,
                description=description,
                features=features,
                docs=AlgorithmDocs(name=ALGORITHM, description=description, features=features),
            )
        ],
        default=ALGORITHM,
        best=ALGORITHM,
    )
