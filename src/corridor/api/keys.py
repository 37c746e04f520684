"""API keys: who may call the API, with which role. Only SHA-256 digests are stored.

A key is ``cor_`` followed by 43 URL-safe characters (256 random bits); the prefix lets
secret scanners recognise a leaked key. Adding and revoking users is audited in the
same transaction as the change itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import DBAPIError

from corridor.cases.audit import append_entry
from corridor.errors import CorridorError
from corridor.store.db import Store
from corridor.store.models import ApiUser

#: Roles from least to most privileged; each may do what the ones before it may.
ROLES = ("viewer", "analyst", "admin")
KEY_PREFIX = "cor_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def role_rank(role: str) -> int:
    return ROLES.index(role)


def add_user(store: Store, name: str, role: str, *, actor: str) -> str:
    """Create ``name`` with ``role`` and return the new key (shown once, never stored)."""
    if not _NAME.match(name):
        raise CorridorError(
            f"user name {name!r} is invalid; expected letters, digits, _ . @ - (at most 64)"
        )
    if role not in ROLES:
        raise CorridorError(f"role {role!r} is unknown; expected one of {', '.join(ROLES)}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        if session.scalar(select(ApiUser.id).where(ApiUser.name == name)) is not None:
            raise CorridorError(f"user {name!r} exists; revoke it or choose another name")
        session.add(
            ApiUser(
                name=name,
                role=role,
                key_hash=key_digest(key),
                key_prefix=key[:8],
                created_at=datetime.now(UTC),
                revoked=False,
            )
        )
        session.flush()
        append_entry(
            session.connection(),
            actor=actor,
            action="user.add",
            subject=f"user:{name}",
            details={"role": role, "key_prefix": key[:8]},
        )
    return key


def revoke_user(store: Store, name: str, *, actor: str) -> ApiUser:
    """Revoke ``name``'s key at once; the user row stays, for the record."""
    with store.session() as session:
        user = session.scalar(select(ApiUser).where(ApiUser.name == name))
        if user is None:
            raise CorridorError(f"there is no user {name!r}; see `corridor users list`")
        if user.revoked:
            raise CorridorError(f"user {name!r} was already revoked")
        user.revoked = True
        user.revoked_at = datetime.now(UTC)
        session.flush()
        append_entry(
            session.connection(),
            actor=actor,
            action="user.revoke",
            subject=f"user:{name}",
            details={"role": user.role, "key_prefix": user.key_prefix},
        )
        return user


def list_users(store: Store) -> list[ApiUser]:
    with store.session() as session:
        return list(session.scalars(select(ApiUser).order_by(ApiUser.name)))


def authenticate(store: Store, key: str) -> ApiUser | None:
    """The live user holding ``key``, or None (unknown or revoked).

    Read with a Core query rather than the ORM: it runs on every request.
    """
    if not key.startswith(KEY_PREFIX) or len(key) > 128:
        return None
    with store.engine.connect() as connection:
        row = connection.execute(
            select(ApiUser.name, ApiUser.role, ApiUser.revoked).where(
                ApiUser.key_hash == key_digest(key)
            )
        ).first()
    if row is None or row.revoked:
        return None
    return ApiUser(name=row.name, role=row.role, revoked=False)


class KeyChecker:
    """`authenticate` for the API's hot path: one open connection, one prepared query.

    Checking a key with `authenticate` costs about 140 us, nearly all of it SQLAlchemy
    taking a pooled connection and building the statement; on a connection kept open in
    autocommit mode, with the statement built once, the same lookup costs about 16 us.
    The database is still asked on every request, so a key revoked by another process
    (``corridor users revoke``) is refused from the next request on: no cache of keys.
    """

    _QUERY = select(ApiUser.name, ApiUser.role, ApiUser.revoked).where(
        ApiUser.key_hash == bindparam("digest")
    )

    def __init__(self, store: Store) -> None:
        self.store = store
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def _lookup(self, digest: str) -> tuple[str, str, bool] | None:
        if self._connection is None:
            self._connection = self.store.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        row = self._connection.execute(self._QUERY, {"digest": digest}).first()
        return None if row is None else (row.name, row.role, bool(row.revoked))

    def check(self, key: str) -> ApiUser | None:
        """The live user holding ``key``, or None (unknown or revoked)."""
        if not key.startswith(KEY_PREFIX) or len(key) > 128:
            return None
        digest = key_digest(key)
        with self._lock:
            try:
                found = self._lookup(digest)
            except DBAPIError:
                # The kept connection broke (a database restart): open a new one, once.
                self._drop()
                found = self._lookup(digest)
        if found is None or found[2]:
            return None
        return ApiUser(name=found[0], role=found[1], revoked=False)

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except DBAPIError:
                connection.invalidate()

    def close(self) -> None:
        """Give the kept connection back (at shutdown)."""
        with self._lock:
            self._drop()
