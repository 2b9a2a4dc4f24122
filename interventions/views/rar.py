"""Pages for rehabilitation activity requirement (RAR) days: a requirement's progress, recording an activity with
its appointment, and marking an appointment already booked.

Thin: parse, call a selector or service, render. The requirement is found through the scoped selector, so a case
outside the user's scope, or a requirement that is not a RAR, is "not found". Opening a person with an exclusion
or restriction list writes an access record. Bad input re-renders the form with the error summary, status 400,
and changes nothing; a requirement that can take no more activity gets the refusal page (status 400).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors import contacts as contact_selectors
from cases.services import access_record_write
from interventions.forms.rar import MarkActivityForm, RecordActivityForm, add_service_errors
from interventions.rules import can_do_case_work
from interventions.selectors import rar as selectors
from interventions.services import rar as services

BAD_REQUEST = 400
NO_ACCESS = "Only responsible officers and managers can record rehabilitation activity."
DAY_RULE = (
    "Any activity on a day counts as one RAR day, however short; two activities on the same day count once. "
    "A day counts only when the person attended and complied."
)


def _requirement(request, requirement_id: int, *, write: bool = False):
    requirement = selectors.rar_requirement_get_for_user(user=request.user, requirement_id=requirement_id)
    if write and not can_do_case_work(request.user):
        raise PermissionDenied(NO_ACCESS)
    case = requirement.sentence.case
    if case.has_access_limits:
        access_record_write(person=case.person, user=request.user, path=request.path)
    return requirement


def _rar_page(requirement) -> str:
    return reverse("interventions:rar_requirement", args=[requirement.pk])


def _page_frame(requirement) -> dict:
    case = requirement.sentence.case
    person = case.person
    return {
        "case": case,
        "person": person,
        "requirement": requirement,
        "back_url": _rar_page(requirement),
        "back_text": "Back to the rehabilitation activity requirement",
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused(request, requirement, message: str):
    return render(
        request,
        "includes/refused_page.html",
        {
            **_page_frame(requirement),
            "title": "You cannot add rehabilitation activity",
            "message": message,
            "links": [("Go back to the rehabilitation activity requirement", _rar_page(requirement))],
        },
        status=BAD_REQUEST,
    )


def _form_page(request, form, requirement, *, template: str, heading: str, button: str, **extra):
    return render(
        request,
        template,
        {**_page_frame(requirement), "form": form, "heading": heading, "button": button, **extra},
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


@require_GET
def rar_requirement(request, requirement_id: int):
    """Days delivered against the maximum, the order's time elapsed and what each day was."""
    requirement = _requirement(request, requirement_id)
    case = requirement.sentence.case
    return render(
        request,
        "interventions/rar/requirement.html",
        {
            "case": case,
            "person": case.person,
            "tab": "delivery",
            "requirement": requirement,
            "progress": selectors.rar_progress(requirement),
            "day_rule": DAY_RULE,
            "can_add": can_do_case_work(request.user)
            and services.rar_activity_refusal(by=request.user, requirement=requirement) is None,
        },
    )


def _activity_choices(requirement) -> dict:
    case = requirement.sentence.case
    return {
        "staff_choices": list(contact_selectors.staff_for_case(case)),
        "objectives": list(selectors.plan_objectives_for_case(case).select_related("plan")),
    }


@require_http_methods(["GET", "POST"])
def rar_activity_record(request, requirement_id: int):
    requirement = _requirement(request, requirement_id, write=True)
    refusal = services.rar_activity_refusal(by=request.user, requirement=requirement)
    if refusal:
        return _refused(request, requirement, refusal)
    case = requirement.sentence.case
    outcomes = list(contact_selectors.active_outcomes())
    form = RecordActivityForm(
        request.POST if request.method == "POST" else None,
        initial={"delivered_by": case.responsible_officer_id, "method": "face_to_face"},
        outcomes=outcomes,
        **_activity_choices(requirement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.rar_activity_record(by=request.user, requirement=requirement, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, _on_form_fields(error))
        else:
            messages.success(request, f"Rehabilitation activity recorded for {activity.activity_date:%-d %B %Y}")
            return redirect(_rar_page(requirement))
    return _form_page(
        request,
        form,
        requirement,
        template="interventions/rar/record_form.html",
        heading="Record a rehabilitation activity",
        button="Record activity",
        day_rule=DAY_RULE,
        acceptable_absence_codes=[outcome.code for outcome in outcomes if outcome.acceptable_absence],
    )


def _on_form_fields(error: ValidationError) -> ValidationError:
    """The services name the date and time `starts_at`; the form shows it on the date."""
    if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
        errors = dict(error.message_dict)
        errors["date"] = errors.pop("starts_at")
        return ValidationError(errors)
    return error


@require_http_methods(["GET", "POST"])
def rar_activity_mark(request, requirement_id: int):
    requirement = _requirement(request, requirement_id, write=True)
    refusal = services.rar_activity_refusal(by=request.user, requirement=requirement)
    if refusal:
        return _refused(request, requirement, refusal)
    appointments = list(selectors.markable_appointments(requirement))
    form = MarkActivityForm(
        request.POST if request.method == "POST" else None,
        appointments=appointments,
        **_activity_choices(requirement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.rar_activity_mark(by=request.user, requirement=requirement, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Appointment on {activity.activity_date:%-d %B %Y} marked as rehabilitation activity"
            )
            return redirect(_rar_page(requirement))
    return _form_page(
        request,
        form,
        requirement,
        template="interventions/rar/mark_form.html",
        heading="Mark an appointment as rehabilitation activity",
        button="Mark as rehabilitation activity",
        appointments=appointments,
        day_rule=DAY_RULE,
        now=timezone.now(),
    )


urlpatterns = [
    path("requirements/<int:requirement_id>/rar/", rar_requirement, name="rar_requirement"),
    path("requirements/<int:requirement_id>/rar/activities/new/", rar_activity_record, name="rar_activity_record"),
    path("requirements/<int:requirement_id>/rar/activities/mark/", rar_activity_mark, name="rar_activity_mark"),
]
