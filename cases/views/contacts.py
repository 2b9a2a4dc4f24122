"""Pages for appointments and the contact log: a case's contacts tab, booking an appointment, recording its
outcome, recording another contact, and a person's contact log with filters.

Thin: parse, call a selector or service, render. Cases and contacts are found through the scoped selectors, so
anything outside the user's scope is "not found". Opening a person with an exclusion or restriction list writes
an access record. Bad input re-renders the form with the error summary, status 400, and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors, services
from cases.forms.contacts import AppointmentForm, ContactForm, ContactLogFilterForm, OutcomeForm, add_service_errors
from cases.models import Case, PersonAccessLimit
from cases.selectors import contacts as contact_selectors
from cases.services import contacts as contact_services
from cases.views.people import _page, _person_for_request, _query_without_page

BAD_REQUEST = 400


def _status(form) -> int:
    """400 when a submitted form is shown again with its errors (nothing was saved), else 200."""
    return BAD_REQUEST if form.is_bound and form.errors else 200


def _case_for_request(request, pk: int) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        services.access_record_write(person=case.person, user=request.user, path=request.path)
    return case


def _contacts_tab(case) -> str:
    return reverse("cases:case_contacts", args=[case.pk])


def _page_frame(case) -> dict:
    """What the shared form and refusal pages show around their content: the back link and the caption."""
    person = case.person
    return {
        "case": case,
        "person": person,
        "back_url": _contacts_tab(case),
        "back_text": "Back to contacts",
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused(request, case, *, title: str, message: str):
    """Something the rules do not allow on this case: say so plainly, change nothing (status 400)."""
    links = [("Go back to the case's contacts", _contacts_tab(case))]
    return render(
        request,
        "includes/refused_page.html",
        {**_page_frame(case), "title": title, "message": message, "links": links},
        status=BAD_REQUEST,
    )


def _ended(request, case, what: str):
    return _refused(
        request,
        case,
        title=f"You cannot {what}",
        message=f"This case ended on {case.end_date:%-d %B %Y}: you cannot {what} on an ended case.",
    )


def case_contacts(request, pk: int):
    """The case's contacts tab: upcoming appointments, past ones awaiting an outcome, and the contact log."""
    case = _case_for_request(request, pk)
    appointments = contact_selectors.appointments_for_case(request.user, case)
    page = _page(request, contact_selectors.case_contact_log(request.user, case))
    return render(
        request,
        "cases/contacts/case_contacts.html",
        {
            "case": case,
            "person": case.person,
            "tab": "contacts",
            "appointments": appointments,
            "page_obj": page,
            "query": _query_without_page(request),
            "case_open": case.status != Case.Status.ENDED,
            "now": timezone.now(),
        },
    )


