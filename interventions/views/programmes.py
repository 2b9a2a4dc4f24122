"""Pages for accredited programmes: a requirement's programme page (its referrals, the current step and the forms
for it), a page for each step, the waiting list, and programme groups.

Thin: parse, call a selector or service, render. Requirements, referrals and groups are found through the scoped
selectors, so anything outside the user's scope is "not found"; opening a person with an exclusion or restriction
list writes an access record. Bad input re-renders the step's form with the error summary, status 400, and changes
nothing; a step the referral's status does not allow is refused (status 400) saying where the referral is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from accounts.models import User
from cases import services as case_services
from cases.models import PersonAccessLimit
from interventions.forms import programmes as forms
from interventions.models import ProgrammeReferral
from interventions.rules import can_do_case_work
from interventions.selectors import programmes as selectors
from interventions.services import programmes as services

BAD_REQUEST = 400
# Errors that are about the referral as a whole (its status, the user, the requirement), not a field of the form.
REFUSAL_KEYS = ("status", "referral", "requirement")


def _requirement_url(requirement_id: int) -> str:
    return reverse("interventions:programme_requirement", args=[requirement_id])


def _record_access(request, case) -> None:
    if PersonAccessLimit.objects.filter(person_id=case.person_id, ended_at__isnull=True).exists():
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)


def _frame(requirement_id: int, case) -> dict:
    person = case.person
    return {
        "case": case,
        "person": person,
        "tab": "delivery",
        "back_url": _requirement_url(requirement_id),
        "back_text": "Back to the programme requirement",
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused(request, frame: dict, *, title: str, message: str):
    links = [("Go back to the programme requirement", frame["back_url"])]
    return render(
        request,
        "includes/refused_page.html",
        {**frame, "title": title, "message": message, "links": links},
        status=BAD_REQUEST,
    )


def _refusal_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        for key in REFUSAL_KEYS:
            if key in error.error_dict:
                return " ".join(error.message_dict[key])
    return ""


def _form_page(request, form, frame: dict, *, heading: str, button: str, rows=(), intro: str = ""):
    return render(
        request,
        "includes/form_page.html",
        {**frame, "form": form, "heading": heading, "button": button, "rows": rows, "intro": intro},
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


# The requirement's programme page --------------------------------------------------------------------------------


def step_forms(page: selectors.ProgrammeRequirementPage) -> dict[str, Any]:
    """The forms for the current step of the requirement's latest referral (and a new referral when one can be
    made), keyed by step."""
    found: dict[str, Any] = {}
    current = page.current
    if page.can_refer:
        found["refer"] = forms.ReferForm(programmes=page.programmes)
    if current is None:
        return found
    status = current.status
    Status = ProgrammeReferral.Status
    if status == Status.REFERRED:
        found["suitability"] = forms.SuitabilityForm()
    elif status == Status.WAITING:
        found["allocate"] = forms.AllocateForm(groups=page.groups)
    elif status == Status.ALLOCATED:
        found["start"] = forms.StartForm()
    elif status == Status.STARTED:
        recorded = {attendance.session_number for attendance in current.session_attendances.all()}
        next_session = next((n for n in range(1, current.programme.sessions + 1) if n not in recorded), None)
        found["session"] = forms.SessionForm(next_session=next_session, sessions=current.programme.sessions)
        found["complete"] = forms.CompleteForm()
    if status in services.NOT_COMPLETABLE_FROM:
        found["not_completed"] = forms.NotCompleteForm()
    if status in ProgrammeReferral.OPEN:
        found["withdraw"] = forms.WithdrawForm()
    if status in ProgrammeReferral.NEEDS_ALTERNATIVE and page.is_active:
        found["alternative_plan"] = forms.AlternativePlanForm()
    return found


def programme_requirement(request, requirement_id: int):
    """An accredited programme requirement: its referrals, where the latest one is (with the forms for its next
    step), sessions attended, time waited, and the "no alternative plan" warning."""
    requirement = selectors.programme_requirement_get_for_user(user=request.user, requirement_id=requirement_id)
    case = requirement.sentence.case
    if requirement.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    page = selectors.programme_requirement_page(user=request.user, requirement=requirement)
    can_record = can_do_case_work(request.user)
    return render(
        request,
        "interventions/programmes/requirement.html",
        {
            "case": case,
            "person": case.person,
            "tab": "delivery",
            "requirement": requirement,
            "page": page,
            "can_record": can_record,
            "forms": step_forms(page) if can_record else {},
            "no_alternative_plan_text": selectors.NO_ALTERNATIVE_PLAN,
        },
    )


@require_http_methods(["GET", "POST"])
def programme_refer(request, requirement_id: int):
    requirement = selectors.programme_requirement_get_for_user(user=request.user, requirement_id=requirement_id)
    case = requirement.sentence.case
    if requirement.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    frame = _frame(requirement.pk, case)
    if not can_do_case_work(request.user):
        return _refused(request, frame, title="You cannot make a referral", message=services.NO_CASE_WORK)
    programmes = list(selectors.active_programmes())
    form = forms.ReferForm(request.POST if request.method == "POST" else None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.programme_refer(
                by=request.user,
                requirement=requirement,
                programme=form.cleaned_data["programme"],
                referred_on=form.cleaned_data["referred_on"],
            )
        except ValidationError as error:
            refusal = _refusal_message(error)
            if refusal:
                return _refused(request, frame, title="You cannot make a referral", message=refusal)
            forms.add_service_errors(form, error)
        else:
            messages.success(request, f"Referred to {referral.programme.name}")
            return redirect(_requirement_url(requirement.pk))
    return _form_page(
        request,
        form,
        frame,
        heading="Refer to an accredited programme",
        button="Make referral",
        rows=[("Requirement", requirement.requirement_type.name), ("What the court set", _court_set(requirement))],
    )


def _court_set(requirement) -> str:
    if requirement.programme_name:
        sessions = f", {requirement.sessions} sessions" if requirement.sessions else ""
        return f"{requirement.programme_name}{sessions}"
    return requirement.details or "Not recorded"


# The steps of a referral ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    form_class: type
    heading: str
    button: str
    call: Callable[[User, ProgrammeReferral, dict], Any]
    done: Callable[[ProgrammeReferral, dict], str]


STEPS: dict[str, Step] = {
    services.SUITABILITY: Step(
        forms.SuitabilityForm,
        "Record the suitability decision",
        "Record decision",
        lambda by, referral, data: services.programme_suitability_decide(
            by=by, referral=referral, suitable=data["suitable"], notes=data["notes"], on=data["on"]
        ),
        lambda referral, data: (
            "Suitable: added to the waiting list" if data["suitable"] else "Recorded as not suitable"
        ),
    ),
    services.ALLOCATE: Step(
        forms.AllocateForm,
        "Allocate to a group",
        "Allocate",
        lambda by, referral, data: services.programme_allocate(
            by=by, referral=referral, group=data["group"], on=data["on"]
        ),
        lambda referral, data: f"Allocated to {data['group'].name}",
    ),
    services.START: Step(
        forms.StartForm,
        "Record the start of the programme",
        "Record start",
        lambda by, referral, data: services.programme_start(by=by, referral=referral, on=data["on"]),
        lambda referral, data: "Programme started",
    ),
    services.SESSION: Step(
        forms.SessionForm,
        "Record a session",
        "Record session",
        lambda by, referral, data: services.programme_session_record(
            by=by,
            referral=referral,
            session_number=data["session_number"],
            session_date=data["session_date"],
            attended=data["attended"],
            notes=data["notes"],
        ),
        lambda referral, data: (
            f"Session {data['session_number']} recorded as {'attended' if data['attended'] else 'missed'}"
        ),
    ),
    services.COMPLETE: Step(
        forms.CompleteForm,
        "Record that the programme was completed",
        "Record completion",
        lambda by, referral, data: services.programme_complete(by=by, referral=referral, on=data["on"]),
        lambda referral, data: f"{referral.programme.name} completed",
    ),
    services.NOT_COMPLETE: Step(
        forms.NotCompleteForm,
        "Record that the programme was not completed",
        "Record not completed",
        lambda by, referral, data: services.programme_not_complete(
            by=by, referral=referral, reason=data["reason"], details=data["details"], on=data["on"]
        ),
        lambda referral, data: "Recorded as not completed: record the alternative plan",
    ),
    services.WITHDRAW: Step(
        forms.WithdrawForm,
        "Withdraw the referral",
        "Withdraw referral",
        lambda by, referral, data: services.programme_withdraw(
            by=by, referral=referral, reason=data["reason"], on=data["on"]
        ),
        lambda referral, data: "Referral withdrawn",
    ),
    services.ALTERNATIVE_PLAN: Step(
        forms.AlternativePlanForm,
        "Record the alternative plan",
        "Record alternative plan",
        lambda by, referral, data: services.programme_alternative_plan_record(
            by=by, referral=referral, plan=data["plan"]
        ),
        lambda referral, data: "Alternative plan recorded",
    ),
}


def _step_form_kwargs(step_name: str, referral: ProgrammeReferral) -> dict:
    if step_name == services.ALLOCATE:
        return {"groups": selectors.groups_for_allocation(referral)}
    if step_name == services.SESSION:
        return {"sessions": referral.programme.sessions}
    return {}


def _referral_rows(referral: ProgrammeReferral) -> list[tuple[str, str]]:
    rows = [
        ("Programme", referral.programme.name),
        ("Status", referral.get_status_display()),
        ("Referred", f"{referral.referred_on:%-d %B %Y}"),
    ]
    if referral.group_id:
        rows.append(("Group", f"{referral.group.name}, starts {referral.group.start_date:%-d %B %Y}"))
    if referral.status == ProgrammeReferral.Status.STARTED:
        rows.append(("Sessions attended", f"{referral.sessions_attended} of {referral.programme.sessions}"))
    return rows


def _step_view(step_name: str):
    step = STEPS[step_name]

    @require_http_methods(["GET", "POST"])
    def view(request, referral_id: int):
        referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
        case = referral.requirement.sentence.case
        _record_access(request, case)
        frame = _frame(referral.requirement_id, case)
        if not can_do_case_work(request.user):
            return _refused(
                request,
                frame,
                title=f"You cannot {step.heading[0].lower()}{step.heading[1:]}",
                message=services.NO_CASE_WORK,
            )
        refusal = services.step_refusal(referral, step_name)
        if refusal:
            return _refused(
                request, frame, title=f"You cannot {step.heading[0].lower()}{step.heading[1:]}", message=refusal
            )
        form = step.form_class(
            request.POST if request.method == "POST" else None, **_step_form_kwargs(step_name, referral)
        )
        if request.method == "POST" and form.is_valid():
            try:
                step.call(request.user, referral, form.cleaned_data)
            except ValidationError as error:
                refusal = _refusal_message(error)
                if refusal:
                    return _refused(
                        request,
                        frame,
                        title=f"You cannot {step.heading[0].lower()}{step.heading[1:]}",
                        message=refusal,
                    )
                forms.add_service_errors(form, error)
            else:
                messages.success(request, step.done(referral, form.cleaned_data))
                return redirect(_requirement_url(referral.requirement_id))
        return _form_page(request, form, frame, heading=step.heading, button=step.button, rows=_referral_rows(referral))

    view.__name__ = f"programme_referral_{step_name}"
    return view


# Waiting list and groups ----------------------------------------------------------------------------------------------


def programme_waiting_list(request):
    """Referrals on the user's provider's cases waiting for a suitability decision or for a group, longest wait
    first, with the time waited in days and weeks; filter by programme."""
    if not can_do_case_work(request.user):
        raise Http404("Not found")
    programmes = list(selectors.active_programmes())
    form = forms.WaitingListFilterForm(request.GET or None, programmes=programmes)
    programme = form.cleaned_data["programme"] if form.is_bound and form.is_valid() else None
    rows = selectors.waiting_list(user=request.user, programme=programme) if not form.errors else []
    return render(
        request,
        "interventions/programmes/waiting_list.html",
        {"form": form, "rows": rows, "programme": programme},
        status=BAD_REQUEST if form.errors else 200,
    )


def programme_groups(request):
    """The groups of the user's provider: planned and running (and, with ?show=all, finished and cancelled)."""
    if not can_do_case_work(request.user):
        raise Http404("Not found")
    show_all = request.GET.get("show") == "all"
    groups = selectors.provider_groups(user=request.user, include_closed=show_all)
    return render(
        request,
        "interventions/programmes/groups.html",
        {
            "groups": groups,
            "show_all": show_all,
            "provider": request.user.team.provider,
            "can_create": services.manages_programmes_of(request.user, request.user.team.provider_id),
        },
    )


