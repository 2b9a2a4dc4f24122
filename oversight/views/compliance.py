"""Service-level compliance, the cases that missed one, and continuity of officers (managers only).

Thin: parse the scope and period (oversight.forms_compliance), call the selectors, render a page or a CSV download
(`?format=csv`, with the same choices). Staff who cannot oversee get 403; a scope or period that cannot be chosen is
shown as a form error (status 400), never a server error.
"""

from decimal import Decimal
from http import HTTPStatus

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from oversight.exports import csv_response, wants_csv
from oversight.forms_compliance import ScopeForm, ScopePeriodForm
from oversight.scopes import require_oversight
from oversight.selectors import compliance as compliance_selectors
from oversight.selectors import continuity as continuity_selectors
from oversight.selectors.compliance import ComplianceRow, percent

GROUPS = (("clock", "timeliness", "Timeliness"), ("outcome", "completion", "Completion"))
# shared/DOMAIN.md section 8: only half of people keep one officer throughout; 5% have three or more.
INSPECTORATE_ONE_OFFICER = Decimal("50")
INSPECTORATE_THREE_OR_MORE = Decimal("5")


def _percent_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def _whole_percent(value: Decimal | None) -> str:
    """A target or national figure: 97 reads "97%", 93.4 reads "93.4%"."""
    if value is None:
        return ""
    return f"{value.normalize():f}%"


def _page(request, items):
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _csv_url(request, **extra) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    for name, value in extra.items():
        params[name] = value
    return f"?{params.urlencode()}"


# Service levels ------------------------------------------------------------------------------------------------------


def _compliance_csv_row(row: ComplianceRow) -> list:
    return [
        row.code,
        row.name,
        "Timeliness" if row.kind == "clock" else "Completion",
        row.met,
        row.total,
        row.missed,
        _percent_text(row.percent),
        "" if row.meets_target is None else ("Yes" if row.meets_target else "No"),
        _whole_percent(row.target_percent),
        _whole_percent(row.performance_2017) if row.national else "Local measure",
    ]


COMPLIANCE_CSV_HEADER = (
    "Code",
    "What is measured",
    "Kind",
    "Met",
    "Total",
    "Missed",
    "% met",
    "Meets target",
    "National target",
    "2017 national figure",
)


