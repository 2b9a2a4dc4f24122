"""The completion measures of shared/DOMAIN.md section 2, declared once, beside the timeliness clocks.

A clock (timeliness.registry) is met or missed when it stops. These measures are instead read from outcomes the
record holds: how cases ended (cases.Case.termination_outcome), unpaid work requirements' outcomes, breach packs
and the court's requests for more, recalls and requests for more, resettlement plans. Each measure builds one
queryset of the rows it counts, annotated with `met` (true or false), `measured_on` (the day that puts the row in
a period) and `row_case_id`; the compliance figure is one aggregate query over it, and the missed cases are the
same queryset filtered on `met=False`.

Choices where DOMAIN.md is silent (README, "Oversight for managers"):
- a case counts in the period it ended; cases that ended because the person died or was transferred out are left
  out of "completed positively" (they say nothing about how supervision went);
- CRC SL007 counts sentences whose end date fell in the period (and at least TERMINATION_RECORDING_DAYS ago): met
  when the case was ended with an outcome within TERMINATION_RECORDING_DAYS of that date;
- CRC SL016 counts breaches by the first pack sent to court in the period: met when the court asked for nothing
  more about any version of the pack;
- CRC SL017 counts recalls sent to public protection casework in the period: met when no one asked for more;
- CRC AC counts releases from custody in the period: met when the resettlement plan was completed with settled
  accommodation on release.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as When_
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Provider
from cases.models import Case, Disposal, Requirement, ResettlementPlan, Sentence
from oversight.scopes import Period, Scope

NPS = Provider.ProviderType.NPS_DIVISION
CRC = Provider.ProviderType.CRC

ADULT_COMMUNITY = (Disposal.COMMUNITY_ORDER, Disposal.SUSPENDED_SENTENCE_ORDER)


@dataclass(frozen=True)
class OutcomeMeasure:
    code: str
    name: str
    target_percent: Decimal
    performance_2017: Decimal | None
    provider_types: tuple[str, ...]
    # What a row is, for the list of cases that missed ("sentence ended", "case ended", "pack sent").
    row_label: str
    rows: Callable[[Scope, Period, date], QuerySet]
    # How one missed row reads (it has the annotations of `rows` and its case).
    describe: Callable[[object], str]
    national: bool = True


def _flag(condition: Q | Exists) -> When_:
    """`met`: true where `condition` holds, false otherwise (never null). `condition` is a Q or a boolean expression
    such as Exists(...) or ~Exists(...), which When renders as a predicate on SQLite and PostgreSQL alike."""
    return When_(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _day(value: date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as aware datetimes (for datetime columns): from the start of its first day to the end of its last."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time.min, tzinfo=zone),
        datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _latest_sentence(field: str, case_ref: str = "pk") -> Subquery:
    return Subquery(
        Sentence.objects.filter(case_id=OuterRef(case_ref)).order_by("-sentence_date", "-pk").values(field)[:1]
    )


# CRC SL007 -----------------------------------------------------------------------------------------------------------


def _completion_recorded_rows(scope: Scope, period: Period, today: date) -> QuerySet:
    days = settings.TERMINATION_RECORDING_DAYS
    later_sentence = Sentence.objects.filter(case_id=OuterRef("case_id"), sentence_date__gt=OuterRef("sentence_date"))
    recorded_by = ExpressionWrapper(F("end_date") + timedelta(days=days), output_field=DateField())
    return (
        Sentence.objects.filter(
            scope.cases("case__"),
            case__provider__provider_type__in=[CRC],
            end_date__gte=period.start,
            end_date__lte=min(period.end, today - timedelta(days=days)),
        )
        .exclude(Exists(later_sentence))
        .annotate(
            recorded_by=recorded_by,
            measured_on=F("end_date"),
            row_case_id=F("case_id"),
        )
        .annotate(
            met=_flag(
                Q(case__status=Case.Status.ENDED, case__end_date__lte=F("recorded_by"))
                & ~Q(case__termination_outcome="")
            )
        )
    )


def _describe_completion(row) -> str:
    case = row.case
    if case.status != Case.Status.ENDED:
        return f"The sentence ended on {_day(row.end_date)} and the case is still open."
    if not case.termination_outcome:
        return f"The sentence ended on {_day(row.end_date)}; the case was ended without its outcome."
    return f"The sentence ended on {_day(row.end_date)}; the case was ended on {_day(case.end_date)}, late."


# Completed positively (CRC SL008, SL009a; NPS SL018, SL019) ----------------------------------------------------------


def _completed_positively_rows(provider_type: str, licence: bool) -> Callable[[Scope, Period, date], QuerySet]:
    def rows(scope: Scope, period: Period, today: date) -> QuerySet:
        cases = (
            Case.objects.filter(
                scope.cases(),
                provider__provider_type=provider_type,
                status=Case.Status.ENDED,
                end_date__gte=period.start,
                end_date__lte=period.end,
            )
            .exclude(termination_outcome="")
            .exclude(termination_outcome__in=Case.NEUTRAL_OUTCOMES)
            .annotate(
                last_disposal=_latest_sentence("disposal"),
                last_released_on=_latest_sentence("released_on"),
                measured_on=F("end_date"),
                row_case_id=F("pk"),
                met=_flag(Q(termination_outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY)),
            )
        )
        if licence:
            return cases.filter(last_disposal=Disposal.CUSTODY, last_released_on__isnull=False)
        return cases.filter(last_disposal__in=ADULT_COMMUNITY)

    return rows


def _describe_case_ending(row) -> str:
    return f"Ended on {_day(row.end_date)}: {row.get_termination_outcome_display().lower()}."


# CRC SL010 -----------------------------------------------------------------------------------------------------------


def _unpaid_work_rows(scope: Scope, period: Period, today: date) -> QuerySet:
    return (
        Requirement.objects.filter(
            scope.cases("sentence__case__"),
            sentence__case__provider__provider_type__in=[CRC, NPS],
            requirement_type__is_unpaid_work=True,
            status__in=[Requirement.Status.COMPLETED, Requirement.Status.TERMINATED],
            ended_on__gte=period.start,
            ended_on__lte=period.end,
        )
        .exclude(termination_reason=Requirement.TerminationReason.DIED)
        .annotate(
            measured_on=F("ended_on"), row_case_id=F("sentence__case_id"), met=_flag(Q(completed_positively=True))
        )
    )


def _describe_unpaid_work(row) -> str:
    return (
        f"{row.hours} hours of unpaid work ended on {_day(row.ended_on)}: "
        f"{row.get_termination_reason_display().lower()}."
    )


# CRC SL016 -----------------------------------------------------------------------------------------------------------


def _breach_pack_rows(scope: Scope, period: Period, today: date) -> QuerySet:
    from enforcement.models import Breach, BreachPack, CourtInformationRequest

    start, end = _bounds(period)
    first_sent = Subquery(
        BreachPack.objects.filter(breach_id=OuterRef("pk"), sent_to_court_at__isnull=False)
        .order_by("sent_to_court_at", "pk")
        .values("sent_to_court_at")[:1]
    )
    return (
        Breach.objects.filter(scope.cases("case__"), case__provider__provider_type__in=[CRC])
        .select_related("court")
        .annotate(first_sent_at=first_sent)
        .filter(first_sent_at__gte=start, first_sent_at__lt=end)
        .annotate(
            measured_on=TruncDate("first_sent_at"),
            row_case_id=F("case_id"),
            met=_flag(~Exists(CourtInformationRequest.objects.filter(pack__breach_id=OuterRef("pk")))),
        )
    )


def _describe_breach_pack(row) -> str:
    return f"Breach pack sent to {row.court} on {_day(row.measured_on)}: the court asked for more information."


# CRC SL017 -----------------------------------------------------------------------------------------------------------


def _recall_rows(scope: Scope, period: Period, today: date) -> QuerySet:
    from enforcement.models import Recall, RecallInformationRequest

    return Recall.objects.filter(
        scope.cases("case__"),
        case__provider__provider_type__in=[CRC],
        sent_to_ppcs_on__gte=period.start,
        sent_to_ppcs_on__lte=period.end,
    ).annotate(
        measured_on=F("sent_to_ppcs_on"),
        row_case_id=F("case_id"),
        met=_flag(~Exists(RecallInformationRequest.objects.filter(recall_id=OuterRef("pk")))),
    )


def _describe_recall(row) -> str:
    return f"Recall sent to public protection casework on {_day(row.sent_to_ppcs_on)}: more information was asked for."


# CRC AC --------------------------------------------------------------------------------------------------------------


def _accommodation_rows(scope: Scope, period: Period, today: date) -> QuerySet:
    settled = ResettlementPlan.objects.filter(
        sentence_id=OuterRef("pk"),
        status=ResettlementPlan.Status.COMPLETED,
        accommodation_on_release=ResettlementPlan.Accommodation.SETTLED,
    )
    return Sentence.objects.filter(
        scope.cases("case__"),
        case__provider__provider_type__in=[CRC],
        disposal=Disposal.CUSTODY,
        released_on__gte=period.start,
        released_on__lte=period.end,
    ).annotate(
        measured_on=F("released_on"),
        row_case_id=F("case_id"),
        met=_flag(Exists(settled)),
        accommodation=Subquery(
            ResettlementPlan.objects.filter(sentence_id=OuterRef("pk")).values("accommodation_on_release")[:1]
        ),
    )


def _describe_accommodation(row) -> str:
    if not row.accommodation:
        return f"Released on {_day(row.released_on)} with no completed resettlement plan."
    label = ResettlementPlan.Accommodation(row.accommodation).label
    return f"Released on {_day(row.released_on)}: {label[0].lower()}{label[1:]}."


OUTCOME_MEASURES: tuple[OutcomeMeasure, ...] = (
    OutcomeMeasure(
        code="CRC SL007",
        name="Sentence completion recorded, whatever the outcome",
        target_percent=Decimal("99"),
        performance_2017=Decimal("89.2"),
        provider_types=(CRC,),
        row_label="Sentence ended",
        rows=_completion_recorded_rows,
        describe=_describe_completion,
    ),
    OutcomeMeasure(
        code="CRC SL008",
        name="Community sentence completed positively",
        target_percent=Decimal("75"),
        performance_2017=Decimal("78.5"),
        provider_types=(CRC,),
        row_label="Case ended",
        rows=_completed_positively_rows(CRC, licence=False),
        describe=_describe_case_ending,
    ),
    OutcomeMeasure(
        code="NPS SL018",
        name="Community sentence completed positively",
        target_percent=Decimal("75"),
        performance_2017=Decimal("73.1"),
        provider_types=(NPS,),
        row_label="Case ended",
        rows=_completed_positively_rows(NPS, licence=False),
        describe=_describe_case_ending,
    ),
    OutcomeMeasure(
        code="CRC SL009a",
        name="Licence or post-sentence supervision completed positively",
        target_percent=Decimal("65"),
        performance_2017=Decimal("77.2"),
        provider_types=(CRC,),
        row_label="Case ended",
        rows=_completed_positively_rows(CRC, licence=True),
        describe=_describe_case_ending,
    ),
    OutcomeMeasure(
        code="NPS SL019",
        name="Licence or post-sentence supervision completed positively",
        target_percent=Decimal("65"),
        performance_2017=Decimal("59.7"),
        provider_types=(NPS,),
        row_label="Case ended",
        rows=_completed_positively_rows(NPS, licence=True),
        describe=_describe_case_ending,
    ),
    OutcomeMeasure(
        code="CRC SL010",
        name="Unpaid work requirement completed positively",
        target_percent=Decimal("90"),
        performance_2017=Decimal("89.5"),
        provider_types=(CRC, NPS),
        row_label="Requirement ended",
        rows=_unpaid_work_rows,
        describe=_describe_unpaid_work,
    ),
    OutcomeMeasure(
        code="CRC SL016",
        name="Breach packs the court could use without asking for more information",
        target_percent=Decimal("90"),
        performance_2017=Decimal("89.1"),
        provider_types=(CRC,),
        row_label="Pack sent to court",
        rows=_breach_pack_rows,
        describe=_describe_breach_pack,
    ),
    OutcomeMeasure(
        code="CRC SL017",
        name="Recalls made without being asked for more information",
        target_percent=Decimal("90"),
        performance_2017=Decimal("94.8"),
        provider_types=(CRC,),
        row_label="Recall sent",
        rows=_recall_rows,
        describe=_describe_recall,
    ),
    OutcomeMeasure(
        code="CRC AC",
        name="Released from custody with settled accommodation",
        target_percent=Decimal("90"),
        performance_2017=Decimal("67.2"),
        provider_types=(CRC,),
        row_label="Released",
        rows=_accommodation_rows,
        describe=_describe_accommodation,
    ),
)
MEASURES_BY_CODE = {measure.code: measure for measure in OUTCOME_MEASURES}

# National measures in DOMAIN.md section 2 that the record does not hold yet, shown with the reason.
NOT_MEASURED: tuple[tuple[str, str, str], ...] = (
    (
        "CRC AB / NPS SL017",
        "Serious further offence notified: review or action plan within 3 months",
        "Serious further offences are not recorded in this service yet.",
    ),
)
