"""API for managers' oversight under /api/v1/oversight/, read from the same selectors as the oversight pages
(docs/decisions/0010).

- GET  oversight/workload/?team=                          each officer's active cases by RoSH level and case type,
                                                          their workload and open alerts, with the team's totals.
- GET  oversight/overdue-work/?team=&officer=&kind=       the team's overdue and due-soon work, paginated.
- GET  oversight/compliance/?scope=&team=&start=&end=     every service level against the national target and the
                                                          2017 national figure.
- GET  oversight/missed/?code=&scope=&team=&start=&end=   the cases that missed one service level, paginated.
- GET  oversight/continuity/?scope=&team=                 how many cases kept one officer, and how many had three or
                                                          more.
- GET  oversight/audits/ and oversight/audits/{id}/       case quality audits, one with its cases and results.
- POST oversight/audits/                                  draw a sample (oversight.services.audit_draw).
- POST oversight/audits/{id}/cases/{audited_case_id}/answers/
                                                          answer every question for one case of the sample
                                                          (oversight.services.audit_answer_case).

Conventions:
- Managers, and administrators with a team, only (oversight.scopes.can_oversee): responsible officers, unpaid
  work supervisors and court users get 403, and no team figures.
- Without `team` the figures are for the caller's own team. `scope` is "team" (the default), "provider" or
  "region". Without `start` and `end` the period is the last full quarter. A team the caller may not oversee, an
  unknown scope, kind of work, officer or service level code, and a bad period are 400
  `{"detail": ..., "errors": {field: [messages]}}` with the same messages as the pages.
- Region figures count other providers' cases; lists show only the cases the caller may open (`hidden` counts the
  others). An audit the caller may not see, a case that is not in the audit, and one the caller may not open, are
  404. Audits cover a team or the provider: an unknown scope is 400 "Choose a team or your provider.", a region 400
  with the reason.
- Percentages are strings with one decimal place ("70.0"), or null when there is nothing to count.
- Answer errors are keyed `<question code>_answer` and `<question code>_reason`, as on the page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from cases.api import StaffSummarySerializer
from cases.models import Case
from config.api import StandardPagination, validated_data
from oversight import services
from oversight.measures import OUTCOME_MEASURES
from oversight.models import CaseAudit
from oversight.scopes import SCOPE_KINDS, can_oversee, resolve_period, resolve_scope
from oversight.selectors import audits as audit_selectors
from oversight.selectors.compliance import compliance, missed_cases
from oversight.selectors.continuity import continuity
from oversight.selectors.overdue import KINDS, overdue_work
from oversight.selectors.workload import CASE_TYPES, ROSH_KEY_BY_LEVEL, ROSH_KEYS, team_workload
from risk.api import BAD_REQUEST, NOT_FOUND, ErrorSerializer
from timeliness.registry import SERVICE_LEVELS

FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Only managers, and administrators with a team, can see oversight of a team."
)
MAX_ID = 2**63 - 1
CHOOSE_TEAM = "Choose a team from the list."
CHOOSE_SCOPE = "Choose a team, your provider or your region."
CHOOSE_OFFICER = "Choose an officer from the list."
CHOOSE_KIND = "Choose a kind of work from the list."
CHOOSE_CODE = "Choose a service level from the list."
CODES = [level.code for level in SERVICE_LEVELS] + [measure.code for measure in OUTCOME_MEASURES]
ROSH_NAMES = [key for key, _ in ROSH_KEYS if key != "none"]


@extend_schema_field({"type": "string", "enum": list(SCOPE_KINDS)}, component_name="OversightScopeKind")
class ScopeKindField(serializers.ChoiceField):
    """ "team", "provider" or "region" (its own schema component: other records have a "scope" too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": CHOOSE_SCOPE})
        super().__init__(choices=SCOPE_KINDS, **kwargs)


@extend_schema_field({"type": "string", "enum": list(CaseAudit.Status.values)}, component_name="AuditStatus")
class AuditStatusField(serializers.ChoiceField):
    """ "in_progress" or "completed" (its own schema component: other records have a "status" too)."""

    def __init__(self, **kwargs):
        super().__init__(choices=CaseAudit.Status.choices, **kwargs)


class CanOversee(permissions.BasePermission):
    message = "Only managers can see oversight of a team."

    def has_permission(self, request, view) -> bool:
        return can_oversee(request.user)


# Query parameters -------------------------------------------------------------------------------------------------


def _id_field(help_text: str, message: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=help_text,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value", "max_string_length"), message),
    )


def _team_field() -> serializers.IntegerField:
    return _id_field(
        "A team id; your own team when left out. Senior managers and administrators may choose any active team of "
        "their provider; other managers only their own.",
        CHOOSE_TEAM,
    )


class TeamQuerySerializer(serializers.Serializer):
    team = _team_field()


class OverdueQuerySerializer(TeamQuerySerializer):
    officer = _id_field("Only this officer's cases: the id of a member of the team.", CHOOSE_OFFICER)
    kind = serializers.ChoiceField(
        choices=KINDS,
        required=False,
        help_text="Only this kind of work.",
        error_messages={"invalid_choice": CHOOSE_KIND},
    )


class ScopeQuerySerializer(TeamQuerySerializer):
    scope = ScopeKindField(
        required=False,
        help_text='"team" (the default: `team`, or your own team), "provider" (your provider) or "region" (the '
        "providers of your region).",
    )


class PeriodQuerySerializer(ScopeQuerySerializer):
    start = serializers.DateField(
        required=False,
        help_text="First day of the period (YYYY-MM-DD). Without start and end: the last full quarter.",
        error_messages={"invalid": "Enter the first day of the period as a real date."},
    )
    end = serializers.DateField(
        required=False,
        help_text="Last day of the period, inclusive (YYYY-MM-DD); at most 3 years after the start.",
        error_messages={"invalid": "Enter the last day of the period as a real date."},
    )


class MissedQuerySerializer(PeriodQuerySerializer):
    code = serializers.ChoiceField(
        choices=CODES,
        help_text='The service level, for example "NPS SL003R" or "CRC SL007".',
        error_messages={"invalid_choice": CHOOSE_CODE, "required": "Choose a service level."},
    )


def _query(request, serializer_class) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _scope(request, data: dict):
    return resolve_scope(request.user, data.get("scope"), data.get("team"))


def _period(data: dict):
    return resolve_period(data.get("start"), data.get("end"))


# Response bodies ---------------------------------------------------------------------------------------------------


def _counts_serializer(name: str, keys, help_texts: dict) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {key: serializers.IntegerField(min_value=0, help_text=help_texts.get(key, label)) for key, label in keys},
    )


