"""API for delivery of the order under /api/v1/, scoped like the pages.

- `case-delivery/<case id>/`: read-only summary of a case's delivery: each requirement of the current order (and
  of earlier orders) with its progress, warnings and outcome, and the case's referrals to services.
- `requirement-outcomes/`: the requirements that have ended, with their outcome (filter by case, CRN, type and
  whether completed positively); POST records the outcome of an active requirement
  (interventions.services.delivery.requirement_end).

A case or requirement the caller may not see is answered like an unknown one (404), after the body has been
validated. The service's ValidationErrors become 400 `{"detail": ..., "errors": {field: [messages]}}` and
nothing changes.
"""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from cases import selectors as case_selectors
from cases.api.people import StaffSummarySerializer
from cases.api.sentencing import RequirementTypeSummarySerializer
from cases.models import Requirement, Sentence, TerminationReason
from config.api import validated_data
from interventions.api.referrals import ServiceProviderKindField, ServiceReferralStatusField
from interventions.models import ProgrammeReferral, ServiceProvider, ServiceReferral
from interventions.selectors import delivery as selectors
from interventions.services import delivery as services
from risk.api import BAD_REQUEST, NOT_FOUND

SCOPE = "A case or requirement you may not see is answered like an unknown one: 404."
ENDED = (Requirement.Status.COMPLETED, Requirement.Status.TERMINATED)
KINDS = [
    (selectors.RAR, "Rehabilitation activity requirement"),
    (selectors.UNPAID_WORK, "Unpaid work"),
    (selectors.PROGRAMME, "Accredited programme"),
    (selectors.OTHER, "Other requirement"),
]


def _read_only(**kwargs) -> dict:
    return {"read_only": True, **kwargs}


# Choice fields with named enums, so they never collide with other endpoints' "status" and "kind" fields (those of
# referrals to services come from interventions.api.referrals).


@extend_schema_field({"type": "string", "enum": Requirement.Status.values}, component_name="RequirementStatus")
class RequirementStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Requirement.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": [value for value, _ in KINDS]}, component_name="RequirementKind")
class RequirementKindField(serializers.ChoiceField):
    """rar, unpaid_work, accredited_programme or other (from the requirement type's flags)."""

    def __init__(self, **kwargs):
        super().__init__(choices=KINDS, **kwargs)


@extend_schema_field({"type": "string", "enum": Sentence.Status.values}, component_name="SentenceStatus")
class SentenceStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Sentence.Status.choices, **kwargs)


class RequirementOutcomeSerializer(serializers.ModelSerializer):
    """An ended requirement and how it ended."""

    case = serializers.IntegerField(source="sentence.case_id", read_only=True)
    crn = serializers.CharField(source="sentence.case.person.crn", read_only=True)
    requirement_type = RequirementTypeSummarySerializer(read_only=True)
    status = RequirementStatusField(read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "case",
            "crn",
            "sentence",
            "requirement_type",
            "status",
            "start_date",
            "ended_on",
            "completed_positively",
            "termination_reason",
            "outcome_notes",
            "maximum_days",
            "rar_days_delivered",
            "hours",
            "unpaid_work_minutes_credited",
        ]
        read_only_fields = fields


class RequirementOutcomeCreateSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=f"The requirement's id. {SCOPE}")
    completed_positively = serializers.BooleanField(
        help_text="true: completed positively (unpaid work: every hour done; accredited programme: the programme "
        "completed or an alternative plan recorded; a RAR may have fewer days than the maximum). false: ended "
        "otherwise, with a termination_reason."
    )
    ended_on = serializers.DateField(help_text="The day it ended: today or earlier, not before it started.")
    termination_reason = serializers.ChoiceField(
        choices=TerminationReason.choices,
        required=False,
        allow_blank=True,
        help_text="Required when completed_positively is false, and only then; 'other' needs outcome_notes.",
    )
    outcome_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=services.NOTES_MAX_LENGTH, help_text="What was achieved, or why."
    )


class RequirementOutcomeFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(
        field_name="sentence__case_id", min_value=1, max_value=2**63 - 1, decimal_places=0
    )
    crn = django_filters.CharFilter(field_name="sentence__case__person__crn", lookup_expr="iexact")
    type = django_filters.CharFilter(field_name="requirement_type__code", label="Requirement type code")
    completed_positively = django_filters.BooleanFilter()

    class Meta:
        model = Requirement
        fields = ["case", "crn", "type", "completed_positively"]


class ServiceProviderSummarySerializer(serializers.ModelSerializer):
    kind = ServiceProviderKindField(read_only=True)

    class Meta:
        model = ServiceProvider
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class ServiceReferralSummarySerializer(serializers.ModelSerializer):
    service_provider = ServiceProviderSummarySerializer(read_only=True)
    referred_by = StaffSummarySerializer(read_only=True)
    status = ServiceReferralStatusField(read_only=True)

    class Meta:
        model = ServiceReferral
        fields = [
            "id",
            "service_provider",
            "need_area",
            "status",
            "referred_on",
            "referred_by",
            "accepted_on",
            "started_on",
            "ended_on",
            "outcome",
        ]
        read_only_fields = fields


class SentenceSummarySerializer(serializers.ModelSerializer):
    status = SentenceStatusField(read_only=True)

    class Meta:
        model = Sentence
        fields = ["id", "disposal", "sentence_date", "status"]
        read_only_fields = fields


