"""Pages for unpaid work: a requirement's hours and sessions (case frame, "Delivery" tab), passing an NPS case's
requirement to the CRC, the supervisor's register, projects, sessions and the managers' stood-down figures.

Thin: parse, call a selector or service, render. Requirements and sessions are found through the scoped
selectors, so anything out of scope is "not found" (404). A page the user's role may not use is 403; an action
the rules refuse on this record says why on the refusal page (400). Bad input re-renders the form with the error
summary, status 400, and changes nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Provider
from cases import services as case_services
from cases.models import Case, Requirement
from cases.selectors import cases_visible_to
from cases.views.people import _page, _query_without_page
from interventions import rules
from interventions.forms.unpaid_work import (
    BookForm,
    PeriodForm,
    ProjectForm,
    ReasonForm,
    RegisterDayForm,
    RegisterForm,
    SessionForm,
    TransferForm,
    add_service_errors,
)
from interventions.models import UnpaidWorkAttendance, UnpaidWorkSession
from interventions.selectors import unpaid_work as selectors
from interventions.services import unpaid_work as services

BAD_REQUEST = 400


def _status(form) -> int:
    return BAD_REQUEST if form is not None and form.is_bound and form.errors else 200


def _staff_provider(request) -> Provider:
    """The CRC or YOT whose unpaid work the user works in, or 403."""
    provider = selectors.unpaid_work_provider(request.user)
    if provider is None:
        raise PermissionDenied("Only staff of a CRC's or youth offending team's unpaid work can use this page.")
    return provider


def _refused(request, *, title: str, message: str, back_url: str, back_text: str, links=(), person=None, caption=""):
    return render(
        request,
        "includes/refused_page.html",
        {
            "title": title,
            "message": message,
            "back_url": back_url,
            "back_text": back_text,
            "links": links,
            "person": person,
            "caption": caption,
        },
        status=BAD_REQUEST,
    )


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# A requirement's unpaid work (case frame) -----------------------------------------------------------------------


def _requirement_for_request(request, requirement_id: int) -> Requirement:
    requirement = selectors.requirement_get_for_user(user=request.user, requirement_id=requirement_id)
    if requirement.has_access_limits:
        case_services.access_record_write(person=requirement.sentence.case.person, user=request.user, path=request.path)
    return requirement


def _requirement_url(requirement) -> str:
    return reverse("interventions:unpaid_work_requirement", args=[requirement.pk])


def _can_book(user, requirement) -> bool:
    """The user books this requirement's sessions: staff of the delivering provider, which runs unpaid work."""
    case = requirement.sentence.case
    delivering = rules.delivering_provider_id(requirement)
    nps_untransferred = delivering == case.provider_id and (
        case.provider.provider_type not in rules.DELIVERING_PROVIDER_TYPES
    )
    return (
        not nps_untransferred
        and requirement.status == Requirement.Status.ACTIVE
        and case.status == Case.Status.ACTIVE
        and rules.works_in_unpaid_work_of(user, delivering)
    )


def _can_transfer(user, requirement) -> bool:
    case = requirement.sentence.case
    return (
        selectors.transfer_of(requirement) is None
        and case.provider.provider_type == Provider.ProviderType.NPS_DIVISION
        and case.status == Case.Status.ACTIVE
        and requirement.status == Requirement.Status.ACTIVE
        and rules.can_do_case_work(user)
        and user.team.provider_id == case.provider_id
    )