OversightRoshCountsSerializer = _counts_serializer(
    "OversightRoshCountsSerializer", ROSH_KEYS, {"none": "No completed RoSH assessment."}
)
OversightCaseTypeCountsSerializer = _counts_serializer(
    "OversightCaseTypeCountsSerializer",
    CASE_TYPES,
    {
        "community": "Every other active case.",
        "licence": "After release from custody: licence or post-sentence supervision.",
        "custody": "A custodial sentence, before release.",
        "youth": "Held by a Youth Offending Team.",
    },
)


def _percent_field(help_text: str = "", **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text=help_text or "One decimal place; null when there is nothing to count.",
        **kwargs,
    )


class OversightTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()


class OversightScopeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text='"team", "provider" or "region".')
    id = serializers.IntegerField(source="subject_id", help_text="The team's, provider's or region's id.")
    name = serializers.CharField()


class OversightPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")
    label = serializers.CharField(help_text='For example "July to September 2026 (1 July 2026 to 30 September 2026)".')


class _WorkloadFiguresSerializer(serializers.Serializer):
    active_cases = serializers.IntegerField(min_value=0)
    by_rosh = OversightRoshCountsSerializer(help_text="Active cases by current RoSH level.")
    by_case_type = OversightCaseTypeCountsSerializer(help_text="Active cases by case type.")
    workload = serializers.DecimalField(
        source="workload_rounded",
        max_digits=12,
        decimal_places=1,
        help_text="Each case's case type weight times its RoSH weight (settings WORKLOAD_CASE_TYPE_WEIGHTS and "
        "WORKLOAD_ROSH_WEIGHTS; a medium-risk community case is 1), added up, to one decimal place.",
    )
    alerts_open = serializers.IntegerField(min_value=0, help_text="Open service-level alerts on the team's cases.")
    alerts_overdue = serializers.IntegerField(min_value=0, help_text="Of those, alerts that a clock is overdue.")