class RequirementDeliverySerializer(serializers.Serializer):
    """One requirement with its progress (interventions.selectors.delivery.RequirementDelivery)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    sentence = serializers.IntegerField(source="requirement.sentence_id", read_only=True)
    requirement_type = RequirementTypeSummarySerializer(source="requirement.requirement_type", read_only=True)
    kind = RequirementKindField(read_only=True)
    status = RequirementStatusField(source="requirement.status", read_only=True)
    start_date = serializers.DateField(source="requirement.start_date", read_only=True)
    court_set = serializers.CharField(read_only=True, help_text="What the court set, in words.")
    progress = serializers.CharField(read_only=True, help_text="For example '12 of 20 days delivered'.")
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    rar_days_delivered = serializers.IntegerField(**_read_only(allow_null=True))
    rar_maximum_days = serializers.IntegerField(**_read_only(allow_null=True))
    rar_days_remaining = serializers.IntegerField(**_read_only(allow_null=True))
    last_rar_activity_on = serializers.DateField(**_read_only(allow_null=True))
    rar_inactive = serializers.BooleanField(
        read_only=True, help_text="No RAR day for RAR_INACTIVITY_DAYS (default 28) on an active RAR with days left."
    )
    unpaid_work_minutes_credited = serializers.IntegerField(**_read_only(allow_null=True))
    unpaid_work_minutes_ordered = serializers.IntegerField(**_read_only(allow_null=True))
    unpaid_work_minutes_remaining = serializers.IntegerField(**_read_only(allow_null=True))
    unpaid_work_passed_to = serializers.CharField(
        source="unpaid_work_transfer.to_provider.name",
        **_read_only(allow_null=True, help_text="The CRC an NPS case's unpaid work was passed to."),
    )
    unpaid_work_passed_on = serializers.DateField(
        source="unpaid_work_transfer.transferred_on", **_read_only(allow_null=True)
    )
    programme_name = serializers.CharField(read_only=True, help_text="The programme of the latest referral.")
    programme_referral_status = serializers.ChoiceField(
        choices=ProgrammeReferral.Status.choices,
        **_read_only(allow_blank=True, help_text="The latest programme referral's status ('' when none)."),
    )
    programme_sessions_attended = serializers.IntegerField(**_read_only(allow_null=True))
    no_alternative_plan = serializers.BooleanField(
        read_only=True, help_text="Programme requirement outstanding: no alternative plan."
    )
    ended_on = serializers.DateField(source="requirement.ended_on", **_read_only(allow_null=True))
    completed_positively = serializers.BooleanField(
        source="requirement.completed_positively", **_read_only(allow_null=True)
    )
    termination_reason = serializers.ChoiceField(
        source="requirement.termination_reason",
        choices=TerminationReason.choices,
        **_read_only(allow_blank=True),
    )
    outcome = serializers.CharField(read_only=True, help_text="How it ended, in words ('' while active).")


class CaseDeliverySerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case.pk", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    sentence = SentenceSummarySerializer(read_only=True, allow_null=True, help_text="The current sentence.")
    requirements = RequirementDeliverySerializer(many=True, read_only=True)
    earlier_requirements = RequirementDeliverySerializer(many=True, read_only=True)
    referrals = ServiceReferralSummarySerializer(many=True, read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)


@extend_schema_view(
    list=extend_schema(
        summary="Outcomes of ended requirements",
        description="Requirements (completed or terminated) on cases you may see, most recently ended first.",
    ),
    retrieve=extend_schema(
        summary="The outcome of one ended requirement", responses={200: RequirementOutcomeSerializer, 404: NOT_FOUND}
    ),
)
class RequirementOutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Outcomes on the order: whether each requirement was completed positively (CRC SL010 for unpaid work)."""

    serializer_class = RequirementOutcomeSerializer
    filterset_class = RequirementOutcomeFilter

    def get_queryset(self):
        return (
            selectors.requirements_visible_to(self.request.user)
            .filter(status__in=ENDED)
            .select_related("requirement_type", "sentence__case__person")
            .order_by("-ended_on", "-pk")
        )

    @extend_schema(
        summary="Record the outcome of a requirement",
        description="An active requirement; never overwritten. Completed positively: unpaid work only when every "
        "hour ordered is credited; an accredited programme only when its latest referral is completed or an "
        "alternative plan is recorded; a RAR may be completed with fewer days than the maximum (a ceiling, not a "
        f"target). Otherwise a termination_reason ('other' needs outcome_notes). {SCOPE}",
        request=RequirementOutcomeCreateSerializer,
        responses={201: RequirementOutcomeSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, RequirementOutcomeCreateSerializer)
        requirement = selectors.requirements_visible_to(request.user).filter(pk=data.pop("requirement")).first()
        if requirement is None:
            raise Http404("Not found")
        ended = services.requirement_end(by=request.user, requirement=requirement, **data)
        fresh = self.get_queryset().get(pk=ended.pk)
        return Response(RequirementOutcomeSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A case's delivery",
        description="Each requirement of the current order (then of earlier orders) with its progress: RAR days "
        "delivered of the maximum and the last RAR activity, unpaid work minutes credited of those ordered and "
        "whether it was passed to the CRC, the latest programme referral and the 'no alternative plan' state, the "
        "outcome once ended; and the case's referrals to services, newest first. "
        "The id is the case's id. " + SCOPE,
        responses={200: CaseDeliverySerializer, 404: NOT_FOUND},
    ),
)
class CaseDeliveryViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: the API twin of the case's Delivery tab."""

    serializer_class = CaseDeliverySerializer
    pagination_class = None

    def get_queryset(self):
        return case_selectors.cases_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        try:
            case_id = int(kwargs[self.lookup_field])
        except (TypeError, ValueError):
            raise Http404("Not found") from None
        if not 1 <= case_id <= 2**63 - 1:
            raise Http404("Not found")
        case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
        delivery = selectors.case_delivery(user=request.user, case=case)
        return Response(CaseDeliverySerializer(delivery).data)


def register(router) -> None:
    """Add delivery's viewsets to the /api/v1/ router."""
    router.register("requirement-outcomes", RequirementOutcomeViewSet, basename="requirement-outcome")
    router.register("case-delivery", CaseDeliveryViewSet, basename="case-delivery")