@require_http_methods(["GET", "POST"])
def unpaid_work_requirement(request, requirement_id: int):
    """Hours progress, deadline, weekly offer, sessions and outcomes; book a session (POST)."""
    requirement = _requirement_for_request(request, requirement_id)
    case = requirement.sentence.case
    can_book = _can_book(request.user, requirement)
    sessions = selectors.bookable_sessions(requirement) if can_book else []
    form = BookForm(request.POST if request.method == "POST" else None, sessions=sessions)
    if request.method == "POST":
        if form.is_valid():
            try:
                attendance = services.attendance_book(
                    by=request.user, session=form.cleaned_data["session"], requirement=requirement
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                session = attendance.session
                messages.success(
                    request,
                    f"{case.person.full_name} booked on {session.project.name}, {session.session_date:%-d %B %Y}",
                )
                return redirect(_requirement_url(requirement))
        elif not can_book:
            form.errors.clear()
            form.add_error(None, _book_refusal(requirement))
    progress = selectors.requirement_progress(requirement)
    delivering = rules.delivering_provider_id(requirement)
    if cases_visible_to(request.user).filter(pk=case.pk).exists():
        back = (reverse("cases:case_sentence", args=[case.pk]), "Back to the sentence")
    else:  # unpaid work staff of the provider delivering the work, who do not hold the case
        back = (reverse("interventions:unpaid_work_sessions"), "Back to unpaid work sessions")
    transfer = selectors.transfer_of(requirement)
    return render(
        request,
        "interventions/unpaid_work/requirement.html",
        {
            "case": case,
            "person": case.person,
            "tab": "delivery",
            "back_url": back[0],
            "back_text": back[1],
            "requirement": requirement,
            "progress": progress,
            "transfer": transfer,
            "delivered_by": transfer.to_provider if transfer else case.provider,
            "awaiting_transfer": transfer is None
            and case.provider.provider_type == Provider.ProviderType.NPS_DIVISION
            and delivering == case.provider_id,
            "can_transfer": _can_transfer(request.user, requirement),
            "can_book": can_book,
            "form": form,
            "sessions": sessions,
            "rows": _attendance_rows(progress, can_withdraw=rules.works_in_unpaid_work_of(request.user, delivering)),
            "minimum_weekly_hours": settings.UNPAID_WORK_MINIMUM_WEEKLY_HOURS,
            "completion_months": settings.UNPAID_WORK_COMPLETION_MONTHS,
            "education_training_percent": settings.UNPAID_WORK_EDUCATION_TRAINING_PERCENT,
        },
        status=_status(form),
    )


def _attendance_rows(progress, *, can_withdraw: bool) -> list[dict]:
    now = timezone.now()
    return [
        {
            "attendance": attendance,
            "session": attendance.session,
            "credited": services.hours_text(attendance.credited_minutes),
            "withdrawable": can_withdraw
            and attendance.status == UnpaidWorkAttendance.Status.BOOKED
            and services.session_starts_at(attendance.session) > now,
        }
        for attendance in progress.attendances
    ]


def _book_refusal(requirement) -> str:
    case = requirement.sentence.case
    if selectors.transfer_of(requirement) is None and case.provider.provider_type == Provider.ProviderType.NPS_DIVISION:
        return "Pass the unpaid work requirement to the CRC first: the CRC books and runs the sessions."
    return "Only staff of the provider delivering this unpaid work can book its sessions."


@require_http_methods(["GET", "POST"])
def unpaid_work_transfer(request, requirement_id: int):
    """Pass an NPS case's unpaid work requirement to the CRC (stops NPS SL007, starts CRC SL005 and SL006)."""
    requirement = _requirement_for_request(request, requirement_id)
    case = requirement.sentence.case
    back = _requirement_url(requirement)
    frame = {
        "back_url": back,
        "back_text": "Back to the unpaid work",
        "person": case.person,
        "caption": f"{case.person.full_name} ({case.person.crn}), case {case.pk}",
    }
    transfer = selectors.transfer_of(requirement)
    if transfer is not None:
        return _refused(
            request,
            title="This requirement is already with the CRC",
            message=f"It was passed to {transfer.to_provider.name} on {transfer.transferred_on:%-d %B %Y}.",
            **frame,
        )
    if case.provider.provider_type != Provider.ProviderType.NPS_DIVISION:
        return _refused(
            request,
            title="This requirement stays with its provider",
            message=f"{case.provider.name} delivers its own unpaid work: only an NPS case's requirement is passed "
            "to the CRC.",
            **frame,
        )
    if not (rules.can_do_case_work(request.user) and request.user.team.provider_id == case.provider_id):
        raise PermissionDenied("Only a manager or officer of the NPS division holding the case can pass it on.")
    crcs = list(services.crcs_for(case))
    form = TransferForm(request.POST if request.method == "POST" else None, crcs=crcs)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.unpaid_work_transfer(
                by=request.user,
                requirement=requirement,
                notes=form.cleaned_data["notes"],
                to_provider=form.cleaned_data.get("to_provider"),
            )
        except ValidationError as error:
            if set(error.message_dict) <= {NON_FIELD_ERRORS}:
                return _refused(request, title="The requirement cannot be passed on", message=_message(error), **frame)
            add_service_errors(form, error)
        else:
            messages.success(request, f"Unpaid work passed to {done.to_provider.name}")
            return redirect(back)
    return render(
        request,
        "interventions/unpaid_work/transfer.html",
        {
            **frame,
            "case": case,
            "requirement": requirement,
            "form": form,
            "crcs": crcs,
            "heading": "Pass the unpaid work to the CRC",
            "button": "Pass to the CRC",
        },
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def unpaid_work_withdraw(request, attendance_id: int):
    """Take a person off a session before it starts."""
    attendance = (
        selectors.attendances_visible_to(request.user)
        .select_related("session__project__provider")
        .filter(pk=attendance_id)
        .first()
    )
    if attendance is None:
        raise Http404("Not found")
    requirement = attendance.requirement
    person = requirement.sentence.case.person
    back = _requirement_url(requirement)
    frame = {"back_url": back, "back_text": "Back to the unpaid work", "person": person}
    if not rules.works_in_unpaid_work_of(request.user, attendance.session.project.provider_id):
        raise PermissionDenied("Only staff of the provider running the session can change its bookings.")
    if (
        attendance.status != UnpaidWorkAttendance.Status.BOOKED
        or services.session_starts_at(attendance.session) <= timezone.now()
    ):
        return _refused(
            request,
            title="This booking cannot be withdrawn",
            message="Only a booking for a session that has not started can be withdrawn: record what happened on "
            "the register instead.",
            caption=f"{person.full_name} ({person.crn})",
            **frame,
        )
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is the person taken off the session?",
        message="Enter why the person is taken off the session",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_withdraw(by=request.user, attendance=attendance, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} taken off the session")
            return redirect(back)
    return render(
        request,
        "includes/form_page.html",
        {
            **frame,
            "form": form,
            "caption": f"{person.full_name} ({person.crn})",
            "heading": "Take the person off the session",
            "intro": str(attendance.session),
            "button": "Take off the session",
        },
        status=_status(form),
    )


# The register --------------------------------------------------------------------------------------------------


@require_GET
def unpaid_work_register(request):
    """Today's sessions (or another day's) whose register the signed-in supervisor or manager keeps."""
    _staff_provider(request)
    form = RegisterDayForm(request.GET if any(key.startswith("day-") for key in request.GET) else None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    sessions = selectors.sessions_for_register(request.user, day) if not form.errors else []
    return render(
        request,
        "interventions/unpaid_work/register_day.html",
        {"form": form, "day": day, "sessions": sessions, "today": timezone.localdate()},
        status=_status(form),
    )


def _register_rows(form, rows) -> list[dict]:
    """Each person on the register with their fields (when editable) and hours done of the hours ordered."""
    bound = form.bound_rows() if form is not None else [{"attendance": row, "editable": False} for row in rows]
    for row in bound:
        attendance = row["attendance"]
        requirement = attendance.requirement
        row["person"] = requirement.sentence.case.person
        row["done"] = services.hours_text(requirement.unpaid_work_minutes_credited)
        row["ordered"] = requirement.hours
        row["credited"] = services.hours_text(attendance.credited_minutes)
    return bound


@require_http_methods(["GET", "POST"])
def unpaid_work_session_register(request, session_id: int):
    """The register of one session: one fieldset per person, one Save button; then each person's hours."""
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    if not rules.can_record_register(request.user, session):
        raise PermissionDenied("Only the session's supervisor or a manager can keep its register.")
    rows = selectors.session_register(request.user, session)
    is_manager = rules.can_manage_unpaid_work(request.user, session.project.provider_id)
    open_for_recording = (
        session.status == UnpaidWorkSession.Status.SCHEDULED and session.session_date <= timezone.localdate()
    )
    form = None
    if open_for_recording:
        form = RegisterForm(
            request.POST if request.method == "POST" else None,
            rows=rows,
            editable=lambda row: is_manager or row.status == UnpaidWorkAttendance.Status.BOOKED,
        )
    if request.method == "POST":
        if form is None:
            return _refused(
                request,
                title="This register cannot be recorded",
                message="This session was cancelled."
                if session.status == UnpaidWorkSession.Status.CANCELLED
                else "The session has not happened yet: record the register on the day or later.",
                back_url=reverse("interventions:unpaid_work_register"),
                back_text="Back to the register",
            )
        if form.is_valid():
            try:
                recorded = services.register_record(by=request.user, session=session, entries=form.entries())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count = len(recorded)
                messages.success(request, f"Register saved: {count} {'person' if count == 1 else 'people'} recorded")
                return redirect(reverse("interventions:unpaid_work_session_register", args=[session.pk]))
    register_rows = _register_rows(form, rows)
    return render(
        request,
        "interventions/unpaid_work/register.html",
        {
            "session": session,
            "form": form,
            "rows": register_rows,
            "any_editable": any(row["editable"] for row in register_rows),
            "any_locked": any(not row["editable"] for row in register_rows),
            "open_for_recording": open_for_recording,
            "is_manager": is_manager,
            "today": timezone.localdate(),
        },
        status=_status(form),
    )


# Projects and sessions -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def unpaid_work_projects(request):
    """The provider's projects; a manager adds one (POST)."""
    provider = _staff_provider(request)
    can_manage = rules.can_manage_unpaid_work(request.user, provider.pk)
    form = ProjectForm(request.POST if request.method == "POST" else None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only a manager can add unpaid work projects.")
        if form.is_valid():
            try:
                project = services.project_create(by=request.user, provider=provider, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Project added: {project.name}")
                return redirect("interventions:unpaid_work_projects")
    return render(
        request,
        "interventions/unpaid_work/projects.html",
        {
            "provider": provider,
            "projects": list(selectors.projects_for(request.user)),
            "form": form,
            "can_manage": can_manage,
        },
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def unpaid_work_sessions(request):
    """The provider's upcoming sessions with places taken; add a session (POST)."""
    provider = _staff_provider(request)
    projects = [project for project in selectors.projects_for(request.user) if project.active]
    staff = list(selectors.staff_for_sessions(provider))
    form = SessionForm(request.POST if request.method == "POST" else None, projects=projects, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Session added: {session}")
            return redirect("interventions:unpaid_work_sessions")
    page = _page(request, selectors.upcoming_sessions(request.user))
    return render(
        request,
        "interventions/unpaid_work/sessions.html",
        {
            "provider": provider,
            "page_obj": page,
            "query": _query_without_page(request),
            "form": form,
            "can_manage": rules.can_manage_unpaid_work(request.user, provider.pk),
        },
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def unpaid_work_session_cancel(request, session_id: int):
    """A manager cancels a session: everyone booked is stood down with the reason."""
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    back = reverse("interventions:unpaid_work_sessions")
    if not rules.can_manage_unpaid_work(request.user, session.project.provider_id):
        raise PermissionDenied("Only a manager can cancel a session.")
    if session.status == UnpaidWorkSession.Status.CANCELLED or session.recorded:
        return _refused(
            request,
            title="This session cannot be cancelled",
            message="It is already cancelled."
            if session.status == UnpaidWorkSession.Status.CANCELLED
            else "Outcomes are already recorded on its register: record anyone else as stood down there instead.",
            back_url=back,
            back_text="Back to sessions",
        )
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is the session cancelled?",
        message="Enter why the session is cancelled",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(by=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Session cancelled: {session.booked} booked stood down")
            return redirect(back)
    return render(
        request,
        "interventions/unpaid_work/cancel.html",
        {
            "session": session,
            "form": form,
            "back_url": back,
            "back_text": "Back to sessions",
            "heading": "Cancel the session",
            "button": "Cancel the session",
        },
        status=_status(form),
    )


@require_GET
def unpaid_work_stood_down(request):
    """Managers: bookings stood down and sessions cancelled, per project and per week (default last 4 weeks)."""
    provider = _staff_provider(request)
    if not rules.can_manage_unpaid_work(request.user, provider.pk):
        raise PermissionDenied("Only managers see the stood-down figures.")
    bound = any(key.startswith(("date_from-", "date_to-")) for key in request.GET)
    form = PeriodForm(request.GET if bound else None)
    date_from, date_to = selectors.default_period()
    figures = None
    if not bound or form.is_valid():
        if bound:
            date_from = form.cleaned_data["date_from"] or date_from
            date_to = form.cleaned_data["date_to"] or date_to
            if date_to < date_from:
                date_from, date_to = date_to, date_from
        figures = selectors.stood_down_figures(provider, date_from=date_from, date_to=date_to)
    return render(
        request,
        "interventions/unpaid_work/stood_down.html",
        {"provider": provider, "form": form, "figures": figures},
        status=_status(form),
    )


urlpatterns = [
    path("requirements/<int:requirement_id>/unpaid-work/", unpaid_work_requirement, name="unpaid_work_requirement"),
    path("requirements/<int:requirement_id>/unpaid-work/transfer/", unpaid_work_transfer, name="unpaid_work_transfer"),
    path("unpaid-work/register/", unpaid_work_register, name="unpaid_work_register"),
    path(
        "unpaid-work/sessions/<int:session_id>/register/",
        unpaid_work_session_register,
        name="unpaid_work_session_register",
    ),
    path("unpaid-work/projects/", unpaid_work_projects, name="unpaid_work_projects"),
    path("unpaid-work/sessions/", unpaid_work_sessions, name="unpaid_work_sessions"),
    path(
        "unpaid-work/sessions/<int:session_id>/cancel/", unpaid_work_session_cancel, name="unpaid_work_session_cancel"
    ),
    path("unpaid-work/bookings/<int:attendance_id>/withdraw/", unpaid_work_withdraw, name="unpaid_work_withdraw"),
    path("unpaid-work/stood-down/", unpaid_work_stood_down, name="unpaid_work_stood_down"),
]
