"""List versions: loading, atomic activation, idempotence, diffs, export - on both backends."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from corridor.errors import CorridorError
from corridor.store import Store, open_store
from corridor.store import lists as lists_module
from corridor.store.diff import diff_versions
from corridor.store.lists import (
    activate_version,
    active_versions,
    export_record,
    iter_active_entities,
    iter_active_targets,
    load_list,
)
from corridor.store.models import ListEntity, ListVersion
from tests.unxml import V1, V2, write_un


def _count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_load_creates_active_version_with_counts(store: Store, tmp_path: Path) -> None:
    result = load_list(store, write_un(tmp_path / "un.xml", V1))
    assert result.created and result.previous is None
    version = result.version
    assert (version.list_name, version.source, version.status) == ("un_sc", "un", "active")
    assert version.published is not None and version.published.isoformat() == "2026-02-27"
    assert version.target_count == 3
    assert version.schema_counts["Person"] == 3
    assert [v.id for v in active_versions(store)] == [version.id]


def test_same_file_twice_is_not_duplicated(store: Store, tmp_path: Path) -> None:
    path = write_un(tmp_path / "un.xml", V1)
    first = load_list(store, path)
    again = load_list(store, path)
    assert not again.created
    assert again.version.id == first.version.id
    assert _count(store, ListVersion) == 1
    assert _count(store, ListEntity) == first.version.entity_count


def test_new_version_supersedes_and_diff_names_changes(store: Store, tmp_path: Path) -> None:
    old = load_list(store, write_un(tmp_path / "v1.xml", V1)).version
    result = load_list(store, write_un(tmp_path / "v2.xml", V2, "2026-03-01T00:00:00Z"))
    assert result.previous is not None and result.previous.id == old.id
    statuses = {v.id: v.status for v in _versions(store)}
    assert statuses == {old.id: "superseded", result.version.id: "active"}

    diff = diff_versions(store, "un_sc")
    assert [r.record_id for r in diff.added] == ["1000004"]
    assert [r.record_id for r in diff.removed] == ["1000002"]
    changed = {c.entity.record_id: c for c in diff.changed if c.entity.schema == "Person"}
    assert set(changed) == {"1000001"}
    alias_change = [p for p in changed["1000001"].changes if p.prop == "alias"]
    assert alias_change and alias_change[0].added == ["ИВАН ПЕТРОВ"]
    assert alias_change[0].removed == []
    # The reverse diff swaps additions and removals.
    back = diff_versions(store, "un_sc", result.version.id, old.id)
    assert [r.record_id for r in back.added] == ["1000002"]


def test_diff_folds_sanction_changes_into_the_listed_entry(store: Store, tmp_path: Path) -> None:
    load_list(store, write_un(tmp_path / "v1.xml", V1))
    relisted = [replace(e, listed_on="2024-01-15") if e.dataid == "1000003" else e for e in V1]
    load_list(store, write_un(tmp_path / "v2.xml", relisted))
    diff = diff_versions(store, "un_sc")
    assert diff.added == [] and diff.removed == []
    [change] = diff.changed
    assert change.entity.entity_id == "un-1000003" and change.entity.schema == "Person"
    assert [(c.prop, c.added, c.removed) for c in change.changes] == [
        ("Sanction.listingDate", ["2024-01-15"], ["2022-03-01"])
    ]


def test_truncated_file_leaves_previous_version_active(store: Store, tmp_path: Path) -> None:
    good = load_list(store, write_un(tmp_path / "v1.xml", V1)).version
    full = write_un(tmp_path / "v2.xml", V2).read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(full[: len(full) // 2])
    with pytest.raises(CorridorError, match=r"broken\.xml:\d+"):
        load_list(store, broken)
    assert [v.id for v in active_versions(store)] == [good.id]
    assert _count(store, ListVersion) == 1


def test_failure_while_writing_rolls_back_everything(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after some rows are written must leave no trace of the new version."""
    good = load_list(store, write_un(tmp_path / "v1.xml", V1)).version
    entities_before = _count(store, ListEntity)
    real_write = lists_module._write_entities

    def write_then_crash(*args: object, **kwargs: object) -> None:
        real_write(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(lists_module, "_write_entities", write_then_crash)
    with pytest.raises(RuntimeError):
        load_list(store, write_un(tmp_path / "v2.xml", V2))
    assert [v.id for v in active_versions(store)] == [good.id]
    assert _count(store, ListVersion) == 1
    assert _count(store, ListEntity) == entities_before


def test_older_publication_is_stored_but_not_activated(store: Store, tmp_path: Path) -> None:
    new = load_list(store, write_un(tmp_path / "new.xml", V2, "2026-03-01T00:00:00Z")).version
    old = load_list(store, write_un(tmp_path / "old.xml", V1, "2026-01-01T00:00:00Z"))
    assert old.created and not old.activated
    assert old.newer is not None and old.newer.id == new.id
    assert old.version.status == "superseded"
    assert [v.id for v in active_versions(store)] == [new.id]
    # Rolling back is explicit, and loading the newer file again brings it back.
    activate_version(store, old.version.id)
    assert [v.id for v in active_versions(store)] == [old.version.id]
    again = load_list(store, tmp_path / "new.xml")
    assert not again.created and again.previous is not None
    assert [v.id for v in active_versions(store)] == [new.id]


def test_diff_needs_two_versions(store: Store, tmp_path: Path) -> None:
    load_list(store, write_un(tmp_path / "v1.xml", V1))
    with pytest.raises(CorridorError, match="only version"):
        diff_versions(store, "un_sc")
    with pytest.raises(CorridorError, match="no loaded version"):
        diff_versions(store, "eu_fsf")


def test_active_targets_are_the_target_entities_in_order(store: Store, tmp_path: Path) -> None:
    load_list(store, write_un(tmp_path / "v1.xml", V1))
    wanted = [
        (v.id, row.entity_id, row.schema, row.caption, row.record_id, row.properties)
        for v, row in iter_active_entities(store)
        if row.target
    ]
    found = [(v.id, *row) for v, row in iter_active_targets(store)]
    assert found == wanted and len(found) == 3


def test_export_carries_provenance(store: Store, tmp_path: Path) -> None:
    version = load_list(store, write_un(tmp_path / "v1.xml", V1)).version
    records = [export_record(v, row) for v, row in iter_active_entities(store)]
    person = next(r for r in records if r["id"] == "un-1000001")
    assert person["schema"] == "Person" and person["target"] is True
    assert person["provenance"] == {
        "source": "un",
        "list": "un_sc",
        "version": version.id,
        "published": "2026-02-27",
        "record_id": "1000001",
        "sha256": version.sha256,
    }
    assert "IVAN PETROFF" in person["properties"]["alias"]


def test_reopening_the_store_keeps_data_and_schema(store: Store, tmp_path: Path) -> None:
    load_list(store, write_un(tmp_path / "v1.xml", V1))
    url = store.engine.url.render_as_string(hide_password=False)
    reopened = open_store(url)
    assert len(active_versions(reopened)) == 1
    reopened.close()


def _versions(store: Store) -> list[ListVersion]:
    with store.session() as session:
        return list(session.scalars(select(ListVersion)))
