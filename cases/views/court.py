"""Pages for court work: the court team's reports due list, opening a case at court, the court tab of a case,
hearings, pre-sentence reports (content, delivery, withdrawal) and information requests.

Thin: parse, call a selector or service, render. Records are found through cases.selectors.court, so anything
outside the user's scope is "not found". Opening a person with an exclusion or restriction list writes an
access record, as every other page of a person does. Bad input re-renders the form with the error summary,
status 400, and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases import selectors, services
from cases.forms.court import (
    CourtAppearanceForm,
    InformationRequestForm,
    InformationResponseForm,
    NewCaseAtCourtForm,
    ReportContentForm,
    ReportDeliverForm,
    ReportRequestForm,
    ReportWithdrawForm,
)
from cases.models import CourtAppearance, Disposal, PersonAccessLimit, PreSentenceReport, age_on
from cases.selectors import court as court_selectors
from cases.services import court as court_services
from cases.views.people import _page, _query_without_page
from risk.forms import add_service_errors

BAD_REQUEST = 400


def _data(request):
    return request.POST if request.method == "POST" else None


def _status(form) -> int:
    """400 when a submitted form is shown again with its errors (nothing was saved), else 200."""
    return BAD_REQUEST if form.is_bound and form.errors else 200


def _record_access(request, person, flagged: bool | None = None) -> None:
    if flagged is None:
        flagged = PersonAccessLimit.objects.filter(person=person, ended_at__isnull=True).exists()
    if flagged:
        services.access_record_write(person=person, user=request.user, path=request.path)


def _case_for_request(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    _record_access(request, case.person, case.has_access_limits)
    return case


def _report_for_request(request, pk: int) -> PreSentenceReport:
    report = court_selectors.report_get_for_user(request.user, pk)
    _record_access(request, report.case.person, report.has_access_limits)
    return report


def _court_tab(case) -> str:
    return reverse("cases:case_court", args=[case.pk])


def _report_url(report) -> str:
    return reverse("cases:report", args=[report.pk])


def _page_frame(case, *, back_url: str, back_text: str) -> dict:
    """What the shared form and refusal pages show around their content: the back link and the caption."""
    person = case.person
    return {
        "case": case,
        "person": person,
        "back_url": back_url,
        "back_text": back_text,
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _form_page(request, form, *, case, heading, button, back, intro="", rows=(), **extra):
    return render(
        request,
        "cases/court/form_page.html",
        {
            **_page_frame(case, back_url=back, back_text="Back"),
            "form": form,
            "heading": heading,
            "button": button,
            "intro": intro,
            "rows": rows,
            **extra,
        },
        status=_status(form),
    )


# Reports due -------------------------------------------------------------------------------------------------


def reports_due(request):
    """The court team's list of open reports, soonest due first, with overdue and due today tags."""
    report_type = request.GET.get("type", "")
    if report_type not in PreSentenceReport.ReportType.values:
        report_type = ""
    mine = request.GET.get("mine") == "1"
    reports = court_selectors.reports_due(request.user, report_type=report_type, mine=mine)
    return render(
        request,
        "cases/court/reports_due.html",
        {
            "page_obj": _page(request, reports),
            "report_type": report_type,
            "report_types": PreSentenceReport.ReportType.choices,
            "mine": mine,
            "filtered": bool(report_type or mine),
            "query": _query_without_page(request),
        },
    )


# New case at court -------------------------------------------------------------------------------------------


def _court_team(request):
    """The court team is the team of the member of staff opening the case."""
    user = request.user
    if not user.team_id or user.role not in court_services.AUTHOR_ROLES + ("administrator",):
        raise PermissionDenied("Only staff of a court team can open a case at court.")
    return user.team


