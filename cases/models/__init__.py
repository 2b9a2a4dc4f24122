"""Models of the cases app, one module per stage of the journey (see docs/decisions/0006)."""

from cases.models.allocation import OfficerAssignment
from cases.models.contacts import Contact, ContactOutcome
from cases.models.court import CourtAppearance, InformationRequest, PreSentenceReport
from cases.models.oversight import ManagementOversightNote
from cases.models.people import CRN_PATTERN, AccessRecord, Address, Case, Person, PersonAccessLimit, age_on
from cases.models.plans import NeedArea, ObjectiveProgress, PlanObjective, PlanReview, ResettlementPlan, SentencePlan
from cases.models.sentencing import (
    ADULT_DISPOSALS,
    COMMUNITY_DISPOSALS,
    CUSTODIAL_DISPOSALS,
    DISPOSALS_WITH_REQUIREMENTS,
    OUT_OF_COURT_DISPOSALS,
    YOUTH_DISPOSALS,
    Disposal,
    ReferralPanelMeeting,
    Requirement,
    RequirementType,
    Sentence,
    TerminationReason,
)

__all__ = [
    "ADULT_DISPOSALS",
    "COMMUNITY_DISPOSALS",
    "CRN_PATTERN",
    "CUSTODIAL_DISPOSALS",
    "DISPOSALS_WITH_REQUIREMENTS",
    "OUT_OF_COURT_DISPOSALS",
    "YOUTH_DISPOSALS",
    "AccessRecord",
    "Address",
    "Case",
    "Contact",
    "ContactOutcome",
    "CourtAppearance",
    "Disposal",
    "InformationRequest",
    "ManagementOversightNote",
    "NeedArea",
    "ObjectiveProgress",
    "OfficerAssignment",
    "Person",
    "PersonAccessLimit",
    "PlanObjective",
    "PlanReview",
    "PreSentenceReport",
    "ReferralPanelMeeting",
    "Requirement",
    "TerminationReason",
    "RequirementType",
    "ResettlementPlan",
    "Sentence",
    "SentencePlan",
    "age_on",
]
