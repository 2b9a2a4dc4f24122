"""The team dashboard and the overdue work list (managers only).

Thin: parse the filters (oversight.forms), call the selectors, render a page or a CSV download (`?format=csv`, with
the same filters). Staff who cannot oversee get 403; a team the manager does not manage, an officer outside the
team or an unknown kind of work is shown as a form error with no figures (status 400), never a server error.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from oversight.exports import csv_response, wants_csv
from oversight.forms import OverdueFilterForm, TeamFilterForm
from oversight.scopes import require_oversight
from oversight.selectors import overdue as overdue_selectors
from oversight.selectors.overdue import KINDS
from oversight.selectors.workload import CASE_TYPES, ROSH_KEYS, team_workload

KIND_COLOURS = {
    "clock": "blue",
    "risk": "orange",
    "enforcement": "purple",
    "plan_review": "yellow",
    "programme": "pink",
}


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _csv_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    return params.urlencode()


def _alerts_text(row) -> str:
    if not row.alerts_open:
        return "0"
    return f"{row.alerts_open} ({row.alerts_overdue} overdue)" if row.alerts_overdue else str(row.alerts_open)


# The team dashboard ------------------------------------------------------------------------------------------------


def _workload_header(threshold: int) -> list[str]:
    return [
        "Officer",
        "Active cases",
        f"Above {threshold}",
        *(f"RoSH {label.lower()}" for _, label in ROSH_KEYS),
        *(label for _, label in CASE_TYPES),
        "Workload points",
        "Open alerts",
        "Overdue alerts",
    ]


def _workload_cells(row, name: str, threshold: int) -> list:
    return [
        name,
        row.active_cases,
        ("Yes" if row.active_cases > threshold else "No") if name != "Total" else "",
        *_counts(row),
        row.workload_rounded,
        row.alerts_open,
        row.alerts_overdue,
    ]


def _workload_csv(workload):
    threshold = workload.threshold
    rows = [_workload_cells(row, row.officer.get_full_name(), threshold) for row in workload.officers]
    rows.append(_workload_cells(workload.totals, "Total", threshold))
    filename = f"team-dashboard-{workload.team.code}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, _workload_header(threshold), rows)


def _counts(row) -> list[int]:
    """The RoSH columns then the case type columns of one row, in the table's order."""
    return [
        *(row.by_rosh.get(key, 0) for key, _ in ROSH_KEYS),
        *(row.by_case_type.get(key, 0) for key, _ in CASE_TYPES),
    ]


def _summary_sentence(count: int, threshold: int) -> str:
    if count == 0:
        return f"No officer holds more than {threshold} active cases"
    if count == 1:
        return f"1 officer holds more than {threshold} active cases"
    return f"{count} officers hold more than {threshold} active cases"


def _bars(workload) -> tuple[list[dict], list[dict]]:
    """The two charts: active cases per officer (the line marks the threshold) and workload points per officer."""
    threshold = workload.threshold
    case_max = max(workload.largest_caseload, threshold, 1)
    workload_max = max((row.workload for row in workload.officers), default=0) or 1
    cases, points = [], []
    for row in workload.officers:
        name = row.officer.get_full_name()
        cases.append(
            {
                "label": name,
                "value": row.active_cases,
                "display": str(row.active_cases),
                "max": case_max,
                "marker": threshold,
                "status": "bad" if row.over_threshold else "",
            }
        )
        points.append(
            {
                "label": name,
                "value": row.workload,
                "display": str(row.workload_rounded),
                "max": workload_max,
                "marker": None,
                "status": "",
            }
        )
    return cases, points


def dashboard(request):
    require_oversight(request.user)
    form = TeamFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "oversight/dashboard.html", {"form": form, "workload": None}, status=400)
    team = form.cleaned_data["team"]
    workload = team_workload(team=team)
    if wants_csv(request):
        return _workload_csv(workload)
    case_bars, workload_bars = _bars(workload)
    rows = [{"row": row, "counts": _counts(row), "alerts": _alerts_text(row)} for row in workload.officers]
    totals = workload.totals
    return render(
        request,
        "oversight/dashboard.html",
        {
            "form": form,
            "team": team,
            # Every team the user may choose is of their own provider (already loaded for the page header).
            "provider": request.user.team.provider,
            "workload": workload,
            "rows": rows,
            "totals": totals,
            "totals_counts": _counts(totals),
            "totals_alerts": _alerts_text(totals),
            "case_chart_caption": f"Active cases per officer (the line marks {workload.threshold} cases)",
            "over_threshold_sentence": _summary_sentence(len(workload.over_threshold), workload.threshold),
            "case_bars": case_bars,
            "workload_bars": workload_bars,
            "rosh_keys": ROSH_KEYS,
            "case_types": CASE_TYPES,
            "case_type_weights": [
                (label, settings.WORKLOAD_CASE_TYPE_WEIGHTS.get(key, 1)) for key, label in CASE_TYPES
            ],
            "rosh_weights": [(label, settings.WORKLOAD_ROSH_WEIGHTS.get(key, 1)) for key, label in ROSH_KEYS],
            "csv_query": _csv_query(request),
        },
    )


# Overdue work ------------------------------------------------------------------------------------------------------

OVERDUE_HEADER = ["Person", "CRN", "Officer", "Kind", "What needs doing", "Due", "Timing", "Overdue", "Link"]


def _overdue_csv(request, team, items):
    rows = [
        [
            item.case.person.name_for_list,
            item.case.person.crn,
            item.case.responsible_officer.get_full_name() if item.case.responsible_officer else "",
            item.kind_label,
            item.what,
            item.due_on.isoformat() if item.due_on else "",
            item.timing,
            "Yes" if item.overdue else "No",
            request.build_absolute_uri(item.url),
        ]
        for item in items
    ]
    filename = f"overdue-work-{team.code}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, OVERDUE_HEADER, rows)


def overdue_work(request):
    require_oversight(request.user)
    form = OverdueFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "oversight/overdue_work.html", {"form": form, "page_obj": None}, status=400)
    team = form.cleaned_data["team"]
    officer = form.cleaned_data["officer"]
    kind = form.cleaned_data["kind"]
    # Every kind for the officer (the counts per kind), then the chosen kind: the same queries either way.
    everything = overdue_selectors.overdue_work(
        user=request.user, team=team, officer_id=officer.pk if officer else None
    )
    items = [item for item in everything if not kind or item.kind == kind]
    if wants_csv(request):
        return _overdue_csv(request, team, items)
    counts = overdue_selectors.kind_counts(everything)
    page = Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    kind_links = []
    for key, label in KINDS:
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("format", None)
        params["kind"] = key
        kind_links.append({"key": key, "label": label, "count": counts[key], "query": params.urlencode()})
    return render(
        request,
        "oversight/overdue_work.html",
        {
            "form": form,
            "team": team,
            "provider": request.user.team.provider,
            "chosen_officer": officer,
            "chosen_kind": kind,
            "chosen_kind_label": dict(KINDS).get(kind, ""),
            "kind_links": kind_links,
            "total": len(everything),
            "overdue_total": sum(1 for item in everything if item.overdue),
            "shown": len(items),
            "page_obj": page,
            "rows": [{"item": item, "colour": KIND_COLOURS[item.kind]} for item in page],
            "query": _query_without(request, "page", "format"),
            "csv_query": _csv_query(request),
        },
    )
