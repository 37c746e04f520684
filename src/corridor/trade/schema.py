"""The one tidy fact table every trade file is loaded into.

One row is one published figure: what `reporter` says it exported to (or imported from)
`partner` in one period, for one product code, in the file's own currency. Nothing is
converted or summed at load time, so every row can be traced back to `source_file`:`line`;
conversion, aggregation and the choice between overlapping sources happen at query time
(`corridor.trade.query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

#: Column order and types of the fact table (Parquet under ``$CORRIDOR_HOME/trade/facts``).
FACT_SCHEMA = pa.schema(
    [
        ("reporter", pa.string()),  # ISO alpha-2, or an aggregate code such as EU27
        ("reporter_label", pa.string()),  # as written in the file
        ("partner", pa.string()),
        ("partner_label", pa.string()),
        ("partner_kind", pa.string()),  # country | aggregate | unknown
        ("flow", pa.string()),  # export | import | reexport | reimport
        ("basis", pa.string()),  # imports: origin | consignment; '' where the file does not say
        ("year", pa.int16()),
        ("month", pa.int8()),  # null for annual figures
        ("classification", pa.string()),  # CN8 | HS6 | HS4 | HS2 | TOTAL
        ("product_code", pa.string()),  # 'TOTAL' for all goods
        ("value", pa.float64()),  # in `currency` units (thousands already multiplied out)
        ("currency", pa.string()),  # EUR | USD
        ("quantity", pa.float64()),
        ("unit", pa.string()),
        ("source", pa.string()),  # format name, e.g. comext-long, kz-bns, comtrade
        ("source_file", pa.string()),  # file name as loaded
        ("line", pa.int32()),  # line in the source file (1 = header)
        ("rank", pa.int8()),  # 0 = official primary; 1 = official, older extract; 2 = derived
    ]
)

FLOWS = ("export", "import", "reexport", "reimport")
CLASSIFICATIONS = ("CN8", "HS6", "HS4", "HS2", "TOTAL")


@dataclass
class FactRows:
    """Column-wise accumulator of fact rows, turned into an Arrow table at the end."""

    columns: dict[str, list[Any]] = field(
        default_factory=lambda: {name: [] for name in FACT_SCHEMA.names}
    )

    def add(self, **values: Any) -> None:
        for name, column in self.columns.items():
            column.append(values.get(name))

    def __len__(self) -> int:
        return len(self.columns["value"])

    def to_arrow(self) -> pa.Table:
        return pa.table(self.columns, schema=FACT_SCHEMA)


def classification_of(code: str) -> str:
    """CN8 / HS6 / HS4 / HS2 / TOTAL from the shape of a product code."""
    if code.upper() in ("TOTAL", "TOTAL GOODS", "TOTAL_GOODS", ""):
        return "TOTAL"
    return {8: "CN8", 6: "HS6", 4: "HS4", 2: "HS2"}.get(len(code), "")
