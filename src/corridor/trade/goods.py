"""Goods baskets: which fact rows count as "chpl", "eu-sanctioned", "8542,8471" or "all".

A basket becomes a SQL predicate over the fact table. The rules that keep sums honest:

- ``all`` is the TOTAL rows (every office publishes its own total), plus the HS6 rows of
  sources known to cover every HS6 flow (BACI), which have no TOTAL row.
- HS6 lists match HS6 rows and CN8 rows rolled up to their first six digits (the CN is the
  HS plus two digits, so a CN8 code lies in exactly one HS6 subheading).
- An HS6 list in HS 2022 (the CHPL) also matches the HS 2017 predecessors of its six changed
  codes in data of 2021 and earlier, and an HS 2017 list (the EBRD EU list) their HS 2022
  successors from 2022 (`corridor.trade.reference.HS2022_FROM_HS2017`).
- ``eu-sanctioned`` matches CN8 rows against the CN8 codes of the Reg. 833/2014 annexes and
  HS6 rows against the EBRD HS6 coding of the same regulation.
- A list of user codes (2, 4, 6 or 8 digits) matches rows at or below each code; within one
  source file only the most detailed level present is summed, so the Armenian Comtrade file
  that holds HS 8703 and its HS6 subheadings, or the Comext file that holds HS4 headings
  beside their CN8 codes, is never counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from corridor.errors import CorridorError
from corridor.trade.reference import HS2022_FIRST_YEAR, HS2022_FROM_HS2017

#: Sources whose HS6 rows cover all goods (CEPII BACI reconciles every HS6 flow).
COMPLETE_HS6_SOURCES = ("baci",)

CHPL_TIERS = ("1", "2", "3", "3.A", "3.B", "4", "4.A", "4.B")


@dataclass(frozen=True)
class Basket:
    """A resolved goods basket."""

    name: str
    total: bool = False
    hs6_pre: frozenset[str] = field(default_factory=frozenset)  # matched in HS 2017 years
    hs6_post: frozenset[str] = field(default_factory=frozenset)  # matched from 2022
    cn8: frozenset[str] | None = None  # CN8 rows match this list instead of the HS6 roll-up
    prefixes: tuple[str, ...] = ()  # user codes

    @property
    def hs6_all(self) -> frozenset[str]:
        return self.hs6_pre | self.hs6_post


def bridge(codes: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(codes to look for before 2022, codes to look for from 2022)."""
    successors: dict[str, set[str]] = {}
    for new, old in HS2022_FROM_HS2017.items():
        successors.setdefault(old, set()).add(new)
    pre = set(codes) | {HS2022_FROM_HS2017[c] for c in codes if c in HS2022_FROM_HS2017}
    post = set(codes) | {n for c in codes for n in successors.get(c, ())}
    return frozenset(pre), frozenset(post)


def _reference(con: duckdb.DuckDBPyConnection, name: str, tier: str | None = None) -> set[str]:
    try:
        if tier is None:
            rows = con.execute("SELECT code FROM ref WHERE list = ?", [name]).fetchall()
        else:
            rows = con.execute(
                "SELECT code FROM ref WHERE list = ? AND (tier = ? OR tier LIKE ? || '.%')",
                [name, tier, tier],
            ).fetchall()
    except duckdb.CatalogException:
        rows = []
    return {r[0] for r in rows}


LOAD_HINT = {
    "chpl": "chpl.csv",
    "eu-sanctioned-hs6": "sanctions_lists/ebrd_EU_sanctions_HS6.csv",
    "eu-sanctioned-cn8": "eurostat_comext__vzemlys_ruimpeks/export_sanctions_codes_cn8.csv",
}


