"""Corridor's own endpoints: screenings, batch jobs and lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse

from corridor.api.auth import Caller, admin, analyst, viewer
from corridor.api.common import loaded_index, run_screening, store_of
from corridor.api.jobs import JobRunner, output_path
from corridor.api.matching import as_utc, query_schema
from corridor.api.models import (
    ErrorResponse,
    ExposureHit,
    ExposureResponse,
    JobResponse,
    ListDiffResponse,
    ListUpdateItem,
    ListUpdateResponse,
    ListVersionInfo,
    ListVersionRef,
    ScreeningRequest,
    ScreeningResponse,
    ScreeningResult,
)
from corridor.api.state import IndexState
from corridor.cases.audit import record_list_change
from corridor.cli.lists import resolve_list_name
from corridor.errors import CorridorError
from corridor.ownership.exposure import exposure_for, not_exposed_reasons
from corridor.screening.engine import Query as ScreeningQuery
from corridor.settings import get_settings
from corridor.store.diff import diff_versions
from corridor.store.download import update_lists
from corridor.store.lists import activate_version, active_versions
from corridor.store.models import BatchJob, ListVersion, Screening

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid request"},
    401: {"model": ErrorResponse, "description": "Missing, unknown or revoked API key"},
    403: {"model": ErrorResponse, "description": "The key's role may not do this"},
    404: {"model": ErrorResponse, "description": "Not found"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
}


def _screening_response(row: Screening) -> ScreeningResponse:
    return ScreeningResponse(
        id=row.id,
        created_at=as_utc(row.created_at),
        kind=row.kind,
        algorithm=row.algorithm,
        threshold=row.threshold,
        lists=[ListVersionRef(list=str(n), version=int(v)) for n, v in row.list_versions],
        query=row.query,
        results=[ScreeningResult.model_validate(r) for r in row.results],
    )


@router.post(
    "/screenings",
    response_model=ScreeningResponse,
    response_model_by_alias=True,
    tags=["Screening"],
    responses=_ERRORS,
)
def create_screening(
    request: Request, body: ScreeningRequest, caller: Annotated[Caller, Depends(analyst)]
) -> ScreeningResponse:
    """Screen one person, company, bank or vessel; recorded, audited, explained."""
    try:
        query = ScreeningQuery(
            names=body.names,
            schema=query_schema(body.schema_) if body.schema_ else None,
            birth_date=body.birth_date,
            countries=[c.lower() for c in body.countries],
            identifiers=body.identifiers,
            gender=body.gender,
        )
        if any(len(n) > 1000 for n in query.names):
            raise CorridorError("a name is over 1,000 characters")
    except CorridorError as exc:
        raise HTTPException(400, detail=exc.message) from exc
    loaded = loaded_index(request)
    threshold = get_settings().threshold if body.threshold is None else body.threshold
    row, _ = run_screening(
        request,
        loaded.index,
        query,
        threshold=threshold,
        limit=body.limit,
        caller=caller,
        kind="single",
    )
    return _screening_response(row)


@router.get(
    "/screenings/{screening_id}",
    response_model=ScreeningResponse,
    response_model_by_alias=True,
    tags=["Screening"],
    responses=_ERRORS,
)
def get_screening(
    request: Request, screening_id: int, _: Annotated[Caller, Depends(analyst)]
) -> ScreeningResponse:
    """A recorded screening exactly as it was run."""
    with store_of(request).session() as session:
        row = session.get(Screening, screening_id) if 0 < screening_id < 2**62 else None
        if row is None:
            raise HTTPException(404, detail=f"there is no screening {screening_id}")
        return _screening_response(row)


def _job_response(job: BatchJob) -> JobResponse:
    return JobResponse(
        id=job.id,
        status=job.status,
        filename=job.filename,
        created_at=as_utc(job.created_at),
        finished_at=as_utc(job.finished_at) if job.finished_at else None,
        threshold=job.threshold,
        top=job.top,
        total=job.total,
        screened=job.screened,
        errors=job.errors,
        hits=job.hits,
        error=job.error,
        results_url=f"/jobs/{job.id}/results" if job.status == "done" else None,
    )


@router.post(
    "/screenings/batch",
    response_model=JobResponse,
    status_code=202,
    tags=["Screening"],
    responses=_ERRORS,
)
def create_batch(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV, XLSX or Parquet with id and name")],
    caller: Annotated[Caller, Depends(analyst)],
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    top: Annotated[int, Query(ge=1, le=100)] = 5,
) -> JobResponse:
    """Upload a file to screen in the background; poll ``GET /jobs/{id}``."""
    runner: JobRunner = request.app.state.jobs
    cut = get_settings().threshold if threshold is None else threshold
    job = runner.submit(
        file.file, file.filename or "upload.csv", threshold=cut, top=top, actor=caller.actor
    )
    return _job_response(job)


def _job(request: Request, job_id: str) -> BatchJob:
    with store_of(request).session() as session:
        job = session.get(BatchJob, job_id[:32])
        if job is None:
            raise HTTPException(404, detail=f"there is no job {job_id!r}")
        return job


@router.get("/jobs/{job_id}", response_model=JobResponse, tags=["Screening"], responses=_ERRORS)
def get_job(request: Request, job_id: str, _: Annotated[Caller, Depends(analyst)]) -> JobResponse:
    """A batch job's status and counts."""
    return _job_response(_job(request, job_id))


