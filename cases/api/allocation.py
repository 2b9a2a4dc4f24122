"""API for allocation after sentence, officer assignments and transfers, scoped like the pages.

- /api/v1/allocation-queue/: cases waiting for allocation that the caller may see, oldest sentence first,
  each with where the allocation rule sends it. Managers (and administrators with a team) only: others 403.
  POST /api/v1/allocation-queue/{id}/allocate/ with `team` and `responsible_officer` ids (and `oversight_note`,
  required for a high or very high risk of serious harm case) allocates it.
- /api/v1/assignments/: who has held each case the caller may see (filter by `case` or `crn`), newest first.
- POST /api/v1/transfers/: move an active case to another officer, team or provider (managers of the provider
  holding the case). A case the caller may not see is 404.
Writes go through cases.services.allocation with the caller as the acting user; its ValidationErrors become
400 `{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
"""

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Provider, Team, User
from cases import rules
from cases.api.people import CaseSerializer, StaffSummarySerializer
from cases.models import Case, Disposal, OfficerAssignment
from cases.selectors import allocation as selectors
from cases.selectors import cases_visible_to
from cases.services import allocation as services
from risk.api import BAD_REQUEST, NOT_FOUND

FORBIDDEN = OpenApiResponse(description="Only managers, and administrators with a team, allocate and transfer cases.")
ROSH_LEVEL_NAMES = {1: "low", 2: "medium", 3: "high", 4: "very_high"}


class CanAllocate(permissions.BasePermission):
    message = "Only managers, and administrators with a team, can allocate cases."

    def has_permission(self, request, view) -> bool:
        return rules.can_allocate(request.user)


# Allocation queue ------------------------------------------------------------------------------------------


class QueueSentenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    sentence_date = serializers.DateField()


class AllocationDecisionSerializer(serializers.Serializer):
    provider_type = serializers.ChoiceField(
        choices=Provider.ProviderType.choices,
        allow_null=True,
        help_text="The kind of provider that must supervise the case; null when allocation is blocked.",
    )
    reason = serializers.CharField(help_text="Why, in plain English.")
    blocked = serializers.CharField(help_text='What must happen first, or "" when the case can be allocated.')


class QueueItemSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="person.crn")
    name = serializers.CharField(source="person.full_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth")
    provider = serializers.CharField(source="provider.name", help_text="The provider allocating the case.")
    sentence = serializers.SerializerMethodField(help_text="The current sentence; null when none is recorded.")
    rosh_level = serializers.SerializerMethodField(help_text="Current RoSH level; null when never assessed.")
    mappa_category = serializers.IntegerField(allow_null=True, help_text="Open MAPPA category, or null.")
    allocation = serializers.SerializerMethodField(help_text="Where the allocation rule sends the case today.")

    class Meta:
        model = Case
        fields = [
            "id",
            "crn",
            "name",
            "date_of_birth",
            "provider",
            "sentence",
            "rosh_level",
            "mappa_category",
            "allocation",
        ]
        read_only_fields = fields

    @extend_schema_field(QueueSentenceSerializer(allow_null=True))
    def get_sentence(self, case) -> dict | None:
        if case.current_sentence_id is None:
            return None
        return {"id": case.current_sentence_id, "disposal": case.current_disposal, "sentence_date": case.sentenced_on}

    @extend_schema_field({"type": "string", "enum": list(ROSH_LEVEL_NAMES.values()), "nullable": True})
    def get_rosh_level(self, case) -> str | None:
        return ROSH_LEVEL_NAMES.get(case.rosh_level)

    @extend_schema_field(AllocationDecisionSerializer)
    def get_allocation(self, case) -> dict:
        decision = selectors.decision_for(case, on=timezone.localdate())
        return {"provider_type": decision.provider_type, "reason": decision.reason, "blocked": decision.blocked}


class TeamAndOfficerSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.select_related("provider__region"),
        help_text="Id of an active team of the provider type the rule requires, in the case's region.",
        error_messages={"does_not_exist": "There is no team with id {pk_value}.", "null": "Choose a team."},
    )
    responsible_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        help_text="Id of an active responsible officer of that team.",
        error_messages={
            "does_not_exist": "There is no member of staff with id {pk_value}.",
            "null": "Choose a responsible officer.",
        },
    )


