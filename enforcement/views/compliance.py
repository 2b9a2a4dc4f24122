"""Pages for compliance failures, the officer's decision on each, and warning letters (issue 6, slice 1).

Thin: parse, call a selector or service, render. Cases, failures and letters are found through the scoped
selectors, so anything outside the user's scope is "not found" (404); a page the user's role may not use is 403.
A visible failure the user may not decide, or one already decided or withdrawn, gets a refusal page that changes
nothing (status 400). Bad input re-renders the form with the error summary, status 400, and changes nothing.
Opening a person with an exclusion or restriction list writes an access record, as the other case pages do.

Every page runs the same number of queries however many failures there are: the decisions due list works out
which rows need breach or recall action with one query for all of them (_needing_action), not one per row.
"""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import User
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import PersonAccessLimit, Sentence
from enforcement import rules
from enforcement.forms.compliance import DecisionForm, add_service_errors
from enforcement.models import Breach, ComplianceFailure, Recall, WarningLetter
from enforcement.models.compliance import WARNING_DECISIONS, EnforcementDecision
from enforcement.selectors import compliance as selectors
from enforcement.services import compliance as services

BAD_REQUEST = 400
Decision = EnforcementDecision
Status = ComplianceFailure.Status
CASE_HOLDING_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)
NO_DECIDING = "Only the responsible officer or a manager of the case's team can decide this."


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _compliance_tab(case_id: int) -> str:
    return reverse("enforcement:case_compliance", args=[case_id])


def _record_access(request, person_id: int, person) -> None:
    """An access record when the person has an exclusion or restriction list (one query)."""
    if PersonAccessLimit.objects.filter(person_id=person_id, ended_at__isnull=True).exists():
        case_services.access_record_write(person=person, user=request.user, path=request.path)


def _action_word(sentence) -> str:
    """What a failure past the warnings threshold needs on this order: breach, recall (or either, when unknown)."""
    if services.is_licence(sentence):
        return "recall"
    if services.is_breachable(sentence):
        return "breach"
    return "breach or recall"


# The case's compliance tab -----------------------------------------------------------------------------------


