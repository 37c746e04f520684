"""Screening: the Kazakh and Russian name patterns, qualifiers, identifiers, explanations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.errors import CorridorError
from corridor.names.analysis import analyse_name
from corridor.names.identifiers import parse_identifier
from corridor.screening import names as names_module
from corridor.screening.engine import (
    ALGORITHM,
    Match,
    Query,
    query_forms,
    score_candidate,
    screen,
)
from corridor.screening.index import build_index, index_entity, load_index
from corridor.screening.names import compare_names
from corridor.settings import get_settings
from corridor.store import open_store
from corridor.store.lists import load_list

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"
THRESHOLD = 0.7


def pair(
    query: str,
    name: str,
    schema: str = "Person",
    *,
    props: dict[str, list[str]] | None = None,
    identifiers: list[str] | None = None,
    birth_date: str | None = None,
    gender: str | None = None,
) -> Match:
    """Score one query against one listed entity named ``name`` with ``props``."""
    candidate = index_entity("x", schema, name, {"name": [name], **(props or {})})
    q = Query(
        names=[query],
        schema=schema,
        identifiers=identifiers or [],
        birth_date=birth_date,
        gender=gender,
    )
    idents = [i for text in q.identifiers for i in parse_identifier(text) if i.valid]
    return score_candidate(q, query_forms(q), idents, candidate, THRESHOLD)


@pytest.mark.parametrize(
    ("query", "listed", "schema"),
    [
        ("Тоқаев Қасым-Жомарт Кемелұлы", "Kassym-Jomart Kemelevich Tokayev", "Person"),
        ("Qasym-Jomart Toqaev", "Тоқаев Қасым-Жомарт Кемелұлы", "Person"),
        ("Janat Abenov", "Zhanat Abenov", "Person"),
        ("Ротенберг Аркадий", "Arkadii Romanovich Rotenberg", "Person"),
        ("Юрий Ковальчук", "Yuriy Valentinovich Kovalchuk", "Person"),
        ("Нұрлан Болатұлы Қасымов", "Nurlan Bolatovich Kasymov", "Person"),
        ("«Қазақтелеком» АҚ", "Kazakhtelecom JSC", "Company"),
        ("TOO Steppe Gate Trading", "Steppe Gate Trading LLP", "Company"),
        ("ТОО «Степные Ворота Трейдинг»", "Stepnye Vorota Treiding LLP", "Company"),
        ("ПАО Сбербанк", "Sberbank PJSC", "Company"),
        ("Siemens Aktiengesellschaft", "Siemens AG", "Company"),
        ("SiemensAG", "Siemens AG", "Company"),
        ("HSBC Holdings p.l.c.", "HSBC Holdings plc", "Company"),
        ("Lloyds Banking Group Public Limited Company", "Lloyds Banking Group plc", "Company"),
        ("A.B.C. Company", "ABC Co.", "Company"),
        (
            "JSC Tactical Missiles Corp.",
            "Tactical Missiles Corporation Joint Stock Company",
            "Company",
        ),
        ("1st International Bank", "First Bank Int'l", "Company"),
        ("Brigade Forty-Four", "Brigade 44", "Organization"),
        ("PLA", "People's Liberation Army", "Organization"),
        ("Ig0r Sech1n", "Igor Sechin", "Person"),
        ("President Erdoğan", "Erdoğan", "Person"),
        ("Usama bin Ladin", "Osama bin Laden", "Person"),
        ("Al Qaeda", "Al Qa'ida", "Organization"),
        ("Anjem Iftikhar Choudary Mahmood", "Anjem Choudary", "Person"),
        ("Nikolai Plat Ono Vich Patrushev", "Nikolai Platonovich Patrushev", "Person"),
        # A payment system's 35-character name field cut the last word.
        (
            "TACTICAL MISSILES CORPORATION JOINT STOCK COMPAN",
            "Tactical Missiles Corporation",
            "Company",
        ),
        (
            "Blackstone Capital Partners VII L.P.",
            "Blackstone Capital Partners VIII L.P.",
            "Company",
        ),
        # Latvian and Lithuanian endings; й written "j" after a vowel.
        ("Sergejs Lavrovs", "Sergey Viktorovich Lavrov", "Person"),
        ("Vladimiras Putinas", "Владимир Путин", "Person"),
        ("Andrej Kostin", "Andrey Leonidovich Kostin", "Person"),
        ("'Abd al-Aziz al-Nuristani", "Abdul Aziz Nooristani", "Person"),
        ("Abdelaziz Bouteflika", "Abdulaziz Bouteflika", "Person"),
        ("AT&T Inc.", "AT and T Inc.", "Company"),
        ("JC Juncker", "Jean-Claude Juncker", "Person"),
        # A stray space inside a word, on either side.
        ("Nikolai Patr ushev", "Nikolai Platonovich Patrushev", "Person"),
        ("Haji Asad Khan Mohammadhasni", "Mohammad Hasni Haji Asad Khan", "Person"),
        ("U.S. Department of State", "United States Department of State", "Organization"),
        ("Brigade Fourty-four", "Brigade 44", "Organization"),
        ("Faberlic", "FABERLIC EUROPE Sp. z o.o.", "Company"),
        ("Umar Patek Abdullah Anshori", "Umar Patek", "Person"),
        ("Al Qaeda", "Al-Qa'ida/Islamic Army", "Organization"),
        # Slips in a patronymic's ending; a vowel more or less in a short word.
        ("Zaurbek Salimoivch Guchaev", "Zaurbek Salimovich Guchaev", "Person"),
        ("Malik Ruslanovcih Barkhanoev", "Malik Ruslanovich Barkhanoev", "Person"),
        ("Khwaa Panga Mandro", "Khawa Panga Mandro", "Person"),
        ("Abderrahmane Uld el Amar", "Abderrahmane Ould el Amar", "Person"),
        ("Jamil Muuklu", "Jamil Mukulu", "Person"),
    ],
)
def test_same_name_across_scripts_and_forms(query: str, listed: str, schema: str) -> None:
    match = pair(query, listed, schema)
    assert match.is_match, match.explanation


@pytest.mark.parametrize(
    ("query", "listed", "schema"),
    [
        ("Иван Петров", "Игорь Петров", "Person"),
        ('ООО "БАЙ"', 'ООО "БАЙКАЛ"', "Company"),
        ("Deutsche Bank AG", "Deutsche Bank GmbH", "Company"),
        ("Bowne Global Solutions", "Bowne Global Solutions II", "Company"),
        ("Banco Santander S.A.", "Banco Santander México S.A.", "Company"),
        ("Muhammad bin Salman al-Rawi", "Salman bin Muhammad al-Rawi", "Person"),
        ("Sergey Ivanovich Lavrov", "Sergey Viktorovich Lavrov", "Person"),
        ("Noureddine ben Mohamed ben Belkassem", "Noureddine ben Ali ben Belkassem", "Person"),
        ("Hans O. Friedrich", "Hans Joachim Friedrich", "Person"),
        ("Olga Barynova", "Oleg Baranov", "Person"),
        ("Thomas A. Lind", "Thomas Lindemann", "Person"),
        ("习近朋", "习近平", "Person"),
        ("N.N.", "Nursultan Nazarbayev", "Person"),
        # Compound Arabic names that share their fixed element differ in the rest.
        ("Nazirullah Hanafi Hamidullah", "Nazirullah Hanafi Waliullah", "Person"),
        ("Mohammed Shamsuddin", "Mohammed Shahabuddin", "Person"),
        ("Abdurrahim Haqqani", "Abdurrahman Haqqani", "Person"),
        # An initial that disagrees is a name that disagrees.
        ("Frost, William G.", "William W Frost", "Person"),
        # A surname in -evich is not a misspelt patronymic of another surname.
        ("Аляксандр Лукашэвіч", "Аляксандр Лукашэнка", "Person"),
        ("Ali Hassan", "Alia Hassan", "Person"),
    ],
)
def test_different_names_stay_apart(query: str, listed: str, schema: str) -> None:
    match = pair(query, listed, schema)
    assert not match.is_match, match.explanation


def test_series_siblings_score_below_the_same_name_and_say_why() -> None:
    sibling = pair("Apollo Investment Fund VIII", "Apollo Investment Fund IX", "Company")
    same = pair("Apollo Investment Fund VIII", "Apollo Investment Fund VIII", "Company")
    assert sibling.score < same.score
    assert "different numbers of one series (x0.90)" in sibling.explanation[0]


def test_penalties_are_explained() -> None:
    swap = pair("Muhammad bin Salman", "Salman bin Muhammad", "Person")
    assert "a father's name met a given name" in swap.explanation[0]
    branch = pair("Banco Santander S.A.", "Banco Santander Chile S.A.", "Company")
    assert "a place in one name only" in branch.explanation[0]


def test_explanation_names_words_patronymics_and_forms() -> None:
    match = pair("Тоқаев Қасым-Жомарт Кемелұлы", "Kassym-Jomart Kemelevich Tokayev")
    why = " ".join(match.explanation)
    assert "kemel- (patronymic) = kemel- (patronymic)" in why
    assert "tokaev = tokaev" in why and "above the threshold 0.70" in why
    company = pair("Deutsche Bank AG", "Deutsche Bank GmbH", "Company")
    assert "legal forms differ (jsc vs llc" in company.explanation[0]


def test_identifiers_decide_and_contradict() -> None:
    same = pair(
        "Some Other Trading",
        "Steppe Gate Trading LLP",
        "Company",
        identifiers=["220540012343"],
        props={"registrationNumber": ["220540012343"]},
    )
    assert same.score == pytest.approx(0.99)
    assert any("same identifier: BIN 220540012343 is valid" in r for r in same.explanation)
    other = pair(
        "Mikrotekh Komponent",
        "Mikrotekh Komponent",
        "Company",
        identifiers=["7707083893"],
        props={"innCode": ["7709123453"]},
    )
    assert not other.is_match
    expected = "different INN: query 7707083893, list 7709123453 (-0.40)"
    assert any(expected in r for r in other.explanation)


def test_birth_date_and_gender_qualifiers() -> None:
    listed = {"birthDate": ["1978-03-12"], "gender": ["male"]}
    exact = pair(
        "Nurlan Kasymov", "Nurlan Bolatovich Kasymov", birth_date="1978-03-12", props=listed
    )
    wrong = pair(
        "Nurlan Kasymov", "Nurlan Bolatovich Kasymov", birth_date="1991-06-01", props=listed
    )
    woman = pair("Nurlan Kasymov", "Nurlan Bolatovich Kasymov", gender="female", props=listed)
    year = pair("Nurlan Kasymov", "Nurlan Bolatovich Kasymov", birth_date="1978", props=listed)
    assert exact.score > year.score > wrong.score and not wrong.is_match
    assert any("birth date 1978-03-12 listed (+0.10)" in r for r in exact.explanation)
    assert any("does not fit the listed 1978-03-12" in r for r in wrong.explanation)
    assert woman.score < exact.score


def test_query_validation() -> None:
    with pytest.raises(CorridorError, match="needs a name or an identifier"):
        Query(names=["  "])
    with pytest.raises(CorridorError, match="schema 'Bank' is unknown"):
        Query(names=["Sberbank"], schema="Bank")


def test_screen_examples_persons_never_meet_companies(tmp_path: Path) -> None:
    store = open_store()
    for path in sorted(EXAMPLES.iterdir()):
        load_list(store, path)
    index = build_index(store)
    results = screen(index, Query(names=["Сбербанк"], schema="Company"), THRESHOLD)
    assert results and results[0].entity.entity_id == "ofac-900001" and results[0].is_match
    people = screen(index, Query(names=["Sea Wanderer"], schema="Person"), THRESHOLD)
    assert all(m.entity.schema in ("Person", "LegalEntity") for m in people)
    vessel = screen(index, Query(names=["Wanderer"], identifiers=["IMO 9273416"]), THRESHOLD)
    assert {m.entity.entity_id for m in vessel if m.is_match} >= {"ofac-900005", "gb-fcdo-rus9003"}


def test_index_is_persisted_and_rebuilt_when_lists_change() -> None:
    store = open_store()
    load_list(store, EXAMPLES / "un_consolidated.xml")
    first = load_index(store)
    files = list((get_settings().home / "index").glob("*.pickle"))
    assert len(files) == 1 and len(first.entities) == 2
    assert len(load_index(store).entities) == 2  # read back from the file
    load_list(store, EXAMPLES / "sdn.xml")
    assert len(load_index(store).entities) == 7
    assert len(list((get_settings().home / "index").glob("*.pickle"))) == 2


def test_screen_name_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["lists", "load", str(EXAMPLES / "kz_afm.xml")])
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["screen", "name", "Nurlan Kasymov", "--schema", "Person", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert stopped.value.code == 0
    best = out["results"][0]
    assert best["entity_id"] == "kz-afm-780312300126" and best["match"] is True
    assert best["source_ids"] == ["kz-afm:1"]
    assert out["lists"] == [["kz_afm", 1]] and isinstance(out["id"], int)


def test_a_slash_joins_alternative_names_but_not_legal_forms() -> None:
    listed = index_entity("x", "Organization", "n", {"name": ["Al-Qa'ida/Islamic Army"]})
    assert [form.original for form, _ in listed.names] == [
        "Al-Qa'ida/Islamic Army",
        "Al-Qa'ida",
        "Islamic Army",
    ]
    danish = index_entity("y", "Company", "n", {"name": ["Maersk Tankers A/S"]})
    assert [form.original for form, _ in danish.names] == ["Maersk Tankers A/S"]


def test_capitals_are_initials_only_among_words_that_are_not() -> None:
    assert analyse_name("JC Juncker", True).tokens == ("J", "k", "Junker")
    assert analyse_name("KO TAE BIN", True).tokens == ("ko", "tae", "bin")
    assert analyse_name("AL BEN ALI, Isa Ben Tarif", True).tokens[:3] == ("al", "bin", "ali")


def test_names_analysis_examples() -> None:
    assert analyse_name("Жанат", True).tokens == analyse_name("Janat", True).tokens
    assert analyse_name("Qasym", True).tokens == analyse_name("Kassym", True).tokens
    assert analyse_name("ЖШС Алтын", False).legal_form == "llc"
    assert analyse_name("TOO Altyn", False).legal_form == "llc"
    assert analyse_name("«Қазақтелеком» АҚ", False).legal_form == "jsc"


def test_screenings_are_recorded_with_versions_and_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["lists", "load", str(EXAMPLES / "sdn.xml")])
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["screen", "name", "Сбербанк", "--schema", "Company", "--json"])
    screened = json.loads(capsys.readouterr().out)
    with pytest.raises(SystemExit) as stopped:
        main(["screen", "show", str(screened["id"]), "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert stopped.value.code == 0
    assert shown == screened  # what was shown then is exactly what is on record
    assert shown["lists"] == [["ofac_sdn", 1]] and shown["algorithm"] == ALGORITHM
    assert shown["results"][0]["entity_id"] == "ofac-900001"
    with pytest.raises(SystemExit) as missing:
        main(["screen", "show", "999"])
    assert missing.value.code == 2 and "there is no screening 999" in capsys.readouterr().err


def test_the_word_similarity_cache_stays_bounded_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cleared when full, in the middle of a comparison too: the scores stay the same."""
    pairs = [
        ("Sergei Viktorovich Lavrov", "Лавров Сергей Викторович"),
        ("Qasym-Jomart Kemeluly Tokayev", "Тоқаев Қасым-Жомарт Кемелұлы"),
        ("Kazakhtelecom", "Kazakh Telecom JSC"),
        ("Usama bin Ladin", "Osama bin Laden"),
    ]
    forms = [(analyse_name(a, True), analyse_name(b, True)) for a, b in pairs]
    expected = [compare_names(a, b).score for a, b in forms]
    monkeypatch.setattr(names_module, "SIMILARITY_CACHE_SIZE", 3)
    names_module._SIMILARITIES.clear()  # every pair is compared again
    again = [compare_names(a, b).score for a, b in forms]
    assert again == expected
    assert sum(len(row) for row in names_module._SIMILARITIES.values()) <= 3
