"""Service-level compliance for a period and a scope, beside the national target and the 2017 national figure.

Timeliness clocks count in the period their due date falls in: met when stopped by the due date; missed when
stopped after it, or still running once it has passed. Clocks that no longer apply (cancelled), and running
clocks not yet due, are left out. One aggregate query covers every clock code; each completion measure
(oversight.measures) is one more aggregate query, so the number of queries never grows with the cases.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.selectors import cases_visible_to
from oversight.measures import MEASURES_BY_CODE, NOT_MEASURED, OUTCOME_MEASURES
from oversight.scopes import Period, Scope, scope_provider_types
from timeliness.calendar import working_days_between
from timeliness.models import Clock
from timeliness.registry import BY_CODE, SERVICE_LEVELS


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage to one decimal place (7 of 10 is 70.0); None when there is nothing."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ComplianceRow:
    code: str
    name: str
    kind: str  # "clock" or "outcome"
    target_percent: Decimal
    performance_2017: Decimal | None
    national: bool
    met: int
    total: int

    @property
    def missed(self) -> int:
        return self.total - self.met

    @property
    def percent(self) -> Decimal | None:
        return percent(self.met, self.total)

    @property
    def meets_target(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.target_percent


@dataclass(frozen=True)
class Compliance:
    scope: Scope
    period: Period
    rows: list[ComplianceRow]
    not_measured: tuple[tuple[str, str, str], ...]

    @property
    def measured_rows(self) -> list[ComplianceRow]:
        return [row for row in self.rows if row.total]


def _decided_clocks(scope: Scope, period: Period, today: date) -> QuerySet[Clock]:
    return Clock.objects.filter(scope.cases("case__"), due_on__gte=period.start, due_on__lte=period.end).filter(
        Q(status__in=[Clock.Status.MET, Clock.Status.MISSED]) | Q(status=Clock.Status.OPEN, due_on__lt=today)
    )


def compliance(*, scope: Scope, period: Period, today: date | None = None) -> Compliance:
    """Every service level that applies to the scope's provider types, in registry order, then the completion
    measures. Levels with no clock or row in the period are kept with total 0 ("no cases in this period")."""
    today = today or timezone.localdate()
    provider_types = set(scope_provider_types(scope))
    counts = {
        row["service_level"]: row
        for row in _decided_clocks(scope, period, today)
        .values("service_level")
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(status=Clock.Status.MET)))
        .order_by()
    }
    rows = [
        ComplianceRow(
            code=level.code,
            name=level.name,
            kind="clock",
            target_percent=level.target_percent,
            performance_2017=level.performance_2017,
            national=level.national,
            met=counts.get(level.code, {}).get("met", 0),
            total=counts.get(level.code, {}).get("total", 0),
        )
        for level in SERVICE_LEVELS
        if provider_types & set(level.provider_types)
    ]
    for measure in OUTCOME_MEASURES:
        if not provider_types & set(measure.provider_types):
            continue
        # Grouped by `met` rather than aggregate(filter=Q(met=True)): Django drops the annotation from an aggregate
        # and refers to it by alias, which SQLite reads as the string "met" (always 0) and PostgreSQL refuses.
        by_met = dict(measure.rows(scope, period, today).values("met").annotate(n=Count("pk")).values_list("met", "n"))
        figures = {"met": by_met.get(True, 0), "total": sum(by_met.values())}
        rows.append(
            ComplianceRow(
                code=measure.code,
                name=measure.name,
                kind="outcome",
                target_percent=measure.target_percent,
                performance_2017=measure.performance_2017,
                national=measure.national,
                met=figures["met"] or 0,
                total=figures["total"] or 0,
            )
        )
    return Compliance(scope=scope, period=period, rows=rows, not_measured=NOT_MEASURED)


# The cases that missed --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissedRow:
    case: Case
    on: date  # the due date (clocks) or the day the row counts on (measures)
    detail: str


@dataclass(frozen=True)
class MissedCases:
    code: str
    name: str
    kind: str
    row_label: str
    rows: list[MissedRow]
    # Missed rows on cases the user may not open (other providers in a region): counted, not listed.
    hidden: int


def is_known_code(code: str) -> bool:
    return code in BY_CODE or code in MEASURES_BY_CODE


def _clock_detail(clock: Clock, today: date) -> str:
    working = clock.definition.uses_working_days
    unit = "working day" if working else "day"
    end = clock.stopped_on or today
    late = working_days_between(clock.due_on, end) if working else (end - clock.due_on).days
    late = max(late, 1)
    unit = unit if late == 1 else unit + "s"
    if clock.status == Clock.Status.OPEN:
        return f"Due {clock.due_on:%-d %B %Y}; still running, {late} {unit} overdue."
    return f"Due {clock.due_on:%-d %B %Y}; stopped {clock.stopped_on:%-d %B %Y}, {late} {unit} late."


def missed_cases(
    *, user: User, scope: Scope, period: Period, code: str, today: date | None = None, limit: int | None = None
) -> MissedCases:
    """The rows of one service level that missed in the period and scope, oldest first, on cases the user may see
    (two queries: the rows, and the count of missed rows on cases the user may not see)."""
    today = today or timezone.localdate()
    visible = cases_visible_to(user).values("pk")
    if code in BY_CODE:
        level = BY_CODE[code]
        missed = _decided_clocks(scope, period, today).filter(service_level=code).exclude(status=Clock.Status.MET)
        shown = (
            missed.filter(case__in=visible)
            .select_related("case__person", "case__responsible_officer", "case__team")
            .order_by("due_on", "pk")
        )
        hidden = missed.exclude(case__in=visible).count()
        shown = list(shown[:limit] if limit else shown)
        rows = [MissedRow(case=clock.case, on=clock.due_on, detail=_clock_detail(clock, today)) for clock in shown]
        return MissedCases(code, level.name, "clock", "Due", rows, hidden)
    measure = MEASURES_BY_CODE[code]
    missed = measure.rows(scope, period, today).filter(met=False)
    shown_queryset = missed.filter(row_case_id__in=visible).order_by(F("measured_on").asc(), "pk")
    hidden = missed.exclude(row_case_id__in=visible).count()
    shown = list(shown_queryset[:limit] if limit else shown_queryset)
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in=[row.row_case_id for row in shown]).select_related(
            "person", "responsible_officer", "team"
        )
    }
    rows = []
    for row in shown:
        case = cases[row.row_case_id]
        if not isinstance(row, Case) and hasattr(row, "case_id"):
            row.case = case  # describe() may read the case: no query per row
        rows.append(MissedRow(case=case, on=row.measured_on, detail=measure.describe(row)))
    return MissedCases(code, measure.name, "outcome", measure.row_label, rows, hidden)
