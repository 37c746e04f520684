"""Labelled Kazakh and Russian name pairs: persons, companies, banks.

Written for Corridor from the patterns the screening issue names: Kazakh patronymics
(-ұлы/-қызы) against Russian ones (-ович/-овна), Q/K, J/Zh, Kazakh Latin 2021 letters,
name order, dropped patronymics, legal forms (ТОО/ЖШС/LLP, АО/АҚ/JSC, ООО/LLC, ПАО/PJSC,
ЗАО/CJSC, ОсОО) and quotes. Persons are public figures or invented; companies are real
banks and operators or invented trading firms. False pairs are near misses a careless
matcher confuses: a relative with another given name, another firm of the same family.
"""

from __future__ import annotations

from typing import NamedTuple


class LabelledPair(NamedTuple):
    schema: str
    query: str
    candidate: str
    is_match: bool
    pattern: str


#: Kazakh persons: Kazakh Cyrillic, Russian Cyrillic, passport Latin (Russian style),
#: Kazakh Latin 2021 (Kazakh patronymic), given name, family name.
KAZAKH_PERSONS = [
    (
        "Тоқаев Қасым-Жомарт Кемелұлы",
        "Токаев Касым-Жомарт Кемелевич",
        "Kassym-Jomart Kemelevich Tokayev",
        "Qasym-Jomart Kemeluly Toqaev",
        "Kassym-Jomart",
        "Tokayev",
    ),
    (
        "Назарбаев Нұрсұлтан Әбішұлы",
        "Назарбаев Нурсултан Абишевич",
        "Nursultan Abishevich Nazarbayev",
        "Nursultan Äbışuly Nazarbaev",
        "Nursultan",
        "Nazarbayev",
    ),
    (
        "Мәсімов Кәрім Қажымқанұлы",
        "Масимов Карим Кажимканович",
        "Karim Kazhimkanovich Massimov",
        "Kärım Qajymqanuly Mäsımov",
        "Karim",
        "Massimov",
    ),
    (
        "Жақсыбеков Әділбек Рыскелдіұлы",
        "Джаксыбеков Адильбек Рыскельдинович",
        "Adilbek Ryskeldinovich Dzhaksybekov",
        "Ädılbek Ryskeldıuly Jaqsybekov",
        "Adilbek",
        "Dzhaksybekov",
    ),
    (
        "Әбілқайыров Ерлан Серікұлы",
        "Абилкаиров Ерлан Серикович",
        "Yerlan Serikovich Abilkairov",
        "Erlan Serıkuly Äbılqaiyrov",
        "Yerlan",
        "Abilkairov",
    ),
    (
        "Сейітқали Айгерім Нұрланқызы",
        "Сейиткали Айгерим Нурлановна",
        "Aigerim Nurlanovna Seitkali",
        "Aigerım Nurlanqyzy Seiıtqali",
        "Aigerim",
        "Seitkali",
    ),
    (
        "Жұмабаев Жанат Бекұлы",
        "Жумабаев Жанат Бекович",
        "Zhanat Bekovich Zhumabayev",
        "Janat Bekuly Jumabaev",
        "Zhanat",
        "Zhumabayev",
    ),
    (
        "Оспанова Гүлнар Қайратқызы",
        "Оспанова Гульнар Кайратовна",
        "Gulnar Kairatovna Ospanova",
        "Gülnar Qairatqyzy Ospanova",
        "Gulnar",
        "Ospanova",
    ),
    (
        "Құдайбергенов Мұрат Ержанұлы",
        "Кудайбергенов Мурат Ержанович",
        "Murat Yerzhanovich Kudaibergenov",
        "Murat Erjanuly Qudaibergenov",
        "Murat",
        "Kudaibergenov",
    ),
]

#: Russian persons: Cyrillic, BGN/PCGN, ICAO passport style, a short form.
RUSSIAN_PERSONS = [
    (
        "Ротенберг Аркадий Романович",
        "Arkady Romanovich Rotenberg",
        "Arkadii Romanovich Rotenberg",
        "Rotenberg Arkadiy",
    ),
    (
        "Ковальчук Юрий Валентинович",
        "Yuri Valentinovich Kovalchuk",
        "Iurii Valentinovich Kovalchuk",
        "Yuriy Kovalchuk",
    ),
    (
        "Щербаков Алексей Сергеевич",
        "Aleksey Sergeyevich Shcherbakov",
        "Aleksei Sergeevich Shcherbakov",
        "Alexei Scherbakov",
    ),
    (
        "Лавров Сергей Викторович",
        "Sergey Viktorovich Lavrov",
        "Sergei Viktorovich Lavrov",
        "Sergei Lavrov",
    ),
    (
        "Дерипаска Олег Владимирович",
        "Oleg Vladimirovich Deripaska",
        "Oleg Vladimirovich Deripaska",
        "Deripaska Oleg",
    ),
    (
        "Усманов Алишер Бурханович",
        "Alisher Burkhanovich Usmanov",
        "Alisher Burkhanovich Usmanov",
        "Usmanov Alisher",
    ),
]

#: Companies and banks: four ways one firm is written.
COMPANIES = [
    ("«Қазақтелеком» АҚ", "АО «Казахтелеком»", "Kazakhtelecom JSC", "JSC Kazakhtelecom"),
    (
        "ТОО «Степные Ворота Трейдинг»",
        "ЖШС «Степные Ворота Трейдинг»",
        "Stepnye Vorota Treiding LLP",
        "TOO Stepnye Vorota Treiding",
    ),
    (
        "АО «Халық Банк Казахстана»",
        "Halyk Bank of Kazakhstan JSC",
        "JSC Halyk Bank of Kazakhstan",
        "Халық Банк Казахстана АҚ",
    ),
    ("АО «Kaspi Bank»", "Kaspi Bank JSC", "АО Каспи Банк", "Kaspi Bank AQ"),
    ("ПАО Сбербанк", "Sberbank PJSC", "PJSC Sberbank", "Публичное акционерное общество «Сбербанк»"),
    ("Банк ВТБ (ПАО)", "VTB Bank PJSC", "ПАО Банк ВТБ", "VTB Bank (PJSC)"),
    (
        "ООО «Ромашка»",
        "OOO Romashka",
        "Romashka LLC",
        "Общество с ограниченной ответственностью «Ромашка»",
    ),
    ("ОсОО «Ала-Тоо Трейд»", "Ala-Too Trade LLC", "OsOO Ala-Too Trade", "ОсОО Ала Тоо Трейд"),
    ("ЗАО «Микротех»", "Mikrotekh CJSC", "CJSC Mikrotekh", "ZAO Mikrotekh"),
    ("АО «КазМунайГаз»", "KazMunayGas JSC", "JSC KazMunaiGaz", "ҚазМұнайГаз АҚ"),
]

#: Near misses between firms (all false).
COMPANY_NEAR_MISSES = [
    ("ТОО «Алтын Трейд»", "ТОО «Алтын Тау»"),
    ('ООО "БАЙ"', 'ООО "БАЙКАЛ"'),
    ("VTB Bank PJSC", "VTB Capital JSC"),
    ("Sberbank PJSC", "Sberbank Leasing JSC"),
    ("Halyk Bank of Kazakhstan JSC", "Halyk Finance JSC"),
    ("Kazakhtelecom JSC", "Kazakhtelecom LLP"),
    ("ТОО «Степные Ворота Трейдинг»", "ТОО «Степные Просторы Трейдинг»"),
    ("ООО «Ромашка»", "ООО «Ромашка-2»"),
    ("ЗАО «Микротех»", "ЗАО «Микротест»"),
    ("KazMunayGas JSC", "KazTransGas JSC"),
    ("АО «Казпочта»", "АО «Казтелепорт»"),
    ("ТОО «Астана Трейд»", "ТОО «Алматы Трейд»"),
    ("ОсОО «Ала-Тоо Трейд»", "ОсОО «Ала-Тоо Транс»"),
    ("ПАО Сбербанк", "ПАО Совкомбанк"),
    ("VTB Bank PJSC", "VBRR Bank JSC"),
    ("Tengri Bank JSC", "Tengri Capital JSC"),
    ("Jusan Bank JSC", "Jusan Invest JSC"),
    ("Bank CenterCredit JSC", "Bank RBK JSC"),
    ("Kaspi Bank JSC", "Kassa Nova Bank JSC"),
    ("АО «Халық Банк Казахстана»", "АО «Отбасы банк»"),
]

