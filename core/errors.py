"""The contract's error body ``{status_code, code, detail}`` and the exceptions that produce it.

Every refusal, a rule's, a service's or core's, is a ``core.refusals.Refusal`` with its Chinese
and English text; ``refusal_handler`` is the one place it becomes the error body. The other
handlers map Litestar's own HTTP/validation errors and anything unexpected to the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asyncpg.exceptions import DataError as PostgresDataError
from asyncpg.exceptions._base import DataError as ClientDataError
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core.logs import get_logger, mask_id_numbers_in
from core.refusals import Refusal

log = get_logger("minzheng.errors")

_DEFAULT_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE",
    429: "RATE_LIMITED",
}


def error_body(status_code: int, code: str, detail: str, extra: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status_code, "code": code, "detail": detail}
    if extra is not None:
        body["extra"] = extra
    return body


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/schema")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


ErrorPageRenderer = Callable[[Request, int, str, str, dict], Response]
_error_page: ErrorPageRenderer | None = None


def use_error_pages(render: ErrorPageRenderer) -> None:
    """Let browsers get errors as pages; the web layer installs its renderer when the app is
    built (this module stays below the web layer)."""
    global _error_page
    _error_page = render


def _respond(
    request: Request, status: int, code: str, detail: str, extra: Any, headers: dict
) -> Response:
    if _error_page is not None and _wants_html(request):
        return _error_page(request, status, code, detail, headers)
    return Response(error_body(status, code, detail, extra), status_code=status, headers=headers)


def refusal_handler(request: Request, exc: Refusal) -> Response:
    """Every refusal, a rule's or a service's, as the contract's error body (or error page)."""
    return _respond(request, exc.status_code, exc.code, exc.detail, exc.extra, exc.headers)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    extra = None
    if isinstance(exc, ValidationException) or status == 400:
        status, code = 400, "BAD_REQUEST"
        extra = exc.extra if isinstance(exc.extra, list | dict) else None
    else:
        code = _DEFAULT_CODES.get(status, "ERROR")
    detail = exc.detail
    if isinstance(exc, NotFoundException):
        detail = "Not found / 未找到"
    headers = dict(exc.headers or {})
    return _respond(request, status, code, str(detail), extra, headers)


def bad_input_handler(request: Request, exc: Exception) -> Response:
    """The database refused a value a caller sent (a NUL character, a number beyond 64 bits,
    text longer than its column): bad input, not a server fault."""
    log.warning(
        "database refused input on %s %s: %s",
        request.method,
        mask_id_numbers_in(request.url.path),
        type(exc).__name__,
    )
    return _respond(
        request,
        400,
        "BAD_REQUEST",
        "Invalid characters or a value out of range / 输入含无效字符或数值超出范围",
        None,
        {},
    )


def database_unavailable_refusal() -> Refusal:
    """The database cannot be used right now (down, failing over, read-only, locked too long)."""
    from core.db import RETRY_AFTER_SECONDS

    return Refusal(
        "DATABASE_UNAVAILABLE",
        zh="数据库暂不可用或正在切换，本次请求未做任何更改，请稍后重试",
        en="The database is unavailable or failing over; nothing was changed, please retry",
        kind="unavailable",
        english_first=True,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def database_unavailable_response(request: Request, exc: BaseException) -> Response:
    from core.db import discard_pooled_connections

    discard_pooled_connections()
    log.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        mask_id_numbers_in(request.url.path),
        type(exc).__name__,
        mask_id_numbers_in(str(exc))[:200],
    )
    error = database_unavailable_refusal()
    return _respond(request, error.status_code, error.code, error.detail, None, error.headers)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    from core.db import database_unavailable

    if database_unavailable(exc):
        return database_unavailable_response(request, exc)
    log.exception("unhandled error on %s %s", request.method, mask_id_numbers_in(request.url.path))
    return _respond(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "Internal error; it has been logged / 系统内部错误，已记录",
        None,
        {},
    )


EXCEPTION_HANDLERS = {
    Refusal: refusal_handler,
    HTTPException: http_exception_handler,
    PostgresDataError: bad_input_handler,
    ClientDataError: bad_input_handler,
    OverflowError: bad_input_handler,
    Exception: internal_error_handler,
}