def _groups_frame() -> dict:
    return {"back_url": reverse("interventions:programme_groups"), "back_text": "Back to programme groups"}


@require_http_methods(["GET", "POST"])
def programme_group_new(request):
    if not can_do_case_work(request.user):
        raise Http404("Not found")
    provider = request.user.team.provider
    frame = {**_groups_frame(), "caption": provider.name}
    if not services.manages_programmes_of(request.user, provider.pk):
        return render(
            request,
            "includes/refused_page.html",
            {
                **frame,
                "title": "You cannot set up a programme group",
                "message": f"Only managers of {provider.name} can set up its programme groups: ask your manager.",
            },
            status=BAD_REQUEST,
        )
    staff = list(
        User.objects.filter(team__provider=provider, is_active=True, role__in=User.TEAM_ROLES).order_by(
            "last_name", "first_name"
        )
    )
    form = forms.GroupForm(
        request.POST if request.method == "POST" else None,
        programmes=list(selectors.active_programmes()),
        staff=staff,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.programme_group_create(
                by=request.user,
                programme=data["programme"],
                provider=provider,
                name=data["name"],
                start_date=data["start_date"],
                location=data["location"],
                capacity=data["capacity"],
                facilitator=data["facilitator"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, f"Group \u2018{group.name}\u2019 set up")
            return redirect(reverse("interventions:programme_group", args=[group.pk]))
    return _form_page(request, form, frame, heading="Set up a programme group", button="Set up group")


def programme_group(request, group_id: int):
    """A group: its programme, dates, place and facilitator, places taken, and its members with sessions attended
    (people on cases the user may not see are counted, not named)."""
    group = selectors.group_get_for_user(user=request.user, group_id=group_id)
    members = selectors.group_members(user=request.user, group=group)
    return render(
        request,
        "interventions/programmes/group.html",
        {"group": group, "members": members},
    )


urlpatterns = [
    path("requirements/<int:requirement_id>/programme/", programme_requirement, name="programme_requirement"),
    path("requirements/<int:requirement_id>/programme/refer/", programme_refer, name="programme_refer"),
    *(
        path(
            f"programme-referrals/<int:referral_id>/{step_name.replace('_', '-')}/",
            _step_view(step_name),
            name=f"programme_referral_{step_name}",
        )
        for step_name in STEPS
    ),
    path("programmes/waiting-list/", programme_waiting_list, name="programme_waiting_list"),
    path("programmes/groups/", programme_groups, name="programme_groups"),
    path("programmes/groups/new/", programme_group_new, name="programme_group_new"),
    path("programmes/groups/<int:group_id>/", programme_group, name="programme_group"),
]
