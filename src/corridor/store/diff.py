"""What changed between two versions of a list: the input to re-screening.

Entities are compared by id (stable per published record, see
`corridor.sources.base.entity_id`) and, when present in both, by fingerprint; only the
entities whose fingerprints differ are loaded to say which properties changed.

A diff speaks in list entries: the ``Sanction`` (or other non-target entity) published
with an entry in the same record is folded into that entry, so a programme added to a
listed person reads as one change of that person (``Sanction.program``), not as a
separate entity. Non-target entities without an entry of their own record (an
OpenSanctions ``Ownership``, say) are reported on their own.
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
        changed_ids = sorted(
            k for k in before.keys() & after.keys() if before[k].fingerprint != after[k].fingerprint
        )
        old_props = _properties(session, old.id, changed_ids)
        new_props = _properties(session, new.id, changed_ids)
    owners = {r.ref.record_id: k for k, r in (before | after).items() if r.target}
    changes: dict[str, list[PropertyChange]] = {}

    def attach(key: str, found: list[PropertyChange]) -> None:
        row = after.get(key) or before[key]
        owner = key if row.target else owners.get(row.ref.record_id)
        if owner is None or owner == key:
            changes.setdefault(key, []).extend(found)
        else:
            prefix = f"{row.ref.schema}."
            changes.setdefault(owner, []).extend(
                PropertyChange(prefix + c.prop, c.added, c.removed) for c in found
            )

    for key in changed_ids:
        attach(key, property_changes(old_props[key], new_props[key]))
    result.added = _entries(after, before, owners, attach, added=True)
    result.removed = _entries(before, after, owners, attach, added=False)
    result.changed = [
        EntityChange((after.get(k) or before[k]).ref, changes[k])
        for k in sorted(changes)
        if k in before and k in after
    ]
    return result


@dataclass(frozen=True)
class _Row:
    ref: EntityRef
    fingerprint: str
    target: bool


def _entries(
    present: dict[str, _Row],
    absent: dict[str, _Row],
    owners: dict[str, str],
    attach: Any,
    *,
    added: bool,
) -> list[EntityRef]:
    """Entries in ``present`` only; non-target rows of an entry in both fold into it."""
    found = []
    for key in present.keys() - absent.keys():
        row = present[key]
        owner = owners.get(row.ref.record_id)
        if row.target or owner is None:
            found.append(row.ref)
        elif owner in present and owner in absent:
            values = [f"({row.ref.caption})"]
            change = PropertyChange(
                row.ref.schema, values if added else [], [] if added else values
            )
            attach(key, [change])
    return sorted(found, key=_order)


def _order(ref: EntityRef) -> tuple[str, str]:
    return (ref.schema, ref.entity_id)


def _index(session: Any, version_id: int) -> dict[str, _Row]:
    rows = session.execute(
        select(
            ListEntity.entity_id,
            ListEntity.schema,
            ListEntity.caption,
            ListEntity.record_id,
            ListEntity.fingerprint,
            ListEntity.target,
        ).where(ListEntity.version_id == version_id)
    )
    return {r[0]: _Row(EntityRef(r[0], r[1], r[2], r[3]), r[4], bool(r[5])) for r in rows}


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
