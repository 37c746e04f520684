"""API-key authentication and role checks, as FastAPI dependencies.

A key is accepted as ``Authorization: ApiKey <key>`` (what yente and the OpenSanctions
clients send), ``Authorization: Bearer <key>``, or ``X-API-Key: <key>``. No key or an
unknown or revoked key is 401; a valid key whose role is too low is 403.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from corridor.api.keys import KeyChecker, role_rank

_AUTHORIZATION = APIKeyHeader(
    name="Authorization",
    scheme_name="ApiKeyAuthorization",
    description="`ApiKey <key>` (as yente) or `Bearer <key>`",
    auto_error=False,
)
_X_API_KEY = APIKeyHeader(name="X-API-Key", scheme_name="XApiKey", auto_error=False)
_SCHEMES = ("apikey", "bearer")


@dataclass(frozen=True)
class Caller:
    """The authenticated user of a request."""

    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"api:{self.name}"


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "ApiKey"})


def _presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, key = authorization.strip().partition(" ")
        if scheme.lower() not in _SCHEMES or not key.strip():
            raise _unauthorized("Authorization must be `ApiKey <key>` or `Bearer <key>`")
        return key.strip()
    return None


def require(role: str) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A dependency that admits callers holding ``role`` or a higher one."""
    needed = role_rank(role)

    async def dependency(
        request: Request,
        authorization: str | None = Depends(_AUTHORIZATION),
        x_api_key: str | None = Depends(_X_API_KEY),
    ) -> Caller:
        key = _presented_key(authorization, x_api_key)
        if key is None:
            raise _unauthorized("an API key is required (Authorization: ApiKey <key>)")
        # Run on the event loop, not in the thread pool: the check is one indexed read on
        # a kept connection (tens of microseconds), cheaper than a hop to a thread.
        checker: KeyChecker = request.app.state.keys
        user = checker.check(key)
        if user is None:
            raise _unauthorized("the API key is unknown or revoked")
        if role_rank(user.role) < needed:
            raise HTTPException(403, detail=f"role {user.role!r} may not do this; needs {role}")
        return Caller(user.name, user.role)

    return dependency


viewer = require("viewer")
analyst = require("analyst")
admin = require("admin")
