"""The compiled screening modules are their pure-Python sources, only faster.

`make install` compiles `corridor.screening.names`, `corridor.screening.engine` and
`corridor.screening.ranking` with mypyc (see NATIVE in the Makefile). mypyc checks types at
run time and does its own arithmetic on unboxed floats, so each compiled module is compared
with its source (on real name pairs, on random postings) rather than trusted to behave
alike.
"""

from __future__ import annotations

import csv
import importlib.util
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import corridor.screening
import corridor.screening.engine as compiled_engine
import corridor.screening.names as compiled_names
import corridor.screening.ranking as compiled_ranking
from corridor.names.analysis import analyse_name
from corridor.screening.index import index_entity
from tests.names.kz_ru_pairs import PAIRS

COMPILED = [compiled_names, compiled_engine, compiled_ranking]
#: Where the sources and their compiled modules are (a compiled module imported by
#: another of its group reports a wrong ``__file__``: only its suffix is to be trusted).
PACKAGE = Path(corridor.screening.__file__ or "").parent


def _source(module: ModuleType) -> Path:
    return PACKAGE / (module.__name__.rpartition(".")[2] + ".py")


@pytest.mark.parametrize("module", COMPILED, ids=lambda m: m.__name__)
def test_the_compiled_module_is_in_use_and_current(module: ModuleType) -> None:
    """Tests and benchmarks run what users run; an edit to a source needs a rebuild."""
    source = _source(module)
    assert Path(module.__file__ or "").suffix == ".so", (
        f"{source} is not compiled: run make install"
    )
    [built] = PACKAGE.glob(source.stem + ".*.so")
    assert built.stat().st_mtime >= source.stat().st_mtime, (
        f"{built.name} is older than {source.name}: run `make install` to rebuild it"
    )


def _pure(module: ModuleType) -> Iterator[ModuleType]:
    """``module``'s source loaded as plain Python, beside the compiled one."""
    name = module.__name__.replace(".", "_") + "_pure"
    spec = importlib.util.spec_from_file_location(name, _source(module))
    assert spec is not None and spec.loader is not None
    pure = importlib.util.module_from_spec(spec)
    sys.modules[name] = pure  # dataclasses look their module up while being made
    try:
        spec.loader.exec_module(pure)
        yield pure
    finally:
        del sys.modules[name]


@pytest.fixture(scope="module")
def pure_names() -> Iterator[ModuleType]:
    yield from _pure(compiled_names)


@pytest.fixture(scope="module")
def pure_engine() -> Iterator[ModuleType]:
    yield from _pure(compiled_engine)


def _pairs(shared: Path) -> list[tuple[str, str, str]]:
    with (shared / "sanctions/eval/nomenklatura/name_bench_cases.csv").open() as handle:
        bench = [(row["schema"], row["name1"], row["name2"]) for row in csv.DictReader(handle)]
    pairs = bench + [(p.schema, p.query, p.candidate) for p in PAIRS]
    assert len(pairs) > 900
    return pairs


def _compared(module: ModuleType, a: str, b: str, organisation: bool) -> tuple[object, ...]:
    query = analyse_name(a, None if organisation else True)
    listed = analyse_name(b, None if organisation else True)
    result = module.compare_names(query, listed, organisation=organisation)
    pairs = tuple((p.query, p.candidate, p.similarity) for p in result.pairs)
    explained = module.explain_names(result)
    return (result.score, pairs, result.unmatched_query, result.unmatched_candidate, explained)


@pytest.mark.parametrize("organisation", [False, True], ids=["person", "organisation"])
def test_names_compiled_and_pure_alike(
    pure_names: ModuleType, shared_data: Path, organisation: bool
) -> None:
    differ = [
        (a, b)
        for _, a, b in _pairs(shared_data)
        if _compared(compiled_names, a, b, organisation)
        != _compared(pure_names, a, b, organisation)
    ]
    assert not differ, differ[:5]


#: Qualifiers on both sides, so that every scoring step runs: a date that fits, one a
#: year off, one that does not; a country that agrees and one that differs.
_LISTED = {"birthDate": ["1961-02-03", "1975"], "country": ["kz"], "gender": ["male"]}
_QUERIES = [
    {"birth_date": "1961-02-03", "countries": ["kz"]},
    {"birth_date": "1976-05-01", "countries": ["ru"], "gender": "female"},
    {"birth_date": "1990", "identifiers": ["FRNGBPP"]},
]


def _scored(module: ModuleType, schema: str, a: str, b: str) -> list[tuple[object, ...]]:
    listed = index_entity("c", schema, b, {"name": [b], **_LISTED})
    outcomes = []
    for qualifiers in _QUERIES:
        query = module.Query(names=[a], schema=schema, **qualifiers)
        match = module.score_candidate(query, module.query_forms(query), [], listed, 0.7)
        outcomes.append((match.score, match.is_match, match.explanation, match.matched_name))
    return outcomes


def test_engine_compiled_and_pure_alike(pure_engine: ModuleType, shared_data: Path) -> None:
    differ = [
        (a, b)
        for schema, a, b in _pairs(shared_data)
        if _scored(compiled_engine, schema, a, b) != _scored(pure_engine, schema, a, b)
    ]
    assert not differ, differ[:5]


@pytest.fixture(scope="module")
def pure_ranking() -> Iterator[ModuleType]:
    yield from _pure(compiled_ranking)


def test_ranking_compiled_and_pure_alike(pure_ranking: ModuleType) -> None:
    """Random postings over few entities, so that scores tie and kinds mix."""
    rng = random.Random(7)
    for _ in range(2000):
        size = rng.randint(20, 400)
        postings = [
            (rng.choice([0, 1, 3]), sorted(rng.sample(range(size), rng.randint(1, 20))))
            for _ in range(rng.randint(1, 12))
        ]
        compiled = compiled_ranking.rank(postings, size, 60, 15)
        assert compiled == pure_ranking.rank(postings, size, 60, 15), postings
