"""Pages for sentence plans, their reviews and resettlement plans. Thin: parse, call a selector or service,
render.

Scoping: every page finds its case through cases.selectors (404 outside scope); opening a person with an
exclusion or restriction list writes an access record, as the case pages do. Responsible officers and
managers who can see the case may write (cases.selectors.plans.can_write_plans); others get 403.
Bad input re-renders the form with the error summary, status 400, and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases import services as case_services
from cases.forms.plans import (
    CustodyScreeningForm,
    ObjectiveForm,
    PlanCompleteForm,
    PlanForm,
    PlanReviewForm,
    ResettlementPlanCompleteForm,
    add_service_errors,
)
from cases.models import Case, ResettlementPlan, SentencePlan
from cases.selectors import plans as selectors
from cases.services import plans as services

NO_ACCESS = "Only responsible officers and managers can change sentence plans."


def _data(request):
    return request.POST if request.method == "POST" else None


def _case(request, case_id: int, *, write: bool = False):
    """The case if the user may see it (else 404), recording access to a restricted person."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    if write and not selectors.can_write_plans(request.user):
        raise PermissionDenied(NO_ACCESS)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    return case


def _plan_tab(case_id: int) -> str:
    return reverse("cases:case_plan", args=[case_id])


def _render(request, template: str, context: dict, form=None):
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


