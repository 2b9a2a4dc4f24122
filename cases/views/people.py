"""HTML pages for people and cases. Thin: parse, call a selector or service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases import rules, selectors, services
from cases.forms import ContactDetailsForm, SearchForm
from cases.history import case_history, person_history
from cases.models import Case
from cases.views.ending import ended_summary
from enforcement.selectors.compliance import compliance_panels
from risk import selectors as risk_selectors

SORTABLE_COLUMNS = [("name", "Name"), ("crn", "CRN"), ("status", "Status"), ("start", "Start date")]
CASELOAD_COLUMNS = [*SORTABLE_COLUMNS, ("rosh", "Risk of serious harm")]
# The caseload's risk of serious harm filter: query parameter `rosh`, values from risk.selectors.ROSH_FILTERS.
ROSH_FILTER_OPTIONS = [
    ("", "All"),
    ("very_high", "Very high"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("none", "Not assessed"),
]


def _page(request, queryset):
    from django.conf import settings

    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    """The current query string minus `page`, so pagination links keep the search and the sort."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _sort_columns(request, sort: str, sortable=SORTABLE_COLUMNS) -> list[dict]:
    """Header links for sortable tables, with aria-sort for screen readers."""
    columns = []
    for key, label in sortable:
        if sort == key:
            state, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "none", key
        params = request.GET.copy()
        params["sort"] = next_sort
        params.pop("page", None)
        columns.append({"key": key, "label": label, "aria_sort": state, "query": params.urlencode()})
    return columns


def _sort(request, also: tuple[str, ...] = ()) -> str:
    """The requested sort (`key` or `-key`), or "name" when it is not one this table offers."""
    sort = request.GET.get("sort", "name")
    return sort if sort.lstrip("-") in {*selectors.CASELOAD_SORTS, *also} else "name"


def caseload(request):
    """My caseload, with each person's current RoSH level (annotated in the same query: no query per row)."""
    sort = _sort(request, also=("rosh",))
    rosh = request.GET.get("rosh", "")
    if rosh not in risk_selectors.ROSH_FILTER_VALUES:
        rosh = ""
    cases = risk_selectors.with_current_risk(selectors.caseload_for_officer(user=request.user, sort=sort), "person_id")
    cases = risk_selectors.filter_by_rosh(cases, rosh)
    if sort.lstrip("-") == "rosh":
        cases = risk_selectors.order_by_rosh(cases, descending=sort.startswith("-"))
    page = _page(request, cases)
    return render(
        request,
        "cases/caseload.html",
        {
            "page_obj": page,
            "columns": _sort_columns(request, sort, CASELOAD_COLUMNS),
            "sort": sort,
            "rosh": rosh,
            "rosh_options": ROSH_FILTER_OPTIONS,
            "query": _query_without_page(request),
        },
    )


def team(request):
    if not request.user.team_id:
        raise PermissionDenied("Only staff who belong to a team have a team page.")
    officers = list(selectors.team_officers_with_caseloads(user=request.user))
    officer_id = request.GET.get("officer")
    chosen = next((officer for officer in officers if str(officer.pk) == officer_id), None)
    sort = _sort(request)
    page = _page(request, selectors.team_cases(user=request.user, officer_id=chosen.pk if chosen else None, sort=sort))
    return render(
        request,
        "cases/team.html",
        {
            "team": request.user.team,
            "officers": officers,
            "chosen_officer": chosen,
            "page_obj": page,
            "columns": _sort_columns(request, sort),
            "query": _query_without_page(request),
            "total_active": sum(officer.active_cases for officer in officers),
        },
    )


def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid():
        page = _page(request, selectors.people_search(user=request.user, query=form.cleaned_data["q"]))
    return render(request, "cases/search.html", {"form": form, "page_obj": page, "query": _query_without_page(request)})


def _person_for_request(request, crn: str):
    person = selectors.person_get_for_user(user=request.user, crn=crn)
    if person.has_access_limits:
        services.access_record_write(person=person, user=request.user, path=request.path)
    return person


def person_detail(request, crn: str):
    person = _person_for_request(request, crn)
    context = {"person": person, "tab": "summary"}
    context.update(selectors.person_summary(user=request.user, person=person))
    # Each case's compliance in the last 12 months (enforcement, composed here: decision record 0005).
    context["cases"] = list(context["cases"])
    panels = compliance_panels(context["cases"])
    for case in context["cases"]:
        case.compliance = panels[case.pk]
    return render(request, "cases/person_detail.html", context)


def person_history_view(request, crn: str):
    person = _person_for_request(request, crn)
    return render(
        request,
        "cases/person_history.html",
        {
            "person": person,
            "tab": "history",
            "entries": person_history(
                person=person,
                visible_cases=selectors.cases_visible_to(request.user),
                include_access_lists=request.user.is_manager or request.user.is_administrator,
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def person_contact_details(request, crn: str):
    person = _person_for_request(request, crn)
    initial = {"telephone": person.telephone, "mobile": person.mobile, "email": person.email}
    form = ContactDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update_contact_details(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, "Contact details updated")
            return redirect(reverse("cases:person", args=[person.crn]))
    return render(request, "cases/person_contact_details.html", {"person": person, "form": form})


def case_detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        services.access_record_write(person=case.person, user=request.user, path=request.path)
    is_open = case.status in Case.OPEN_STATUSES
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person": case.person,
            "tab": "summary",
            "can_end": is_open and rules.can_end_case(request.user, case),
            "ended_summary": ended_summary(case) if case.status == Case.Status.ENDED else "",
        },
    )


def case_history_view(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        services.access_record_write(person=case.person, user=request.user, path=request.path)
    return render(
        request,
        "cases/case_history.html",
        {"case": case, "person": case.person, "tab": "history", "entries": case_history(case=case)},
    )
