"""The audit log: chained hashes, tamper detection, CLI verify/export, users CLI."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from corridor.cases.audit import GENESIS, record, verify_chain
from corridor.cli import app
from corridor.store import open_store


def _fill(count: int) -> None:
    store = open_store()
    for n in range(count):
        record(
            store,
            actor="test",
            action="test.event",
            subject=f"thing:{n}",
            details={"n": n, "ä": [1.5, None]},
        )
    store.close()


def test_chain_links_each_entry_to_the_one_before() -> None:
    _fill(3)
    store = open_store()
    verdict = verify_chain(store)
    assert verdict.ok and verdict.entries == 3
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq")).all()
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert verdict.head == rows[-1].hash


@pytest.mark.parametrize(
    ("edit", "broken", "reason"),
    [
        ("UPDATE audit_log SET details = '{\"n\": 99}' WHERE seq = 2", 2, "content"),
        ("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3", 3, "content"),
        ("DELETE FROM audit_log WHERE seq = 2", 3, "missing"),
        ("UPDATE audit_log SET prev_hash = hash WHERE seq = 4", 4, "prev_hash"),
    ],
)
def test_editing_a_row_by_hand_breaks_verify(edit: str, broken: int, reason: str) -> None:
    _fill(5)
    store = open_store()
    with store.engine.begin() as conn:
        conn.execute(text(edit))
    verdict = verify_chain(store)
    assert not verdict.ok
    assert verdict.broken_seq == broken and reason in verdict.reason
    result = CliRunner().invoke(app, ["audit", "verify"], standalone_mode=False)
    # The CLI raises CorridorError, which `main` prints on one line and exits 2 with.
    assert isinstance(result.exception, Exception)
    assert f"broken at entry {broken}" in str(result.exception)


def test_cli_verify_exit_codes_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from corridor.cli import main

    _fill(2)
    with pytest.raises(SystemExit) as ok:
        main(["audit", "verify"])
    assert ok.value.code == 0
    assert "intact: 2 entries" in capsys.readouterr().out
    out = tmp_path / "audit.jsonl"
    with pytest.raises(SystemExit):
        main(["audit", "export", "-o", str(out)])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in lines] == [1, 2]
    assert lines[1]["prev_hash"] == lines[0]["hash"] and lines[0]["details"]["ä"] == [1.5, None]
    store = open_store()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET subject = 'thing:7' WHERE seq = 1"))
    with pytest.raises(SystemExit) as broken:
        main(["audit", "verify"])
    assert broken.value.code == 2
    assert "audit log broken at entry 1" in capsys.readouterr().err


def test_concurrent_appends_on_sqlite_keep_the_chain() -> None:
    store = open_store()  # one engine: its pool hands each thread its own connection

    def worker(n: int) -> None:
        for i in range(20):
            record(store, actor=f"t{n}", action="test.event", subject=f"{n}:{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = verify_chain(store)
    assert verdict.ok and verdict.entries == 80


def test_users_cli_add_list_revoke_and_audit(capsys: pytest.CaptureFixture[str]) -> None:
    from corridor.api.keys import authenticate
    from corridor.cli import main

    with pytest.raises(SystemExit) as added:
        main(["users", "add", "gateway", "--role", "analyst"])
    assert added.value.code == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("cor_") and len(key) > 40
    store = open_store()
    user = authenticate(store, key)
    assert user is not None and user.role == "analyst"
    with pytest.raises(SystemExit) as twice:
        main(["users", "add", "gateway"])
    assert twice.value.code == 2 and "exists" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad_role:
        main(["users", "add", "other", "--role", "root"])
    assert bad_role.value.code == 2
    with pytest.raises(SystemExit):
        main(["users", "list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["name"] == "gateway" and listed[0]["revoked"] is False
    assert key not in json.dumps(listed)
    with pytest.raises(SystemExit) as revoked:
        main(["users", "revoke", "gateway"])
    assert revoked.value.code == 0
    assert authenticate(store, key) is None
    with store.engine.connect() as conn:
        actions = conn.execute(text("SELECT action, subject FROM audit_log ORDER BY seq")).all()
    assert [tuple(a) for a in actions] == [
        ("user.add", "user:gateway"),
        ("user.revoke", "user:gateway"),
    ]
    assert verify_chain(store).ok


def test_cli_list_load_and_screen_are_audited(fixtures: Path) -> None:
    from corridor.cli import main

    with pytest.raises(SystemExit):
        main(["lists", "load", str(fixtures / "kz_afm" / "afm_sample.xml")])
    with pytest.raises(SystemExit):
        main(["lists", "activate", "1"])
    with pytest.raises(SystemExit):
        main(["screen", "name", "Иванов Петр Сергеевич", "--json"])
    store = open_store()
    with store.engine.connect() as conn:
        actions = [
            r.action for r in conn.execute(text("SELECT action FROM audit_log ORDER BY seq"))
        ]
    assert actions == ["list.load", "list.activate", "screening"]
    assert verify_chain(store).ok
