"""The append-only, hash-chained audit log."""

from core.audit.service import UnknownAuditAction, record, register_actions, verify_chain

__all__ = ["UnknownAuditAction", "record", "register_actions", "verify_chain"]
