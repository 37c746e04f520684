"""Goods codes and shipment risk over HTTP: ``POST /goods/check`` and ``POST /shipments/check``.

They answer what ``corridor goods check``/``goods find`` and ``corridor shipments check
--json`` print, under the same API keys as screening, and every call is audited (one
``goods.check`` entry per request, one ``shipment.check`` entry per shipment).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from corridor.api.auth import Caller, analyst, viewer
from corridor.api.common import loaded_index, store_of
from corridor.api.models import (
    ErrorResponse,
    GoodsCheckRequest,
    GoodsCheckResponse,
    GoodsCodeResult,
    GoodsSuggestion,
    ShipmentAssessment,
    ShipmentCheckResponse,
)
from corridor.cases.audit import goods_checked, shipments_checked
from corridor.errors import CorridorError
from corridor.goods.check import check_code
from corridor.goods.describe import get_describer
from corridor.goods.reference import get_reference
from corridor.goods.risk import RiskScorer, require_index
from corridor.goods.rules import RuleSet, load_rules
from corridor.goods.shipments import Shipment
from corridor.settings import get_settings


def one_line(exc: RequestValidationError) -> str:
    """The first validation error as one line naming its field (``route.destination:
    Value error, 'Narnia' is not a country``), as the CLI reports a bad shipment file.

    A body that may take two shapes (one shipment or ``{"shipments": [...]}``) fails
    against each; the errors of the shape it comes closest to (the fewest) are reported.
    """
    errors = [
        (tuple(p for p in e.get("loc", ()) if p != "body"), str(e.get("msg", "invalid")))
        for e in exc.errors()
    ]
    if not errors:
        return "invalid request"
    branches: dict[str, list[tuple[tuple[Any, ...], str]]] = {}
    for loc, msg in errors:
        if loc and isinstance(loc[0], str) and loc[0] in _SHAPES:
            branches.setdefault(loc[0], []).append((loc[1:], msg))
    if branches and len(branches) == len(_SHAPES):
        errors = min(branches.values(), key=len)
    where, msg = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    text = f"{'.'.join(str(p) for p in where) or 'body'}: {msg}{more}"
    return " ".join(text.split())


class OneLineErrors(APIRoute):
    """A route whose invalid requests get a one-line 422 ``detail`` (FastAPI's default is
    a list of error objects), so a compliance tool can show it as it is."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return JSONResponse({"detail": one_line(exc)}, status_code=422)

        return route


router = APIRouter(tags=["Goods and shipments"], route_class=OneLineErrors)

#: Shipments in one request: a request's parties are screened while the client waits, so a
#: large batch belongs in the CLI (``corridor shipments check FILE``), not one HTTP call.
MAX_SHIPMENTS = 100
#: Longest party name screened, as ``POST /screenings`` allows.
MAX_NAME = 1000

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid request or no reference data"},
    401: {"model": ErrorResponse, "description": "Missing, unknown or revoked API key"},
    403: {"model": ErrorResponse, "description": "The key's role may not do this"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ErrorResponse, "description": "The body does not fit the schema"},
    503: {"model": ErrorResponse, "description": "The screening index is still loading"},
}


class ShipmentBatch(BaseModel):
    """Several shipments, as the CLI's ``{"shipments": [...]}`` JSON."""

    model_config = ConfigDict(extra="forbid")

    shipments: list[Shipment] = Field(min_length=1, max_length=MAX_SHIPMENTS)


#: The body shapes of ``POST /shipments/check``, as pydantic names them in its errors.
_SHAPES = frozenset({Shipment.__name__, ShipmentBatch.__name__})


@lru_cache(maxsize=1)
def _rules() -> RuleSet:
    """The packaged rules file: read and validated once per process (it ships with the
    code; an edited file is used through the CLI's ``--rules``)."""
    return load_rules()


@router.post("/goods/check", response_model=GoodsCheckResponse, responses=_ERRORS)
def goods_check(
    request: Request, body: GoodsCheckRequest, caller: Annotated[Caller, Depends(viewer)]
) -> GoodsCheckResponse:
    """Description, CHPL tier and EU 833/2014 coverage of each code, and ranked HS6
    suggestions for a goods description; audited.

    A viewer may call it: it reads only the public reference data (CHPL, EU annexes, HS
    texts), screens no party and stores nothing about anyone, like ``GET /lists``.
    """
    description = (body.description or "").strip()
    if not body.codes and not description:
        raise HTTPException(400, detail="give codes, a description, or both")
    reference = get_reference()
    codes = [check_code(reference, code).to_dict() for code in body.codes]
    suggestions = (
        [s.to_dict() for s in get_describer(reference).suggest(description, body.top)]
        if description
        else []
    )
    checks: list[dict[str, Any]] = [
        {k: c[k] for k in ("input", "hs6", "chpl_tier", "eu_833_2014")} for c in codes
    ]
    if description:
        found = [[s["hs6"], s["chpl_tier"]] for s in suggestions]
        checks.append({"description": description, "suggestions": found})
    goods_checked(
        store_of(request), actor=caller.actor, reference_version=reference.version, checks=checks
    )
    return GoodsCheckResponse(
        reference_version=reference.version,
        codes=[GoodsCodeResult.model_validate(c) for c in codes],
        suggestions=[GoodsSuggestion.model_validate(s) for s in suggestions],
    )


@router.post("/shipments/check", response_model=ShipmentCheckResponse, responses=_ERRORS)
def shipments_check(
    request: Request,
    body: Shipment | ShipmentBatch,
    caller: Annotated[Caller, Depends(analyst)],
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
) -> ShipmentCheckResponse:
    """Risk level, score and every reason (with its evidence and source) per shipment;
    one audit entry per shipment.

    Analyst, as ``POST /screenings``: every party is screened against the loaded lists,
    and the result (who is listed) is recorded in the audit log.
    """
    shipments = body.shipments if isinstance(body, ShipmentBatch) else [body]
    for shipment in shipments:
        for party in shipment.all_parties():
            if len(party.name) > MAX_NAME:
                raise CorridorError(
                    f"shipment {shipment.id!r}: a {party.role} name is over 1,000 characters"
                )
    index = require_index(loaded_index(request).index)
    cut = get_settings().threshold if threshold is None else threshold
    scorer = RiskScorer(_rules(), get_reference(), index, cut)
    try:
        results = [a.to_dict() for a in scorer.score_batch(shipments)]
    except (ValueError, IndexError, KeyError) as exc:
        # A party name the name analysis cannot take apart is the caller's input, not a crash.
        raise CorridorError(f"the shipment could not be scored ({type(exc).__name__})") from exc
    shipments_checked(store_of(request), actor=caller.actor, assessments=results)
    return ShipmentCheckResponse(
        threshold=cut, results=[ShipmentAssessment.model_validate(r) for r in results]
    )
