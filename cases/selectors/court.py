"""Reads for court appearances and pre-sentence reports, scoped through cases.selectors.cases_visible_to.

Every function runs a fixed number of queries whatever the number of rows (select_related for single
rows, prefetch_related for lists), and anything outside the user's scope is "not found".
"""

from datetime import date

from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case as CaseModel
from cases.models import CourtAppearance, InformationRequest, PersonAccessLimit, PreSentenceReport
from cases.selectors.people import cases_visible_to


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def reports_visible_to(user: User) -> QuerySet[PreSentenceReport]:
    """Every report (any status) of a case the user may see."""
    return PreSentenceReport.objects.filter(case__in=cases_visible_to(user).values("pk"))


def with_due_flags(reports: QuerySet[PreSentenceReport], today: date | None = None) -> QuerySet[PreSentenceReport]:
    """Annotate `is_overdue` (due before today, still open) and `is_due_today`."""
    today = today or timezone.localdate()
    open_report = Q(status__in=PreSentenceReport.OPEN_STATUSES)
    return reports.annotate(
        is_overdue=_flag(open_report & Q(due_on__lt=today)),
        is_due_today=_flag(open_report & Q(due_on=today)),
    )


def reports_due(
    user: User, *, report_type: str = "", mine: bool = False, today: date | None = None
) -> QuerySet[PreSentenceReport]:
    """Open reports the user may see, soonest due first, with person, court and author (one query a page).

    `report_type` keeps one type (oral, short format, full written); `mine` keeps the user's own reports.
    """
    reports = reports_visible_to(user).filter(status__in=PreSentenceReport.OPEN_STATUSES)
    if report_type in PreSentenceReport.ReportType.values:
        reports = reports.filter(report_type=report_type)
    if mine:
        reports = reports.filter(author=user)
    return with_due_flags(reports.select_related("case__person", "court_appearance__court", "author"), today).order_by(
        "due_on", "requested_on", "pk"
    )


def _screenings_prefetch() -> Prefetch:
    # The screenings are risk rows pointing at the report (risk depends on cases, so no import of risk here).
    return Prefetch("risk_screenings", to_attr="screenings")


def court_record_for_case(user: User, case: CaseModel) -> dict:
    """The case's hearings and reports, each report with its information requests and screenings.

    Four queries whatever the number of hearings, reports and requests. Http404 when the user may not see
    the case.
    """
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise Http404("Not found")
    appearances = list(
        CourtAppearance.objects.filter(case_id=case.pk).select_related("court").order_by("-appearance_date", "-pk")
    )
    reports = list(
        with_due_flags(PreSentenceReport.objects.filter(case_id=case.pk))
        .select_related("court_appearance__court", "author")
        .prefetch_related(
            Prefetch("information_requests", queryset=InformationRequest.objects.order_by("requested_on", "pk")),
            _screenings_prefetch(),
        )
        .order_by("-requested_on", "-pk")
    )
    for report in reports:
        _describe_screening(report)
    return {
        "appearances": appearances,
        "reports": reports,
        "open_reports": [report for report in reports if report.is_open],
    }


def _describe_screening(report: PreSentenceReport) -> None:
    """Set `screening` (the completed screening, else a draft, else None) and `screening_completed`."""
    screenings = [s for s in report.screenings if s.kind == "screening"]
    completed = [s for s in screenings if s.status == "completed"]
    report.screening = (completed or screenings or [None])[-1]
    report.screening_completed = bool(completed)


def report_get_for_user(user: User, pk: int) -> PreSentenceReport:
    """One report with its case, person, hearing, author, information requests and screenings; else Http404.

    Carries `has_access_limits` (the person has an exclusion or restriction list: write an access record).
    """
    report = (
        with_due_flags(reports_visible_to(user))
        .select_related("case__person", "case__provider", "case__team", "court_appearance__court", "author")
        .prefetch_related(
            Prefetch("information_requests", queryset=InformationRequest.objects.order_by("requested_on", "pk")),
            _screenings_prefetch(),
        )
        .annotate(
            has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("case__person_id"), ended_at__isnull=True)
            )
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("Not found")
    _describe_screening(report)
    return report


def information_request_get_for_user(user: User, pk: int) -> InformationRequest:
    """One information request of a report the user may see, else Http404."""
    information_request = (
        InformationRequest.objects.filter(pk=pk, report__in=reports_visible_to(user).values("pk"))
        .select_related("report__case__person", "report__court_appearance__court")
        .first()
    )
    if information_request is None:
        raise Http404("Not found")
    return information_request


def authors_for(provider_id: int) -> QuerySet[User]:
    """Staff of a provider who can write a report (responsible officers and managers), by name."""
    return (
        User.objects.filter(
            is_active=True,
            team__provider_id=provider_id,
            role__in=[User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER],
        )
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )
