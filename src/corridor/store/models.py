"""The operational database schema (SQLAlchemy 2 declarative, typed).

Changes to these tables go through an Alembic migration in ``store/migrations/versions``;
`corridor.store.db.open_store` upgrades a database to the newest revision on open.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")
#: Autoincrementing big integer that still works as SQLite's rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base for every Corridor table."""


class ListVersion(Base):
    """One load of one official list file: what was loaded, from where, and what it held.

    A version is immutable once written; which version of a list is in force is recorded
    separately in `ActiveList`, so activating a new version is a single-row change.
    """

    __tablename__ = "list_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: Corridor list name, e.g. ``ofac_sdn``, ``un_sc``, ``gb_hmt``.
    list_name: Mapped[str] = mapped_column(String(64), index=True)
    #: Source family: ofac, eu, un, uk, opensanctions, kz-afm.
    source: Mapped[str] = mapped_column(String(32))
    #: Parser that read it, e.g. ``ofac-sdn-xml``.
    format: Mapped[str] = mapped_column(String(64))
    #: Publication date the publisher gave the list (None when the file has none).
    published: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: SHA-256 over the file bytes (over each file of a multi-file set, in name order).
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: Where it was loaded from: a path or a URL.
    origin: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: ``staging`` while loading (never visible outside the loading transaction),
    #: then ``active`` or ``superseded``.
    status: Mapped[str] = mapped_column(String(16))
    #: Listed persons, organisations, vessels and aircraft: the list's "entries".
    target_count: Mapped[int] = mapped_column(Integer, default=0)
    entity_count: Mapped[int] = mapped_column(Integer, default=0)
    #: ``{"Person": 727, "Organization": 273, "Sanction": 1000}``.
    schema_counts: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    #: Parser notes, e.g. rows skipped and why.
    notes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class ActiveList(Base):
    """Which version of each list is in force; exactly one row per list name."""

    __tablename__ = "active_lists"

    list_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"))
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListEntity(Base):
    """One FollowTheMoney entity as published in one list version."""

    __tablename__ = "list_entities"
    __table_args__ = (
        UniqueConstraint("version_id", "entity_id", name="uq_list_entities_version_entity"),
        Index("ix_list_entities_entity_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("list_versions.id", ondelete="CASCADE"), index=True
    )
    entity_id: Mapped[str] = mapped_column(String(255))
    schema: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str] = mapped_column(Text)
    #: The publisher's own id for the record (OFAC uid, EU logicalId, UN DATAID...).
    record_id: Mapped[str] = mapped_column(String(255))
    #: True for the list's entries (see `ParsedEntity.is_target`), False for Sanction, Address...
    target: Mapped[bool] = mapped_column(Boolean)
    #: SHA-1 of the canonical properties: equal fingerprints mean an unchanged entity.
    fingerprint: Mapped[str] = mapped_column(String(40))
    #: FtM properties: ``{"name": ["..."], "birthDate": ["1973-09-28"]}``.
    properties: Mapped[dict[str, list[str]]] = mapped_column(JSONType)


class FetchState(Base):
    """What the last download of a URL returned, for conditional requests."""

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Screening(Base):
    """One screening as it was run: what was asked, against which list versions, with
    which algorithm and threshold, and what came back, explanations included.

    Immutable once written: it is the record a compliance officer shows a regulator.
    """

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: ``single`` or ``batch``; batch rows share ``batch`` (the output file's run id).
    kind: Mapped[str] = mapped_column(String(16))
    batch: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    #: The query as given: names, schema, birth date, countries, identifiers.
    query: Mapped[dict[str, Any]] = mapped_column(JSONType)
    algorithm: Mapped[str] = mapped_column(String(32))
    threshold: Mapped[float] = mapped_column()
    #: ``[["un_sc", 3], ["ofac_sdn", 5]]``: the list versions screened against.
    list_versions: Mapped[list[list[Any]]] = mapped_column(JSONType)
    #: Results in rank order, each with score, match flag, source ids and explanation.
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    match_count: Mapped[int] = mapped_column(Integer)


class ApiUser(Base):
    """A holder of an API key. Only the key's SHA-256 is stored: the key is printed once
    by ``corridor users add`` and cannot be read back. Keys are 256 random bits, so an
    unsalted digest cannot be brute-forced (the same reasoning as GitHub's tokens)."""

    __tablename__ = "api_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``viewer``, ``analyst`` or ``admin`` (see `corridor.api.auth.ROLES`).
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the key, to tell keys apart in listings.
    key_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """One entry of the append-only audit log, chained to the one before by SHA-256.

    ``hash`` covers the canonical JSON of the entry's content (``seq``, time, actor,
    action, subject, details) and ``prev_hash``, so editing, deleting or reordering any
    row breaks the chain from that row on (`corridor.cases.audit.verify_chain`).
    """

    __tablename__ = "audit_log"

    #: 1, 2, 3... without gaps: assigned by the appender under a lock, not by a sequence.
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    #: ISO 8601 UTC with microseconds, stored as the exact text that was hashed.
    created_at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    #: ``screening``, ``batch``, ``list.load``, ``list.activate``, ``user.add``...
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class BatchJob(Base):
    """A batch screening uploaded to the API and run in the background."""

    __tablename__ = "batch_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(255))
    #: ``queued``, ``running``, ``done`` or ``failed``.
    status: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[float] = mapped_column()
    top: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer, default=0)
    screened: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
