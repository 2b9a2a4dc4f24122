"""Case quality audit pages: the audits with their overall results, drawing a sample, one audit, and the questions
for one case of an audit. Thin: parse, call oversight.selectors.audits or oversight.services, render.

Only managers (oversight.scopes.can_oversee) have these pages; anyone else gets 403. An audit the manager may not see
is "not found". A sampled case the manager may not open (moved to another provider, or an access limit on the
person) is listed without its name, and its questions are "not found" (oversight.selectors.audits decides both).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases import services as case_services
from oversight import services
from oversight.exports import csv_response, wants_csv
from oversight.forms_audits import AuditAnswersForm, AuditDrawForm
from oversight.models import AUDIT_QUESTIONS, AuditedCase, CaseAudit
from oversight.scopes import require_oversight
from oversight.selectors.audits import (
    audit_get_for_user,
    audit_next_unanswered,
    audit_sample_for_user,
    audited_case_get,
    results_for_audit,
    results_for_user,
)
from oversight.selectors.audits import (
    audit_list as audits_for_list,
)
from risk.forms import add_service_errors
from risk.models import RiskLevel

NOT_ASSESSED = "Not assessed"
NO_NATIONAL_FIGURE = "No national figure"


def _data(request):
    return request.POST if request.method == "POST" else None


def _rosh_label(level: int | None) -> str:
    return RiskLevel(level).label if level else NOT_ASSESSED


def _figure(value) -> str:
    """A percentage for a CSV cell ("75.0"), empty when there is none."""
    return "" if value is None else str(value)


def _results_chart(results, *, youth: bool) -> list[dict]:
    """Bars of "% yes" (adults or children) with the 2017 national figure as the marker; green when at or above the
    national figure, red below it."""
    bars = []
    for result in results:
        value = result.youth_percent if youth else result.adult_percent
        national = result.question.youth_2017 if youth else result.question.adult_2017
        status = ""
        if value is not None and national is not None:
            status = "good" if value >= national else "bad"
        bars.append(
            {
                "label": result.question.text,
                "value": value or 0,
                "display": "No answers" if value is None else f"{value}%",
                "max": 100,
                "marker": national,
                "status": status,
            }
        )
    return bars


def _results_context(results) -> dict:
    adult_answered = sum(result.adult_answered for result in results)
    youth_answered = sum(result.youth_answered for result in results)
    return {
        "results": results,
        "any_answers": bool(adult_answered or youth_answered),
        "adult_bars": _results_chart(results, youth=False) if adult_answered else [],
        "youth_bars": _results_chart(results, youth=True) if youth_answered else [],
    }


RESULTS_HEADER = (
    "Question",
    "Adults: yes",
    "Adults: answered",
    "Adults: % yes",
    "Adults: 2017 national % yes",
    "Children: yes",
    "Children: answered",
    "Children: % yes",
    "Children: 2017 national % yes",
)


def _results_csv(filename: str, results):
    return csv_response(
        filename,
        RESULTS_HEADER,
        (
            (
                result.question.text,
                result.adult_yes,
                result.adult_answered,
                _figure(result.adult_percent),
                _figure(result.question.adult_2017),
                result.youth_yes,
                result.youth_answered,
                _figure(result.youth_percent),
                _figure(result.question.youth_2017),
            )
            for result in results
        ),
    )


def _csv_table(request, tables: tuple[str, ...]) -> str:
    """The table a CSV download asks for (`table=`), the first one when none is named; unknown is "not found"."""
    table = request.GET.get("table") or tables[0]
    if table not in tables:
        raise Http404("No such table.")
    return table


# The audits --------------------------------------------------------------------------------------------------------


@require_GET
def audit_list(request):
    require_oversight(request.user)
    # Newest first. (A Count annotation drops Meta.ordering, so audit_list's queryset comes back unordered.)
    audits = audits_for_list(request.user).order_by("-drawn_on", "-pk")
    if wants_csv(request):
        if _csv_table(request, ("audits", "results")) == "results":
            return _results_csv("case-quality-audit-results.csv", results_for_user(request.user))
        return csv_response(
            "case-quality-audits.csv",
            (
                "Drawn on",
                "Scope",
                "Drawn by",
                "Seed",
                "Sample size",
                "Active cases drawn from",
                "Cases answered",
                "Status",
                "Completed on",
            ),
            (
                (
                    audit.drawn_on.isoformat(),
                    f"{audit.get_scope_display()}: {audit.scope_name}",
                    audit.drawn_by.get_full_name(),
                    audit.seed,
                    audit.sample_size,
                    audit.population_size,
                    audit.cases_answered,
                    audit.get_status_display(),
                    audit.completed_on.isoformat() if audit.completed_on else "",
                )
                for audit in audits
            ),
        )
    page = Paginator(audits, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/audits.html",
        {"page_obj": page, "query": "", **_results_context(results_for_user(request.user))},
    )


@require_http_methods(["GET", "POST"])
def audit_new(request):
    require_oversight(request.user)
    form = AuditDrawForm(_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        try:
            audit = services.audit_draw(
                by=request.user,
                scope=scope,
                sample_size=form.cleaned_data["sample_size"],
                seed=form.cleaned_data["seed"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Sample drawn: {audit.sample_size} of the {audit.population_size} active cases in {scope.name}",
            )
            return redirect("oversight:audit", pk=audit.pk)
    return render(
        request,
        "oversight/audit_new.html",
        {"form": form, "maximum_sample": services.MAXIMUM_SAMPLE},
        status=400 if form.is_bound and form.errors else 200,
    )


# One audit ---------------------------------------------------------------------------------------------------------


def _sample_rows(request, audit: CaseAudit) -> list[dict]:
    """The sampled cases in their order, each marked with whether the manager may open it."""
    return [
        {
            "audited": audited,
            "case": audited.case,
            "visible": audited.visible,
            "answered": audited.completed_on is not None,
            "rosh": _rosh_label(audited.rosh_level),
        }
        for audited in audit_sample_for_user(user=request.user, audit=audit)
    ]


@require_GET
def audit_detail(request, pk: int):
    require_oversight(request.user)
    audit = audit_get_for_user(user=request.user, audit_id=pk)
    if wants_csv(request):
        if _csv_table(request, ("cases", "results")) == "results":
            return _results_csv(f"case-quality-audit-{audit.pk}-results.csv", results_for_audit(audit))
        return csv_response(
            f"case-quality-audit-{audit.pk}-cases.csv",
            (
                "Position",
                "Name",
                "CRN",
                "Provider type",
                "RoSH when drawn",
                "Responsible officer",
                "Answered",
                "Answered on",
            ),
            (
                (
                    row["audited"].position,
                    row["case"].person.full_name if row["visible"] else "Not shown: you cannot see this case",
                    row["case"].person.crn if row["visible"] else "",
                    row["audited"].get_provider_type_display(),
                    row["rosh"],
                    _officer_name(row["case"]) if row["visible"] else "",
                    "Yes" if row["answered"] else "No",
                    row["audited"].completed_on.isoformat() if row["answered"] else "",
                )
                for row in _sample_rows(request, audit)
            ),
        )
    rows = _sample_rows(request, audit)
    return render(
        request,
        "oversight/audit.html",
        {
            "audit": audit,
            "rows": rows,
            "answered_count": sum(row["answered"] for row in rows),
            "hidden_count": sum(not row["visible"] for row in rows),
            **_results_context(results_for_audit(audit)),
        },
    )


def _officer_name(case) -> str:
    return case.responsible_officer.get_full_name() if case.responsible_officer_id else "Not allocated"


# One case of an audit ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def audit_case(request, pk: int, audited_case_id: int):
    require_oversight(request.user)
    audit = audit_get_for_user(user=request.user, audit_id=pk)
    # Http404 unless the manager may open the case itself; a restricted case records the access.
    audited = audited_case_get(user=request.user, audit=audit, audited_case_id=audited_case_id)
    case = audited.case
    if audited.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    completed = audit.status == CaseAudit.Status.COMPLETED
    context = {
        "audit": audit,
        "audited": audited,
        "case": case,
        "rosh": _rosh_label(audited.rosh_level),
        "completed": completed,
        "audit_url": reverse("oversight:audit", args=[audit.pk]),
    }
    if completed:
        if request.method == "POST":
            return render(
                request,
                "includes/refused_page.html",
                {
                    "title": "This audit is complete",
                    "message": (
                        f"This audit was completed on {audit.completed_on:%-d %B %Y}: its answers cannot be changed."
                    ),
                    "back_url": context["audit_url"],
                    "back_text": "Back to the audit",
                    "caption": f"{case.person.full_name} ({case.person.crn})",
                    "links": [("Back to the audit", context["audit_url"])],
                },
                status=400,
            )
        answers = {answer.question: answer for answer in audited.answers.all()}
        context["read_only"] = [
            {"number": number, "question": question, "answer": answers.get(question.code)}
            for number, question in enumerate(AUDIT_QUESTIONS, start=1)
        ]
        return render(request, "oversight/audit_case.html", context)

    form = AuditAnswersForm(_data(request), audited_case=audited)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_answer_case(by=request.user, audited_case=audited, answers=form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_answering(request, audit, audited, case)
    context["form"] = form
    return render(request, "oversight/audit_case.html", context, status=400 if form.is_bound and form.errors else 200)


def _after_answering(request, audit: CaseAudit, audited: AuditedCase, case):
    saved = f"Answers saved for {case.person.full_name} ({case.person.crn})"
    audit.refresh_from_db(fields=["status", "completed_on"])
    if audit.status == CaseAudit.Status.COMPLETED:
        messages.success(
            request,
            f"{saved}. Every case has been answered: the audit is complete and a management oversight note has been "
            "added to each case.",
        )
        return redirect("oversight:audit", pk=audit.pk)
    following = audit_next_unanswered(user=request.user, audit=audit, after=audited)
    if following is None:
        messages.success(request, f"{saved}.")
        return redirect("oversight:audit", pk=audit.pk)
    messages.success(request, f"{saved}. This is the next case without answers.")
    return redirect("oversight:audit_case", pk=audit.pk, audited_case_id=following.pk)
