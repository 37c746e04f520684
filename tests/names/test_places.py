"""Place names in organisation names: Corridor's one-word table against rigour's lookup."""

from __future__ import annotations

import re

from rigour.territories import lookup_territory
from rigour.territories.lookup import _get_identifier_map, _get_territory_names

from corridor.names.analysis import _is_place, analyse_name


def test_is_place_agrees_with_rigour_on_every_word_it_knows() -> None:
    """Every one-word key of rigour's name and code tables: any other word is no
    territory for either. (Building rigour's whole table takes a few seconds.)"""
    words = {
        key
        for key in [*_get_territory_names(), *_get_identifier_map()]
        if re.fullmatch(r"[a-z]+", key)
    }
    assert len(words) > 5000
    for word in sorted(words):
        territory = lookup_territory(word)
        assert _is_place(word) == (
            word in {"uk", "usa", "uae"}
            or (len(word) >= 4 and territory is not None and territory.is_country)
        ), word


def test_places_in_organisation_names() -> None:
    form = analyse_name("Banco Santander Mexico", False)
    assert [form.tokens[i] for i in sorted(form.places)] == ["meksiko"]
    assert not analyse_name("Steppe Electronics Trading", False).places
