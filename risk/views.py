"""HTML pages for risk: the person's risk tab, RoSH assessments, registrations (flags), MAPPA, changes of
circumstances, parents and carers, and the risk gaps list. Thin: parse, call a selector or service, render.

Every page of a person goes through cases.views._person_for_request (scoping, "not found" outside it, and the
access record for a person with an exclusion or restriction list). Records found by id (a registration, a
MAPPA registration, an assessment) are checked the same way through their person.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from cases import selectors as case_selectors
from cases.selectors import court as court_selectors
from cases.views import _person_for_request
from risk import selectors, services
from risk.forms import (
    CHILD_FIELDS,
    LEVEL_FIELDS,
    NARRATIVE_FIELDS,
    PLAN_FIELDS,
    REOFFENDING_FIELDS,
    AssessmentForm,
    ChangeOfCircumstancesForm,
    GovukDateField,
    MappaAddForm,
    MappaEndForm,
    MappaReviewForm,
    ParentOrCarerForm,
    RegistrationAddForm,
    RegistrationDeregisterForm,
    RegistrationReviewForm,
    add_service_errors,
)
from risk.models import MappaRegistration, Registration, RoshAssessment
from risk.rules import can_see_risk_gaps

COMPLETED_MESSAGE = "This assessment was completed and cannot be changed. Start a new assessment (a review) instead."


def _data(request):
    return request.POST if request.method == "POST" else None


def _risk_tab(person) -> str:
    return reverse("risk:person_risk", args=[person.crn])


def _in_scope(request, model, pk: int, *related: str):
    """A risk record by id, and its person, when the user may see the person (else Http404)."""
    record = get_object_or_404(model.objects.select_related("person", *related), pk=pk)
    return record, _person_for_request(request, record.person.crn)


def _assessment_for_request(request, pk: int):
    assessment = selectors.assessment_get_for_user(user=request.user, assessment_id=pk)
    return assessment, _person_for_request(request, assessment.person.crn)


def _page_frame(person) -> dict:
    """What the shared form and refusal pages show around their content: the back link and the caption."""
    return {
        "person": person,
        "back_url": _risk_tab(person),
        "back_text": "Back to risk",
        "caption": f"{person.full_name} ({person.crn})",
    }


def _form_page(request, form, *, person, heading, button, save, success, caption="", intro="", rows=()):
    """Render a form about one person; on a valid POST call `save(cleaned_data)`, show any service error on
    the form (nothing is saved), or go back to the risk tab with a success message."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_risk_tab(person))
    return render(
        request,
        "includes/form_page.html",
        {
            **_page_frame(person),
            "form": form,
            "heading": heading,
            "caption": caption or f"{person.full_name} ({person.crn})",
            "button": button,
            "intro": intro,
            "rows": rows,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _refused(request, person, *, title: str, message: str, links=()):
    """A change the rules do not allow: say so plainly, change nothing (status 400)."""
    return render(
        request,
        "includes/refused_page.html",
        {**_page_frame(person), "title": title, "message": message, "links": links},
        status=400,
    )


# The risk tab ------------------------------------------------------------------------------------------------


def person_risk(request, crn: str):
    person = _person_for_request(request, crn)
    overview = selectors.risk_overview(person=person)
    current = overview.current
    return render(
        request,
        "risk/person_risk.html",
        {
            "person": person,
            "tab": "risk",
            "overview": overview,
            "assessment_overdue": current is not None and current.assessment_date < selectors.review_cutoff(),
            "review_months": settings.RISK_ASSESSMENT_REVIEW_MONTHS,
        },
    )


# RoSH assessments --------------------------------------------------------------------------------------------


def _assessment_form_page(request, form, *, person, assessment=None, copied_from=None):
    return render(
        request,
        "risk/assessment_form.html",
        {
            "form": form,
            "person": person,
            "assessment": assessment,
            "copied_from": copied_from,
            "level_fields": [form[name] for name in LEVEL_FIELDS],
            "narrative_fields": [form[name] for name in NARRATIVE_FIELDS],
            "plan_fields": [form[name] for name in PLAN_FIELDS],
            "child_fields": [form[name] for name in CHILD_FIELDS if name in form.fields],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _after_save(request, assessment: RoshAssessment, completed: bool):
    if completed:
        messages.success(request, "Assessment completed")
        if assessment.pre_sentence_report_id:
            # A screening for a pre-sentence report: back to the report, which can now be delivered.
            return redirect(reverse("cases:report", args=[assessment.pre_sentence_report_id]))
        return redirect(_risk_tab(assessment.person))
    messages.success(request, "Draft assessment saved")
    return redirect(reverse("risk:assessment", args=[assessment.pk]))


@require_http_methods(["GET", "POST"])
def assessment_new(request, crn: str):
    person = _person_for_request(request, crn)
    report = _report_for_screening(request, person)
    draft = RoshAssessment.objects.filter(person=person, status=RoshAssessment.Status.DRAFT).first()
    if draft is not None and request.method == "GET" and (report is None or draft.pre_sentence_report_id == report.pk):
        return redirect(reverse("risk:assessment_edit", args=[draft.pk]))
    current = RoshAssessment.objects.filter(
        person=person, status=RoshAssessment.Status.COMPLETED, superseded_by__isnull=True
    ).first()
    initial = {}
    if current is not None:
        # A review starts from what the current assessment says; the officer checks and updates every answer.
        initial = AssessmentForm.initial_from(current)
        initial.update(kind=RoshAssessment.Kind.REVIEW, assessment_date=None)
    if report is not None:
        # `?report=<id>`: the risk of serious harm screening for that pre-sentence report.
        initial.update(kind=RoshAssessment.Kind.SCREENING)
    child = person.is_child or services.is_child_on(person, _submitted_assessment_date(request, None))
    form = AssessmentForm(_data(request), initial=initial, child=child)
    if request.method == "POST" and form.is_valid():
        complete = request.POST.get("action") == "complete"
        start = services.assessment_record_completed if complete else services.assessment_start
        try:
            assessment = start(
                by=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                assessment_date=form.cleaned_data["assessment_date"],
                pre_sentence_report=report,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_save(request, assessment, complete)
    return _assessment_form_page(request, form, person=person, copied_from=current if request.method == "GET" else None)


def _report_for_screening(request, person):
    """The pre-sentence report named by `?report=<id>`, when the user may see it and it is this person's.

    Anything else (not a number, another person's report, one out of scope) is "not found".
    """
    report_id = request.GET.get("report", "")
    if not report_id:
        return None
    if not report_id.isdigit() or len(report_id) > 18:
        raise Http404("Not found")
    report = court_selectors.report_get_for_user(request.user, int(report_id))
    if report.case.person_id != person.pk:
        raise Http404("Not found")
    return report


def _submitted_assessment_date(request, default):
    """The assessment date being submitted, if it is a real date: it decides whether the form asks about a
    child's safety and wellbeing (the person may be an adult now but was a child on that day)."""
    if request.method != "POST":
        return default
    field = GovukDateField(name="Assessment date", required=False)
    try:
        return field.clean(field.widget.value_from_datadict(request.POST, {}, "assessment_date")) or default
    except ValidationError:
        return default


def assessment_detail(request, pk: int):
    assessment, person = _assessment_for_request(request, pk)
    return render(request, "risk/assessment_detail.html", _assessment_detail_context(assessment, person))


def _assessment_detail_context(assessment, person, completion_errors=()):
    return {
        "assessment": assessment,
        "person": person,
        "completion_errors": completion_errors,
        "show_child_fields": services.is_child_on(person, assessment.assessment_date)
        or person.is_child
        or bool(assessment.safety_and_wellbeing_level or assessment.safety_and_wellbeing_reasons),
        "reoffending_recorded": any(getattr(assessment, name) not in (None, "") for name in REOFFENDING_FIELDS),
    }


@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk: int):
    assessment, person = _assessment_for_request(request, pk)
    if assessment.is_completed:
        return _refused_completed(request, assessment, person)
    submitted_date = _submitted_assessment_date(request, assessment.assessment_date)
    child = person.is_child or services.is_child_on(person, submitted_date)
    form = AssessmentForm(_data(request), initial=AssessmentForm.initial_from(assessment), child=child)
    if request.method == "POST" and form.is_valid():
        complete = request.POST.get("action") == "complete"
        try:
            # Saving and completing is one step: if completing is refused, the draft stays as it was.
            with transaction.atomic():
                assessment = services.assessment_update_draft(
                    by=request.user,
                    assessment=assessment,
                    kind=form.cleaned_data["kind"],
                    assessment_date=form.cleaned_data["assessment_date"],
                    **form.service_fields(),
                )
                if complete:
                    assessment = services.assessment_complete(by=request.user, assessment=assessment)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_save(request, assessment, complete)
    return _assessment_form_page(request, form, person=person, assessment=assessment)


@require_POST
def assessment_complete(request, pk: int):
    assessment, person = _assessment_for_request(request, pk)
    if assessment.is_completed:
        return _refused_completed(request, assessment, person)
    try:
        assessment = services.assessment_complete(by=request.user, assessment=assessment)
    except ValidationError as error:
        edit_url = reverse("risk:assessment_edit", args=[assessment.pk])
        errors = []
        for field, field_messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            anchor = _field_anchor(field)
            for message in field_messages:
                errors.append({"message": message, "href": f"{edit_url}#{anchor}" if anchor else edit_url})
        context = _assessment_detail_context(assessment, person, completion_errors=errors)
        return render(request, "risk/assessment_detail.html", context)
    messages.success(request, "Assessment completed")
    return redirect(_risk_tab(person))


def _field_anchor(field: str) -> str:
    """The id of the input the edit form gives a field (the first radio, the day box of a date)."""
    if field == "assessment_date":
        return "id_assessment_date-day"
    if field in AssessmentForm.base_fields:
        return f"id_{field}"
    return ""


def _refused_completed(request, assessment, person):
    return _refused(
        request,
        person,
        title="This assessment cannot be changed",
        message=COMPLETED_MESSAGE,
        links=[
            ("View the assessment", reverse("risk:assessment", args=[assessment.pk])),
            ("Start a new assessment", reverse("risk:assessment_new", args=[person.crn])),
        ],
    )


# Registrations (flags) ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def registration_new(request, crn: str):
    person = _person_for_request(request, crn)
    return _form_page(
        request,
        RegistrationAddForm(_data(request)),
        person=person,
        heading="Add a registration",
        intro="A registration (flag) shows on every page of the person until it is removed. Adding one opens a "
        "risk review: complete a new assessment to close it.",
        button="Add registration",
        save=lambda data: services.registration_add(by=request.user, person=person, **data),
        success="Registration added",
    )


def _registration_rows(registration: Registration) -> list[tuple[str, str]]:
    return [
        ("Registration", registration.registration_type.name),
        ("Started", f"{registration.start_date:%-d %B %Y}"),
        ("Next review due", f"{registration.next_review_date:%-d %B %Y}"),
        ("Reason", registration.reason),
    ]


@require_http_methods(["GET", "POST"])
def registration_review(request, pk: int):
    registration, person = _in_scope(request, Registration, pk, "registration_type")
    return _form_page(
        request,
        RegistrationReviewForm(_data(request)),
        person=person,
        heading=f"Review the {registration.registration_type.name.lower()} registration",
        intro=f"The registration stays in place. The next review will be due "
        f"{registration.review_frequency_months} months after the date of this review.",
        rows=_registration_rows(registration),
        button="Record review",
        save=lambda data: services.registration_review(by=request.user, registration=registration, **data),
        success="Registration review recorded",
    )


@require_http_methods(["GET", "POST"])
def registration_deregister(request, pk: int):
    registration, person = _in_scope(request, Registration, pk, "registration_type")
    return _form_page(
        request,
        RegistrationDeregisterForm(_data(request)),
        person=person,
        heading=f"Remove the {registration.registration_type.name.lower()} registration",
        intro="The registration will no longer show as a flag. It stays in the person's history.",
        rows=_registration_rows(registration),
        button="Remove registration",
        save=lambda data: services.registration_deregister(
            by=request.user,
            registration=registration,
            deregistered_date=data["deregistered_date"],
            reason=data["deregistration_reason"],
        ),
        success="Registration removed",
    )


# MAPPA -------------------------------------------------------------------------------------------------------


def _mappa_rows(mappa: MappaRegistration) -> list[tuple[str, str]]:
    return [
        ("Category", mappa.get_category_display()),
        ("Level", mappa.get_level_display()),
        ("Lead agency", mappa.get_lead_agency_display()),
        ("Started", f"{mappa.start_date:%-d %B %Y}"),
        ("Next review due", f"{mappa.next_review_date:%-d %B %Y}"),
    ]


@require_http_methods(["GET", "POST"])
def mappa_new(request, crn: str):
    person = _person_for_request(request, crn)
    return _form_page(
        request,
        MappaAddForm(_data(request)),
        person=person,
        heading="Add MAPPA registration",
        intro="Multi-agency public protection arrangements (MAPPA): record the category and level the MAPPA "
        "meeting agreed.",
        button="Add MAPPA registration",
        save=lambda data: services.mappa_register(by=request.user, person=person, **data),
        success="MAPPA registration added",
    )


@require_http_methods(["GET", "POST"])
def mappa_review(request, pk: int):
    mappa, person = _in_scope(request, MappaRegistration, pk)
    return _form_page(
        request,
        MappaReviewForm(_data(request), initial={"level": mappa.level}),
        person=person,
        heading="Record a MAPPA review",
        rows=_mappa_rows(mappa),
        button="Record review",
        save=lambda data: services.mappa_review(by=request.user, registration=mappa, **data),
        success="MAPPA review recorded",
    )


@require_http_methods(["GET", "POST"])
def mappa_end(request, pk: int):
    mappa, person = _in_scope(request, MappaRegistration, pk)
    return _form_page(
        request,
        MappaEndForm(_data(request)),
        person=person,
        heading="End MAPPA management",
        intro="The registration stays in the person's history.",
        rows=_mappa_rows(mappa),
        button="End MAPPA management",
        save=lambda data: services.mappa_end(
            by=request.user, registration=mappa, end_date=data["end_date"], reason=data["end_reason"]
        ),
        success="MAPPA management ended",
    )


# Change of circumstances and parents and carers --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def change_new(request, crn: str):
    person = _person_for_request(request, crn)
    return _form_page(
        request,
        ChangeOfCircumstancesForm(_data(request)),
        person=person,
        heading="Record a change of circumstances",
        intro="A change of circumstances means the risk assessment must be reviewed. A “risk review due” item "
        "stays open until a new assessment is completed.",
        button="Record change",
        save=lambda data: services.change_of_circumstances_record(by=request.user, person=person, **data),
        success="Change of circumstances recorded: a risk review is due",
    )


@require_http_methods(["GET", "POST"])
def parent_new(request, crn: str):
    person = _person_for_request(request, crn)
    if not person.is_child:
        return _refused(
            request,
            person,
            title="Parents and carers are recorded for children",
            message=f"{person.full_name} is {person.age()}. Parents and carers are recorded for children (under 18).",
            links=[("Back to risk", _risk_tab(person))],
        )
    return _form_page(
        request,
        ParentOrCarerForm(_data(request)),
        person=person,
        heading="Add a parent or carer",
        button="Add parent or carer",
        save=lambda data: services.parent_or_carer_add(by=request.user, person=person, **data),
        success="Parent or carer added",
    )


# Risk gaps ---------------------------------------------------------------------------------------------------


def gaps(request):
    user = request.user
    if not can_see_risk_gaps(user):
        raise PermissionDenied("Only responsible officers and managers in a team have a risk gaps list.")
    officers, chosen = [], None
    if user.role != User.Role.RESPONSIBLE_OFFICER:
        officers = list(case_selectors.team_officers_with_caseloads(user=user))
        chosen = next((officer for officer in officers if str(officer.pk) == request.GET.get("officer")), None)
    today = timezone.localdate()
    cases = selectors.risk_gaps(user=user, officer_id=chosen.pk if chosen else None, today=today)
    page = Paginator(cases, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "risk/gaps.html",
        {
            "page_obj": page,
            "rows": [{"case": case, "reasons": selectors.gap_reasons(case, today)} for case in page],
            "officers": officers,
            "chosen_officer": chosen,
            "show_officer": user.role != User.Role.RESPONSIBLE_OFFICER,
            "query": params.urlencode(),
            "review_months": settings.RISK_ASSESSMENT_REVIEW_MONTHS,
        },
    )
