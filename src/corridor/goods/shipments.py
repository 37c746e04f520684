"""Shipments and payments: what they hold, how they are read (JSON, CSV), and their parties.

A shipment names parties in roles (exporter, consignee, end user, forwarder, banks,
payer), goods lines (a code and/or a description, quantity, value), a route and a
payment. CSV batches have one row per goods line; rows sharing an ``id`` are one shipment,
and party columns are ``<role>_<field>`` (``consignee_name``, ``payer_country``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from followthemoney.types import registry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from corridor.errors import CorridorError
from corridor.goods.codes import parse_code
from corridor.goods.rules import ROLES


def _country(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return _clean_country(value.strip())


@lru_cache(maxsize=4096)
def _clean_country(value: str) -> str:
    code = registry.country.clean(value)
    if code is None:
        raise ValueError(f"{value!r} is not a country (expected e.g. KZ or Kazakhstan)")
    return str(code).upper()


Country = Annotated[str | None, AfterValidator(_country)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Party(_Strict):
    """A company, person or bank on a shipment or payment."""

    role: Literal[
        "exporter",
        "importer",
        "consignee",
        "end_user",
        "forwarder",
        "payer",
        "ordering_bank",
        "beneficiary_bank",
        "intermediary_bank",
    ]
    name: str = Field(min_length=1)
    type: Literal["company", "person", "bank"] = "company"
    country: Country = None
    address: str | None = None
    identifiers: list[str] = Field(default_factory=list)
    incorporated: dt.date | None = None
    website: str | None = None
    email: str | None = None
    #: The line of business the party states (e.g. "food wholesale").
    business: str | None = None
    owners: list[str] = Field(default_factory=list)


class Payer(_Strict):
    name: str = Field(min_length=1)
    type: Literal["company", "person", "bank"] = "company"
    country: Country = None
    identifiers: list[str] = Field(default_factory=list)


def _code(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        parse_code(value)
    except CorridorError as exc:
        raise ValueError(exc.message) from exc
    return value.strip()


class GoodsLine(_Strict):
    code: Annotated[str | None, AfterValidator(_code)] = None
    description: str | None = None
    quantity: float | None = Field(default=None, ge=0)
    unit: str | None = None
    value: float | None = Field(default=None, ge=0)
    currency: str | None = None


class Route(_Strict):
    origin: Country = None
    transit: list[Country] = Field(default_factory=list)
    destination: Country = None
    final_destination: Country = None


class Payment(_Strict):
    payer: Payer | None = None
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = None


class Shipment(_Strict):
    """One shipment or payment to score."""

    id: str = Field(min_length=1)
    date: dt.date | None = None
    parties: list[Party] = Field(default_factory=list)
    goods: list[GoodsLine] = Field(min_length=1)
    route: Route = Field(default_factory=Route)
    payment: Payment | None = None

    def all_parties(self) -> list[Party]:
        """The parties, with the payer as one (role ``payer``)."""
        found = list(self.parties)
        if self.payment is not None and self.payment.payer is not None:
            payer = self.payment.payer
            found.append(
                Party(
                    role="payer",
                    name=payer.name,
                    type=payer.type,
                    country=payer.country,
                    identifiers=payer.identifiers,
                )
            )
        return found


def _validation_error(path: Path | str, where: str, exc: ValidationError) -> CorridorError:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error["loc"])
    return CorridorError(f"{path}: {where}{field}: {error['msg']}")


def parse_shipment(data: Any, path: Path | str = "<input>", where: str = "") -> Shipment:
    try:
        return Shipment.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, where, exc) from exc


def read_shipments(path: Path) -> list[Shipment]:
    """Read a JSON file (one shipment, a list, or {"shipments": [...]}) or a CSV batch."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CorridorError.at(path, "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CorridorError.at(path, f"cannot read as UTF-8 text: {exc}") from exc
    if path.suffix.lower() == ".csv":
        return read_csv_shipments(text, path)
    if path.suffix.lower() not in (".json", ".jsonl"):
        raise CorridorError.at(path, "expected a .json or .csv file")
    try:
        if path.suffix.lower() == ".jsonl":
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorridorError.at(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    if isinstance(data, dict) and "shipments" in data:
        data = data["shipments"]
    if isinstance(data, dict):
        return [parse_shipment(data, path)]
    if not isinstance(data, list):
        raise CorridorError.at(path, "expected a shipment object or a list of them")
    return [parse_shipment(item, path, f"[{n}].") for n, item in enumerate(data)]


PARTY_FIELDS = (
    "name",
    "type",
    "country",
    "address",
    "identifiers",
    "incorporated",
    "website",
    "email",
    "business",
    "owners",
)
LINE_FIELDS = {
    "goods_code": "code",
    "goods_description": "description",
    "quantity": "quantity",
    "unit": "unit",
    "value": "value",
    "currency": "currency",
}
LIST_FIELDS = {"identifiers", "owners"}
#: Every column a CSV batch may have; anything else is refused (a typo would be ignored).
CSV_COLUMNS = frozenset(
    {"id", "date", "origin", "transit", "destination", "final_destination"}
    | {"payment_amount", "payment_currency"}
    | set(LINE_FIELDS)
    | {f"{role}_{f}" for role in ROLES for f in PARTY_FIELDS}
)


def read_csv_shipments(text: str, path: Path | str = "<csv>") -> list[Shipment]:
    """One row per goods line; rows with the same ``id`` are one shipment."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    if "id" not in columns:
        raise CorridorError.at(path, "missing column id", line=1)
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        raise CorridorError.at(path, f"unknown column(s) {', '.join(unknown)}", line=1)
    grouped: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not values.get("id"):
            raise CorridorError.at(path, "column id is empty", line=line)
        goods = {dest: values[col] for col, dest in LINE_FIELDS.items() if values.get(col)}
        if values["id"] in grouped:
            grouped[values["id"]][1]["goods"].append(goods)
            continue
        data: dict[str, Any] = {"id": values["id"], "goods": [goods], "parties": []}
        if values.get("date"):
            data["date"] = values["date"]
        data["route"] = {
            "origin": values.get("origin") or None,
            "transit": [t for t in values.get("transit", "").split(";") if t.strip()],
            "destination": values.get("destination") or None,
            "final_destination": values.get("final_destination") or None,
        }
        payment: dict[str, Any] = {}
        for role in ROLES:
            party = {f: values[f"{role}_{f}"] for f in PARTY_FIELDS if values.get(f"{role}_{f}")}
            for f in LIST_FIELDS & set(party):
                party[f] = [v.strip() for v in party[f].split(";") if v.strip()]
            if not party:
                continue
            if role == "payer":
                payment["payer"] = {k: v for k, v in party.items() if k in Payer.model_fields}
            else:
                data["parties"].append({"role": role, **party})
        if values.get("payment_amount"):
            payment["amount"] = values["payment_amount"]
        if values.get("payment_currency"):
            payment["currency"] = values["payment_currency"]
        if payment:
            data["payment"] = payment
        grouped[values["id"]] = (line, data)
    shipments = []
    for line, data in grouped.values():
        try:
            shipments.append(Shipment.model_validate(data))
        except ValidationError as exc:
            raise _validation_error(f"{path}:{line}", "", exc) from exc
    return shipments
