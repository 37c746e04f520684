"""Request and response bodies of the HTTP API (pydantic v2).

The matching models follow yente's (``yente/data/common.py``) field for field, so an
OpenSanctions client parses Corridor's answers unchanged; the ``schema`` field is
``schema_`` in Python because ``schema`` is a pydantic attribute, exactly as in yente.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: A property value as yente accepts it in a query: one string or a list of values.
PropertyValues = str | list[Any]


class ErrorResponse(BaseModel):
    detail: str = Field(..., examples=["Detailed error message"])


class StatusResponse(BaseModel):
    status: str = "ok"


# --- yente-compatible --------------------------------------------------------------


class EntityExample(BaseModel):
    """An entity to match, as yente takes it: a schema and FtM properties."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, PropertyValues] = Field(
        ..., examples=[{"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]}]
    )


class EntityMatchQuery(BaseModel):
    """Body of ``POST /match/{dataset}``."""

    weights: dict[str, float] = Field(default_factory=dict, examples=[{}])
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["un-6908555"])
    caption: str = Field(..., examples=["John Doe"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[str]] = Field(..., examples=[{"name": ["John Doe"]}])
    datasets: list[str] = Field(default_factory=list, examples=[["un_sc"]])
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None


class FeatureResult(BaseModel):
    """One part of a score and the sentence that explains it (yente's FtResult)."""

    score: float
    detail: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float = Field(..., examples=[0.93])
    features: dict[str, float] = Field(
        ..., description="Sub-scores by feature; deprecated in yente in favour of explanations"
    )
    explanations: dict[str, FeatureResult] = Field(
        ..., description="Each feature's sub-score and the reason for it"
    )
    match: bool = Field(..., description="Whether the score is at or above the threshold")
    token: str | None = None


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[3])
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int = Field(..., examples=[5])


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    url: str | None = None
    load: bool = True
    entities_url: str | None = None
    version: str
    index_version: str | None = None
    index_current: bool = False
    children: list[str] = Field(default_factory=list)


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float
    url: str | None = None


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


# --- Corridor -----------------------------------------------------------------------


class ScreeningRequest(BaseModel):
    """Body of ``POST /screenings``: one party to screen."""

    model_config = ConfigDict(extra="forbid")

    names: list[str] = Field(default_factory=list, max_length=20, examples=[["Иван Петров"]])
    schema_: str | None = Field(None, alias="schema", examples=["Person"])
    birth_date: str | None = Field(None, max_length=10, examples=["1970-01-01"])
    countries: list[str] = Field(default_factory=list, max_length=20, examples=[["ru"]])
    identifiers: list[str] = Field(default_factory=list, max_length=20)
    gender: str | None = Field(None, max_length=16)
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(5, ge=1, le=100)


class ScreeningResult(BaseModel):
    entity_id: str
    name: str
    schema_: str = Field(..., alias="schema")
    score: float
    match: bool
    matched_name: str = ""
    source_ids: list[str]
    explanation: list[str]

    model_config = ConfigDict(populate_by_name=True)


class ListVersionRef(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    list_: str = Field(..., alias="list")
    version: int


class ScreeningResponse(BaseModel):
    id: int
    created_at: datetime
    kind: str
    algorithm: str
    threshold: float
    lists: list[ListVersionRef]
    query: dict[str, Any]
    results: list[ScreeningResult]


class JobResponse(BaseModel):
    id: str
    status: str = Field(..., examples=["queued", "running", "done", "failed"])
    filename: str
    created_at: datetime
    finished_at: datetime | None = None
    threshold: float
    top: int
    total: int
    screened: int
    errors: int
    hits: int
    error: str | None = None
    results_url: str | None = Field(None, description="Where the CSV of hits is, once done")


class ListVersionInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    list_: str = Field(..., alias="list")
    source: str
    format: str
    version: int
    status: str
    published: str | None
    loaded_at: datetime
    sha256: str
    origin: str
    entries: int
    entities: int
    schema_counts: dict[str, int]


class DiffVersion(BaseModel):
    id: int
    published: str | None


class DiffEntity(BaseModel):
    id: str
    schema_: str = Field(..., alias="schema")
    caption: str
    record_id: str

    model_config = ConfigDict(populate_by_name=True)


class DiffPropertyChange(BaseModel):
    property: str
    added: list[str]
    removed: list[str]


class DiffChangedEntity(DiffEntity):
    changes: list[DiffPropertyChange]


class ListDiffResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    list_: str = Field(..., alias="list")
    from_: DiffVersion = Field(..., alias="from")
    to: DiffVersion
    added: list[DiffEntity]
    removed: list[DiffEntity]
    changed: list[DiffChangedEntity]


class ListUpdateItem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    list_: str = Field(..., alias="list")
    url: str
    status: str = Field(..., examples=["not-modified", "unchanged", "loaded"])
    version: int | None = None
    activated: bool = False


class ListUpdateResponse(BaseModel):
    results: list[ListUpdateItem]


class EntityRef(BaseModel):
    entity_id: str
    name: str


class ExposureHit(BaseModel):
    """An entity exposed through ownership or control under one regime
    (`corridor.ownership.exposure.Exposure`)."""

    kind: str = "ownership"
    entity_id: str
    name: str
    regime: str
    listed_share_pct: float
    by_control: bool
    listed_owners: list[EntityRef]
    path: list[EntityRef]
    via: list[str]
    explanation: str
    links: dict[str, str]


class ExposureResponse(BaseModel):
    entity_id: str
    exposures: list[ExposureHit]
    #: For each regime under which the entity is not exposed, why not.
    not_exposed: dict[str, str]


# --- Goods and shipments ---------------------------------------------------------------


class GoodsCheckRequest(BaseModel):
    """Body of ``POST /goods/check``: codes to check and/or a description to classify."""

    model_config = ConfigDict(extra="forbid")

    codes: list[Annotated[str, Field(max_length=32)]] = Field(
        default_factory=list, max_length=100, examples=[["8542.31", "8482100009"]]
    )
    description: str | None = Field(None, max_length=1000, examples=["подшипники шариковые"])
    top: int = Field(5, ge=1, le=50, description="Suggestions for the description")


class GoodsCodeResult(BaseModel):
    """One code, as ``corridor goods check --json`` prints it."""

    input: str
    digits: str
    system: str
    hs6: str | None
    description: str | None
    chpl_tier: str | None
    chpl_code: str | None
    eu_833_2014: bool
    eu_date: str | None
    eu_categories: list[str]
    eu_cn8: list[str]
    caveats: list[str]
    reference_version: str


class GoodsSuggestion(BaseModel):
    """One HS6 suggestion for a description, as ``corridor goods find --json`` prints it."""

    hs6: str
    score: float
    description: str
    chpl_tier: str | None
    why: list[str]


class GoodsCheckResponse(BaseModel):
    reference_version: str
    codes: list[GoodsCodeResult]
    suggestions: list[GoodsSuggestion]


class ShipmentReason(BaseModel):
    rule: str
    weight: float
    evidence: list[str]
    source: str = Field(..., description="The authority whose guidance the rule implements")


class ShipmentAssessment(BaseModel):
    """One shipment's risk, as ``corridor shipments check --json`` prints it."""

    id: str
    level: Literal["low", "medium", "high", "critical"]
    score: float
    reasons: list[ShipmentReason]
    rules_version: str
    reference_version: str
    list_versions: list[str]


class ShipmentCheckResponse(BaseModel):
    threshold: float
    results: list[ShipmentAssessment]