def _form_page(request, form, *, case, heading, button, template="cases/contacts/form_page.html", **extra):
    return render(
        request,
        template,
        {**_page_frame(case), "form": form, "heading": heading, "button": button, **extra},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def appointment_new(request, pk: int):
    case = _case_for_request(request, pk)
    if case.status == Case.Status.ENDED:
        return _ended(request, case, "book an appointment")
    staff = list(contact_selectors.staff_for_case(case))
    initial = {"staff": case.responsible_officer_id, "method": "face_to_face"}
    form = AppointmentForm(request.POST if request.method == "POST" else None, initial=initial, staff_choices=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = contact_services.appointment_book(
                by=request.user,
                case=case,
                contact_type=data["contact_type"],
                starts_at=data["starts_at"],
                method=data["method"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                staff=data["staff"],
                with_whom=data["with_whom"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, _on_form_fields(error))
        else:
            when = timezone.localtime(contact.starts_at)
            messages.success(request, f"Appointment booked for {when:%-d %B %Y} at {when:%H:%M}")
            return redirect(_contacts_tab(case))
    return _form_page(request, form, case=case, heading="Book an appointment", button="Book appointment")


@require_http_methods(["GET", "POST"])
def contact_new(request, pk: int):
    case = _case_for_request(request, pk)
    if case.status == Case.Status.ENDED:
        return _ended(request, case, "record a contact")
    staff = list(contact_selectors.staff_for_case(case))
    initial = {"staff": request.user.pk if any(member.pk == request.user.pk for member in staff) else None}
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial, staff_choices=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_services.contact_record(
                by=request.user,
                case=case,
                contact_type=data["contact_type"],
                starts_at=data["starts_at"],
                method=data["method"],
                notes=data["notes"],
                staff=data["staff"],
                with_whom=data["with_whom"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
            )
        except ValidationError as error:
            add_service_errors(form, _on_form_fields(error))
        else:
            messages.success(request, "Contact recorded")
            return redirect(_contacts_tab(case))
    return _form_page(request, form, case=case, heading="Record a contact", button="Record contact")


def _on_form_fields(error: ValidationError) -> ValidationError:
    """The services name the date and time `starts_at`; the form shows it on the date."""
    if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
        errors = dict(error.message_dict)
        errors["date"] = errors.pop("starts_at")
        return ValidationError(errors)
    return error


@require_http_methods(["GET", "POST"])
def contact_outcome(request, pk: int):
    contact = contact_selectors.contact_get_for_user(user=request.user, contact_id=pk)
    case = contact.case
    if PersonAccessLimit.objects.filter(person_id=case.person_id, ended_at__isnull=True).exists():
        services.access_record_write(person=case.person, user=request.user, path=request.path)
    if not contact.is_appointment:
        return _refused(
            request,
            case,
            title="This contact has no outcome",
            message="Only an appointment has an outcome: this contact was recorded, not booked.",
        )
    if contact.outcome is not None:
        return _refused(
            request,
            case,
            title="An outcome was already recorded",
            message=f"The outcome of this appointment was recorded as \u201c{contact.outcome.name}\u201d on "
            f"{timezone.localtime(contact.outcome_recorded_at):%-d %B %Y}. It cannot be changed.",
        )
    outcomes = list(contact_selectors.active_outcomes())
    form = OutcomeForm(request.POST if request.method == "POST" else None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_services.appointment_record_outcome(
                by=request.user,
                contact=contact,
                outcome=data["outcome"],
                absence_reason=data["absence_reason"],
                absence_reason_details=data["absence_reason_details"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Outcome recorded: {data['outcome'].name}")
            return redirect(_contacts_tab(case))
    return _form_page(
        request,
        form,
        case=case,
        heading="Record the outcome",
        button="Record outcome",
        template="cases/contacts/outcome_form.html",
        contact=contact,
        not_started=contact.starts_at > timezone.now(),
        acceptable_absence_codes=[outcome.code for outcome in outcomes if outcome.acceptable_absence],
    )


def person_contacts(request, crn: str):
    """A person's contact log, newest first, filterable by type, outcome and dates; 25 to a page."""
    person = _person_for_request(request, crn)
    form = ContactLogFilterForm(request.GET)
    page = None
    if form.is_valid():
        page = _page(request, contact_selectors.contact_log(request.user, person, **form.selector_filters()))
    open_case = selectors.cases_visible_to(request.user).filter(person=person, status__in=Case.OPEN_STATUSES).first()
    return render(
        request,
        "cases/contacts/person_contacts.html",
        {
            "person": person,
            "tab": "contacts",
            "form": form,
            "page_obj": page,
            "query": _query_without_page(request),
            "open_case": open_case,
            "now": timezone.now(),
        },
        status=200 if page is not None else BAD_REQUEST,
    )


urlpatterns = [
    path("cases/<int:pk>/contacts/", case_contacts, name="case_contacts"),
    path("cases/<int:pk>/contacts/new/", contact_new, name="contact_new"),
    path("cases/<int:pk>/appointments/new/", appointment_new, name="appointment_new"),
    path("contacts/<int:pk>/outcome/", contact_outcome, name="contact_outcome"),
    path("people/<str:crn>/contacts/", person_contacts, name="person_contacts"),
]