def case_compliance(request, pk: int):
    """The compliance panel (the last 12 months) and every failure on the case, newest first."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    failures = list(
        ComplianceFailure.objects.filter(case=case)
        .select_related("sentence", "decided_by", "warning_letter")
        .order_by("-failed_on", "-pk")
    )
    breaches = list(Breach.objects.filter(case=case).select_related("sentence", "court").order_by("-aware_on", "-pk"))
    recalls = list(Recall.objects.filter(case=case).select_related("sentence").order_by("-aware_on", "-pk"))
    current_sentence = Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()
    return render(
        request,
        "enforcement/compliance/case_compliance.html",
        {
            "case": case,
            "person": case.person,
            "tab": "compliance",
            "panel": selectors.compliance_panel(case),
            "failures": failures,
            "breaches": breaches,
            "recalls": recalls,
            "open_breach": next((breach for breach in breaches if breach.is_open), None),
            "open_recall": next((recall for recall in recalls if recall.is_open), None),
            "can_consider_recall": rules.can_decide(request.user, case) and services.is_licence(current_sentence),
            "can_decide": rules.can_decide(request.user, case),
            "today": timezone.localdate(),
        },
    )


# Recording a decision ----------------------------------------------------------------------------------------


def _decision_frame(failure: ComplianceFailure) -> dict:
    case = failure.case
    person = case.person
    return {
        "case": case,
        "person": person,
        "failure": failure,
        "back_url": _compliance_tab(case.pk),
        "back_text": "Back to compliance",
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused(request, failure: ComplianceFailure, *, title: str, message: str):
    """Something the rules do not allow: say so plainly, change nothing (status 400)."""
    links = [("Go back to the case's compliance", _compliance_tab(failure.case_id))]
    letter = getattr(failure, "warning_letter", None) if failure.status == Status.DECIDED else None
    if letter is not None:
        links.append((f"View the {letter.get_kind_display().lower()} letter", _letter_url(letter.pk)))
    return render(
        request,
        "includes/refused_page.html",
        {**_decision_frame(failure), "title": title, "message": message, "links": links},
        status=BAD_REQUEST,
    )


def _refusal(request, failure: ComplianceFailure):
    """A refusal page when the user may not decide this failure or it has no decision to make; else None."""
    if not rules.can_decide(request.user, failure.case):
        return _refused(request, failure, title="You cannot decide on this failure", message=NO_DECIDING)
    if failure.status == Status.DECIDED:
        decided_by = failure.decided_by.get_full_name() or failure.decided_by.username
        return _refused(
            request,
            failure,
            title="This failure has already been decided",
            message=f"{failure.get_decision_display()} on {_day(failure.decided_on)}, by {decided_by}. "
            "A decision cannot be changed.",
        )
    if failure.status == Status.WITHDRAWN:
        return _refused(
            request,
            failure,
            title="This failure was withdrawn",
            message=f"The outcome of {_day(failure.failed_on)} was corrected to one that is not a failure to "
            "comply, so there is nothing to decide.",
        )
    return None


def _threshold_explanation(failure: ComplianceFailure, warnings: list) -> str:
    count = len(warnings)
    given = ", ".join(_day(warning.decided_on) for warning in warnings)
    return (
        f"{count} warning{'s' if count != 1 else ''} already given within 12 months of this failure ({given}), "
        f"the most allowed. Another warning or no further action is not possible: take {_action_word(failure.sentence)}"
        " action, or record the failure as acceptable after all with the evidence."
    )


def _success_message(failure: ComplianceFailure) -> str:
    message = f"Decision recorded: {failure.get_decision_display()[:1].lower()}{failure.get_decision_display()[1:]}."
    if failure.decision in WARNING_DECISIONS:
        message += " The letter is ready to print."
    return message


@require_http_methods(["GET", "POST"])
def failure_decide(request, failure_id: int):
    """Record the decision on a failure: a warning letter, acceptable after all, no further action, breach or
    recall. Shows the failure and the warnings already given within 12 months of it."""
    failure = selectors.failure_get_for_user(user=request.user, failure_id=failure_id)
    case = failure.case
    _record_access(request, case.person_id, case.person)
    refusal = _refusal(request, failure)
    if refusal is not None:
        return refusal
    warnings = services.warnings_before(failure)
    requires_action = selectors.requires_enforcement_action(failure)
    offered = services.decisions_allowed(failure, warnings=warnings, requires_action=requires_action)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        offered=offered,
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.failure_decide(
                by=request.user, failure=failure, decision=data["decision"], reason=data["reason"], on=data["on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _success_message(decided))
            return redirect(_compliance_tab(case.pk))
    letters = {
        letter.failure_id: letter
        for letter in WarningLetter.objects.filter(failure_id__in=[warning.pk for warning in warnings])
    }
    sentence = failure.sentence
    order = (
        f"{sentence.get_disposal_display()} made on {_day(sentence.sentence_date)}" if sentence else "No order recorded"
    )
    rows = [
        ("Order", order),
        ("Date of the failure", _day(failure.failed_on)),
        ("What happened", failure.outcome),
        ("Details", failure.details),
        ("Recorded from", failure.get_source_display()),
    ]
    return render(
        request,
        "enforcement/compliance/failure_decide.html",
        {
            **_decision_frame(failure),
            "tab": "compliance",
            "form": form,
            "heading": "Record a decision on the failure to comply",
            "button": "Record decision",
            "rows": rows,
            "warnings": [(warning, letters.get(warning.pk)) for warning in warnings],
            "requires_action": requires_action,
            "threshold_explanation": _threshold_explanation(failure, warnings) if requires_action else "",
            "today": timezone.localdate(),
        },
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


# Warning letters ---------------------------------------------------------------------------------------------


def _letter_url(letter_id: int) -> str:
    return reverse("enforcement:warning_letter", args=[letter_id])


def warning_letter(request, letter_id: int):
    """The letter as issued, laid out to print."""
    letter = selectors.warning_letter_get_for_user(user=request.user, letter_id=letter_id)
    case = letter.case
    _record_access(request, case.person_id, case.person)
    return render(
        request,
        "enforcement/compliance/warning_letter.html",
        {
            "letter": letter,
            "case": case,
            "person": case.person,
            "paragraphs": [part.strip() for part in letter.body.split("\n\n") if part.strip()],
            "address_lines": [line.strip() for line in letter.recipient_address.splitlines() if line.strip()],
        },
    )


# Decisions due -----------------------------------------------------------------------------------------------


def _needing_action(failures: list[ComplianceFailure]) -> set[int]:
    return selectors.failures_needing_action(failures)


def _action_needed(failure: ComplianceFailure) -> str:
    """The tag for a failure past the warnings threshold: "Breach action needed" or "Recall action needed"."""
    return f"{_action_word(failure.sentence).capitalize()} action needed"


def decisions_due(request):
    """Failures waiting for a decision: an officer's own cases, a manager's team's; soonest due first."""
    user = request.user
    if not user.team_id or user.role not in CASE_HOLDING_ROLES:
        raise PermissionDenied("Only responsible officers and managers have decisions to make on failures to comply.")
    page_obj = Paginator(selectors.decisions_due(user=user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    failures = list(page_obj.object_list)
    needing = _needing_action(failures)
    return render(
        request,
        "enforcement/compliance/decisions_due.html",
        {
            "page_obj": page_obj,
            "rows": [(failure, _action_needed(failure) if failure.pk in needing else "") for failure in failures],
            "is_manager": user.role == User.Role.MANAGER,
            "working_days": settings.ENFORCEMENT_DECISION_WORKING_DAYS,
            "today": timezone.localdate(),
        },
    )


urlpatterns = [
    path("cases/<int:pk>/compliance/", case_compliance, name="case_compliance"),
    path("compliance/failures/<int:failure_id>/decision/", failure_decide, name="failure_decide"),
    path("compliance/warning-letters/<int:letter_id>/", warning_letter, name="warning_letter"),
    path("compliance/decisions-due/", decisions_due, name="decisions_due"),
]
