"""What every API answer is built from, so the OpenAPI schema describes the body exactly.

A handler returns a response Struct (``*Out``), never a ``dict``: the schema then names every
field and a generated client gets a typed model (``tests/core/test_openapi_client.py``).

- ``Out`` is the base of every response Struct: keyword-only, and it refuses keys it does not
  declare when built from a service's dict, so an answer cannot drift from its schema (a key a
  service adds without declaring it fails in the tests instead of vanishing from the body).
- A field always present has no default; ``T | None`` when it may be null.
- A field sometimes left out is ``T | UnsetType = UNSET`` (left out while unset); never
  ``omit_defaults``, which would also drop a ``false``, ``0`` or ``[]`` equal to the default.
- ``to_out(XOut, value)`` builds one from a Piccolo row, a service's dict (nested dicts become
  the nested Structs), a dataclass or any object with the attributes.
- A number that may be whole or not is ``Number`` (``OptionalNumber`` when it may be null):
  written as it is (``1`` stays ``1``; a ``float`` field would write ``1.0``), and its schema
  says ``number`` (``int | float`` becomes a ``oneOf`` that every integer matches twice, which
  a validator refuses).
- ``ErrorBody`` is the error body every 4xx/5xx has; the app declares it once for every
  operation (``core.api_docs.describe_errors``).
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

__all__ = ["UNSET", "ErrorBody", "Number", "OptionalNumber", "Out", "UnsetType", "to_out"]


def _schema_type(*names: str) -> msgspec.Meta:
    """The schema of a field said outright (Litestar applies ``extra`` to the field's schema)."""
    return msgspec.Meta(extra_json_schema={"extra": {"one_of": None, "type": list(names)}})


Number = Annotated[int | float, _schema_type("number")]
OptionalNumber = Annotated[int | float | None, _schema_type("number", "null")]


class Out(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every response Struct."""


OutT = TypeVar("OutT")


def to_out(cls: type[OutT], value: Any) -> OutT:
    """``value`` as the response Struct ``cls`` (a mapping's undeclared key is an error)."""
    return msgspec.convert(value, cls, from_attributes=True)


class ErrorBody(Out):
    """``{status_code, code, detail}`` (API.md Conventions); ``extra`` only where a refusal
    carries details (Litestar's validation errors, a roster's rejected rows)."""

    status_code: int
    code: str
    """``UPPER_SNAKE``: the contract's error codes (``BAD_REQUEST``, ``NOT_FOUND``, …)."""
    detail: str
    extra: dict[str, Any] | list[Any] | UnsetType = UNSET
