"""Events in a case's journey, published by the cases services for the apps above it.

The timeliness app listens and opens or stops service-level clocks (shared/ARCHITECTURE.md "Clocks are rows").
Publishing an event keeps the dependency direction: cases never imports timeliness. Receivers run inside the
publishing service's transaction, so a clock opens or stops exactly when the event is saved.
"""

from dataclasses import dataclass
from datetime import date

from django.dispatch import Signal

case_event = Signal()

# Event names (start and stop events of the service levels in timeliness.registry).
REPORT_REQUESTED = "report_requested"
REPORT_DELIVERED = "report_delivered"
REPORT_WITHDRAWN = "report_withdrawn"
SENTENCED = "sentenced"
ALLOCATED = "allocated"
RELEASED = "released"
APPOINTMENT_ATTENDED = "appointment_attended"
SENTENCE_PLAN_COMPLETED = "sentence_plan_completed"
CUSTODY_SCREENING_COMPLETED = "custody_screening_completed"
RESETTLEMENT_PLAN_COMPLETED = "resettlement_plan_completed"
CASE_ENDED = "case_ended"
# Every appointment outcome (subject "contact:<id>"): interventions recounts the RAR days it may add.
CONTACT_OUTCOME_RECORDED = "contact_outcome_recorded"
# Unpaid work (subject "requirement:<id>" of the unpaid work requirement). On allocation, for every unpaid work
# requirement of the order: NPS SL007 starts for an NPS case (the NPS must pass it to the CRC). When a CRC holds the
# requirement (allocated to a CRC, or passed over by the NPS) CRC SL005 and SL006 start; the first session booked
# stops them.
UNPAID_WORK_REQUIREMENT_ALLOCATED = "unpaid_work_requirement_allocated"
UNPAID_WORK_WITH_CRC = "unpaid_work_with_crc"
UNPAID_WORK_ARRANGED = "unpaid_work_arranged"
# An unpaid work session's outcome was recorded or corrected (subject "unpaid-work-attendance:<id>"): enforcement
# records a failure to comply for an unacceptable absence or someone sent home for their behaviour.
UNPAID_WORK_OUTCOME_RECORDED = "unpaid_work_outcome_recorded"
# Enforcement (subject "failure:<id>"). A failure to comply recorded starts the decision clock; crossing the warnings
# threshold (a further failure when the warnings allowed in 12 months are used up) also starts the breach action
# clock; the officer's decision stops both; a failure withdrawn (its outcome corrected) cancels them, and reinstated
# (corrected back) runs them again.
COMPLIANCE_FAILURE_RECORDED = "compliance_failure_recorded"
BREACH_THRESHOLD_CROSSED = "breach_threshold_crossed"
COMPLIANCE_FAILURE_DECIDED = "compliance_failure_decided"
COMPLIANCE_FAILURE_WITHDRAWN = "compliance_failure_withdrawn"
COMPLIANCE_FAILURE_REINSTATED = "compliance_failure_reinstated"
# Breach (subject "breach:<id>"). Breach action decided on an order starts the clock of the provider holding the case:
# CRC AE (a CRC: referred to the NPS within 8 days of becoming aware of the breach) or NPS SL014 (the NPS: presented
# to court within 10 days). The CRC's referral stops CRC AE; the NPS accepting it starts NPS SL015 (presented within
# 2 days); the pack sent to court stops NPS SL014 and SL015. A breach withdrawn cancels its clocks.
BREACH_INITIATED = "breach_initiated"
BREACH_REFERRED_TO_NPS = "breach_referred_to_nps"
BREACH_REFERRAL_ACCEPTED = "breach_referral_accepted"
BREACH_PRESENTED_TO_COURT = "breach_presented_to_court"
BREACH_WITHDRAWN = "breach_withdrawn"
# Recall (subject "recall:<id>"). Considering recall starts CRC AF / NPS SL012 (a recommendation within 24 hours of
# becoming aware); the manager's recommendation stops it. The return to custody starts NPS SL024 (the recall
# documents supplied within 10 days); recording them supplied stops it. A recall withdrawn cancels its clocks.
RECALL_CONSIDERED = "recall_considered"
RECALL_RECOMMENDED = "recall_recommended"
RETURNED_TO_CUSTODY = "returned_to_custody"
RECALL_DOCUMENTS_SUPPLIED = "recall_documents_supplied"
RECALL_WITHDRAWN = "recall_withdrawn"
# A requirement ended (subject "requirement:<id>"), completed or not: its clocks still open no longer apply.
REQUIREMENT_ENDED = "requirement_ended"
# The case moved to another officer, team or provider (case already saved with the new holder): open clocks
# take the new provider type and alerts for people who no longer hold the case close.
TRANSFERRED = "transferred"


@dataclass(frozen=True)
class CaseEvent:
    """Something that happened on a case.

    `subject` names the record the event is about, as "<kind>:<id>" (for example "report:12" or
    "sentence:7"); a clock is unique per service level and subject, so publishing twice never opens two.
    `on` is the day it happened (which may be earlier than today when recorded late). `due_on` carries a
    due date set by someone else (the court's date for a report). `disposal` is the case's current
    sentence's disposal ("" before sentence) and `in_custody` whether the person is still serving the
    custodial part of it: service levels use them to decide whether they apply.
    """

    name: str
    case: object
    subject: str
    on: date
    by: object
    due_on: date | None = None
    disposal: str = ""
    in_custody: bool = False


def publish(
    name: str,
    *,
    case,
    subject: str,
    on: date,
    by,
    due_on: date | None = None,
    disposal: str = "",
    in_custody: bool = False,
) -> None:
    """Tell listeners that `name` happened on `case`. Call inside the service's transaction."""
    event = CaseEvent(
        name=name,
        case=case,
        subject=subject,
        on=on,
        by=by,
        due_on=due_on,
        disposal=disposal,
        in_custody=in_custody,
    )
    case_event.send(sender=CaseEvent, event=event)
