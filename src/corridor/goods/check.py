"""What the reference data says about one goods code: description, CHPL tier, EU coverage.

An HS code match is a pointer, not a verdict (BIS, Supplements 2, 4, 5 to 15 CFR 746):
the written control text decides, so every answer carries its caveats, including the
HS-version one (six CHPL subheadings exist only from HS 2022; the EU HS6 coding uses HS
2017, so each side is looked up under the other's code too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corridor.goods.codes import GoodsCode, parse_code
from corridor.goods.reference import CHPL_TIERS, EU_CATEGORIES, Reference

CHPL_SOURCE = "BIS Common High Priority List, 23 Feb 2024"
EU_SOURCE = "EU Reg. 833/2014 (EBRD HS6 coding; CN8 codes as consolidated 7 Oct 2022)"


@dataclass
class CodeCheck:
    """The answer for one code."""

    code: GoodsCode
    hs6: str | None
    description: str | None
    chpl_tier: str | None
    chpl_code: str | None
    eu_listed: bool
    eu_date: str | None
    eu_categories: list[str]
    eu_cn8: list[str]
    caveats: list[str] = field(default_factory=list)
    reference_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.code.raw,
            "digits": self.code.digits,
            "system": self.code.system,
            "hs6": self.hs6,
            "description": self.description,
            "chpl_tier": self.chpl_tier,
            "chpl_code": self.chpl_code,
            "eu_833_2014": self.eu_listed,
            "eu_date": self.eu_date,
            "eu_categories": [EU_CATEGORIES[c] for c in self.eu_categories],
            "eu_cn8": self.eu_cn8,
            "caveats": self.caveats,
            "reference_version": self.reference_version,
        }


def tier_rank(tier: str | None) -> int:
    """1 is the highest priority; None ranks after every tier."""
    return CHPL_TIERS.index(tier) if tier in CHPL_TIERS else len(CHPL_TIERS)


def check_code(reference: Reference, code: GoodsCode | str) -> CodeCheck:
    """Describe ``code`` from ``reference``."""
    if isinstance(code, str):
        code = parse_code(code)
    caveats: list[str] = []
    hs6 = code.hs6
    if hs6 is None:
        return _check_heading(reference, code)
    description = reference.hs.get(hs6)
    chpl_code, tier = (hs6, reference.chpl[hs6]["tier"]) if hs6 in reference.chpl else (None, None)
    newer = reference.successors.get(hs6, [])
    older = reference.predecessors.get(hs6, [])
    if newer:
        listed = [c for c in newer if c in reference.chpl]
        caveats.append(
            f"{hs6} is an HS 2017 code; in HS 2022 it became {', '.join(newer)}"
            + (f" (CHPL: {', '.join(listed)})" if listed else "")
        )
        if description is None:
            description = "; ".join(f"{c}: {reference.hs.get(c, '?')}" for c in newer)
        if tier is None and listed:
            chpl_code = min(listed, key=lambda c: tier_rank(reference.chpl[c]["tier"]))
            tier = reference.chpl[chpl_code]["tier"]
            if len(newer) > 1:
                caveats.append(
                    f"only part of {hs6} is on the CHPL ({', '.join(listed)}): "
                    "check which HS 2022 subheading the goods fall under"
                )
    if older:
        caveats.append(f"{hs6} exists from HS 2022; its HS 2017 code was {', '.join(older)}")
    if description is None:
        caveats.append(f"{hs6} is not in the HS 2022 nomenclature loaded")
    eu = reference.eu_hs6.get(hs6)
    if eu is None:
        for old in older:
            if old in reference.eu_hs6:
                eu = reference.eu_hs6[old]
                caveats.append(f"EU coverage found under the HS 2017 code {old}")
                break
    eu_cn8 = list(reference.cn8_under(hs6))
    eu_listed = eu is not None
    if not eu_listed and eu_cn8:
        eu_listed = True
        caveats.append(
            f"not in the EU HS6 coding, but {len(eu_cn8)} CN8 code(s) under it are named "
            "in the Reg. 833/2014 annexes"
        )
    if code.cn8 is not None and len(code.digits) >= 8:
        in_cn8 = code.cn8 in reference.eu_cn8 or code.hs4 in reference.eu_cn8
        if in_cn8 and not eu_listed:
            eu_listed = True
            caveats.append(f"CN {code.cn8} is named in the Reg. 833/2014 annexes")
        elif eu_listed and eu_cn8 and not in_cn8:
            caveats.append(
                f"HS {hs6} is covered, but CN {code.cn8} is not among its "
                f"{len(eu_cn8)} listed CN8 codes: check the annex text"
            )
    if eu and eu.get("partially_exempt"):
        caveats.append("the EU measure on this subheading has partial exemptions")
    if tier is not None:
        caveats.append("an HS match is a pointer, not a verdict: the control text decides")
    return CodeCheck(
        code=code,
        hs6=hs6,
        description=description,
        chpl_tier=tier,
        chpl_code=chpl_code,
        eu_listed=eu_listed,
        eu_date=eu["date"] if eu else None,
        eu_categories=list(eu["categories"]) if eu else [],
        eu_cn8=eu_cn8,
        caveats=caveats,
        reference_version=reference.version,
    )


def _check_heading(reference: Reference, code: GoodsCode) -> CodeCheck:
    """A heading or chapter: say which of its subheadings are listed."""
    prefix = code.digits
    chpl = sorted(c for c in reference.chpl if c.startswith(prefix))
    eu = sorted(c for c in reference.eu_hs6 if c.startswith(prefix))
    caveats = [f"{code.system} {prefix}: give six digits or more for a definite answer"]
    if chpl:
        caveats.append(f"CHPL subheadings under it: {', '.join(chpl)}")
    if eu:
        caveats.append(f"{len(eu)} of its subheadings are covered by Reg. 833/2014")
    best = min(chpl, key=lambda c: tier_rank(reference.chpl[c]["tier"])) if chpl else None
    return CodeCheck(
        code=code,
        hs6=None,
        description=reference.hs.get(prefix),
        chpl_tier=reference.chpl[best]["tier"] if best else None,
        chpl_code=best,
        eu_listed=bool(eu),
        eu_date=None,
        eu_categories=[],
        eu_cn8=[],
        caveats=caveats,
        reference_version=reference.version,
    )