class OversightOfficerWorkloadSerializer(_WorkloadFiguresSerializer):
    id = serializers.IntegerField(source="officer.pk")
    name = serializers.CharField(source="officer.get_full_name")
    over_threshold = serializers.BooleanField(help_text="More active cases than the caseload threshold.")


class OversightWorkloadTotalsSerializer(_WorkloadFiguresSerializer):
    pass


class OversightWorkloadSerializer(serializers.Serializer):
    team = OversightTeamSerializer()
    threshold = serializers.IntegerField(help_text="The caseload threshold (setting CASELOAD_THRESHOLD).")
    officers = OversightOfficerWorkloadSerializer(many=True, help_text="Highest workload first.")
    totals = OversightWorkloadTotalsSerializer()


class OversightWorkItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="One of " + ", ".join(f'"{key}"' for key, _ in KINDS) + ".")
    kind_label = serializers.CharField()
    case = serializers.IntegerField(source="case.pk", help_text="The case id.")
    crn = serializers.CharField(source="case.person.crn")
    name = serializers.CharField(source="case.person.full_name", help_text="The person's name.")
    officer = StaffSummarySerializer(source="case.responsible_officer", allow_null=True)
    what = serializers.CharField(help_text="What needs doing.")
    due_on = serializers.DateField(allow_null=True, help_text="null when the work has no due date.")
    overdue = serializers.BooleanField()
    timing = serializers.CharField(help_text='For example "Overdue by 3 days", "Due today" or "Now".')
    url = serializers.CharField(help_text="The path of the page where the work is done.")


class OversightComplianceRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text='"clock" (a timeliness clock) or "outcome" (a completion measure).')
    met = serializers.IntegerField(min_value=0)
    missed = serializers.IntegerField(min_value=0)
    total = serializers.IntegerField(min_value=0, help_text="0: no cases in this period.")
    percent = _percent_field("Met as a percentage of the total, one decimal place; null when the total is 0.")
    target_percent = serializers.DecimalField(max_digits=4, decimal_places=1, help_text="The national target.")
    performance_2017 = _percent_field("The national figure for 2017; null for local measures.")
    national = serializers.BooleanField(help_text="A national service level (false: one of this service's own).")
    meets_target = serializers.BooleanField(allow_null=True, help_text="null when the total is 0.")


class OversightNotMeasuredSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField(help_text="Why it is not measured.")


class OversightComplianceSerializer(serializers.Serializer):
    period = OversightPeriodSerializer()
    scope = OversightScopeSerializer()
    rows = OversightComplianceRowSerializer(many=True, help_text="Timeliness clocks, then completion measures.")
    not_measured = OversightNotMeasuredSerializer(many=True)


class OversightMissedRowSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case.pk", help_text="The case id.")
    crn = serializers.CharField(source="case.person.crn")
    name = serializers.CharField(source="case.person.full_name", help_text="The person's name.")
    team = serializers.CharField(source="case.team.name", allow_null=True, default=None)
    officer = StaffSummarySerializer(source="case.responsible_officer", allow_null=True)
    on = serializers.DateField(help_text="The due date (clocks) or the day the row counts on (completion measures).")
    detail = serializers.CharField()


class OversightMissedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text='"clock" or "outcome".')
    row_label = serializers.CharField(help_text='What `on` is, for example "Due" or "Case ended".')
    period = OversightPeriodSerializer()
    scope = OversightScopeSerializer()
    hidden = serializers.IntegerField(min_value=0, help_text="Missed rows on cases you may not open: counted only.")
    count = serializers.IntegerField(min_value=0, help_text="Missed rows you may open.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OversightMissedRowSerializer(many=True, help_text="Oldest first.")


class OversightContinuitySerializer(serializers.Serializer):
    scope = OversightScopeSerializer()
    since = serializers.DateField(help_text="Cases active at any time since this day (setting CONTINUITY_MONTHS).")
    cases = serializers.IntegerField(min_value=0, help_text="Cases that have had a responsible officer.")
    one_officer = serializers.IntegerField(min_value=0, help_text="Kept one officer throughout.")
    two_officers = serializers.IntegerField(min_value=0)
    three_or_more = serializers.IntegerField(min_value=0)
    one_officer_percent = _percent_field()
    three_or_more_percent = _percent_field()


# Audits ---------------------------------------------------------------------------------------------------------------


class OversightAuditSerializer(serializers.ModelSerializer):
    scope = ScopeKindField()
    status = AuditStatusField()
    scope_name = serializers.CharField(help_text="The team, provider or region audited.")
    drawn_by = StaffSummarySerializer()
    cases_answered = serializers.IntegerField(min_value=0, help_text="Cases of the sample answered so far.")

    class Meta:
        model = CaseAudit
        fields = [
            "id",
            "scope",
            "team",
            "provider",
            "region",
            "scope_name",
            "seed",
            "sample_size",
            "population_size",
            "status",
            "drawn_by",
            "drawn_on",
            "completed_on",
            "cases_answered",
        ]
        read_only_fields = fields


class OversightAuditAnswerSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The question's code.")
    answer = serializers.BooleanField(help_text="true: yes; false: no.")
    reason = serializers.CharField()
    answered_by = StaffSummarySerializer()
    answered_on = serializers.DateField()


class OversightAuditedCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The audited case's id (not the case id).")
    position = serializers.IntegerField(help_text="Order in the sample.")
    case = serializers.IntegerField(source="case_id", help_text="The case id.")
    crn = serializers.CharField(source="case.person.crn")
    name = serializers.CharField(source="case.person.full_name", help_text="The person's name.")
    provider_type = serializers.CharField(help_text='"nps_division", "crc" or "yot".')
    rosh_level = serializers.SerializerMethodField(
        help_text="RoSH level when drawn: " + ", ".join(f'"{key}"' for key in ROSH_NAMES) + "; null: not assessed."
    )
    is_youth = serializers.BooleanField(help_text="Compared with the inspectorate's youth figures.")
    completed_on = serializers.DateField(allow_null=True, help_text="null: not answered yet.")
    completed_by = StaffSummarySerializer(allow_null=True)
    answers = OversightAuditAnswerSerializer(many=True, source="answers.all")

    def get_rosh_level(self, audited) -> str | None:
        return None if audited.rosh_level is None else ROSH_KEY_BY_LEVEL[audited.rosh_level]


class OversightQuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    adult_yes = serializers.IntegerField(min_value=0)
    adult_answered = serializers.IntegerField(min_value=0)
    adult_percent = _percent_field("Yes as a percentage of adult cases answered; null: none answered.")
    adult_2017 = _percent_field(
        "The inspectorate's 2017 national figure for adults; null: none given.", source="question.adult_2017"
    )
    youth_yes = serializers.IntegerField(min_value=0)
    youth_answered = serializers.IntegerField(min_value=0)
    youth_percent = _percent_field("Yes as a percentage of children's cases answered; null: none answered.")
    youth_2017 = _percent_field(
        "The inspectorate's 2017 national figure for children; null: none given.", source="question.youth_2017"
    )
    all_percent = _percent_field("Yes as a percentage of every case answered.")


class OversightAuditDetailSerializer(OversightAuditSerializer):
    audited_cases = OversightAuditedCaseSerializer(
        many=True, source="shown_cases", help_text="The sample in order: the cases you may open."
    )
    cases_not_shown = serializers.IntegerField(
        min_value=0,
        help_text="Cases of the sample you may not open (moved to another provider, or an access limit on the person).",
    )
    results = OversightQuestionResultSerializer(
        many=True, help_text="Per question, yes answers for adults and for children separately."
    )

    class Meta(OversightAuditSerializer.Meta):
        fields = [*OversightAuditSerializer.Meta.fields, "audited_cases", "cases_not_shown", "results"]
        read_only_fields = fields


class OversightAuditStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = AuditStatusField()
    completed_on = serializers.DateField(allow_null=True)


class OversightAnsweredCaseSerializer(OversightAuditedCaseSerializer):
    audit = OversightAuditStatusSerializer(help_text="The audit completes when every case is answered.")


SAMPLE_SIZE_MESSAGE = f"Enter a sample size between 1 and {services.MAXIMUM_SAMPLE}."


class OversightAuditDrawSerializer(serializers.Serializer):
    scope = ScopeKindField(
        default="team",
        help_text='"team" (the default: `team`, or your own team) or "provider" (your provider). A region cannot be '
        "audited (400): a sample names cases, and you can open only your provider's.",
        error_messages={"invalid_choice": services.CHOOSE_AUDIT_SCOPE},
    )
    team = _team_field()
    sample_size = serializers.IntegerField(
        help_text=f"How many cases to draw: 1 to {services.MAXIMUM_SAMPLE}, and no more than the active cases.",
        error_messages=dict.fromkeys(("invalid", "required", "null", "max_string_length"), SAMPLE_SIZE_MESSAGE),
    )
    seed = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The seed of the random draw (a whole number, 0 or more): the same seed over the same cases draws "
        "the same sample. Left out: a random seed, kept on the audit.",
        error_messages=dict.fromkeys(("invalid", "max_string_length"), "Enter the seed as a whole number, 0 or more."),
    )


