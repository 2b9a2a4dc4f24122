"""Pages for referrals to services: the directory of services (and adding one), making a referral on a case, a
referral with its status form, and the figures per need area with the people behind each figure.

Thin: parse, call a selector or service, render. Cases and referrals are found through the scoped selectors, so
anything outside the user's scope is "not found"; opening a person with an exclusion or restriction list writes an
access record. Bad input re-renders the form with the error summary, status 400, and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Provider, Region
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case, NeedArea, PersonAccessLimit
from interventions.forms import referrals as forms
from interventions.rules import can_do_case_work
from interventions.selectors import referrals as selectors
from interventions.services import referrals as services

BAD_REQUEST = 400


def _may_use_directory(user) -> bool:
    return can_do_case_work(user) or services.can_manage_services(user)


def _delivery_tab(case_id: int) -> str:
    return reverse("interventions:case_delivery", args=[case_id]) + "#referrals"


def _case_frame(case, *, back_url: str = "", back_text: str = "Back to delivery") -> dict:
    person = case.person
    return {
        "case": case,
        "person": person,
        "tab": "delivery",
        "back_url": back_url or _delivery_tab(case.pk),
        "back_text": back_text,
        "caption": f"{person.full_name} ({person.crn}), case {case.pk}",
    }


def _refused_on_case(request, frame: dict, *, title: str, message: str):
    return render(
        request,
        "includes/refused_page.html",
        {**frame, "title": title, "message": message, "links": [("Go back to the case's delivery", frame["back_url"])]},
        status=BAD_REQUEST,
    )


def _form_page(request, form, frame: dict, *, heading: str, button: str, rows=(), intro: str = ""):
    return render(
        request,
        "includes/form_page.html",
        {**frame, "form": form, "heading": heading, "button": button, "rows": rows, "intro": intro},
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


# The directory ---------------------------------------------------------------------------------------------------


def service_directory(request):
    """Services people can be referred to, with their kind and the need areas they cover; filter by need."""
    if not _may_use_directory(request.user):
        raise Http404("Not found")
    form = forms.DirectoryFilterForm(request.GET or None)
    need_area = form.cleaned_data["need_area"] if form.is_bound and form.is_valid() else ""
    services_list = [] if form.errors else list(selectors.service_providers_for(request.user, need_area=need_area))
    return render(
        request,
        "interventions/referrals/directory.html",
        {
            "form": form,
            "services": services_list,
            "need_area_label": NeedArea(need_area).label if need_area else "",
            "can_create": services.can_manage_services(request.user),
        },
        status=BAD_REQUEST if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def service_provider_new(request):
    if not _may_use_directory(request.user):
        raise Http404("Not found")
    frame = {"back_url": reverse("interventions:service_directory"), "back_text": "Back to services"}
    if not services.can_manage_services(request.user):
        return render(
            request,
            "includes/refused_page.html",
            {
                **frame,
                "title": "You cannot add a service",
                "message": "Only managers and administrators can add services to the directory: ask your manager.",
            },
            status=BAD_REQUEST,
        )
    user = request.user
    if user.team_id and user.role != user.Role.ADMINISTRATOR:
        providers = [user.team.provider]
    else:
        providers = list(Provider.objects.order_by("name"))
    form = forms.ServiceProviderForm(
        request.POST if request.method == "POST" else None,
        providers=providers,
        regions=list(Region.objects.order_by("name")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.service_provider_create(by=user, **data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, f"{service.name} added to the directory")
            return redirect(reverse("interventions:service_directory"))
    return _form_page(request, form, {**frame, "caption": "Services"}, heading="Add a service", button="Add service")


# Referrals -------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_referral_new(request, pk: int):
    case = case_selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    frame = _case_frame(case)
    if not can_do_case_work(request.user):
        return _refused_on_case(request, frame, title="You cannot make a referral", message=services.NO_CASE_WORK)
    if case.status == Case.Status.ENDED:
        return _refused_on_case(
            request,
            frame,
            title="You cannot make a referral",
            message=f"This case ended on {case.end_date:%-d %B %Y}: referrals can only be made on an open case.",
        )
    service_list = list(selectors.service_providers_for(request.user))
    objectives = list(selectors.current_plan_objectives(case))
    form = forms.ReferralForm(
        request.POST if request.method == "POST" else None, services=service_list, objectives=objectives
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.service_referral_create(by=request.user, case=case, **data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, f"Referred to {referral.service_provider.name}")
            return redirect(reverse("interventions:service_referral", args=[referral.pk]))
    return _form_page(request, form, frame, heading="Make a referral to a service", button="Make referral")


@require_http_methods(["GET", "POST"])
def service_referral(request, referral_id: int):
    """A referral: the service, need, objective, reason, dates and outcome, and a form to move it on."""
    referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
    case = referral.case
    if PersonAccessLimit.objects.filter(person_id=case.person_id, ended_at__isnull=True).exists():
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    next_statuses = services.allowed_next(referral.status)
    can_update = can_do_case_work(request.user) and bool(next_statuses)
    form = None
    if can_update:
        form = forms.ReferralUpdateForm(request.POST if request.method == "POST" else None, next_statuses=next_statuses)
    if request.method == "POST":
        frame = _case_frame(case)
        if not can_do_case_work(request.user):
            return _refused_on_case(
                request, frame, title="You cannot update this referral", message=services.NO_CASE_WORK
            )
        if not next_statuses:
            return _refused_on_case(
                request,
                frame,
                title="You cannot update this referral",
                message=services.transition_refusal(referral, referral.status),
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                updated = services.service_referral_update(
                    by=request.user, referral=referral, status=data["status"], on=data["on"], outcome=data["outcome"]
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Referral to {referral.service_provider.name}: {updated.get_status_display()}"
                )
                return redirect(reverse("interventions:service_referral", args=[referral.pk]))
    return render(
        request,
        "interventions/referrals/referral.html",
        {"case": case, "person": case.person, "tab": "delivery", "referral": referral, "form": form},
        status=BAD_REQUEST if form is not None and form.is_bound and form.errors else 200,
    )


# Figures per need area ---------------------------------------------------------------------------------------------


def need_area_referrals(request):
    """Per need area, for the user's scope: people with the need, how many have a referral, how many are waiting."""
    if not can_do_case_work(request.user):
        raise Http404("Not found")
    return render(
        request,
        "interventions/referrals/need_areas.html",
        {"figures": selectors.need_area_figures(request.user), "figure_names": selectors.FIGURES},
    )


def need_area_people(request, need_area: str):
    """The people behind one figure of the need area page (?figure=with_need, referred or waiting)."""
    if not can_do_case_work(request.user) or need_area not in NeedArea.values:
        raise Http404("Not found")
    figure = request.GET.get("figure") or selectors.WITH_NEED
    if figure not in selectors.FIGURES:
        raise Http404("Not found")
    cases = list(selectors.need_area_people(request.user, need_area=need_area, figure=figure))
    return render(
        request,
        "interventions/referrals/need_area_people.html",
        {
            "cases": cases,
            "need_area": need_area,
            "need_area_label": NeedArea(need_area).label,
            "figure": figure,
            "figure_name": selectors.FIGURES[figure],
            "figure_names": selectors.FIGURES,
        },
    )


urlpatterns = [
    path("services/", service_directory, name="service_directory"),
    path("services/new/", service_provider_new, name="service_provider_new"),
    path("services/needs/", need_area_referrals, name="need_area_referrals"),
    path("services/needs/<str:need_area>/", need_area_people, name="need_area_people"),
    path("cases/<int:pk>/referrals/new/", case_referral_new, name="case_referral_new"),
    path("referrals/<int:referral_id>/", service_referral, name="service_referral"),
]
