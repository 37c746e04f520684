"""Currency conversion between EUR (Eurostat) and USD (national offices, Comtrade).

Figures are converted period by period: a monthly figure at that month's average rate, an
annual figure at the annual average (what Eurostat and the ECB publish as "annual average";
converting an annual total at a single year-end rate would bias years with a trend in the
euro, such as 2022). The default table is ``data/ecb_eur_usd.csv`` (ECB reference rates);
a user table with the same two columns replaces it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corridor.errors import CorridorError

CURRENCIES = ("EUR", "USD")
DEFAULT_RATES = "ecb_eur_usd.csv"


@dataclass(frozen=True)
class Rates:
    """USD per EUR by period ('2021' or '2021-03'), and where they came from."""

    usd_per_eur: dict[str, float]
    origin: str

    def rate(self, year: int, month: int | None) -> float:
        key = f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"
        if key in self.usd_per_eur:
            return self.usd_per_eur[key]
        raise CorridorError(
            f"{self.origin}: no EUR/USD rate for {key}; add a row '{key},<USD per EUR>' "
            "or pass --rates FILE"
        )

    def factor(self, currency: str, target: str, year: int, month: int | None) -> float:
        """Multiply a value in `currency` by this to get `target`."""
        if currency == target:
            return 1.0
        if (currency, target) == ("EUR", "USD"):
            return self.rate(year, month)
        if (currency, target) == ("USD", "EUR"):
            return 1.0 / self.rate(year, month)
        raise CorridorError(f"cannot convert {currency} to {target}: only EUR and USD are known")


def _parse(lines: list[str], origin: str) -> Rates:
    table: dict[str, float] = {}
    data = [
        (n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")
    ]
    if not data:
        raise CorridorError(f"{origin}: empty rates table")
    reader = csv.reader([line for _, line in data])
    header = next(reader)
    if [h.strip() for h in header[:2]] != ["period", "usd_per_eur"]:
        raise CorridorError.at(
            origin,
            f"expected header 'period,usd_per_eur', got {','.join(header)!r}",
            line=data[0][0],
        )
    for (line, _), row in zip(data[1:], reader, strict=True):
        if len(row) < 2:
            raise CorridorError.at(origin, "expected 'period,usd_per_eur'", line=line)
        period, text = row[0].strip(), row[1].strip()
        if not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", period):
            raise CorridorError.at(
                origin, f"column 'period': expected YYYY or YYYY-MM, got {period!r}", line=line
            )
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not value > 0:
            raise CorridorError.at(
                origin,
                f"column 'usd_per_eur': expected a positive number, got {text!r}",
                line=line,
            )
        table[period] = value
    return Rates(table, origin)


def load_rates(path: Path | None = None) -> Rates:
    """The user's rates table, or the shipped ECB table."""
    if path is None:
        text = resources.files("corridor.trade").joinpath("data", DEFAULT_RATES).read_text("utf-8")
        return _parse(text.splitlines(), f"corridor/trade/data/{DEFAULT_RATES}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorridorError(f"{path}: cannot read rates table: {exc}") from exc
    return _parse(text.splitlines(), str(path))
