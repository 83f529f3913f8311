"""Retry-safe creates: the ``Idempotency-Key`` header (API.md "Conventions").

A handler opts in with ``opt={"idempotent": True}`` (or ``"after"``, below). For a ``POST`` to it
that carries the header, this middleware

1. opens the write transaction the handler's own services then join (they nest),
2. claims ``(key, actor, method, path)`` in ``idempotency_key`` with the body's hash — a
   concurrent request with the same key waits on that row (PostgreSQL's unique index; SQLite's
   single writer) and finds the first one's answer once it commits,
3. runs the handler, and when it answers 2xx stores status and body in the same transaction,
   before the answer leaves: whoever saw the 201 can rely on a retry replaying it. A refusal
   (4xx, 503) rolls everything back, the claim included, so a retry is simply tried again.

The same key with the same body (compared as JSON, so key order and spacing do not matter) gets
the stored answer again; with another body → 422 ``IDEMPOTENCY_KEY_REUSED``. Keys are kept for
24 hours (the ``core.purge_idempotency_keys`` job removes older ones).

``"after"``: for handlers that commit in batches of their own and are idempotent by design (the
payroll run): no outer transaction; the answer is stored after the handler succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from core.db import defer, fetch, fetch_one, write_scope, write_transaction
from core.errors import database_unavailable_refusal, error_body
from core.logs import get_logger
from core.refusals import Refusal

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"idempotency-key"
KEEP_HOURS = 24
MAX_KEY_LENGTH = 200
REPLAYED_HEADER = b"idempotent-replayed"
# Set in the WriteScope: certificates are numbered at once, not in the statement at COMMIT
# (core.certificates.service), since the stored answer is written before that statement runs.
NUMBERS_NOW = "numbers_now"


@dataclass
class Captured:
    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)
    messages: list[Message] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == b"content-type":
                return value.decode("latin-1")
        return ""


class _Refused(Exception):
    """Rolls the transaction (and the claim) back when the handler did not succeed."""

    def __init__(self, captured: Captured) -> None:
        self.captured = captured


def _key_of(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == HEADER:
            key = value.decode("latin-1").strip()
            if not 0 < len(key) <= MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
                raise Refusal(
                    "BAD_REQUEST",
                    zh=f"Idempotency-Key 须为 1–{MAX_KEY_LENGTH} 个可见 ASCII 字符",
                    en=f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} visible ASCII characters",
                    kind="bad_request",
                    english_first=True,
                )
            return key
    return None


def body_hash(body: bytes) -> str:
    """SHA-256 of the body, JSON canonicalised (the same document hashes the same)."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