@require_http_methods(["GET", "POST"])
def court_case_new(request):
    team = _court_team(request)
    authors = court_selectors.authors_for(team.provider_id)
    form = NewCaseAtCourtForm(_data(request), authors=authors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["crn"]:
            person = selectors.people_visible_to(request.user).filter(crn=data["crn"]).first()
            if person is None:
                form.add_error("crn", "No one you can see has this CRN: check it, or enter a new person's details")
        if not form.errors:
            try:
                case = _open_case(request, team, person, data)
            except ValidationError as error:
                _add_case_errors(form, error, known_person=person is not None)
            else:
                messages.success(request, f"Case opened at court for {case.person.full_name} ({case.person.crn})")
                return redirect(_court_tab(case))
    return render(
        request,
        "cases/court/case_new.html",
        {"form": form, "team": team},
        status=_status(form),
    )


def _open_case(request, team, person, data):
    """Create the person (if new), the case, its first hearing and the report request: all or nothing."""
    with transaction.atomic():
        if person is None:
            person = services.person_create(
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                gender=data["gender"],
            )
        case = court_services.case_open_at_court(
            by=request.user,
            person=person,
            court=data["court"],
            appearance_date=data["appearance_date"],
            purpose=data["purpose"],
            offences=data["offences"],
            team=team,
            author=data["author"],
        )
        if data["report_type"]:
            court_services.report_request(
                by=request.user,
                case=case,
                court_appearance=case.court_appearances.get(),
                report_type=data["report_type"],
                due_on=data["due_on"],
                author=data["author"],
            )
    return case


def _add_case_errors(form, error: ValidationError, *, known_person: bool) -> None:
    if hasattr(error, "error_dict"):
        renamed = {
            ("crn" if known_person else "__all__") if field == "person" else field: messages
            for field, messages in error.message_dict.items()
        }
        error = ValidationError(renamed)
    add_service_errors(form, error)


# The court tab of a case -------------------------------------------------------------------------------------


def case_court(request, pk: int):
    case = _case_for_request(request, pk)
    record = court_selectors.court_record_for_case(request.user, case)
    return render(
        request,
        "cases/court/case_court.html",
        {"case": case, "person": case.person, "tab": "court", "case_open": case.status in case.OPEN_STATUSES, **record},
    )


@require_http_methods(["GET", "POST"])
def court_appearance_new(request, pk: int):
    case = _case_for_request(request, pk)
    form = CourtAppearanceForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            court_services.court_appearance_record(by=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Hearing recorded")
            return redirect(_court_tab(case))
    return _form_page(
        request, form, case=case, heading="Record a hearing", button="Record hearing", back=_court_tab(case)
    )


@require_http_methods(["GET", "POST"])
def report_request(request, pk: int):
    case = _case_for_request(request, pk)
    appearances = CourtAppearance.objects.filter(case=case).select_related("court").order_by("-appearance_date", "-pk")
    authors = court_selectors.authors_for(case.provider_id)
    initial = {"court_appearance": appearances.first()}
    form = ReportRequestForm(_data(request), appearances=appearances, authors=authors, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = court_services.report_request(by=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report request recorded")
            return redirect(_report_url(report))
    return _form_page(
        request,
        form,
        case=case,
        heading="Record a request for a pre-sentence report",
        intro="The report is requested on the day of the hearing. An oral report is given that day.",
        button="Record request",
        back=_court_tab(case),
    )


# A report ------------------------------------------------------------------------------------------------------


def _report_context(report: PreSentenceReport, form=None) -> dict:
    return {
        "report": report,
        "case": report.case,
        "person": report.case.person,
        "form": form,
        "problems": court_services.delivery_problems(report) if report.is_open else {},
        "child": _is_child(report),
        "proposal_label": Disposal(report.proposal_disposal).label
        if report.proposal_disposal in Disposal.values
        else "",
        "screening_url": reverse("risk:assessment_new", args=[report.case.person.crn]) + f"?report={report.pk}",
    }


def _is_child(report) -> bool:
    return age_on(report.case.person.date_of_birth, report.requested_on) < court_services.ADULT_AGE


@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    """The report: what it is, what it still needs, and (while open) its content to edit."""
    report = _report_for_request(request, pk)
    form = None
    if report.is_open:
        initial = {name: getattr(report, name) for name in court_services.REPORT_CONTENT_FIELDS}
        initial["author"] = report.author_id
        form = ReportContentForm(
            _data(request),
            initial=initial,
            child=_is_child(report),
            authors=court_selectors.authors_for(report.case.provider_id),
        )
    elif request.method == "POST":
        return _refused(request, report)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                author = form.cleaned_data["author"]
                if author is not None and author.pk != report.author_id:
                    court_services.report_assign_author(by=request.user, report=report, author=author)
                court_services.report_update(by=request.user, report=report, **form.content())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report saved")
            return redirect(_report_url(report))
    status = _status(form) if form is not None else 200
    return render(request, "cases/court/report.html", _report_context(report, form), status=status)


def _refused(request, report):
    """A change to a delivered or withdrawn report: say so plainly and change nothing (400)."""
    if report.status == PreSentenceReport.Status.DELIVERED:
        message = f"This report was delivered to the court on {report.delivered_on:%-d %B %Y} and cannot be changed."
    else:
        message = "This report was withdrawn and cannot be changed."
    return render(
        request,
        "includes/refused_page.html",
        {
            **_page_frame(report.case, back_url=_report_url(report), back_text="Back to the report"),
            "report": report,
            "title": "This report cannot be changed",
            "message": message,
            "links": [
                ("View the report", _report_url(report)),
                ("Go to the court tab of the case", _court_tab(report.case)),
            ],
        },
        status=BAD_REQUEST,
    )


def _report_rows(report) -> list[tuple[str, str]]:
    return [
        ("Report", report.get_report_type_display()),
        ("Court", f"{report.court_appearance.court.name}, {report.requested_on:%-d %B %Y}"),
        ("Due", f"{report.due_on:%-d %B %Y}"),
    ]


@require_http_methods(["GET", "POST"])
def report_deliver(request, pk: int):
    report = _report_for_request(request, pk)
    if not report.is_open:
        return _refused(request, report)
    form = ReportDeliverForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            court_services.report_deliver(by=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report delivered to the court")
            return redirect(_court_tab(report.case))
    problems = court_services.delivery_problems(report)
    return _form_page(
        request,
        form,
        case=report.case,
        heading="Deliver the report to the court",
        intro="" if problems else "The report has everything the court needs.",
        rows=_report_rows(report),
        button="Deliver report",
        back=_report_url(report),
        problems=problems,
        report=report,
    )


@require_http_methods(["GET", "POST"])
def report_withdraw(request, pk: int):
    report = _report_for_request(request, pk)
    if not report.is_open:
        return _refused(request, report)
    form = ReportWithdrawForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            court_services.report_withdraw(by=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report withdrawn")
            return redirect(_court_tab(report.case))
    return _form_page(
        request,
        form,
        case=report.case,
        heading="Withdraw the report",
        intro="The court no longer needs this report. It stays in the case record; its timeliness clock stops "
        "and no longer counts.",
        rows=_report_rows(report),
        button="Withdraw report",
        back=_report_url(report),
    )


# Information requests ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def information_request_new(request, pk: int):
    report = _report_for_request(request, pk)
    if not report.is_open:
        return _refused(request, report)
    form = InformationRequestForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            court_services.information_request_add(by=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Information request recorded")
            return redirect(_report_url(report))
    return _form_page(
        request,
        form,
        case=report.case,
        heading="Record a request for information",
        intro="For example, police domestic abuse call-outs or children's services checks. Before the report is "
        "delivered, record whether each answer arrived.",
        rows=_report_rows(report),
        button="Record request",
        back=_report_url(report),
    )


@require_http_methods(["GET", "POST"])
def information_request_response(request, pk: int):
    information_request = court_selectors.information_request_get_for_user(request.user, pk)
    report = information_request.report
    _record_access(request, report.case.person)
    if not report.is_open:
        return _refused(request, report)
    initial = {}
    if information_request.status != information_request.Status.REQUESTED:
        initial = {
            "status": information_request.status,
            "received_on": information_request.received_on,
            "summary": information_request.summary,
        }
    form = InformationResponseForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            court_services.information_request_record_response(
                by=request.user, information_request=information_request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Response recorded")
            return redirect(_report_url(report))
    rows = [
        ("Asked", information_request.get_source_display()),
        ("What was asked for", information_request.details),
        ("Date asked", f"{information_request.requested_on:%-d %B %Y}"),
    ]
    return _form_page(
        request,
        form,
        case=report.case,
        heading="Record the response",
        rows=rows,
        button="Save response",
        back=_report_url(report),
    )


urlpatterns = [
    path("court/reports/", reports_due, name="reports_due"),
    path("court/new-case/", court_case_new, name="court_case_new"),
    path("cases/<int:pk>/court/", case_court, name="case_court"),
    path("cases/<int:pk>/court/appearances/new/", court_appearance_new, name="court_appearance_new"),
    path("cases/<int:pk>/court/reports/new/", report_request, name="report_request"),
    path("reports/<int:pk>/", report_detail, name="report"),
    path("reports/<int:pk>/deliver/", report_deliver, name="report_deliver"),
    path("reports/<int:pk>/withdraw/", report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/information-requests/new/", information_request_new, name="information_request_new"),
    path("information-requests/<int:pk>/response/", information_request_response, name="information_request_response"),
]