class OversightAuditAnswerInputSerializer(serializers.Serializer):
    answer = serializers.BooleanField(allow_null=True, help_text="true: yes; false: no.")
    reason = serializers.CharField(allow_blank=True, help_text="Why (required, at most 2,000 characters).")


class AnswersField(serializers.DictField):
    """`{question code: {"answer": true/false, "reason": "..."}}`, read leniently: an answer that is not true or false,
    or a reason that is not text, is treated as missing, so every error comes from the service keyed
    `<code>_answer` or `<code>_reason`, as on the page."""

    def __init__(self, **kwargs):
        super().__init__(child=OversightAuditAnswerInputSerializer(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        cleaned = {}
        for code, value in data.items():
            value = value if isinstance(value, dict) else {}
            answer, reason = value.get("answer"), value.get("reason")
            cleaned[str(code)] = (
                answer if isinstance(answer, bool) else None,
                reason if isinstance(reason, str) else "",
            )
        return cleaned


class OversightAuditAnswersSerializer(serializers.Serializer):
    answers = AnswersField(help_text="Every question of the audit, by its code, each with yes or no and a reason.")


# Views --------------------------------------------------------------------------------------------------------------


def _resolve(request, data: dict, *, period: bool = True):
    """The scope and period asked for; every field error of both at once."""
    errors = {}
    scope = resolved_period = None
    try:
        scope = resolve_scope(request.user, data.get("scope"), data.get("team"))
    except DjangoValidationError as error:
        errors.update(error.message_dict)
    if period:
        try:
            resolved_period = resolve_period(data.get("start"), data.get("end"))
        except DjangoValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise DjangoValidationError(errors)
    return scope, resolved_period


def _is_officer_of(team, officer_id: int) -> bool:
    """A member of the team, or an officer who holds one of its active cases (one query)."""
    return (
        User.objects.filter(pk=officer_id)
        .filter(Q(team=team) | Q(cases_held__team=team, cases_held__status=Case.Status.ACTIVE))
        .exists()
    )


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="A page number within the paginated result set."),
    OpenApiParameter("page_size", int, description="Number of results to return per page (at most 200)."),
]


