"""HTML pages for service levels: the user's alerts, a case's clocks and the service-level rules. Thin."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import events
from cases import selectors as case_selectors
from cases import services as case_services
from cases.views import _page, _query_without_page
from timeliness import registry, selectors, services
from timeliness.models import Clock

# The GOV.UK tag colour of each clock status on the case's service levels tab.
STATUS_TAG_CLASSES = {
    Clock.Status.OPEN: "govuk-tag--blue",
    Clock.Status.MET: "govuk-tag--green",
    Clock.Status.MISSED: "govuk-tag--red",
    Clock.Status.CANCELLED: "govuk-tag--grey",
}


def alerts(request):
    """The user's open alerts, overdue first, then the soonest due."""
    page_obj = _page(request, selectors.open_alerts(request.user))
    today = timezone.localdate()
    rows = [
        {
            "alert": alert,
            "clock": alert.clock,
            "person": alert.clock.case.person,
            "definition": alert.clock.definition,
            "timing": selectors.timing_text(alert.clock, today=today),
            "overdue": alert.clock.due_on < today,
        }
        for alert in page_obj
    ]
    return render(
        request,
        "timeliness/alerts.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "query": _query_without_page(request),
            "any_unread": any(row["alert"].read_at is None for row in rows),
        },
    )


@require_POST
def alert_read(request, pk: int):
    services.alert_mark_read(by=request.user, alert=pk)
    messages.success(request, "Alert marked as read.")
    return redirect("timeliness:alerts")


@require_POST
def alerts_read_all(request):
    count = services.alerts_mark_all_read(by=request.user)
    if count:
        messages.success(request, f"{count} alert{'' if count == 1 else 's'} marked as read.")
    else:
        messages.success(request, "There were no unread alerts.")
    return redirect("timeliness:alerts")


def case_clocks(request, pk: int):
    """The case's service-level clocks: started, due, stopped, and whether each was met."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    today = timezone.localdate()
    rows = [
        {
            "clock": clock,
            "definition": clock.definition,
            "tag_class": STATUS_TAG_CLASSES[clock.status],
            "timing": selectors.timing_text(clock, today=today) if clock.status == Clock.Status.OPEN else "",
        }
        for clock in selectors.clocks_for_case(request.user, case)
    ]
    return render(
        request,
        "timeliness/case_clocks.html",
        {"case": case, "person": case.person, "tab": "clocks", "rows": rows},
    )


# Start and stop events in plain English, for the service levels page.
EVENT_LABELS = {
    events.REPORT_REQUESTED: "The court asks for a pre-sentence report",
    events.REPORT_DELIVERED: "The report is delivered to the court",
    events.REPORT_WITHDRAWN: "The court no longer needs the report",
    events.SENTENCED: "The person is sentenced",
    events.ALLOCATED: "The case is allocated to a responsible officer",
    events.RELEASED: "The person is released from custody",
    events.APPOINTMENT_ATTENDED: "The person attends an appointment",
    events.SENTENCE_PLAN_COMPLETED: "The sentence plan is completed",
    events.CUSTODY_SCREENING_COMPLETED: "The basic custody screening is completed",
    events.RESETTLEMENT_PLAN_COMPLETED: "The resettlement plan is completed",
    events.CASE_ENDED: "The case ends",
    events.UNPAID_WORK_REQUIREMENT_ALLOCATED: "A case with unpaid work is allocated",
    events.UNPAID_WORK_WITH_CRC: "The CRC holds the unpaid work (allocated to it, or passed over by the NPS)",
    events.UNPAID_WORK_ARRANGED: "The first unpaid work session is booked",
    events.COMPLIANCE_FAILURE_RECORDED: "A failure to comply is recorded",
    events.BREACH_THRESHOLD_CROSSED: "A failure to comply when the warnings allowed in 12 months are used up",
    events.COMPLIANCE_FAILURE_DECIDED: "The officer records the enforcement decision",
    events.BREACH_INITIATED: "A failure to comply is decided as breach action (aware of the breach)",
    events.BREACH_REFERRED_TO_NPS: "The CRC refers the breach to the NPS",
    events.BREACH_REFERRAL_ACCEPTED: "The NPS accepts the CRC's breach referral",
    events.BREACH_PRESENTED_TO_COURT: "The breach pack is sent to court",
    events.RECALL_CONSIDERED: "Recall is considered (aware of the breach or the rise in risk)",
    events.RECALL_RECOMMENDED: "The manager records the recall recommendation",
    events.RETURNED_TO_CUSTODY: "The person is returned to custody",
    events.RECALL_DOCUMENTS_SUPPLIED: "The recall documents are supplied",
}
PROVIDER_LABELS = {
    registry.NPS: "National Probation Service",
    registry.CRC: "Community Rehabilitation Companies",
    registry.YOT: "Youth Offending Teams",
}


def _limit_text(level: registry.ServiceLevel) -> str:
    if level.limit is None:
        return "The date the court set"
    if level.limit == 0:
        return "The same day"
    unit = "working day" if level.uses_working_days else "calendar day"
    return f"{level.limit} {unit}{'' if level.limit == 1 else 's'}"


def service_levels(request):
    """The service levels this product measures, and how each is counted."""
    rows = [
        {
            "level": level,
            "starts": EVENT_LABELS[level.start_event],
            "stops": " or ".join(
                EVENT_LABELS[name] if index == 0 else EVENT_LABELS[name][:1].lower() + EVENT_LABELS[name][1:]
                for index, name in enumerate((level.stop_event, *level.also_stopped_by))
            ),
            "limit": _limit_text(level),
            "calendar": "Set by the court" if level.limit is None else level.calendar_label.capitalize(),
            "providers": ", ".join(PROVIDER_LABELS[provider] for provider in level.provider_types),
        }
        for level in registry.SERVICE_LEVELS
    ]
    return render(request, "timeliness/service_levels.html", {"rows": rows})
