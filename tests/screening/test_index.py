"""Candidate selection: the right entity must be among the few scored, however common
the other words of its name."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from corridor import collector
from corridor.screening.engine import Query, query_forms
from corridor.screening.index import (
    COMMON_KEY_SHARE,
    MAX_CANDIDATES,
    Index,
    index_entity,
    name_keys,
)


def crowd(target: str, common: str, size: int = 90) -> Index:
    """``target`` among ``size`` people named ``common`` plus two letters, in an index of
    5,000 others: large enough that the crowd's shared words are not too common to count
    (`COMMON_KEY_SHARE`), while the crowd outnumbers the candidates scored."""
    assert MAX_CANDIDATES < size < 5000 * COMMON_KEY_SHARE
    pairs = [a + b for a in "bcdfghjklmnprstvz" for b in "bcdfghjklmnprstvz"]
    people = [
        index_entity(f"p{i}", "Person", f"{common}{tail}", {"name": [f"{common}{tail}"]})
        for i, tail in enumerate(pairs[:size])
    ]
    others = [
        index_entity(f"o{i}", "Person", f"Vo{a} Ze{b}", {"name": [f"Vo{a} Ze{b}"]})
        for i, (a, b) in enumerate(zip(pairs * 20, pairs[::-1] * 20, strict=True))
    ][: 5000 - size]
    return Index([*people, *others, index_entity("target", "Person", target, {"name": [target]})])


def selected(index: Index, text: str) -> list[str]:
    keys: set[str] = set()
    for form in query_forms(Query(names=[text], schema="Person")):
        keys |= name_keys(form)
    return [entity.entity_id for entity in index.candidates(keys)]


def test_a_rare_word_outranks_a_common_one() -> None:
    # 90 "Umar Diab.." share two keys with "Umar Diaby" (the word "umar", the word start
    # "diab"); "Oumar Diaby" shares one, but one no other entity has.
    assert "target" in selected(crowd("Oumar Diaby", "Umar Diab"), "Umar Diaby")


def test_words_that_sound_alike_select_each_other() -> None:
    # No word, word start or letter set in common: only the sound (Y-K-B) is shared.
    assert "target" in selected(crowd("Mohammad Yaqoub", "Mohammad Ya"), "Mohammad Yaqub")
    assert "target" in selected(crowd("Abdullah Anshori", "Abdullah An"), "Abdullah Anchori")


#: Screens a query against 90 entities (in 5,000) that all share as much with it, and
#: prints the candidates kept: the cut falls among equals.
_TIES = """
from corridor.screening.engine import Query, query_forms
from corridor.screening.index import Index, index_entity, name_keys
pairs = [a + b for a in "bcdfghjklmnprstvz" for b in "bcdfghjklmnprstvz"]
equals = [index_entity(f"p{i}", "Person", "x", {"name": [f"Ivan Petrov {t}"]})
          for i, t in enumerate(pairs[:90])]
others = [index_entity(f"o{i}", "Person", "x", {"name": [f"Vo{a} Ze{b}"]})
          for i, (a, b) in enumerate(zip(pairs * 20, pairs[::-1] * 20))][:4910]
keys = set()
for form in query_forms(Query(names=["Ivan Petrov"], schema="Person")):
    keys |= name_keys(form)
print(" ".join(e.entity_id for e in Index([*equals, *others]).candidates(keys)))
"""


def test_ties_at_the_cut_fall_the_same_in_every_process() -> None:
    """A resumed batch runs in a new process, whose string hashes (and so the order of a
    set of keys) differ: it must keep the candidates of the run it resumes."""
    runs = {
        subprocess.run(
            [sys.executable, "-c", _TIES],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    [kept] = runs
    assert kept.split()[:3] == ["p0", "p1", "p2"]  # equals rank in index order


def test_the_build_leaves_the_garbage_collector_as_it_found_it() -> None:
    try:
        with collector.paused(freeze=True):
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what was built is out of the collector's way
        gc.disable()
        with collector.paused(freeze=True):
            pass
        assert not gc.isenabled()  # a caller that had turned it off keeps it off
    finally:
        gc.enable()
        gc.unfreeze()
