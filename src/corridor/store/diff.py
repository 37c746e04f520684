"""What changed between two versions of a list: the input to re-screening.

Entities are compared by id (stable per published record, see
`corridor.sources.base.entity_id`) and, when present in both, by fingerprint; only the
entities whose fingerprints differ are loaded to say which properties changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from corridor.errors import CorridorError
from corridor.store.db import Store
from corridor.store.models import ActiveList, ListEntity, ListVersion


@dataclass(frozen=True)
class EntityRef:
    """An entity named in a diff."""

    entity_id: str
    schema: str
    caption: str
    record_id: str


@dataclass(frozen=True)
class PropertyChange:
    """Values of one property that appeared and disappeared."""

    prop: str
    added: list[str]
    removed: list[str]


@dataclass(frozen=True)
class EntityChange:
    """An entity present in both versions whose properties differ."""

    entity: EntityRef
    changes: list[PropertyChange]


@dataclass
class ListDiff:
    """Differences between version ``old`` and version ``new`` of one list."""

    list_name: str
    old: ListVersion
    new: ListVersion
    added: list[EntityRef] = field(default_factory=list)
    removed: list[EntityRef] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (``corridor lists diff --json``)."""

        def version(v: ListVersion) -> dict[str, Any]:
            return {"id": v.id, "published": v.published.isoformat() if v.published else None}

        def ref(r: EntityRef) -> dict[str, str]:
            return {
                "id": r.entity_id,
                "schema": r.schema,
                "caption": r.caption,
                "record_id": r.record_id,
            }

        return {
            "list": self.list_name,
            "from": version(self.old),
            "to": version(self.new),
            "added": [ref(r) for r in self.added],
            "removed": [ref(r) for r in self.removed],
            "changed": [
                {
                    **ref(c.entity),
                    "changes": [
                        {"property": p.prop, "added": p.added, "removed": p.removed}
                        for p in c.changes
                    ],
                }
                for c in self.changed
            ],
        }


def property_changes(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[PropertyChange]:
    """Per property, the values only in ``new`` (added) and only in ``old`` (removed)."""
    changes = []
    for prop in sorted(set(old) | set(new)):
        before, after = set(old.get(prop, [])), set(new.get(prop, []))
        if before != after:
            changes.append(PropertyChange(prop, sorted(after - before), sorted(before - after)))
    return changes


def resolve_versions(
    store: Store, list_name: str, old_id: int | None, new_id: int | None
) -> tuple[ListVersion, ListVersion]:
    """The two versions to compare: by default the active one and the one loaded before it."""
    with store.session() as session:
        versions = {
            v.id: v
            for v in session.scalars(select(ListVersion).where(ListVersion.list_name == list_name))
        }
        if not versions:
            raise CorridorError(
                f"list {list_name!r} has no loaded version; see `corridor lists status`"
            )
        if new_id is None:
            pointer = session.get(ActiveList, list_name)
            new_id = pointer.version_id if pointer else max(versions)
        if old_id is None:
            earlier = [v for v in versions if v < new_id]
            if not earlier:
                raise CorridorError(
                    f"list {list_name!r} has only version {new_id} to compare; "
                    "load another version first"
                )
            old_id = max(earlier)
        for name, vid in (("--from", old_id), ("--to", new_id)):
            if vid not in versions:
                known = ", ".join(str(v) for v in sorted(versions))
                raise CorridorError(
                    f"{name} {vid} is not a version of {list_name}; its versions are {known}"
                )
        return versions[old_id], versions[new_id]


def diff_versions(
    store: Store, list_name: str, old_id: int | None = None, new_id: int | None = None
) -> ListDiff:
    """Compare two versions of ``list_name`` (default: previous vs active)."""
    old, new = resolve_versions(store, list_name, old_id, new_id)
    result = ListDiff(list_name=list_name, old=old, new=new)
    with store.session() as session:
        before = _index(session, old.id)
        after = _index(session, new.id)
        result.added = sorted((after[k][0] for k in after.keys() - before.keys()), key=_order)
        result.removed = sorted((before[k][0] for k in before.keys() - after.keys()), key=_order)
        changed_ids = sorted(k for k in before.keys() & after.keys() if before[k][1] != after[k][1])
        old_props = _properties(session, old.id, changed_ids)
        new_props = _properties(session, new.id, changed_ids)
        result.changed = [
            EntityChange(after[k][0], property_changes(old_props[k], new_props[k]))
            for k in changed_ids
        ]
    return result


def _order(ref: EntityRef) -> tuple[str, str]:
    return (ref.schema, ref.entity_id)


def _index(session: Any, version_id: int) -> dict[str, tuple[EntityRef, str]]:
    rows = session.execute(
        select(
            ListEntity.entity_id,
            ListEntity.schema,
            ListEntity.caption,
            ListEntity.record_id,
            ListEntity.fingerprint,
        ).where(ListEntity.version_id == version_id)
    )
    return {r[0]: (EntityRef(r[0], r[1], r[2], r[3]), r[4]) for r in rows}


def _properties(session: Any, version_id: int, ids: list[str]) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(ListEntity.entity_id, ListEntity.properties).where(
                ListEntity.version_id == version_id, ListEntity.entity_id.in_(chunk)
            )
        )
        found.update({r[0]: r[1] for r in rows})
    return found