class AllocateSerializer(TeamAndOfficerSerializer):
    oversight_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The manager's management oversight note (at most 5,000 characters). Required when the case is "
        "high or very high risk of serious harm; kept for any other case when given.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Cases waiting for allocation",
        description="Oldest sentence first, each with where the allocation rule sends it today "
        "(YOT for under-18s; NPS for high or very high RoSH or MAPPA; otherwise CRC; blocked without a "
        "RoSH assessment). Managers and administrators with a team only.",
        responses={200: QueueItemSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One case waiting for allocation",
        responses={200: QueueItemSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class AllocationQueueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QueueItemSerializer
    permission_classes = [permissions.IsAuthenticated, CanAllocate]
    queryset = Case.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return selectors.allocation_queue(self.request.user)

    @extend_schema(
        summary="Allocate a case to a team and responsible officer",
        description="Makes the case active with that team and officer, records the assignment and stops the "
        "NPS SL002 clock. A high or very high risk of serious harm case needs `oversight_note`, kept as a "
        "management oversight note. Refused with 400 and field messages (team, responsible_officer, oversight_note "
        "or non_field_errors) when the rule, the team, the officer or the note does not fit.",
        request=AllocateSerializer,
        responses={200: CaseSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, *args, **kwargs):
        case = self.get_object()
        body = AllocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_allocate(by=request.user, case=case, **body.validated_data)
        fresh = Case.objects.select_related("person", "provider", "team", "responsible_officer").get(pk=case.pk)
        return Response(CaseSerializer(fresh).data)


# Assignments -----------------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "enum": OfficerAssignment.Kind.values,
        "description": "allocation, transfer_officer or transfer_provider",
    },
    component_name="AssignmentKind",
)
class AssignmentKindField(serializers.ChoiceField):
    """How the assignment began: allocated after sentence, or a transfer between officers or providers."""

    def __init__(self, **kwargs):
        super().__init__(choices=OfficerAssignment.Kind.choices, **kwargs)


class AssignmentSerializer(serializers.ModelSerializer):
    kind = AssignmentKindField()
    crn = serializers.CharField(source="case.person.crn")
    provider = serializers.CharField(source="provider.name")
    provider_type = serializers.ChoiceField(source="provider.provider_type", choices=Provider.ProviderType.choices)
    team = serializers.CharField(source="team.name")
    responsible_officer = StaffSummarySerializer()
    assigned_by = StaffSummarySerializer()

    class Meta:
        model = OfficerAssignment
        fields = [
            "id",
            "case",
            "crn",
            "kind",
            "provider",
            "provider_type",
            "team",
            "responsible_officer",
            "reason",
            "reason_details",
            "start_date",
            "end_date",
            "assigned_by",
            "created_at",
        ]
        read_only_fields = fields


class AssignmentFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=2**63 - 1, decimal_places=0)
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")
    current = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="Current (not ended)")

    class Meta:
        model = OfficerAssignment
        fields = ["case", "crn", "current"]


@extend_schema_view(
    list=extend_schema(
        summary="Who has held each case",
        description="Every allocation and transfer of the cases you may see, newest first; filter by case id or CRN.",
    ),
    retrieve=extend_schema(summary="One assignment", responses={200: AssignmentSerializer, 404: NOT_FOUND}),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    queryset = OfficerAssignment.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return selectors.assignments_visible_to(self.request.user)


# Transfers -------------------------------------------------------------------------------------------------


class TransferSerializer(TeamAndOfficerSerializer):
    case = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Id of an active case you may see.")
    reason = serializers.ChoiceField(choices=services.TRANSFER_REASONS)
    reason_details = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required when the reason is 'other'."
    )


@extend_schema_view(
    create=extend_schema(
        summary="Transfer a case to another officer, team or provider",
        description="Ends the current assignment and starts a new one. Between officers of one provider a "
        "transfer is always allowed; to another provider it must satisfy the allocation rule (for example a "
        "CRC case whose risk rose to high goes to the NPS). Managers of the provider holding the case only.",
        request=TransferSerializer,
        responses={201: AssignmentSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class TransferViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = TransferSerializer
    queryset = OfficerAssignment.objects.none()

    def create(self, request, *args, **kwargs):
        body = TransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = cases_visible_to(request.user).filter(pk=data.pop("case")).first()
        if case is None:
            raise Http404("Not found")
        if not rules.can_transfer_case(request.user, case):
            raise PermissionDenied("Only a manager of the provider holding the case can transfer it.")
        services.case_transfer(by=request.user, case=case, **data)
        assignment = selectors.officer_history(case).select_related("case__person").first()
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Add this stage's viewsets to the /api/v1/ router."""
    router.register("allocation-queue", AllocationQueueViewSet, basename="allocation-queue")
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("transfers", TransferViewSet, basename="transfer")
