"""``corridor goods`` and ``corridor shipments``: goods codes, descriptions, shipment risk."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from corridor.cli.render import console
from corridor.goods.check import check_code
from corridor.goods.describe import get_describer
from corridor.goods.reference import (
    activate_reference,
    active_version,
    get_reference,
    load_reference,
    reference_versions,
)
from corridor.goods.risk import Assessment, RiskScorer, require_index
from corridor.goods.rules import load_rules
from corridor.goods.shipments import read_shipments
from corridor.screening.index import load_index
from corridor.settings import get_settings
from corridor.store import open_store

goods_app = typer.Typer(
    help="Goods codes and descriptions against the CHPL and EU 833/2014.", no_args_is_help=True
)
shipments_app = typer.Typer(
    help="Score shipments and payments on the transshipment red flags.", no_args_is_help=True
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@goods_app.command("load-reference")
def load_reference_cmd(
    path: Annotated[Path, typer.Argument(help="Folder in the trade data layout (chpl.csv, ...).")],
) -> None:
    """Load CHPL, EU lists and HS texts as a new reference version and activate it."""
    result = load_reference(path)
    ref = result.reference
    state = "stored" if result.created else "identical version already stored"
    console.print(
        f"goods reference {ref.version} ({state}), active: {len(ref.chpl)} CHPL codes, "
        f"{len(ref.eu_hs6):,} EU HS6 codes, {len(ref.eu_cn8):,} EU CN codes, "
        f"{len(ref.hs):,} HS texts" + (f"; replaces {result.previous}" if result.previous else ""),
        soft_wrap=True,
    )


@goods_app.command("reference")
def reference_cmd(
    activate: Annotated[
        str | None, typer.Option(help="Make this stored version the active one.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the stored reference versions (or activate one)."""
    if activate:
        activate_reference(activate)
    active = active_version()
    rows = [
        {
            "version": r.version,
            "active": r.version == active,
            "loaded_at": r.loaded_at,
            "files": {k: v["sha256"][:12] for k, v in r.files.items()},
        }
        for r in reference_versions()
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        console.print(f"{mark} {row['version']}  {row['loaded_at']}", soft_wrap=True)


@goods_app.command("check")
def check(
    codes: Annotated[list[str], typer.Argument(help="HS 4/6, CN 8, TN VED or HTS 10 digits.")],
    as_json: JsonOpt = False,
) -> None:
    """Description, CHPL tier and EU 833/2014 coverage of each code."""
    reference = get_reference()
    results = [check_code(reference, code) for code in codes]
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Goods codes (reference {reference.version})")
    for column in ("code", "HS6", "description", "CHPL", "EU 833/2014", "caveats"):
        table.add_column(column)
    for r in results:
        d = r.to_dict()
        eu = "; ".join(d["eu_categories"]) or ("yes" if r.eu_listed else "no")
        if r.eu_listed and r.eu_date:
            eu += f" (since {r.eu_date})"
        table.add_row(
            r.code.raw,
            r.hs6 or "-",
            (r.description or "?")[:90],
            r.chpl_tier or "-",
            eu,
            "\n".join(r.caveats),
        )
    console.print(table)


@goods_app.command("find")
def find(
    description: Annotated[str, typer.Argument(help="Goods as written, English or Russian.")],
    top: Annotated[int, typer.Option(min=1, max=50)] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Ranked HS6 suggestions for a goods description, with the CHPL tier of each."""
    suggestions = get_describer(get_reference()).suggest(description, top)
    if as_json:
        typer.echo(json.dumps([s.to_dict() for s in suggestions], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"HS6 suggestions for {description!r}")
    for column in ("rank", "HS6", "score", "CHPL", "description", "why"):
        table.add_column(column)
    for rank, s in enumerate(suggestions, start=1):
        table.add_row(
            str(rank),
            s.hs6,
            f"{s.score:.2f}",
            s.chpl_tier or "-",
            s.description[:80],
            "; ".join(s.why[:2]),
        )
    console.print(table)


OUTPUT_COLUMNS = ("id", "level", "score", "rules", "reasons")


@shipments_app.command("check")
def shipments_check(
    path: Annotated[Path, typer.Argument(help="Shipments as JSON, JSON lines or CSV.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write results (.json or .csv).")
    ] = None,
    rules_path: Annotated[
        Path | None, typer.Option("--rules", help="Rules YAML (default: the packaged one).")
    ] = None,
    no_screening: Annotated[
        bool, typer.Option("--no-screening", help="Do not screen parties against the lists.")
    ] = False,
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Risk level, score and every reason (with evidence and source) per shipment."""
    rules = load_rules(rules_path)
    reference = get_reference()
    shipments = read_shipments(path)
    index = None if no_screening else require_index(load_index(open_store()))
    cut = get_settings().threshold if threshold is None else threshold
    results = RiskScorer(rules, reference, index, cut).score_batch(shipments)
    if output is not None:
        write_results(results, output)
        console.print(f"Wrote {len(results):,} assessments to {output}")
    if as_json:
        typer.echo(json.dumps([a.to_dict() for a in results], indent=2, ensure_ascii=False))
    elif output is None:
        show_results(results)


def write_results(results: list[Assessment], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        if output.suffix.lower() == ".json":
            json.dump([a.to_dict() for a in results], handle, indent=2, ensure_ascii=False)
        else:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for a in results:
                reasons = " | ".join(
                    f"{r.rule} (+{r.weight:g}): {'; '.join(r.evidence)} [{r.source}]"
                    for r in a.reasons
                )
                writer.writerow([a.shipment_id, a.level, a.score, ";".join(a.rules), reasons])
    partial.replace(output)


def show_results(results: list[Assessment]) -> None:
    for a in results:
        console.print(
            f"[bold]{escape(a.shipment_id)}[/bold]: {a.level.upper()} (score {a.score:g})"
        )
        for r in a.reasons:
            # markup off: evidence holds "[ofac:36427]", which Rich would read as a tag
            line = f"  +{r.weight:g} {r.rule}: {'; '.join(r.evidence)}"
            console.print(line, soft_wrap=True, markup=False)
            console.print(f"      source: {r.source}", soft_wrap=True, markup=False)