def compliance(request):
    """Every service level and completion measure for the chosen scope and period, against the national target."""
    require_oversight(request.user)
    today = timezone.localdate()
    form = ScopePeriodForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        return render(request, "oversight/compliance.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)
    result = compliance_selectors.compliance(scope=form.chosen_scope, period=form.chosen_period, today=today)
    if wants_csv(request):
        kinds = {key: kind for kind, key, _ in GROUPS}
        kind = kinds.get(request.GET.get("table", ""))
        rows = [row for row in result.rows if kind is None or row.kind == kind]
        filename = f"service-levels-{slugify(form.chosen_scope.label)}-{form.chosen_period.key}.csv"
        return csv_response(filename, COMPLIANCE_CSV_HEADER, (_compliance_csv_row(row) for row in rows))
    missed_url = reverse("oversight:missed")
    groups = []
    for kind, key, heading in GROUPS:
        rows = [
            {
                "row": row,
                "percent": _percent_text(row.percent),
                "target": _whole_percent(row.target_percent),
                "national": _whole_percent(row.performance_2017) if row.national else "Local measure",
                "missed_url": f"{missed_url}?{form.query(code=row.code)}" if row.missed else "",
            }
            for row in result.rows
            if row.kind == kind
        ]
        bars = [
            {
                "label": row.code,
                "value": row.percent,
                "display": _percent_text(row.percent),
                "max": 100,
                "marker": row.target_percent,
                "status": "good" if row.meets_target else "bad",
            }
            for row in result.measured_rows
            if row.kind == kind
        ]
        groups.append(
            {
                "key": key,
                "heading": heading,
                "rows": rows,
                "bars": bars,
                "table_id": f"{key}-table",
                "csv_url": _csv_url(request, table=key),
            }
        )
    return render(
        request,
        "oversight/compliance.html",
        {
            "form": form,
            "result": result,
            "scope": form.chosen_scope,
            "period": form.chosen_period,
            "groups": groups,
            "recording_days": settings.TERMINATION_RECORDING_DAYS,
        },
    )


# Missed cases --------------------------------------------------------------------------------------------------------


def _hidden_text(count: int, kind: str) -> str:
    """Why some missed rows are counted but not listed. In a region they are (mostly) other providers' cases; in a
    team or provider, cases whose person is on an exclusion or restriction list."""
    if kind == "region":
        if count == 1:
            return "1 more missed on a case held by another provider, which you cannot open."
        return f"{count} more missed on cases held by other providers, which you cannot open."
    if count == 1:
        return "1 more missed on a case with restricted access, which you cannot open."
    return f"{count} more missed on cases with restricted access, which you cannot open."


def missed(request):
    """The cases that missed one service level in the period and scope, oldest first (only the cases the manager may
    open; the others are counted)."""
    require_oversight(request.user)
    code = (request.GET.get("code") or "").strip()
    if not compliance_selectors.is_known_code(code):
        raise Http404("There is no service level with that code.")
    today = timezone.localdate()
    form = ScopePeriodForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        return render(
            request,
            "oversight/missed.html",
            {"form": form, "code": code, "hidden": [("code", code)], "back_url": reverse("oversight:compliance")},
            status=HTTPStatus.BAD_REQUEST,
        )
    result = compliance_selectors.missed_cases(
        user=request.user, scope=form.chosen_scope, period=form.chosen_period, code=code, today=today
    )
    if wants_csv(request):
        filename = f"missed-{slugify(code)}-{slugify(form.chosen_scope.label)}-{form.chosen_period.key}.csv"
        return csv_response(
            filename,
            ("Name", "CRN", "Responsible officer", "Team", result.row_label, "Detail"),
            (
                (
                    row.case.person.name_for_list,
                    row.case.person.crn,
                    row.case.responsible_officer.get_full_name() if row.case.responsible_officer else "Not allocated",
                    row.case.team.name if row.case.team else "",
                    row.on.isoformat(),
                    row.detail,
                )
                for row in result.rows
            ),
        )
    return render(
        request,
        "oversight/missed.html",
        {
            "form": form,
            "code": code,
            "hidden": [("code", code)],
            "hidden_text": _hidden_text(result.hidden, form.chosen_scope.kind),
            "result": result,
            "scope": form.chosen_scope,
            "period": form.chosen_period,
            "page_obj": _page(request, result.rows),
            "query": _query_without(request, "page", "format"),
            "csv_url": _csv_url(request),
            "back_url": f"{reverse('oversight:compliance')}?{form.query()}",
        },
    )


# Continuity ----------------------------------------------------------------------------------------------------------


def _against(value: Decimal | None, finding: Decimal, *, higher_is_better: bool) -> str:
    """A bar's colour: as good as the inspectorate's national finding or better ("good"), or worse ("bad")."""
    if value is None:
        return ""
    return "good" if (value >= finding if higher_is_better else value <= finding) else "bad"


def _continuity_figures(figures: continuity_selectors.Continuity) -> list[dict]:
    return [
        {
            "label": "Kept one officer throughout",
            "count": figures.one_officer,
            "percent": figures.one_officer_percent,
            "inspectorate": "About half (50%)",
            "marker": INSPECTORATE_ONE_OFFICER,
            "status": _against(figures.one_officer_percent, INSPECTORATE_ONE_OFFICER, higher_is_better=True),
        },
        {
            "label": "Had two officers",
            "count": figures.two_officers,
            "percent": percent(figures.two_officers, figures.cases),
            "inspectorate": "Not reported",
            "marker": None,
            "status": "",
        },
        {
            "label": "Had three or more officers",
            "count": figures.three_or_more,
            "percent": figures.three_or_more_percent,
            "inspectorate": "5%",
            "marker": INSPECTORATE_THREE_OR_MORE,
            "status": _against(figures.three_or_more_percent, INSPECTORATE_THREE_OR_MORE, higher_is_better=False),
        },
    ]


def continuity(request):
    """How many cases kept one officer over the last CONTINUITY_MONTHS months, and the cases with the most officers."""
    require_oversight(request.user)
    today = timezone.localdate()
    form = ScopeForm(request.GET, user=request.user, today=today)
    context = {"form": form, "months": settings.CONTINUITY_MONTHS}
    if not form.is_valid():
        return render(request, "oversight/continuity.html", context, status=HTTPStatus.BAD_REQUEST)
    figures = continuity_selectors.continuity(form.chosen_scope, today=today)
    rows = _continuity_figures(figures)
    cases = continuity_selectors.continuity_case_list(user=request.user, scope=form.chosen_scope, today=today)
    if wants_csv(request):
        label = slugify(form.chosen_scope.label)
        if request.GET.get("table") == "figures":
            return csv_response(
                f"continuity-{label}-{today:%Y-%m-%d}.csv",
                ("Officers", "Cases", "% of cases", "Inspectorate's finding (2017)"),
                ((row["label"], row["count"], _percent_text(row["percent"]), row["inspectorate"]) for row in rows),
            )
        return csv_response(
            f"continuity-cases-{label}-{today:%Y-%m-%d}.csv",
            ("Name", "CRN", "Responsible officers so far", "Current officer", "Team", "Status"),
            (
                (
                    case.person.name_for_list,
                    case.person.crn,
                    case.officer_count,
                    case.responsible_officer.get_full_name() if case.responsible_officer else "Not allocated",
                    case.team.name if case.team else "",
                    case.get_status_display(),
                )
                for case in cases.iterator()
            ),
        )
    bars = [
        {
            "label": row["label"],
            "value": row["percent"] or 0,
            "display": _percent_text(row["percent"]) or "None",
            "max": 100,
            "marker": row["marker"],
            "status": row["status"],
        }
        for row in rows
    ]
    context.update(
        {
            "scope": form.chosen_scope,
            "figures": figures,
            "rows": rows,
            "bars": bars,
            "page_obj": _page(request, cases),
            "query": _query_without(request, "page", "format", "table"),
            "figures_csv_url": _csv_url(request, table="figures"),
            "cases_csv_url": _csv_url(request, table="cases"),
        }
    )
    return render(request, "oversight/continuity.html", context)
