"""Shipment scenarios: each asserts the level and exactly the rules that fire.

From a clean food shipment EU -> KZ (low) to CHPL tier 1 chips to a 2023-founded Almaty
trading firm paid from a third country with a Russian final destination (critical). The
parties screened here meet a small index of invented listed companies; the real OFAC
designations are in test_real_ofac.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from corridor.goods.reference import Reference
from corridor.goods.risk import RiskScorer
from corridor.goods.rules import load_rules
from corridor.goods.shipments import parse_shipment
from corridor.screening.index import Index, index_entity

Data = dict[str, Any]


def listed_index() -> Index:
    entities = []
    for n, (name, schema) in enumerate(
        [
            ("STEPPE ELECTRONICS TRADING LLP", "Company"),
            ("VOLKOV, Pavel Sergeyevich", "Person"),
            ("NORTHERN WIND LOGISTICS LLC", "Company"),
        ]
    ):
        item = index_entity(f"test-{n}", schema, name, {"name": [name]})
        item.sources.append(f"ofac_sdn:{9000 + n}")
        item.list_versions["ofac_sdn"] = 1
        entities.append(item)
    return Index(entities)


def base() -> Data:
    """A clean shipment: cheese from a German dairy to an Astana food retailer."""
    return {
        "id": "S",
        "date": "2024-03-01",
        "parties": [
            {
                "role": "exporter",
                "name": "Allgäuer Käserei GmbH",
                "country": "DE",
                "website": "kaeserei.de",
                "business": "dairy",
            },
            {
                "role": "consignee",
                "name": "Astana Food Retail LLP",
                "country": "KZ",
                "incorporated": "2009-05-14",
                "website": "astanafood.kz",
                "email": "info@astanafood.kz",
                "business": "food retail",
            },
        ],
        "goods": [
            {"code": "0406.90", "quantity": 10000, "unit": "kg", "value": 52000, "currency": "EUR"}
        ],
        "route": {"origin": "DE", "destination": "KZ"},
        "payment": {
            "payer": {"name": "Astana Food Retail LLP", "country": "KZ"},
            "amount": 52000,
            "currency": "EUR",
        },
    }


def consignee(d: Data) -> Data:
    return next(p for p in d["parties"] if p["role"] == "consignee")


def chips(d: Data, code: str = "8542.31") -> None:
    d["goods"] = [
        {"code": code, "quantity": 5000, "unit": "pcs", "value": 52000, "currency": "EUR"}
    ]
    consignee(d)["business"] = "electronics distribution"
    consignee(d)["name"] = "Astana Components LLP"
    d["payment"]["payer"]["name"] = "Astana Components LLP"


def goods(code: str | None = None, description: str | None = None) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        line = {"quantity": 100, "unit": "pcs", "value": 52000, "currency": "EUR"}
        if code:
            line["code"] = code
        if description:
            line["description"] = description
        d["goods"] = [line]
        consignee(d)["business"] = "industrial equipment"

    return change


def set_consignee(**values: Any) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        consignee(d).update(values)
        if "name" in values:
            d["payment"]["payer"]["name"] = values["name"]

    return change


def payer(name: str | None = None, country: str | None = None) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        if name:
            d["payment"]["payer"]["name"] = name
        if country:
            d["payment"]["payer"]["country"] = country

    return change


def route(**values: Any) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        d["route"].update(values)

    return change


def party(**values: Any) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        d["parties"].append(values)

    return change


def amount(value: float) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        d["payment"]["amount"] = value

    return change


def value(v: float) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        d["goods"][0]["value"] = v
        d["payment"]["amount"] = v

    return change


def the_issue_example(d: Data) -> None:
    chips(d)
    consignee(d).update(
        name="Almaty Trade House LLP",
        incorporated="2023-02-10",
        business="trading",
    )
    d["payment"]["payer"] = {"name": "Almaty Trade House LLP", "country": "AE"}
    d["route"]["final_destination"] = "RU"


HUB = "hub_country"
#: (name, changes, level, rules that fire)
SCENARIOS: list[tuple[str, list[Callable[[Data], None]], str, set[str]]] = [
    ("clean food EU to KZ", [], "low", {HUB}),
    (
        "clean food EU to Germany",
        [route(destination="FR"), set_consignee(country="FR"), payer(country="FR")],
        "low",
        set(),
    ),
    (
        "CHPL tier 1 chips to KZ distributor",
        [chips],
        "high",
        {"chpl_goods", "eu_sanctioned_goods", HUB},
    ),
    (
        "the issue's example",
        [the_issue_example],
        "critical",
        {
            "chpl_goods",
            "eu_sanctioned_goods",
            HUB,
            "russia_belarus_destination",
            "forwarder_or_trading_consignee",
            "recently_incorporated",
            "third_country_payment",
        },
    ),
    ("tier 2 GPS receivers", [goods("852691")], "high", {"chpl_goods", "eu_sanctioned_goods", HUB}),
    ("tier 3.B bearings", [goods("848210")], "medium", {"chpl_goods", "eu_sanctioned_goods", HUB}),
    ("tier 4.B CNC lathe", [goods("845811")], "medium", {"chpl_goods", "eu_sanctioned_goods", HUB}),
    (
        "HS 2017 code of a CHPL part",
        [goods("854890")],
        "high",
        {"chpl_goods", "eu_sanctioned_goods", HUB},
    ),
    (
        "EAEU TN VED 10 digits",
        [goods("8542390000")],
        "high",
        {"chpl_goods", "eu_sanctioned_goods", HUB},
    ),
    (
        "description only, Russian",
        [goods(description="подшипники шариковые")],
        "medium",
        {"chpl_goods", "eu_sanctioned_goods", HUB},
    ),
    (
        "description only, English microchips",
        [goods(description="microchips")],
        "high",
        {"chpl_goods", "eu_sanctioned_goods", HUB},
    ),
    (
        "EU-sanctioned, not CHPL (smartphones)",
        [goods("851713")],
        "medium",
        {"eu_sanctioned_goods", HUB},
    ),
    (
        "final destination Russia",
        [route(final_destination="RU")],
        "high",
        {HUB, "russia_belarus_destination"},
    ),
    (
        "final destination Belarus",
        [route(final_destination="BY")],
        "high",
        {HUB, "russia_belarus_destination"},
    ),
    (
        "shipped straight to Russia",
        [route(destination="RU"), set_consignee(country="RU")],
        "critical",
        {"russia_belarus_destination", "russia_belarus_party", "third_country_payment"},
    ),
    (
        "end user in Russia",
        [party(role="end_user", name="OOO Vector", country="RU", website="vector.ru")],
        "high",
        {HUB, "russia_belarus_destination"},
    ),
    (
        "Russian bank pays",
        [party(role="ordering_bank", name="Bank Sankt-Peterburg", type="bank", country="RU")],
        "medium",
        {HUB, "russia_belarus_party"},
    ),
    ("transit via Turkey and Georgia", [route(transit=["TR", "GE"])], "low", {HUB}),
    (
        "transit via UAE to Armenia",
        [route(transit=["AE"], destination="AM"), set_consignee(country="AM"), payer(country="AM")],
        "low",
        {HUB},
    ),
    (
        "Kyrgyz consignee",
        [route(destination="KG"), set_consignee(country="KG"), payer(country="KG")],
        "low",
        {HUB},
    ),
    (
        "trading firm consignee",
        [set_consignee(name="Astana Trading LLP")],
        "medium",
        {HUB, "forwarder_or_trading_consignee"},
    ),
    (
        "forwarder as consignee, Russian name",
        [set_consignee(name="ТОО «Логистик Транс»", business="экспедирование грузов")],
        "medium",
        {HUB, "forwarder_or_trading_consignee"},
    ),
    (
        "founded 2022-06",
        [set_consignee(incorporated="2022-06-01")],
        "medium",
        {HUB, "recently_incorporated"},
    ),
    (
        "founded 2022-02-20, before the invasion",
        [set_consignee(incorporated="2022-02-20")],
        "low",
        {HUB},
    ),
    ("payer in the UAE", [payer(country="AE")], "medium", {HUB, "third_country_payment"}),
    (
        "payer in Hong Kong, unnamed",
        [payer(name="Golden Bridge HK Ltd", country="HK")],
        "medium",
        {HUB, "third_country_payment", "payer_not_on_documents"},
    ),
    (
        "payer unnamed, same country",
        [payer(name="Sapar Consulting LLP")],
        "medium",
        {HUB, "payer_not_on_documents"},
    ),
    (
        "chips to a food retailer",
        [goods("8542.31"), set_consignee(business="food retail")],
        "high",
        {"chpl_goods", "eu_sanctioned_goods", HUB, "goods_outside_business"},
    ),
    (
        "personal e-mail",
        [set_consignee(email="astanafood@gmail.com")],
        "low",
        {HUB, "personal_email_or_no_website"},
    ),
    (
        "no website, no e-mail",
        [set_consignee(website=None, email=None)],
        "low",
        {HUB, "personal_email_or_no_website"},
    ),
    ("payment far from invoice", [amount(80000)], "medium", {HUB, "value_anomaly"}),
    ("value just below 10,000", [value(9800)], "medium", {HUB, "value_anomaly"}),
    (
        "listed consignee",
        [set_consignee(name="Steppe Electronics Trading LLP")],
        "critical",
        {"listed_party", HUB, "forwarder_or_trading_consignee"},
    ),
    (
        "listed consignee in Cyrillic",
        [set_consignee(name="ТОО «Степп Электроникс Трейдинг»")],
        "critical",
        {"listed_party", HUB, "forwarder_or_trading_consignee"},
    ),
    (
        "listed owner",
        [set_consignee(owners=["Pavel Sergeyevich Volkov"])],
        "critical",
        {"listed_party", HUB},
    ),
    (
        "listed forwarder",
        [
            party(
                role="forwarder", name="Northern Wind Logistics LLC", country="KZ", website="nw.kz"
            )
        ],
        "critical",
        {"listed_party", HUB},
    ),
    (
        "name similar to a listed one",
        [
            party(
                role="forwarder",
                name="Northern Wind Logistics Central Asia",
                country="KZ",
                website="nwl.kz",
            )
        ],
        "medium",
        {"possible_listed_party", HUB},
    ),
    (
        "CNC machines, new trading firm, paid from Turkey, to Belarus",
        [
            goods("845961"),
            set_consignee(name="Bishkek Trade Invest", incorporated="2023-05-05", country="KG"),
            payer(name="Bishkek Trade Invest", country="TR"),
            route(destination="KG", final_destination="BY"),
        ],
        "critical",
        {
            "chpl_goods",
            "eu_sanctioned_goods",
            HUB,
            "russia_belarus_destination",
            "forwarder_or_trading_consignee",
            "recently_incorporated",
            "third_country_payment",
        },
    ),
    (
        "Armenian phone re-exporter",
        [
            goods("851713"),
            set_consignee(
                name="Yerevan Mobile Import LLC",
                country="AM",
                incorporated="2022-09-01",
                email="yermob@mail.ru",
                website=None,
            ),
            route(destination="AM"),
            payer(country="AM"),
        ],
        "high",
        {
            "eu_sanctioned_goods",
            HUB,
            "forwarder_or_trading_consignee",
            "recently_incorporated",
            "personal_email_or_no_website",
        },
    ),
    (
        "tier 1 memory via China, final RU",
        [goods("854232"), route(origin="CN", transit=["CN"], final_destination="RU")],
        "critical",
        {"chpl_goods", "eu_sanctioned_goods", HUB, "russia_belarus_destination"},
    ),
    (
        "quantity without value",
        [lambda d: d["goods"][0].update(value=None)],
        "medium",
        {HUB, "value_anomaly"},
    ),
    (
        "Uzbek food importer, clean",
        [route(destination="UZ"), set_consignee(country="UZ"), payer(country="UZ")],
        "low",
        {HUB},
    ),
]


@pytest.fixture
def scorer(reference: Reference) -> RiskScorer:
    return RiskScorer(load_rules(), reference, listed_index(), threshold=0.7)


def test_there_are_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40


@pytest.mark.parametrize(
    ("name", "changes", "level", "rules"), SCENARIOS, ids=[s[0] for s in SCENARIOS]
)
def test_scenario(
    scorer: RiskScorer,
    name: str,
    changes: list[Callable[[Data], None]],
    level: str,
    rules: set[str],
) -> None:
    data = copy.deepcopy(base())
    for change in changes:
        change(data)
    result = scorer.score(parse_shipment(data))
    assert set(result.rules) == rules, [r.to_dict() for r in result.reasons]
    assert result.level == level, (result.score, [r.to_dict() for r in result.reasons])
    for reason in result.reasons:
        assert reason.evidence and reason.source


def test_listed_party_names_the_entry(scorer: RiskScorer) -> None:
    data = base()
    consignee(data)["name"] = "ТОО «Степп Электроникс Трейдинг»"
    result = scorer.score(parse_shipment(data))
    listed = next(r for r in result.reasons if r.rule == "listed_party")
    assert "STEPPE ELECTRONICS TRADING LLP" in listed.evidence[0]
    assert "ofac_sdn:9000" in listed.evidence[0]


def test_screening_is_memoised_per_party(scorer: RiskScorer) -> None:
    shipments = [parse_shipment({**base(), "id": f"S{n}"}) for n in range(50)]
    scorer.score_batch(shipments)
    # exporter and consignee; the payer is the consignee (same name, country and ids)
    assert scorer.screener.calls == 2


def test_unit_value_outlier_in_a_batch(scorer: RiskScorer) -> None:
    batch = []
    for n in range(10):
        data = base()
        data["id"] = f"S{n}"
        if n == 9:
            data["goods"][0]["value"] = 520.0  # a hundredth of the others' unit value
            data["payment"]["amount"] = 520.0
        batch.append(parse_shipment(data))
    results = scorer.score_batch(batch)
    assert "value_anomaly" not in results[0].rules
    outlier = next(r for r in results[9].reasons if r.rule == "value_anomaly")
    assert "batch median" in outlier.evidence[0]
