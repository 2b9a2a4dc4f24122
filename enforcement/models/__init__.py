"""Enforcement (issue 6): compliance failures and the officer's decision on each, and warning letters."""

from enforcement.models.compliance import ComplianceFailure, EnforcementDecision, WarningLetter

__all__ = ["ComplianceFailure", "EnforcementDecision", "WarningLetter"]
