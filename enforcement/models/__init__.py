"""Enforcement (issue 6): failures to comply and the decision on each, warning letters, breach with its versioned
court pack, and recall."""

from enforcement.models.breach import (
    Breach,
    BreachPack,
    BreachStatus,
    BreachStep,
    CourtInformationRequest,
    HearingOutcome,
)
from enforcement.models.compliance import ComplianceFailure, EnforcementDecision, WarningLetter
from enforcement.models.recall import Recall, RecallInformationRequest, RecallRecommendation, RecallStatus

__all__ = [
    "Breach",
    "BreachPack",
    "BreachStatus",
    "BreachStep",
    "ComplianceFailure",
    "CourtInformationRequest",
    "EnforcementDecision",
    "HearingOutcome",
    "Recall",
    "RecallInformationRequest",
    "RecallRecommendation",
    "RecallStatus",
    "WarningLetter",
]
