"""Listens to case events and records failures to comply (enforcement.services.compliance)."""

from cases import events


def on_case_event(sender, *, event: events.CaseEvent, **kwargs) -> None:
    from cases.models import Contact
    from enforcement.services import compliance
    from interventions.models import UnpaidWorkAttendance

    kind, _, pk = event.subject.partition(":")
    if event.name == events.CONTACT_OUTCOME_RECORDED and kind == "contact":
        compliance.failure_record_for_contact(by=event.by, contact=Contact(pk=int(pk)))
    elif event.name == events.UNPAID_WORK_OUTCOME_RECORDED and kind == "unpaid-work-attendance":
        compliance.failure_record_for_unpaid_work(by=event.by, attendance=UnpaidWorkAttendance(pk=int(pk)))
