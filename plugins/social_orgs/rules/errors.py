"""Errors the social-organization rules raise, each carrying its API error code.

The service layer turns them into the contract's error body (422 with ``code`` and ``detail``).
"""

from __future__ import annotations

from typing import ClassVar


class SocialOrgRuleError(ValueError):
    """A rule refused its input: ``code`` is the API error code, ``detail`` says why."""

    code: ClassVar[str]

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidUscc(SocialOrgRuleError):
    """Not the unified social credit code of a civil-affairs organization of the stated kind."""

    code = "INVALID_USCC"


class IncompleteReport(SocialOrgRuleError):
    """An annual report cannot be submitted: ``fields`` are missing or invalid."""

    code = "INCOMPLETE_REPORT"

    def __init__(self, fields: list[str], detail: str) -> None:
        super().__init__(detail)
        self.fields = fields


class InvalidScores(SocialOrgRuleError):
    """Evaluation scores that do not fit the indicator set; ``problems`` lists each one."""

    code = "INVALID_SCORES"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


class InvalidEvaluationPolicy(SocialOrgRuleError):
    """An admin-edited indicator set or grade thresholds that cannot grade fairly."""

    code = "INVALID_EVALUATION_POLICY"


class NotEnoughInspectors(SocialOrgRuleError):
    """A spot check needs at least two distinct inspectors to pair on each organization."""

    code = "NOT_ENOUGH_INSPECTORS"