async def _read_body(scope: Scope, receive: Receive) -> bytes:
    """Through Litestar's request, which keeps the body in the scope: a middleware before this
    one (core.web.bodies) may have read it already, and the handler reads it from there too."""
    from litestar import Request

    return await Request(scope, receive).body()


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _call(next_app: ASGIApp, scope: Scope, receive: Receive) -> Captured:
    captured = Captured()

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            captured.status = message["status"]
            captured.headers = list(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            captured.body.extend(message.get("body", b""))
        captured.messages.append(message)

    await next_app(scope, receive, capture)
    return captured


async def _forward(captured: Captured, send: Send) -> None:
    for message in captured.messages:
        await send(message)


async def _replay(row: dict[str, Any], send: Send) -> None:
    body = row["response_body"].encode()
    await send(
        {
            "type": "http.response.start",
            "status": row["status_code"],
            "headers": [
                (b"content-type", (row["content_type"] or "application/json").encode("latin-1")),
                (b"content-length", str(len(body)).encode()),
                (REPLAYED_HEADER, b"true"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _error(error: Refusal, send: Send) -> None:
    """The contract's error body, sent from here: past the handler Litestar no longer maps
    exceptions to answers."""

    body = json.dumps(
        error_body(error.status_code, error.code, error.detail, error.extra), ensure_ascii=False
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in (error.headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _reused() -> Refusal:
    return Refusal(
        "IDEMPOTENCY_KEY_REUSED",
        zh="该幂等键已用于内容不同的请求",
        en="This Idempotency-Key was already used with another request body",
        english_first=True,
    )


async def _existing(ident: tuple[str, str, str, str]) -> dict[str, Any] | None:
    return await fetch_one(
        "SELECT body_hash, status_code, response_body, content_type FROM idempotency_key "
        "WHERE key = {} AND actor = {} AND method = {} AND path = {}",
        *ident,
    )


async def _claim(ident: tuple[str, str, str, str], digest: str) -> bool:
    """True when this request holds the key now; False when another request's answer (committed
    before this statement returned) is stored under it."""
    row = await fetch_one(
        "INSERT INTO idempotency_key (key, actor, method, path, body_hash, status_code, "
        "response_body, content_type, created_at) VALUES ({}, {}, {}, {}, {}, 0, '', '', {}) "
        "ON CONFLICT (key, actor, method, path) DO NOTHING RETURNING id",
        *ident,
        digest,
        dt.datetime.now(dt.UTC),
    )
    return row is not None


async def _store(ident: tuple[str, str, str, str], captured: Captured) -> None:
    # Deferred: on PostgreSQL the answer travels with the COMMIT, no round trip of its own.
    await defer(
        "UPDATE idempotency_key SET status_code = {}, response_body = {}, content_type = {} "
        "WHERE key = {} AND actor = {} AND method = {} AND path = {}",
        captured.status,
        bytes(captured.body).decode("utf-8", errors="replace"),
        captured.content_type[:100],
        *ident,
    )


def _actor(scope: Scope) -> str:
    user = scope.get("user")
    return getattr(user, "audit_name", None) or "anonymous"


def _without_compression(scope: Scope) -> Scope:
    """Stored answers are plain JSON: whoever retries gets bytes it can read, whatever it
    accepts (these answers are small)."""
    headers = [(n, v) for n, v in scope["headers"] if n.lower() != b"accept-encoding"]
    return {**scope, "headers": headers}  # type: ignore[return-value]


_log = get_logger("minzheng.idempotency")


class IdempotencyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope.get("route_handler")
        mode = handler.opt.get("idempotent") if handler is not None else None
        if not mode or scope["method"] != "POST":
            await next_app(scope, receive, send)
            return
        key = _key_of(scope)
        if key is None:
            await next_app(scope, receive, send)
            return
        body = await _read_body(scope, receive)
        digest = body_hash(body)
        ident = (key, _actor(scope)[:64], "POST", scope["path"][:300])
        scope = _without_compression(scope)
        receive = _replaying(body, receive)
        if mode == "after":
            await self._after(ident, digest, scope, receive, send, next_app)
            return
        stored: dict[str, Any] | None = None
        answered = False  # the handler answered 2xx; what fails after it is the commit
        try:
            async with write_transaction():
                deferred = write_scope()
                if deferred is not None:  # the answer must carry the numbers that commit
                    deferred.data[NUMBERS_NOW] = True
                if await _claim(ident, digest):
                    captured = await _call(next_app, scope, receive)
                    if not 200 <= captured.status < 300:
                        raise _Refused(captured)
                    answered = True
                    await _store(ident, captured)
                else:
                    stored = await _existing(ident)
                    if stored is None:  # purged meanwhile: too old to replay, and not ours
                        raise _reused()
        except _Refused as refused:
            captured = refused.captured
        except Exception as exc:
            # The database went away around COMMIT or ROLLBACK, after the handler had already
            # answered (into our buffer): nothing was committed, so the answer is a 503 — sent
            # here, as Litestar refuses to handle an exception once a response has started.
            from core.db import database_unavailable, discard_pooled_connections

            if isinstance(exc, Refusal) and not answered:
                await _error(exc, send)
                return
            if not (database_unavailable(exc) or answered):
                raise
            # After the handler's answer only storing it and COMMIT remain: a failure there is
            # the database's (a connection left in an aborted transaction by a failover, for
            # one), and the transaction was rolled back, so the request changed nothing.
            if not database_unavailable(exc):
                _log.warning(
                    "idempotent write not committed on %s: %s", scope["path"], type(exc).__name__
                )
                discard_pooled_connections()
            await _error(database_unavailable_refusal(), send)
            return
        if stored is not None:
            if stored["body_hash"] != digest:
                raise _reused()
            await _replay(stored, send)
            return
        await _forward(captured, send)

    async def _after(
        self,
        ident: tuple[str, str, str, str],
        digest: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
    ) -> None:
        stored = await _existing(ident)
        if stored is None:
            captured = await _call(next_app, scope, receive)
            if 200 <= captured.status < 300:
                async with write_transaction():
                    if await _claim(ident, digest):
                        await _store(ident, captured)
                        await _forward(captured, send)
                        return
                    stored = await _existing(ident)
            if stored is None:
                await _forward(captured, send)
                return
        if stored["body_hash"] != digest:
            raise _reused()
        await _replay(stored, send)


async def purge_expired(older_than_hours: int = KEEP_HOURS) -> int:
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(hours=older_than_hours)
    rows = await fetch("DELETE FROM idempotency_key WHERE created_at < {} RETURNING id", cutoff)
    return len(rows)
