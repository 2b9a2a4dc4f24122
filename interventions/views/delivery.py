"""Pages for the case's "Delivery" tab and for recording a requirement's outcome (issue 5, item 6).

Thin: parse, call a selector or service, render. The case and the requirement are found through the scoped
selectors, so anything outside the user's scope is "not found"; opening a person with an exclusion or restriction
list writes an access record, as the other case pages do. Bad input re-renders the form with the error summary,
status 400, and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import PersonAccessLimit
from interventions.forms.delivery import RequirementEndForm, add_service_errors
from interventions.rules import can_do_case_work
from interventions.selectors import delivery as selectors
from interventions.services import delivery as services

BAD_REQUEST = 400


def _delivery_tab(case_id: int) -> str:
    return reverse("interventions:case_delivery", args=[case_id])


def case_delivery(request, pk: int):
    """The case's delivery tab: each requirement with its progress and warnings, then the referrals to services."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    return render(
        request,
        "interventions/delivery/case_delivery.html",
        {
            "case": case,
            "person": case.person,
            "tab": "delivery",
            "delivery": selectors.case_delivery(user=request.user, case=case),
            "can_record": can_do_case_work(request.user),
        },
    )


def _page_frame(case) -> dict:
    person = case.person
    return {
        "case": case,
        "person": person,
        "tab": "delivery",
        "back_url": _delivery_tab(case.pk),
        "back_text": "Back to delivery",
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused(request, case, *, title: str, message: str):
    """Something the rules do not allow: say so plainly, change nothing (status 400)."""
    links = [("Go back to the case's delivery", _delivery_tab(case.pk))]
    return render(
        request,
        "includes/refused_page.html",
        {**_page_frame(case), "title": title, "message": message, "links": links},
        status=BAD_REQUEST,
    )


@require_http_methods(["GET", "POST"])
def requirement_end(request, requirement_id: int):
    """Record that a requirement ended: completed positively (yes or no), the reason when not, the date, notes."""
    requirement = selectors.requirement_get_for_user(user=request.user, requirement_id=requirement_id)
    case = requirement.sentence.case
    if PersonAccessLimit.objects.filter(person_id=case.person_id, ended_at__isnull=True).exists():
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    item = selectors.requirement_delivery(requirement)
    if not can_do_case_work(request.user):
        return _refused(request, case, title="You cannot record this outcome", message=services.NO_CASE_WORK)
    if not item.is_active:
        return _refused(
            request,
            case,
            title="This requirement has already ended",
            message=f"{item.name}: {item.outcome}. The outcome of a requirement cannot be changed.",
        )
    form = RequirementEndForm(request.POST if request.method == "POST" else None, kind=item.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = services.requirement_end(
                by=request.user,
                requirement=requirement,
                ended_on=data["ended_on"],
                completed_positively=data["completed_positively"],
                termination_reason=data["termination_reason"],
                outcome_notes=data["outcome_notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            outcome = "completed positively" if ended.completed_positively else "ended without being completed"
            messages.success(request, f"{item.name} recorded as {outcome}")
            return redirect(_delivery_tab(case.pk))
    rows = [("Requirement", item.name), ("What the court set", item.court_set)]
    rows.append(("Started", f"{requirement.start_date:%-d %B %Y}"))
    if item.progress:
        rows.append(("Progress", item.progress))
    return render(
        request,
        "interventions/delivery/requirement_end.html",
        {
            **_page_frame(case),
            "form": form,
            "item": item,
            "heading": "Record the outcome of the requirement",
            "button": "Record outcome",
            "rows": rows,
        },
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


urlpatterns = [
    path("cases/<int:pk>/delivery/", case_delivery, name="case_delivery"),
    path("requirements/<int:requirement_id>/end/", requirement_end, name="requirement_end"),
]
