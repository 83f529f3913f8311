"""The append-only, hash-chained audit log."""

from core.audit.service import record, verify_chain

__all__ = ["record", "verify_chain"]