@router.get(
    "/jobs/{job_id}/results",
    response_class=FileResponse,
    tags=["Screening"],
    responses={
        **_ERRORS,
        200: {"content": {"text/csv": {}}, "description": "One row per hit"},
        409: {"model": ErrorResponse, "description": "Not done yet"},
    },
)
def get_job_results(
    request: Request, job_id: str, _: Annotated[Caller, Depends(analyst)]
) -> FileResponse:
    """The CSV of hits of a finished job (the format of ``corridor screen file``)."""
    job = _job(request, job_id)
    if job.status != "done":
        raise HTTPException(409, detail=f"job {job.id} is {job.status}, not done")
    return FileResponse(
        output_path(job.id), media_type="text/csv", filename=f"{job.id}-results.csv"
    )


def _version_info(v: ListVersion) -> ListVersionInfo:
    return ListVersionInfo(
        list=v.list_name,
        source=v.source,
        format=v.format,
        version=v.id,
        status=v.status,
        published=v.published.isoformat() if v.published else None,
        loaded_at=as_utc(v.loaded_at),
        sha256=v.sha256,
        origin=v.origin,
        entries=v.target_count,
        entities=v.entity_count,
        schema_counts=v.schema_counts,
    )


@router.get("/lists", response_model=list[ListVersionInfo], tags=["Lists"], responses=_ERRORS)
def lists(request: Request, _: Annotated[Caller, Depends(viewer)]) -> list[ListVersionInfo]:
    """The active version of every list."""
    return [_version_info(v) for v in active_versions(store_of(request))]


@router.get(
    "/lists/{source}/diff",
    response_model=ListDiffResponse,
    response_model_by_alias=True,
    tags=["Lists"],
    responses=_ERRORS,
)
def list_diff(
    request: Request,
    source: str,
    _: Annotated[Caller, Depends(viewer)],
    old: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    new: Annotated[int | None, Query(alias="to", ge=1, le=2**31 - 1)] = None,
) -> ListDiffResponse:
    """Entries added, removed and changed between two versions of a list (by default
    the active one and the one before it)."""
    store = store_of(request)
    try:
        result = diff_versions(store, resolve_list_name(store, source), old, new)
    except CorridorError as exc:
        raise HTTPException(404, detail=exc.message) from exc
    return ListDiffResponse.model_validate(result.to_dict())


@router.post(
    "/lists/versions/{version_id}/activate",
    response_model=ListVersionInfo,
    tags=["Lists"],
    responses=_ERRORS,
)
def activate(
    request: Request, version_id: int, caller: Annotated[Caller, Depends(admin)]
) -> ListVersionInfo:
    """Make a stored version the active one of its list (a rollback); audited."""
    store = store_of(request)
    if not 0 < version_id < 2**31:
        raise HTTPException(404, detail=f"there is no version {version_id}")
    try:
        result = activate_version(store, version_id)
    except CorridorError as exc:
        raise HTTPException(404, detail=exc.message) from exc
    record_list_change(store, result, actor=caller.actor, action="list.activate")
    state: IndexState = request.app.state.index
    state.refresh()
    return _version_info(result.version)


@router.post("/lists/update", response_model=ListUpdateResponse, tags=["Lists"], responses=_ERRORS)
def update(
    request: Request,
    caller: Annotated[Caller, Depends(admin)],
    names: Annotated[
        list[str] | None,
        Body(embed=True, alias="lists", description="Lists to update; all when empty"),
    ] = None,
) -> ListUpdateResponse:
    """Download each configured official list and load it when it changed; audited."""
    store = store_of(request)
    results = update_lists(store, names or [])
    items = []
    for result in results:
        if result.load is not None:
            record_list_change(store, result.load, actor=caller.actor, action="list.update")
        items.append(
            ListUpdateItem(
                list=result.list_name,
                url=result.url,
                status=result.status,
                version=result.load.version.id if result.load else None,
                activated=bool(result.load and result.load.activated),
            )
        )
    state: IndexState = request.app.state.index
    state.refresh()
    return ListUpdateResponse(results=items)


@router.get(
    "/entities/{entity_id}/exposure",
    response_model=ExposureResponse,
    tags=["Ownership"],
    responses=_ERRORS,
)
def entity_exposure(
    request: Request,
    entity_id: str,
    _: Annotated[Caller, Depends(viewer)],
    regime: Annotated[str | None, Query(pattern="^(ofac|eu|uk)$")] = None,
) -> ExposureResponse:
    """Whether ``entity_id`` is sanctioned through its owners or controllers (OFAC 50 %
    rule, EU and UK ownership and control), with the paths and the rule in words."""
    store = store_of(request)
    try:
        found = exposure_for(entity_id, regime, store=store)
        why_not = not_exposed_reasons(entity_id, regime, store=store)
    except CorridorError as exc:
        raise HTTPException(400, detail=exc.message) from exc
    return ExposureResponse(
        entity_id=entity_id,
        exposures=[ExposureHit.model_validate(e.to_dict()) for e in found],
        not_exposed=why_not,
    )
