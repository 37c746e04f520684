"""The compiled name comparison is the pure-Python one, only faster.

`make install` compiles `corridor.screening.names` with mypyc (see NATIVE in the
Makefile). mypyc checks types at run time and does its own arithmetic on unboxed
floats, so the compiled module is compared with its source on real name pairs rather
than trusted to behave alike.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import corridor.screening.names as compiled
from corridor.names.analysis import analyse_name
from tests.names.kz_ru_pairs import PAIRS

SOURCE = Path(compiled.__file__).with_name("names.py")


def test_the_compiled_module_is_in_use_and_current() -> None:
    """Tests and benchmarks run what users run; an edit to the source needs a rebuild."""
    built = Path(compiled.__file__)
    assert built.suffix == ".so", f"{SOURCE} is not compiled: run `make install`"
    assert built.stat().st_mtime >= SOURCE.stat().st_mtime, (
        f"{built.name} is older than {SOURCE.name}: run `make install` to rebuild it"
    )


@pytest.fixture(scope="module")
def pure() -> Iterator[ModuleType]:
    """The module's source loaded as plain Python, beside the compiled one."""
    name = "corridor_names_pure"
    spec = importlib.util.spec_from_file_location(name, SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]


def _pairs(shared: Path) -> list[tuple[str, str]]:
    with (shared / "sanctions/eval/nomenklatura/name_bench_cases.csv").open() as handle:
        bench = [(row["name1"], row["name2"]) for row in csv.DictReader(handle)]
    return bench + [(p.query, p.candidate) for p in PAIRS]


def _outcome(module: ModuleType, a: str, b: str, organisation: bool) -> tuple[object, ...]:
    query = analyse_name(a, None if organisation else True)
    listed = analyse_name(b, None if organisation else True)
    result = module.compare_names(query, listed, organisation=organisation)
    pairs = tuple(tuple(pair) for pair in result.pairs)
    explained = module.explain_names(result)
    return (result.score, pairs, result.unmatched_query, result.unmatched_candidate, explained)


@pytest.mark.parametrize("organisation", [False, True], ids=["person", "organisation"])
def test_compiled_and_pure_compare_alike(
    pure: ModuleType, shared_data: Path, organisation: bool
) -> None:
    pairs = _pairs(shared_data)
    assert len(pairs) > 900
    differ = [
        (a, b)
        for a, b in pairs
        if _outcome(compiled, a, b, organisation) != _outcome(pure, a, b, organisation)
    ]
    assert not differ, differ[:5]
