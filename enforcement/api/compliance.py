"""API for compliance under /api/v1/, scoped like the pages (shared/DOMAIN.md section 6).

- `compliance-failures/`: failures to comply on cases the caller may see, newest first (filter by status, case and
  whether the decision is overdue), each saying whether only breach or recall action (or acceptable after all) will
  do; POST `<id>/decide/` records the officer's decision (enforcement.services.compliance.failure_decide).
- `warning-letters/`: the warning letters issued on cases the caller may see, with their words as issued.
- `case-compliance/<case id>/`: read-only compliance panel of a case: failures and warnings in the last 12 months,
  whether the warnings allowed are used up, what a further failure would need, and the failures awaiting a decision.

Failures are never created through the API: the product records them when an enforceable outcome is recorded. A
case, failure or letter the caller may not see is answered like an unknown one (404), after the body has been
validated; someone who may see a failure but may not decide it (only the case's responsible officer or a manager of
its team may: enforcement.rules) gets 403. The service's ValidationErrors become 400
`{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases import selectors as case_selectors
from cases import services as case_services
from cases.api.people import StaffSummarySerializer
from cases.models import PersonAccessLimit, Sentence
from config.api import validated_data
from enforcement import rules
from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.models.compliance import EnforcementDecision
from enforcement.selectors import compliance as selectors
from enforcement.services import compliance as services
from risk.api import BAD_REQUEST, NOT_FOUND, ErrorSerializer

SCOPE = "A case, failure or letter you may not see is answered like an unknown one: 404."
BIG_ID = 2**63 - 1
Status = ComplianceFailure.Status
CHOOSE_DECISION = "Choose a decision: a warning letter, acceptable, no further action, breach or recall."
CANNOT_DECIDE = "Only the responsible officer or a manager of the case's team can decide this."
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="You may see the failure but not decide it: only the case's responsible officer or a manager of "
    "its team may.",
)


# Choice fields with named enums, so they never collide with other endpoints' "status", "source" and "kind" fields.


@extend_schema_field({"type": "string", "enum": Status.values}, component_name="ComplianceFailureStatus")
class FailureStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ComplianceFailure.Source.values}, component_name="ComplianceFailureSource"
)
class FailureSourceField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ComplianceFailure.Source.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": EnforcementDecision.values}, component_name="EnforcementDecision")
class DecisionField(serializers.ChoiceField):
    """first_warning, final_warning, acceptable, no_further_action, breach or recall ('' while undecided)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": CHOOSE_DECISION})
        super().__init__(choices=EnforcementDecision.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": WarningLetter.Kind.values}, component_name="WarningLetterKind")
class LetterKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=WarningLetter.Kind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Status.values}, component_name="ComplianceFailureStatus")
class FailureStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


# Serializers ---------------------------------------------------------------------------------------------------------


class ComplianceSentenceSerializer(serializers.ModelSerializer):
    """The order the failure is against."""

    class Meta:
        model = Sentence
        fields = ["id", "disposal"]
        read_only_fields = fields


class ComplianceFailureSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    person_name = serializers.CharField(source="case.person.full_name", read_only=True)
    sentence = ComplianceSentenceSerializer(read_only=True, allow_null=True)
    source = FailureSourceField(read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="The outcome recorded, as it read then.")
    status = FailureStatusField(read_only=True)
    decision = DecisionField(read_only=True, allow_blank=True, help_text="'' while no decision is recorded.")
    decided_by = StaffSummarySerializer(read_only=True, allow_null=True)
    warning_letter = serializers.IntegerField(
        source="warning_letter.pk",
        read_only=True,
        allow_null=True,
        help_text="The warning letter's id (first or final warning decisions), else null.",
    )
    requires_enforcement_action = serializers.BooleanField(
        read_only=True,
        help_text="Awaiting a decision with the warnings allowed within 12 months of it already given (on the same "
        "order): only breach or recall action, or acceptable after all with the evidence, will do.",
    )

    class Meta:
        model = ComplianceFailure
        fields = [
            "id",
            "case",
            "crn",
            "person_name",
            "sentence",
            "source",
            "failed_on",
            "outcome",
            "details",
            "decision_due_on",
            "status",
            "decision",
            "decision_reason",
            "decided_on",
            "decided_by",
            "warning_letter",
            "requires_enforcement_action",
        ]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    decision = DecisionField(
        required=False,
        allow_blank=True,
        help_text="A warning letter (first or final: its letter is issued dated the day of the decision), acceptable "
        "after all (with the evidence), no further action (with the reason), breach (orders) or recall (licence). "
        "Once the warnings allowed within 12 months of the failure are used up: breach or recall, or acceptable "
        "after all.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.REASON_MAX_LENGTH,
        error_messages={"max_length": f"The reason must be {services.REASON_MAX_LENGTH:,} characters or fewer."},
        help_text="The evidence (acceptable) or the reason (no further action): required for those two.",
    )
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day of the decision: today when left out; not in the future nor before the failure.",
    )


class WarningLetterSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    kind = LetterKindField(read_only=True)
    issued_by = StaffSummarySerializer(read_only=True)
    body = serializers.CharField(read_only=True, help_text="The letter as issued: paragraphs separated by blank lines.")
    failure = serializers.IntegerField(source="failure_id", read_only=True)

    class Meta:
        model = WarningLetter
        fields = [
            "id",
            "case",
            "crn",
            "kind",
            "issued_on",
            "issued_by",
            "recipient_name",
            "recipient_address",
            "body",
            "signatory",
            "failure",
        ]
        read_only_fields = fields


class EnforcementActionSerializer(serializers.Serializer):
    failure = serializers.IntegerField(source="pk", read_only=True)
    decision = DecisionField(read_only=True)
    decided_on = serializers.DateField(read_only=True)


class AwaitingDecisionSerializer(serializers.Serializer):
    failure = serializers.IntegerField(source="pk", read_only=True)
    failed_on = serializers.DateField(read_only=True)
    decision_due_on = serializers.DateField(read_only=True)


class CaseComplianceSerializer(serializers.Serializer):
    """A case's compliance in the 12 months to today (enforcement.selectors.compliance.CompliancePanel)."""

    case = serializers.IntegerField(source="case.pk", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    since = serializers.DateField(read_only=True, help_text="Failures after this day count: 12 months back.")
    failure_count = serializers.IntegerField(read_only=True, help_text="Failures in the 12 months, not withdrawn.")
    warning_count = serializers.IntegerField(read_only=True, help_text="Of them, those decided as a warning.")
    warnings_allowed = serializers.IntegerField(read_only=True, help_text="ENFORCEMENT_WARNINGS_ALLOWED.")
    threshold_reached = serializers.BooleanField(
        read_only=True, help_text="The warnings allowed are used up: a further failure needs breach or recall."
    )
    action_label = serializers.CharField(
        read_only=True, help_text="'Breach' or 'Recall': what a further failure would need on this case's order."
    )
    enforcement_action = EnforcementActionSerializer(
        read_only=True, allow_null=True, help_text="The latest breach or recall decision in the 12 months, if any."
    )
    awaiting = AwaitingDecisionSerializer(
        many=True, read_only=True, help_text="Failures awaiting a decision, newest first."
    )


class ComplianceFailureFilter(django_filters.FilterSet):
    status = FailureStatusFilter()
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=BIG_ID)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="true: awaiting a decision that was due before today; false: every other failure.",
    )

    class Meta:
        model = ComplianceFailure
        fields = ["status", "case", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=Status.AWAITING_DECISION, decision_due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class WarningLetterFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = WarningLetter
        fields = ["case"]


# Helpers -------------------------------------------------------------------------------------------------------------


def _mark_enforcement_action(failures) -> list[ComplianceFailure]:
    """Set `requires_enforcement_action` on each failure, for all of them from one query
    (selectors.failures_needing_action)."""
    failures = list(failures)
    needing = selectors.failures_needing_action(failures)
    for failure in failures:
        failure.requires_enforcement_action = failure.pk in needing
    return failures


def _id_from(kwargs, key: str = "pk") -> int:
    """The id in the URL, or Http404 when it is not one (never a 500 for an id out of the database's range)."""
    try:
        value = int(kwargs[key])
    except (TypeError, ValueError):
        raise Http404("Not found") from None
    if not 1 <= value <= BIG_ID:
        raise Http404("Not found")
    return value


def _with_access_limit_flag(queryset):
    return queryset.annotate(
        has_access_limits=Exists(
            PersonAccessLimit.objects.filter(person_id=OuterRef("case__person_id"), ended_at__isnull=True)
        )
    )


# Viewsets ------------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Failures to comply",
        description="Failures on cases you may see, newest first. `overdue=true`: awaiting a decision that was due "
        "before today.",
    ),
    retrieve=extend_schema(
        summary="One failure to comply", responses={200: ComplianceFailureSerializer, 404: NOT_FOUND}
    ),
)
class ComplianceFailureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Failures to comply: recorded by the product from enforceable outcomes, decided by the officer within
    ENFORCEMENT_DECISION_WORKING_DAYS working days, withdrawn when an unpaid work outcome is corrected."""

    serializer_class = ComplianceFailureSerializer
    filterset_class = ComplianceFailureFilter

    def get_queryset(self):
        return selectors.failures_visible_to(self.request.user).order_by("-failed_on", "-pk")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.get_serializer(_mark_enforcement_action(queryset), many=True).data)
        return self.get_paginated_response(self.get_serializer(_mark_enforcement_action(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        failure = _with_access_limit_flag(self.get_queryset()).filter(pk=_id_from(kwargs)).first()
        if failure is None:
            raise Http404("Not found")
        if failure.has_access_limits:
            case_services.access_record_write(person=failure.case.person, user=request.user, path=request.path)
        return self._respond(failure)

    def _respond(self, failure) -> Response:
        return Response(self.get_serializer(_mark_enforcement_action([failure])[0]).data)

    @extend_schema(
        summary="Decide a failure to comply",
        description="On a failure awaiting a decision; a decision is never changed. By the case's responsible "
        "officer or a manager of its team. Stops the decision clock (and the breach or recall action clock). A "
        "first or final warning issues its letter (see `warning_letter`). Once the warnings allowed within 12 "
        "months of the failure (either side, on the same order) are used up, only breach action (community, "
        "suspended sentence and youth orders), recall action (licence and post-sentence supervision) or acceptable "
        "after all will do. "
        f"{SCOPE}",
        request=DecideSerializer,
        responses={200: ComplianceFailureSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        data = validated_data(request, DecideSerializer)
        failure = self.get_queryset().filter(pk=_id_from(kwargs)).first()
        if failure is None:
            raise Http404("Not found")
        if not rules.can_decide(request.user, failure.case):
            raise PermissionDenied(CANNOT_DECIDE)
        services.failure_decide(
            by=request.user,
            failure=failure,
            decision=data.get("decision", ""),
            reason=data.get("reason", ""),
            on=data.get("on"),
        )
        return self._respond(self.get_queryset().get(pk=failure.pk))


@extend_schema_view(
    list=extend_schema(
        summary="Warning letters", description="Letters issued on cases you may see, most recently issued first."
    ),
    retrieve=extend_schema(summary="One warning letter", responses={200: WarningLetterSerializer, 404: NOT_FOUND}),
)
class WarningLetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: a letter is issued by a first or final warning decision and its words never change."""

    serializer_class = WarningLetterSerializer
    filterset_class = WarningLetterFilter

    def get_queryset(self):
        return selectors.warning_letters_visible_to(self.request.user).order_by("-issued_on", "-pk")

    def retrieve(self, request, *args, **kwargs):
        letter = _with_access_limit_flag(self.get_queryset()).filter(pk=_id_from(kwargs)).first()
        if letter is None:
            raise Http404("Not found")
        if letter.has_access_limits:
            case_services.access_record_write(person=letter.case.person, user=request.user, path=request.path)
        return Response(self.get_serializer(letter).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A case's compliance",
        description="Failures and warnings in the 12 months to today, the warnings allowed and whether they are "
        "used up, whether a further failure needs breach or recall action, the latest breach or recall decision and "
        "the failures awaiting a decision. The id is the case's id. " + SCOPE,
        responses={200: CaseComplianceSerializer, 404: NOT_FOUND},
    ),
)
class CaseComplianceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: the API twin of the case's compliance panel."""

    serializer_class = CaseComplianceSerializer
    pagination_class = None

    def get_queryset(self):
        return case_selectors.cases_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        case = case_selectors.case_get_for_user(user=request.user, case_id=_id_from(kwargs, self.lookup_field))
        if case.has_access_limits:
            case_services.access_record_write(person=case.person, user=request.user, path=request.path)
        return Response(CaseComplianceSerializer(selectors.compliance_panel(case)).data)


def register(router) -> None:
    """Add the compliance viewsets to the /api/v1/ router."""
    router.register("compliance-failures", ComplianceFailureViewSet, basename="compliance-failure")
    router.register("warning-letters", WarningLetterViewSet, basename="warning-letter")
    router.register("case-compliance", CaseComplianceViewSet, basename="case-compliance")