def _page_frame(case, back=None) -> dict:
    """What the shared form and refusal pages show around their content: the back link and the caption."""
    person = case.person
    return {
        "case": case,
        "person": person,
        "back_url": back or _plan_tab(case.pk),
        "back_text": "Back to the sentence plan",
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused(request, case, *, title: str, message: str):
    links = [("Back to the sentence plan", _plan_tab(case.pk))]
    return render(
        request,
        "includes/refused_page.html",
        {**_page_frame(case), "title": title, "message": message, "links": links},
        status=400,
    )


def _refused_completed(request, case):
    return _refused(request, case, title="This plan cannot be changed", message=services.COMPLETED_PLAN_MESSAGE)


def _form_page(request, form, *, case, heading, button, save, success, intro="", rows=(), back=None):
    """A form about one case: on a valid POST call `save(cleaned_data)`; a service error shows on the form
    (nothing is saved, status 400); success goes back to the plan tab with a message."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_plan_tab(case.pk))
    return _render(
        request,
        "includes/form_page.html",
        {
            **_page_frame(case, back),
            "form": form,
            "heading": heading,
            "button": button,
            "intro": intro,
            "rows": rows,
        },
        form,
    )


# The plan tab ------------------------------------------------------------------------------------------------


def case_plan(request, pk: int):
    case = _case(request, pk)
    plans = selectors.plans_for_case(request.user, case)
    return render(
        request,
        "cases/plans/case_plan.html",
        {
            "case": case,
            "person": case.person,
            "tab": "plan",
            "plans": plans,
            # An ended case's plans no longer change (the services refuse): offer no buttons.
            "can_write": selectors.can_write_plans(request.user) and case.status != Case.Status.ENDED,
            "woman": services.is_woman(case.person),
            "in_custody": plans.sentence is not None and services.in_custody(plans.sentence),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_new(request, pk: int):
    """GET explains what starting a plan means; POST starts the draft."""
    case = _case(request, pk, write=True)
    errors = []
    if request.method == "POST":
        try:
            plan = services.plan_start(by=request.user, case=case)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Draft plan started")
            return redirect(reverse("cases:plan_edit", args=[plan.pk]))
    sentence = services.current_sentence(case)
    return render(
        request,
        "cases/plans/plan_new.html",
        {"case": case, "person": case.person, "sentence": sentence, "errors": errors},
        status=400 if errors else 200,
    )


def _plan_for_request(request, pk: int, *, write: bool = True):
    plan = selectors.plan_get_for_user(request.user, pk)
    return plan, _case(request, plan.case_id, write=write)


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan, case = _plan_for_request(request, pk)
    if plan.status != SentencePlan.Status.DRAFT:
        return _refused_completed(request, case)
    woman = services.is_woman(case.person)
    form = PlanForm(_data(request), initial=PlanForm.initial_from(plan), woman=woman)
    return _form_page(
        request,
        form,
        case=case,
        heading="Sentence plan: strengths, involvement and diversity",
        intro="You can save and come back later. Add objectives from the plan page.",
        button="Save draft plan",
        save=lambda data: services.plan_update(by=request.user, plan=plan, **data),
        success="Draft plan saved",
    )


@require_http_methods(["GET", "POST"])
def objective_new(request, pk: int):
    plan, case = _plan_for_request(request, pk)
    if plan.status != SentencePlan.Status.DRAFT:
        return _refused_completed(request, case)
    return _form_page(
        request,
        ObjectiveForm(_data(request)),
        case=case,
        heading="Add an objective",
        intro="An objective says what will change for one need area, who will do it and by when.",
        button="Add objective",
        save=lambda data: services.objective_add(by=request.user, plan=plan, **data),
        success="Objective added",
    )


@require_http_methods(["GET", "POST"])
def objective_edit(request, pk: int):
    objective = selectors.objective_get_for_user(request.user, pk)
    case = _case(request, objective.plan.case_id, write=True)
    if objective.plan.status != SentencePlan.Status.DRAFT:
        return _refused_completed(request, case)
    return _form_page(
        request,
        ObjectiveForm(_data(request), initial=ObjectiveForm.initial_from(objective)),
        case=case,
        heading="Change an objective",
        button="Save objective",
        save=lambda data: services.objective_update(by=request.user, objective=objective, **data),
        success="Objective changed",
    )


def _completion_summary(plan: SentencePlan, woman: bool) -> list[tuple[str, str, str]]:
    """Check-your-answers rows: (question, answer, where to change it)."""
    edit = reverse("cases:plan_edit", args=[plan.pk])
    rows = [
        ("Strengths and protective factors", plan.strengths, f"{edit}#id_strengths"),
        ("Was the person meaningfully involved?", plan.get_involvement_display(), f"{edit}#id_involvement"),
        ("Details of their involvement", plan.involvement_details, f"{edit}#id_involvement_details"),
        ("Diversity needs", plan.diversity_needs, f"{edit}#id_diversity_needs"),
        ("Barriers to engagement", plan.barriers_to_engagement, f"{edit}#id_barriers_to_engagement"),
    ]
    if woman:
        answers = {True: "Yes", False: "No", None: ""}
        rows += [
            ("Offered a female officer", answers[plan.female_officer_offered], f"{edit}#id_female_officer_offered"),
            (
                "Offered a women-only setting",
                answers[plan.women_only_setting_offered],
                f"{edit}#id_women_only_setting_offered",
            ),
        ]
    return rows


COMPLETION_LINKS = {
    "objectives": "objective_new",
    "strengths": "id_strengths",
    "involvement": "id_involvement",
    "involvement_details": "id_involvement_details",
    "female_officer_offered": "id_female_officer_offered",
    "women_only_setting_offered": "id_women_only_setting_offered",
}


@require_http_methods(["GET", "POST"])
def plan_complete(request, pk: int):
    plan, case = _plan_for_request(request, pk)
    if plan.status != SentencePlan.Status.DRAFT:
        return _refused(request, case, title="This plan is already completed", message=services.COMPLETED_PLAN_MESSAGE)
    woman = services.is_woman(case.person)
    form = PlanCompleteForm(_data(request))
    problems = []  # missing items, each linked to where to fix it
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_complete(by=request.user, plan=plan, completed_on=form.cleaned_data["completed_on"])
        except ValidationError as error:
            for field, field_messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
                if field == "completed_on":
                    for message in field_messages:
                        form.add_error("completed_on", message)
                    continue
                target = COMPLETION_LINKS.get(field)
                if target == "objective_new":
                    href = reverse("cases:objective_new", args=[plan.pk])
                elif target:
                    href = f"{reverse('cases:plan_edit', args=[plan.pk])}#{target}"
                else:
                    href = reverse("cases:plan_edit", args=[plan.pk])
                problems += [{"message": message, "href": href} for message in field_messages]
        else:
            messages.success(request, "Sentence plan completed")
            return redirect(_plan_tab(case.pk))
    return render(
        request,
        "cases/plans/plan_complete.html",
        {
            "case": case,
            "person": case.person,
            "plan": plan,
            "form": form,
            "problems": problems,
            "rows": _completion_summary(plan, woman),
            "objective_groups": selectors.objective_groups(plan),
        },
        status=400 if form.errors or problems else 200,
    )


@require_http_methods(["GET", "POST"])
def plan_review_new(request, pk: int):
    plan, case = _plan_for_request(request, pk)
    if plan.status != SentencePlan.Status.COMPLETED:
        return _refused(
            request,
            case,
            title="This plan cannot be reviewed yet",
            message="Only a completed plan is reviewed. Complete the plan first.",
        )
    form = PlanReviewForm(_data(request), objectives=plan.objectives.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review_record(
                by=request.user,
                plan=plan,
                reviewed_on=form.cleaned_data["reviewed_on"],
                summary=form.cleaned_data["summary"],
                person_involved=form.cleaned_data["person_involved"],
                progress=form.progress(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Plan review recorded")
            return redirect(_plan_tab(case.pk))
    return _render(
        request,
        "cases/plans/review_form.html",
        {"case": case, "person": case.person, "plan": plan, "form": form},
        form,
    )


# Resettlement ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def custody_screening_new(request, pk: int):
    case = _case(request, pk, write=True)
    return _form_page(
        request,
        CustodyScreeningForm(_data(request)),
        case=case,
        heading="Record the basic custody screening",
        intro="Resettlement is the work in prison to prepare for release (known as Through the Gate). The "
        "resettlement plan is due within 5 working days of this screening.",
        button="Record screening",
        save=lambda data: services.custody_screening_record(by=request.user, case=case, **data),
        success="Custody screening recorded: the resettlement plan is due",
    )


@require_http_methods(["GET", "POST"])
def resettlement_plan_complete(request, pk: int):
    plan = selectors.resettlement_plan_get_for_user(request.user, pk)
    case = _case(request, plan.case_id, write=True)
    if plan.status != ResettlementPlan.Status.SCREENED:
        return _refused(
            request,
            case,
            title="This resettlement plan is already completed",
            message="This resettlement plan has already been completed.",
        )
    return _form_page(
        request,
        ResettlementPlanCompleteForm(_data(request)),
        case=case,
        heading="Complete the resettlement plan",
        intro="The minimum on release: somewhere safe to sleep that night, enough money for basic needs, and live "
        "links to services.",
        rows=[
            ("Screening completed", f"{plan.screened_on:%-d %B %Y}"),
            ("Needs found at screening", plan.screening_needs),
        ],
        button="Complete resettlement plan",
        save=lambda data: services.resettlement_plan_complete(by=request.user, plan=plan, **data),
        success="Resettlement plan completed",
    )


urlpatterns = [
    path("cases/<int:pk>/plan/", case_plan, name="case_plan"),
    path("cases/<int:pk>/plan/new/", plan_new, name="plan_new"),
    path("cases/<int:pk>/resettlement/screening/", custody_screening_new, name="custody_screening_new"),
    path("plans/<int:pk>/", plan_edit, name="plan_edit"),
    path("plans/<int:pk>/objectives/new/", objective_new, name="objective_new"),
    path("plans/<int:pk>/complete/", plan_complete, name="plan_complete"),
    path("plans/<int:pk>/reviews/new/", plan_review_new, name="plan_review_new"),
    path("objectives/<int:pk>/", objective_edit, name="objective_edit"),
    path("resettlement-plans/<int:pk>/complete/", resettlement_plan_complete, name="resettlement_plan_complete"),
]