class OversightViewSet(viewsets.GenericViewSet):
    """Figures for a team, a provider or a region (no list or detail of its own: each figure is an action)."""

    permission_classes = [permissions.IsAuthenticated, CanOversee]
    filter_backends = []
    pagination_class = StandardPagination

    @extend_schema(
        summary="Workload of a team's officers",
        description="Each officer's active cases by current RoSH level and case type, their workload figure and "
        "their open alerts on the team's cases, highest workload first, with the team's totals.",
        parameters=[TeamQuerySerializer],
        responses={200: OversightWorkloadSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get"])
    def workload(self, request):
        data = _query(request, TeamQuerySerializer)
        scope, _ = _resolve(request, {"team": data.get("team")}, period=False)
        figures = team_workload(team=scope.team)
        totals = figures.totals
        totals.by_rosh = {key: totals.by_rosh.get(key, 0) for key, _ in ROSH_KEYS}
        totals.by_case_type = {key: totals.by_case_type.get(key, 0) for key, _ in CASE_TYPES}
        body = {"team": scope.team, "threshold": figures.threshold, "officers": figures.officers, "totals": totals}
        return Response(OversightWorkloadSerializer(body).data)

    @extend_schema(
        summary="A team's overdue and due-soon work",
        description="Service-level clocks due soon or overdue, risk gaps, enforcement decisions waiting, sentence "
        "plans not reviewed and programme requirements with no alternative plan, on the team's cases you may "
        "open: overdue first, the longest overdue first, then what is due soonest.",
        parameters=[OverdueQuerySerializer],
        responses={200: OversightWorkItemSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get"], url_path="overdue-work", url_name="overdue-work")
    def overdue(self, request):
        data = _query(request, OverdueQuerySerializer)
        scope, _ = _resolve(request, {"team": data.get("team")}, period=False)
        officer_id = data.get("officer")
        if officer_id and not _is_officer_of(scope.team, officer_id):
            raise DjangoValidationError({"officer": f"Choose an officer of {scope.team.name}."})
        items = overdue_work(user=request.user, team=scope.team, officer_id=officer_id, kind=data.get("kind"))
        page = self.paginate_queryset(items)
        return self.get_paginated_response(OversightWorkItemSerializer(page, many=True).data)

    @extend_schema(
        summary="Service-level compliance",
        description="Every service level that applies to the scope's providers, then the completion measures, for "
        "the period: met, missed and the percentage met beside the national target and the 2017 national figure. "
        "A clock counts in the period its due date falls in: met when stopped by then, missed when stopped later "
        "or still running after it.",
        parameters=[PeriodQuerySerializer],
        responses={200: OversightComplianceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get"])
    def compliance(self, request):
        scope, period = _resolve(request, _query(request, PeriodQuerySerializer))
        figures = compliance(scope=scope, period=period)
        body = {
            "period": period,
            "scope": scope,
            "rows": figures.rows,
            "not_measured": [
                {"code": code, "name": name, "reason": reason} for code, name, reason in figures.not_measured
            ],
        }
        return Response(OversightComplianceSerializer(body).data)

    @extend_schema(
        summary="The cases that missed one service level",
        description="The clocks or rows of the service level that missed in the period and scope, oldest first, on "
        "the cases you may open; `hidden` counts the missed rows on other cases (other providers in a region).",
        parameters=[MissedQuerySerializer, *PAGE_PARAMETERS],
        responses={200: OversightMissedSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    def missed(self, request):
        data = _query(request, MissedQuerySerializer)
        scope, period = _resolve(request, data)
        result = missed_cases(user=request.user, scope=scope, period=period, code=data["code"])
        page = self.paginate_queryset(result.rows)
        body = {
            "code": result.code,
            "name": result.name,
            "kind": result.kind,
            "row_label": result.row_label,
            "period": period,
            "scope": scope,
            "hidden": result.hidden,
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": page,
        }
        return Response(OversightMissedSerializer(body).data)

    @extend_schema(
        summary="Continuity of officers",
        description="Of the scope's cases active at any time since `since`, how many have kept one responsible "
        "officer throughout, how many had two, and how many three or more.",
        parameters=[ScopeQuerySerializer],
        responses={200: OversightContinuitySerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get"])
    def continuity(self, request):
        scope, _ = _resolve(request, _query(request, ScopeQuerySerializer), period=False)
        figures = continuity(scope)
        body = {
            "scope": scope,
            "since": figures.since,
            "cases": figures.cases,
            "one_officer": figures.one_officer,
            "two_officers": figures.two_officers,
            "three_or_more": figures.three_or_more,
            "one_officer_percent": figures.one_officer_percent,
            "three_or_more_percent": figures.three_or_more_percent,
        }
        return Response(OversightContinuitySerializer(body).data)


AUDIT_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such audit, or one you may not see.")


@extend_schema_view(
    list=extend_schema(
        summary="Case quality audits",
        description="Audits of your teams and your provider, newest first.",
        responses={200: OversightAuditSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One case quality audit",
        description="With its sample (the cases you may open) and the results per question beside the "
        "inspectorate's 2017 national figures, for adults and children separately.",
        responses={200: OversightAuditDetailSerializer, 403: FORBIDDEN, 404: AUDIT_NOT_FOUND},
    ),
)
class OversightAuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, CanOversee]
    serializer_class = OversightAuditSerializer
    queryset = CaseAudit.objects.none()  # for the schema; get_queryset scopes every request
    filter_backends = []

    def get_queryset(self):
        # Newest first: the model's ordering is not applied to a grouped (annotated) query.
        return audit_selectors.audit_list(self.request.user).order_by("-drawn_on", "-pk")

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def _sample(self, audit):
        return audit_selectors.audit_sample_for_user(user=self.request.user, audit=audit)

    def _detail(self, audit: CaseAudit) -> dict:
        sample = list(self._sample(audit))
        audit.shown_cases = [audited for audited in sample if audited.visible]
        audit.cases_not_shown = len(sample) - len(audit.shown_cases)
        audit.results = audit_selectors.results_for_audit(audit)
        return OversightAuditDetailSerializer(audit).data

    @extend_schema(
        summary="Draw a case quality audit",
        description="Draws a random sample of the scope's active cases that you may open, stratified by provider "
        "type and RoSH level. The seed is kept: the same seed over the same cases draws the same sample. Refused "
        "with 400 and field messages (scope, team, sample_size, seed); nothing is written.",
        request=OversightAuditDrawSerializer,
        responses={201: OversightAuditDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, OversightAuditDrawSerializer)
        scope, _ = _resolve(request, data, period=False)
        audit = services.audit_draw(
            by=request.user, scope=scope, sample_size=data["sample_size"], seed=data.get("seed")
        )
        return Response(self._detail(self.get_queryset().get(pk=audit.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Answer the questions for one case of an audit",
        description="Every question, yes or no, each with a reason; answers already given are replaced. When the "
        "last case is answered the audit is completed and each case gets a management oversight note. Refused with "
        "400 (errors keyed `<question code>_answer` and `<question code>_reason`, `answers` for unknown "
        "questions, `non_field_errors` once the audit is completed); nothing is written.",
        parameters=[
            OpenApiParameter(
                "audited_case_id", int, OpenApiParameter.PATH, description="The `id` of one of the audit's cases."
            )
        ],
        request=OversightAuditAnswersSerializer,
        responses={200: OversightAnsweredCaseSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: AUDIT_NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"cases/(?P<audited_case_id>[0-9]{1,18})/answers",
        url_name="answers",
    )
    def answers(self, request, pk=None, audited_case_id=None):
        audit = self.get_object()
        audited = audit_selectors.audited_case_get(user=request.user, audit=audit, audited_case_id=int(audited_case_id))
        data = validated_data(request, OversightAuditAnswersSerializer)
        services.audit_answer_case(by=request.user, audited_case=audited, answers=data["answers"])
        fresh = self._sample(audit).select_related("audit").get(pk=audited.pk)
        return Response(OversightAnsweredCaseSerializer(fresh).data)


def register(router) -> None:
    """Add the oversight viewsets to the /api/v1/ router."""
    router.register("oversight/audits", OversightAuditViewSet, basename="oversight-audit")
    router.register("oversight", OversightViewSet, basename="oversight")
