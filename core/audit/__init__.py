"""The append-only, hash-chained audit log."""

from core.audit.sealing import seal
from core.audit.service import (
    UnknownAuditAction,
    chain_with,
    pending_with,
    record,
    register_actions,
    verify_chain,
)

__all__ = [
    "UnknownAuditAction",
    "chain_with",
    "pending_with",
    "record",
    "register_actions",
    "seal",
    "verify_chain",
]
