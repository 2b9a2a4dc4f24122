"""Pages for allocation after sentence, transfers and the officer history of a case. Thin: parse, call a
selector or service, render.

The allocation queue and the allocate and transfer pages are for managers (and administrators with a team) of
the provider holding the case: anyone else gets 403. A case outside the user's scope is 404, as everywhere.
The queue composes the working-day calendar of timeliness (docs/decisions/0005: pages may compose across apps).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import rules
from cases import services as case_services
from cases.forms.allocation import AllocationForm, TeamChoiceForm, TransferForm, add_service_errors
from cases.models import Case, Sentence
from cases.selectors import allocation as selectors
from cases.selectors import case_get_for_user
from cases.services import allocation as services
from cases.views.people import _page
from timeliness.registry import service_level

# NPS SL002: allocated by the end of the second full working day after sentence (limit and calendar as the
# registry sets them, so the queue and the clock always agree).
ALLOCATION = service_level("NPS SL002")


def _case_for_request(request, pk: int) -> Case:
    """The case if the user may see it (else 404), writing an access record for a person with access lists."""
    case = case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    return case


def _refused(request, case: Case, *, title: str, message: str, links=()):
    """A change the rules do not allow here: say so plainly, change nothing (status 400)."""
    return render(
        request,
        "includes/refused_page.html",
        {
            "case": case,
            "person": case.person,
            "back_url": reverse("cases:case", args=[case.pk]),
            "back_text": "Back to the case",
            "caption": f"{case.person.full_name}, CRN: {case.person.crn}",
            "title": title,
            "message": message,
            "links": links,
        },
        status=400,
    )


def _officers(team):
    return list(selectors.officers_with_caseloads(team)) if team is not None else []


# The queue ---------------------------------------------------------------------------------------------------


@require_GET
def allocation_queue(request):
    if not rules.can_allocate(request.user):
        raise PermissionDenied("Only managers can allocate cases.")
    today = timezone.localdate()
    page = _page(request, selectors.allocation_queue(request.user))
    rows = []
    for case in page.object_list:
        allocate_by = ALLOCATION.due_from(case.sentenced_on) if case.sentenced_on else None
        rows.append(
            {
                "case": case,
                "person": case.person,
                "disposal": selectors.disposal_label(case.current_disposal),
                "sentenced_on": case.sentenced_on,
                "allocate_by": allocate_by,
                "overdue": allocate_by is not None and today > allocate_by,
                "decision": selectors.decision_for(case, on=today),
            }
        )
    return render(
        request,
        "cases/allocation/queue.html",
        {"page_obj": page, "rows": rows, "to_transfer": list(selectors.cases_to_transfer(request.user))},
    )


# Allocate ----------------------------------------------------------------------------------------------------


def _current_sentence(case: Case) -> Sentence | None:
    return Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()


def _choose_team(request, teams):
    """The team chosen in step one (GET ?team=), the bound form, and whether the choice was bad."""
    if "team" not in request.GET:
        return None, TeamChoiceForm(teams=teams), False
    form = TeamChoiceForm(request.GET, teams=teams)
    if form.is_valid():
        return form.cleaned_data["team"], form, False
    return None, form, True


def _posted_team(form):
    """The team of a submitted form, when it parsed (to show its officers again beside the errors)."""
    return form.cleaned_data.get("team") if hasattr(form, "cleaned_data") else None


def _team_and_officer_page(request, case, *, form_class, teams, save, done, success_url, template, **extra):
    """The allocate and transfer pages: choose a team (GET ?team=), then an officer in it. A valid POST calls
    `save(cleaned_data)`; a service error shows on the form (nothing is saved, status 400); success says who
    now holds the case ("Case <done> to ...") and goes to `success_url`."""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                officer, team = form.cleaned_data["responsible_officer"], form.cleaned_data["team"]
                messages.success(request, f"Case {done} to {officer.get_full_name()}, {team.name}")
                return redirect(success_url)
        team = _posted_team(form)
        team_form = TeamChoiceForm(teams=teams)
        status = 400
    else:
        team, team_form, bad_choice = _choose_team(request, teams)
        form = form_class(initial={"team": team.pk} if team else None)
        status = 400 if bad_choice else 200
    return render(
        request,
        template,
        {
            "case": case,
            "person": case.person,
            "teams": list(teams),
            "team": team,
            "team_form": team_form,
            "form": form,
            "officers": _officers(team),
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def case_allocate(request, pk: int):
    case = _case_for_request(request, pk)
    if not rules.can_allocate_case(request.user, case):
        raise PermissionDenied("Only a manager of the provider holding the case can allocate it.")
    if case.status != Case.Status.AWAITING_ALLOCATION:
        links = [("See who has held this case", reverse("cases:case_officers", args=[case.pk]))]
        if case.status == Case.Status.ACTIVE:
            links.append(("Transfer this case", reverse("cases:case_transfer", args=[case.pk])))
        return _refused(
            request,
            case,
            title="This case is not waiting for allocation",
            message=f"This case is {case.get_status_display().lower()}: only a case waiting after sentence "
            "can be allocated.",
            links=links,
        )
    decision = services.allocation_decision(person=case.person, on=timezone.localdate())
    teams = selectors.teams_for_allocation(request.user, decision.provider_type)

    def save(data):
        services.case_allocate(
            by=request.user,
            case=case,
            team=data["team"],
            responsible_officer=data["responsible_officer"],
            oversight_note=data["oversight_note"],
        )

    return _team_and_officer_page(
        request,
        case,
        form_class=AllocationForm,
        teams=teams,
        save=save,
        done="allocated",
        success_url=reverse("cases:case", args=[case.pk]),
        template="cases/allocation/allocate.html",
        decision=decision,
        sentence=_current_sentence(case),
    )


# Transfer ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_transfer(request, pk: int):
    case = _case_for_request(request, pk)
    if not rules.can_transfer_case(request.user, case):
        raise PermissionDenied("Only a manager of the provider holding the case can transfer it.")
    if case.status != Case.Status.ACTIVE:
        links = []
        if case.status == Case.Status.AWAITING_ALLOCATION:
            links.append(("Allocate this case", reverse("cases:case_allocate", args=[case.pk])))
        return _refused(
            request,
            case,
            title="This case cannot be transferred",
            message=f"This case is {case.get_status_display().lower()}: only an active case can be transferred.",
            links=links,
        )
    decision = services.allocation_decision(person=case.person, on=timezone.localdate())
    teams = selectors.teams_for_transfer(request.user, case=case, provider_type=decision.provider_type)

    def save(data):
        services.case_transfer(
            by=request.user,
            case=case,
            team=data["team"],
            responsible_officer=data["responsible_officer"],
            reason=data["reason"],
            reason_details=data["reason_details"],
        )

    return _team_and_officer_page(
        request,
        case,
        form_class=TransferForm,
        teams=teams,
        save=save,
        done="transferred",
        success_url=reverse("cases:case_officers", args=[case.pk]),
        template="cases/allocation/transfer.html",
        decision=decision,
        should_move=not decision.is_blocked and decision.provider_type != case.provider.provider_type,
    )


# Officer history ---------------------------------------------------------------------------------------------


@require_GET
def case_officers(request, pk: int):
    case = _case_for_request(request, pk)
    assignments = list(selectors.officer_history(case))
    return render(
        request,
        "cases/allocation/officers.html",
        {
            "case": case,
            "person": case.person,
            "assignments": assignments,
            "officer_count": len({assignment.responsible_officer_id for assignment in assignments}),
            "can_transfer": case.status == Case.Status.ACTIVE and rules.can_transfer_case(request.user, case),
            "can_allocate": case.status == Case.Status.AWAITING_ALLOCATION
            and rules.can_allocate_case(request.user, case),
        },
    )


urlpatterns = [
    path("allocations/", allocation_queue, name="allocation_queue"),
    path("cases/<int:pk>/allocate/", case_allocate, name="case_allocate"),
    path("cases/<int:pk>/transfer/", case_transfer, name="case_transfer"),
    path("cases/<int:pk>/officers/", case_officers, name="case_officers"),
]
