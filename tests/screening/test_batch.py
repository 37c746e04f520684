"""Batch screening: formats, column mapping, row-level errors, and resume after a crash."""

from __future__ import annotations

import csv
import gc
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from corridor.cli import main
from corridor.errors import CorridorError
from corridor.screening import batch as batch_module
from corridor.screening.batch import iter_output, read_rows, run_batch
from corridor.screening.index import build_index
from corridor.store import open_store
from corridor.store.lists import load_list
from corridor.store.models import Screening

EXAMPLES = Path(__file__).parents[2] / "examples" / "lists"
CUSTOMERS = [
    ("c1", "Нұрлан Болатұлы Қасымов", "Person", "1978-03-12"),
    ("c2", "Steppe Gate Trading TOO", "Company", ""),
    ("c3", "Aigerim Nurlanovna Seitkali", "Person", "1990-01-01"),
    ("c4", "", "Person", ""),
    ("c5", "ПАО Сбербанк", "Company", ""),
]


def write_customers(path: Path, rows: list[tuple[str, str, str, str]] = CUSTOMERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_no", "full_name", "schema", "birth_date"])
        writer.writerows(rows)
    return path


@pytest.fixture
def loaded() -> None:
    store = open_store()
    for name in ("sdn.xml", "kz_afm.xml"):
        load_list(store, EXAMPLES / name)


def test_screen_file_writes_hits_and_row_errors(
    loaded: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_customers(tmp_path / "customers.csv")
    output = tmp_path / "hits.csv"
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "screen",
                "file",
                str(source),
                "-o",
                str(output),
                "--map",
                "customer_no=id",
                "--map",
                "full_name=name",
            ]
        )
    assert stopped.value.code == 0
    assert "5 rows: 5 screened, 0 already done (resumed), 1 row errors" in capsys.readouterr().out
    rows = list(iter_output(output))
    hits = {(r["query_id"], r["entity_id"]) for r in rows if r["match"] == "true"}
    assert ("c1", "kz-afm-780312300126") in hits and ("c1", "ofac-900003") in hits
    assert ("c5", "ofac-900001") in hits
    assert not any(q == "c3" for q, _ in hits)
    [error] = [r for r in rows if r["match"] == "error"]
    assert error["query_id"] == "c4" and "line 5" in error["explanation"]
    kasymov = next(r for r in rows if r["entity_id"] == "ofac-900003")
    assert (
        kasymov["source_ids"] == "ofac:900003"
        and "birth date 1978-03-12 listed" in kasymov["explanation"]
    )
    with open_store().session() as session:
        assert session.query(Screening).filter(Screening.kind == "batch").count() == 4


def test_crash_then_resume_screens_each_row_once(
    loaded: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_customers(tmp_path / "customers.csv")
    output = tmp_path / "hits.csv"
    rows = read_rows(source, {"customer_no": "id", "full_name": "name"})
    index = build_index(open_store())
    monkeypatch.setattr(batch_module, "RECORD_CHUNK", 2)
    real_screen = batch_module.screen
    calls: list[str] = []

    def crash_on_third(*args: object, **kwargs: object) -> object:
        calls.append("x")
        if len(calls) == 3:  # c1, c2 screened and committed; c3 dies
            raise KeyboardInterrupt  # the process dies mid-batch
        return real_screen(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "screen", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        run_batch(index, rows, output, threshold=0.7, top=5, record=lambda items: None)
    done_before = (output.with_name("hits.csv.done")).read_text().splitlines()[1:]
    assert done_before == ["c1", "c2"]  # committed in chunks of 2; c3 was not yet durable

    monkeypatch.setattr(batch_module, "screen", real_screen)
    summary = run_batch(index, rows, output, threshold=0.7, top=5, record=lambda items: None)
    assert (summary.skipped, summary.screened) == (2, 3)
    fresh = tmp_path / "fresh.csv"
    run_batch(index, rows, fresh, threshold=0.7, top=5, record=lambda items: None)
    assert sorted(map(tuple, (r.values() for r in iter_output(output)))) == sorted(
        map(tuple, (r.values() for r in iter_output(fresh)))
    )


def test_xlsx_and_parquet_inputs(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "name", "country"])
    sheet.append(["x1", "Иван Петров", "ru;kz"])
    workbook.save(tmp_path / "in.xlsx")
    [row] = read_rows(tmp_path / "in.xlsx", {})
    assert row.values == {"id": "x1", "name": "Иван Петров", "country": "ru;kz"}
    parquet = tmp_path / "in.parquet"
    duckdb.sql(f"COPY (SELECT 'p1' AS id, 'Sea Wanderer' AS name) TO '{parquet}' (FORMAT parquet)")
    [row] = read_rows(parquet, {})
    assert row.values == {"id": "p1", "name": "Sea Wanderer"}


def test_bad_files_are_user_errors(tmp_path: Path) -> None:
    no_name = tmp_path / "x.csv"
    no_name.write_text("id,full_name\n1,A\n")
    with pytest.raises(CorridorError, match=r"x\.csv: missing column\(s\) name"):
        read_rows(no_name, {})
    broken = tmp_path / "y.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CorridorError, match="not a readable XLSX workbook"):
        read_rows(broken, {})
    bad_encoding = tmp_path / "z.csv"
    bad_encoding.write_bytes("id,name\n1,Иванов\n".encode("cp1251"))
    with pytest.raises(CorridorError, match=r"z\.csv:2: byte 0x"):
        read_rows(bad_encoding, {})


def test_parallel_workers_write_what_one_process_writes(loaded: None, tmp_path: Path) -> None:
    """Worker processes screen; the parent writes in input order: same file either way."""
    many = [(f"k{i}", name, schema, dob) for i in range(120) for _, name, schema, dob in CUSTOMERS]
    source = write_customers(tmp_path / "many.csv", many)
    rows = read_rows(source, {"customer_no": "id", "full_name": "name"})
    assert len(rows) >= batch_module.PARALLEL_MIN_ROWS
    index = build_index(open_store())
    recorded: list[int] = []
    serial = run_batch(
        index,
        rows,
        tmp_path / "serial.csv",
        threshold=0.7,
        top=5,
        record=lambda items: recorded.append(len(items)),
        workers=1,
    )
    parallel = run_batch(
        index,
        rows,
        tmp_path / "parallel.csv",
        threshold=0.7,
        top=5,
        record=lambda items: recorded.append(len(items)),
        workers=2,
    )
    assert (tmp_path / "serial.csv").read_bytes() == (tmp_path / "parallel.csv").read_bytes()
    assert (serial.hits, serial.errors) == (parallel.hits, parallel.errors)
    assert sum(recorded) == 2 * (len(rows) - serial.errors)


def test_screening_makes_no_reference_cycles(loaded: None) -> None:
    """A batch screens with the cyclic collector paused (see `batch._outcomes`): that
    is safe only while a screening, error rows included, leaves no cycle behind."""
    index = build_index(open_store())
    rows = [
        batch_module.InputRow(
            line, {"id": query_id, "name": name, "schema": schema, "birth_date": dob}
        )
        for line, (query_id, name, schema, dob) in enumerate(
            CUSTOMERS * 3 + [("x", "x", "Martian", "")]
        )
    ]
    gc.collect()
    gc.disable()
    try:
        outcomes = [batch_module._screen_row(index, row.values["id"], row, 0.7, 5) for row in rows]
        del outcomes
        assert gc.collect() == 0
    finally:
        gc.enable()
