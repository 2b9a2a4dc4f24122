"""The team dashboard: each officer's active cases by RoSH level and case type, a workload figure, open alerts.

Case type (for workload): youth (held by a Youth Offending Team), custody (a custodial sentence before release),
licence (after release: licence or post-sentence supervision), community (every other active case). The counts
come from one grouped query over the team's active cases, the officers from one query and the alerts from one:
three queries whatever the size of the team.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case as When_
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value, When

from accounts.models import Provider, Team, User
from cases.models import CUSTODIAL_DISPOSALS, Case, Sentence
from risk.selectors import with_current_risk
from timeliness.models import Alert

CASE_TYPES = (("community", "Community"), ("licence", "Licence"), ("custody", "Custody"), ("youth", "Youth"))
ROSH_KEYS = (
    ("very_high", "Very high"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("none", "Not assessed"),
)
ROSH_KEY_BY_LEVEL = {4: "very_high", 3: "high", 2: "medium", 1: "low", None: "none"}


def with_case_type(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `case_type` (community, licence, custody or youth) from the provider and the current sentence."""
    current = Sentence.objects.filter(case_id=OuterRef("pk"), status=Sentence.Status.CURRENT)
    return cases.annotate(
        current_disposal=Subquery(current.values("disposal")[:1]),
        current_released_on=Subquery(current.values("released_on")[:1]),
    ).annotate(
        case_type=When_(
            When(provider__provider_type=Provider.ProviderType.YOT, then=Value("youth")),
            When(Q(current_disposal__in=CUSTODIAL_DISPOSALS, current_released_on__isnull=True), then=Value("custody")),
            When(Q(current_disposal__in=CUSTODIAL_DISPOSALS), then=Value("licence")),
            default=Value("community"),
            output_field=CharField(),
        )
    )


def workload_points(case_type: str, rosh_key: str) -> Decimal:
    """The workload of one case: its case type's weight times its RoSH level's weight (settings)."""
    type_weight = Decimal(str(settings.WORKLOAD_CASE_TYPE_WEIGHTS.get(case_type, 1)))
    rosh_weight = Decimal(str(settings.WORKLOAD_ROSH_WEIGHTS.get(rosh_key, 1)))
    return type_weight * rosh_weight


@dataclass
class OfficerWorkload:
    officer: User
    active_cases: int = 0
    by_rosh: dict[str, int] = field(default_factory=dict)
    by_case_type: dict[str, int] = field(default_factory=dict)
    workload: Decimal = Decimal("0")
    alerts_open: int = 0
    alerts_overdue: int = 0

    @property
    def over_threshold(self) -> bool:
        return self.active_cases > settings.CASELOAD_THRESHOLD

    @property
    def workload_rounded(self) -> Decimal:
        return self.workload.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TeamWorkload:
    team: Team
    officers: list[OfficerWorkload]
    threshold: int

    @property
    def totals(self) -> OfficerWorkload:
        total = OfficerWorkload(officer=None)
        for row in self.officers:
            total.active_cases += row.active_cases
            total.workload += row.workload
            total.alerts_open += row.alerts_open
            total.alerts_overdue += row.alerts_overdue
            for key, count in row.by_rosh.items():
                total.by_rosh[key] = total.by_rosh.get(key, 0) + count
            for key, count in row.by_case_type.items():
                total.by_case_type[key] = total.by_case_type.get(key, 0) + count
        return total

    @property
    def over_threshold(self) -> list[OfficerWorkload]:
        return [row for row in self.officers if row.over_threshold]

    @property
    def largest_caseload(self) -> int:
        return max((row.active_cases for row in self.officers), default=0)


def team_workload(*, team: Team) -> TeamWorkload:
    """Every active officer of the team (responsible officers, and managers who hold cases), busiest first."""
    cases = with_case_type(with_current_risk(Case.objects.filter(team=team, status=Case.Status.ACTIVE), "person_id"))
    grouped = cases.values("responsible_officer_id", "case_type", "rosh_level").annotate(count=Count("pk")).order_by()
    rows: dict[int, OfficerWorkload] = {}
    counts: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for row in grouped:
        counts[row["responsible_officer_id"]].append(
            (row["case_type"], ROSH_KEY_BY_LEVEL.get(row["rosh_level"], "none"), row["count"])
        )
    officers = User.objects.filter(
        Q(team=team, is_active=True, role=User.Role.RESPONSIBLE_OFFICER) | Q(pk__in=list(counts))
    )
    for officer in officers.select_related("team__provider").order_by("last_name", "first_name"):
        workload = OfficerWorkload(
            officer=officer,
            by_rosh={key: 0 for key, _ in ROSH_KEYS},
            by_case_type={key: 0 for key, _ in CASE_TYPES},
        )
        for case_type, rosh_key, count in counts.get(officer.pk, []):
            workload.active_cases += count
            workload.by_rosh[rosh_key] += count
            workload.by_case_type[case_type] += count
            workload.workload += workload_points(case_type, rosh_key) * count
        rows[officer.pk] = workload
    alerts = (
        Alert.objects.filter(recipient_id__in=list(rows), closed_at__isnull=True, clock__case__team=team)
        .values("recipient_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(kind=Alert.Kind.OVERDUE)))
        .order_by()
    )
    for row in alerts:
        rows[row["recipient_id"]].alerts_open = row["open"]
        rows[row["recipient_id"]].alerts_overdue = row["overdue"]
    ordered = sorted(rows.values(), key=lambda row: (-row.workload, row.officer.last_name, row.officer.first_name))
    return TeamWorkload(team=team, officers=ordered, threshold=settings.CASELOAD_THRESHOLD)
