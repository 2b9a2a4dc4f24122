"""Delivering the order (issue 5): one module per kind of delivery, re-exported here."""

from interventions.models.programmes import (
    NonCompletionReason,
    Programme,
    ProgrammeGroup,
    ProgrammeReferral,
    ProgrammeSessionAttendance,
)
from interventions.models.rar import RehabilitationActivity
from interventions.models.referrals import ServiceNeedArea, ServiceProvider, ServiceReferral
from interventions.models.unpaid_work import (
    ProjectType,
    Rating,
    UnpaidWorkAttendance,
    UnpaidWorkProject,
    UnpaidWorkSession,
    UnpaidWorkTransfer,
)

__all__ = [
    "NonCompletionReason",
    "Programme",
    "ProgrammeGroup",
    "ProgrammeReferral",
    "ProgrammeSessionAttendance",
    "ProjectType",
    "Rating",
    "RehabilitationActivity",
    "ServiceNeedArea",
    "ServiceProvider",
    "ServiceReferral",
    "UnpaidWorkAttendance",
    "UnpaidWorkProject",
    "UnpaidWorkSession",
    "UnpaidWorkTransfer",
]
