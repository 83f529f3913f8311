"""The error the disability-subsidy rules raise."""

from __future__ import annotations


class DisabilityRuleError(ValueError):
    """A subsidy rule refuses the input; ``code`` is the contract's UPPER_SNAKE error code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