#: Other people of a listed person's family or name (all false).
RUSSIAN_NEAR_MISSES = [
    ("Boris Romanovich Rotenberg", "Arkady Romanovich Rotenberg"),
    ("Mikhail Valentinovich Kovalchuk", "Yuri Valentinovich Kovalchuk"),
    ("Igor Lavrov", "Sergey Viktorovich Lavrov"),
    ("Oleg Vladimirovich Derevyanko", "Oleg Vladimirovich Deripaska"),
    ("Amir Usmanov", "Alisher Burkhanovich Usmanov"),
    ("Andrei Sergeyevich Shcherbakov", "Aleksey Sergeyevich Shcherbakov"),
]


def _kazakh_pairs() -> list[LabelledPair]:
    pairs = []
    for kz, ru, passport, latin2021, given, family in KAZAKH_PERSONS:
        pairs += [
            LabelledPair("Person", kz, passport, True, "kz-patronymic-vs-ru-latin"),
            LabelledPair("Person", ru, passport, True, "ru-cyrillic-vs-latin"),
            LabelledPair("Person", kz, latin2021, True, "kz-latin-2021"),
            LabelledPair("Person", kz, ru, True, "kz-vs-ru-cyrillic"),
            LabelledPair("Person", f"{given} {family}", kz, True, "dropped-patronymic"),
            LabelledPair("Person", f"{family.upper()} {given}", ru, True, "name-order"),
        ]
    for i, (kz, _ru, passport, _l, _given, family) in enumerate(KAZAKH_PERSONS):
        other_given = KAZAKH_PERSONS[(i + 1) % len(KAZAKH_PERSONS)][4]
        other_family = KAZAKH_PERSONS[(i + 2) % len(KAZAKH_PERSONS)][5]
        pairs += [
            LabelledPair(
                "Person", f"{other_given} {family}", passport, False, "same-family-other-given"
            ),
            LabelledPair(
                "Person",
                passport.replace(family, other_family),
                kz,
                False,
                "same-given-other-family",
            ),
        ]
    return pairs


def _russian_pairs() -> list[LabelledPair]:
    pairs = []
    for cyrillic, bgn, icao, short in RUSSIAN_PERSONS:
        pairs += [
            LabelledPair("Person", cyrillic, bgn, True, "ru-bgn"),
            LabelledPair("Person", cyrillic, icao, True, "ru-icao"),
            LabelledPair("Person", short, cyrillic, True, "short-form"),
        ]
    pairs += [
        LabelledPair("Person", q, c, False, "relative-or-namesake") for q, c in RUSSIAN_NEAR_MISSES
    ]
    return pairs


def _company_pairs() -> list[LabelledPair]:
    pairs = []
    for first, second, third, fourth in COMPANIES:
        pairs += [
            LabelledPair("Company", first, second, True, "legal-form-and-script"),
            LabelledPair("Company", first, third, True, "legal-form-and-script"),
            LabelledPair("Company", first, fourth, True, "legal-form-and-script"),
            LabelledPair("Company", second, third, True, "legal-form-position"),
        ]
    pairs += [LabelledPair("Company", q, c, False, "other-firm") for q, c in COMPANY_NEAR_MISSES]
    return pairs


PAIRS = _kazakh_pairs() + _russian_pairs() + _company_pairs()
