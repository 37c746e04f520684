"""Goods codes as they appear on declarations, invoices and payments, reduced to HS6.

HS headings (4 digits) and subheadings (6) are international; the EU Combined
Nomenclature adds two digits (CN8), the EAEU TN VED and the US HTS add four (10). The
first six digits of all of them are the HS subheading, which is what the Common High
Priority List and most control lists speak in, so every code is keyed by its HS6 while
the longer code is kept (the EU CN8 list needs it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corridor.errors import CorridorError

#: Separators people write inside codes: "8542.31", "8542 31 00", "8542.31.0000", "8542-31".
_SEPARATORS = re.compile(r"[\s.\-/]")
#: Length of the digits -> the code systems of that length.
SYSTEMS = {
    2: "HS chapter",
    4: "HS heading",
    6: "HS subheading",
    8: "EU CN",
    10: "EAEU TN VED / US HTS",
}


@dataclass(frozen=True)
class GoodsCode:
    """One goods code: what was written, its digits, its system and its HS6 (if any)."""

    raw: str
    digits: str
    system: str

    @property
    def hs6(self) -> str | None:
        """The HS subheading, or None for a chapter or heading (4 digits say too little)."""
        return self.digits[:6] if len(self.digits) >= 6 else None

    @property
    def hs4(self) -> str:
        return self.digits[:4]

    @property
    def chapter(self) -> str:
        return self.digits[:2]

    @property
    def cn8(self) -> str | None:
        return self.digits[:8] if len(self.digits) >= 8 else None


@lru_cache(maxsize=65536)
def parse_code(text: str) -> GoodsCode:
    """Parse one goods code; raise `CorridorError` saying what was expected."""
    raw = text.strip()
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or not digits.isascii():
        raise CorridorError(f"goods code {text!r} is not a number; expected HS, CN, TN VED or HTS")
    if len(digits) not in SYSTEMS:
        raise CorridorError(
            f"goods code {text!r} has {len(digits)} digits; expected 4 or 6 (HS), "
            "8 (EU CN) or 10 (EAEU TN VED, US HTS)"
        )
    if digits.startswith("00"):
        # 98 and 99 stay allowed: national chapters (US HTS 98/99, Comtrade 9999).
        raise CorridorError(f"goods code {text!r}: HS chapters run from 01")
    return GoodsCode(raw=raw, digits=digits, system=SYSTEMS[len(digits)])
