"""Who is acting, from where: set once per request (or CLI command) and read by the audit log."""

from __future__ import annotations

from contextvars import ContextVar

current_actor: ContextVar[str] = ContextVar("current_actor", default="system")
current_ip: ContextVar[str] = ContextVar("current_ip", default="")