def resolve_basket(con: duckdb.DuckDBPyConnection, spec: str) -> Basket:
    """Turn a ``--goods`` value into a basket (reads the loaded goods lists)."""
    text = spec.strip()
    key = text.casefold()
    if key in ("all", "total"):
        return Basket("all", total=True)
    if key == "chpl" or key.startswith("chpl:"):
        tier = text.split(":", 1)[1].strip().upper() if ":" in text else None
        if tier is not None and tier not in CHPL_TIERS:
            raise CorridorError(
                f"--goods {spec}: unknown CHPL tier {tier!r}; tiers: {', '.join(CHPL_TIERS)}"
            )
        codes = _reference(con, "chpl", tier)
        if not codes:
            raise CorridorError(
                f"--goods {spec}: no CHPL list loaded; run `corridor trade load "
                f"../shared/data/trade/{LOAD_HINT['chpl']}`"
            )
        pre, post = bridge(codes)
        return Basket(text.lower(), hs6_pre=pre, hs6_post=post)
    if key == "eu-sanctioned":
        hs6 = _reference(con, "eu-sanctioned-hs6")
        cn8 = _reference(con, "eu-sanctioned-cn8")
        if not hs6 and not cn8:
            raise CorridorError(
                f"--goods {spec}: no EU sanctions list loaded; load "
                f"{LOAD_HINT['eu-sanctioned-cn8']} and/or {LOAD_HINT['eu-sanctioned-hs6']}"
            )
        pre, post = bridge(hs6)
        return Basket("eu-sanctioned", hs6_pre=pre, hs6_post=post, cn8=frozenset(cn8))
    user = [c.strip() for c in text.split(",") if c.strip()]
    bad = [c for c in user if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{8}", c)]
    if not user or bad:
        raise CorridorError(
            f"--goods {spec}: expected all, chpl, chpl:TIER, eu-sanctioned or HS/CN codes of "
            f"2, 4, 6 or 8 digits separated by commas; bad: {', '.join(bad) or spec!r}"
        )
    six = {c for c in user if len(c) == 6}
    pre, post = bridge(six)
    extra = tuple(sorted((pre | post) - six))
    return Basket(",".join(user), prefixes=tuple(user) + extra)


def register(con: duckdb.DuckDBPyConnection, basket: Basket) -> None:
    """Create the small code tables the predicate joins against."""
    con.execute("CREATE OR REPLACE TEMP TABLE b_pre (code VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE b_post (code VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE b_cn8 (code VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE b_prefix (code VARCHAR)")
    for table, codes in (
        ("b_pre", basket.hs6_pre),
        ("b_post", basket.hs6_post),
        ("b_cn8", basket.cn8 or ()),
        ("b_prefix", basket.prefixes),
    ):
        if codes:
            con.execute(f"INSERT INTO {table} SELECT unnest(?)", [sorted(codes)])


def predicate(basket: Basket, alias: str = "f") -> str:
    """SQL boolean over fact rows `alias` (after `register`)."""
    f = alias
    if basket.total:
        complete = ", ".join(f"'{s}'" for s in COMPLETE_HS6_SOURCES)
        return (
            f"({f}.classification = 'TOTAL' OR "
            f"({f}.classification = 'HS6' AND {f}.source IN ({complete})))"
        )
    if basket.prefixes:
        return (
            f"EXISTS (SELECT 1 FROM b_prefix b WHERE starts_with({f}.product_code, b.code)) "
            f"AND {f}.classification <> 'TOTAL'"
        )
    hs6_match = (
        f"((({f}.year < {HS2022_FIRST_YEAR}) AND substr({f}.product_code, 1, 6) IN "
        f"(SELECT code FROM b_pre)) OR (({f}.year >= {HS2022_FIRST_YEAR}) AND "
        f"substr({f}.product_code, 1, 6) IN (SELECT code FROM b_post)))"
    )
    if basket.cn8 is not None:
        cn8 = f"({f}.classification = 'CN8' AND {f}.product_code IN (SELECT code FROM b_cn8))"
    else:
        cn8 = f"({f}.classification = 'CN8' AND {hs6_match})"
    return f"({cn8} OR ({f}.classification = 'HS6' AND {hs6_match}))"


def needs_level_rule(basket: Basket) -> bool:
    """User code lists can match several levels of one file; lists of HS6/CN8 cannot."""
    return bool(basket.prefixes)
