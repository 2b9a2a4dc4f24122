"""API for accredited programmes under /api/v1/, scoped like the pages.

- `programmes/`: the catalogue (reference data, by code), read-only.
- `programme-groups/`: groups of the caller's provider and groups holding a referral on a case the caller may see;
  POST sets up a group of the caller's provider (its managers only).
- `programme-referrals/`: referrals on cases the caller may see, with sessions attended and days waited; POST
  refers an accredited programme requirement; one POST action per step: `suitability/`, `allocate/`, `start/`,
  `sessions/`, `complete/`, `not-completed/`, `withdraw/`, `alternative-plan/`
  (interventions.services.programmes).

A requirement or referral the caller may not see is answered like an unknown one (404). The services'
ValidationErrors become 400 `{"detail": ..., "errors": {field: [messages]}}` and nothing changes; a step the
referral's status does not allow is a 400 on `status` naming where the referral is.
"""

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from cases.api.people import StaffSummarySerializer
from cases.models import Requirement
from config.api import validated_data
from interventions.models import (
    NonCompletionReason,
    Programme,
    ProgrammeGroup,
    ProgrammeReferral,
    ProgrammeSessionAttendance,
)
from interventions.selectors import programmes as selectors
from interventions.services import programmes as services
from risk.api import BAD_REQUEST, NOT_FOUND

SCOPE = "A requirement or referral you may not see is answered like an unknown one: 404."
BIG_ID = 2**63 - 1


@extend_schema_field(
    {"type": "string", "enum": ProgrammeReferral.Status.values}, component_name="ProgrammeReferralStatus"
)
class ProgrammeReferralStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ProgrammeReferral.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ProgrammeGroup.Status.values}, component_name="ProgrammeGroupStatus")
class ProgrammeGroupStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ProgrammeGroup.Status.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": NonCompletionReason.values}, component_name="ProgrammeNonCompletionReason"
)
class NonCompletionReasonField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=NonCompletionReason.choices, **kwargs)


# Serializers ---------------------------------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["code", "name", "description", "need_area", "sessions", "delivery", "active"]
        read_only_fields = fields


class ProgrammeGroupSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    provider = serializers.CharField(source="provider.name", read_only=True)
    facilitator = StaffSummarySerializer(read_only=True, allow_null=True)
    status = ProgrammeGroupStatusField(read_only=True)
    places_taken = serializers.IntegerField(read_only=True, help_text="Open referrals allocated to or started in it.")

    class Meta:
        model = ProgrammeGroup
        fields = [
            "id",
            "programme",
            "provider",
            "name",
            "start_date",
            "location",
            "capacity",
            "places_taken",
            "facilitator",
            "status",
        ]
        read_only_fields = fields


class ProgrammeGroupCreateSerializer(serializers.Serializer):
    programme = serializers.CharField(help_text="The programme's code (see /api/v1/programmes/).")
    name = serializers.CharField(max_length=services.GROUP_NAME_MAX_LENGTH)
    start_date = serializers.DateField(help_text="Up to a year ahead.")
    location = serializers.CharField(max_length=services.GROUP_LOCATION_MAX_LENGTH)
    capacity = serializers.IntegerField(help_text="1 to 20 places.")
    facilitator = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=BIG_ID, help_text="A member of the provider's staff."
    )

    def validate_programme(self, value):
        programme = Programme.objects.filter(code=value.strip()).first()
        if programme is None:
            raise serializers.ValidationError("There is no programme with this code.")
        return programme

    def validate_facilitator(self, value):
        if value is None:
            return None
        user = User.objects.select_related("team").filter(pk=value).first()
        if user is None:
            raise serializers.ValidationError("There is no member of staff with this id.")
        return user


class SessionAttendanceSerializer(serializers.ModelSerializer):
    recorded_by = StaffSummarySerializer(read_only=True)

    class Meta:
        model = ProgrammeSessionAttendance
        fields = ["id", "session_number", "session_date", "attended", "notes", "recorded_by"]
        read_only_fields = fields


class ProgrammeReferralSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="requirement.sentence.case_id", read_only=True)
    crn = serializers.CharField(source="requirement.sentence.case.person.crn", read_only=True)
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = ProgrammeReferralStatusField(read_only=True)
    referred_by = StaffSummarySerializer(read_only=True)
    group = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    non_completion_reason = serializers.CharField(
        read_only=True, help_text="Why it was not completed (not_completed only)."
    )
    alternative_plan_recorded_by = StaffSummarySerializer(read_only=True, allow_null=True)
    programme_sessions = serializers.IntegerField(source="programme.sessions", read_only=True)
    sessions_attended = serializers.IntegerField(read_only=True)
    days_waited = serializers.SerializerMethodField(
        help_text="Days from the referral to the programme's start (or to today while it has not started, or to "
        "the day it closed)."
    )
    session_attendances = SessionAttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgrammeReferral
        fields = [
            "id",
            "requirement",
            "case",
            "crn",
            "programme",
            "status",
            "referred_on",
            "referred_by",
            "suitability_decided_on",
            "suitability_notes",
            "group",
            "allocated_on",
            "started_on",
            "ended_on",
            "non_completion_reason",
            "non_completion_details",
            "alternative_plan",
            "alternative_plan_recorded_on",
            "alternative_plan_recorded_by",
            "programme_sessions",
            "sessions_attended",
            "days_waited",
            "session_attendances",
        ]
        read_only_fields = fields

    def get_days_waited(self, referral) -> int:
        return selectors.days_waited(referral, timezone.localdate())


def _date(help_text: str = "Today when left out; not in the future nor before the previous step."):
    return serializers.DateField(required=False, allow_null=True, help_text=help_text)


def _notes(help_text: str = ""):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=services.NOTES_MAX_LENGTH, help_text=help_text
    )


class ReferCreateSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(
        min_value=1, max_value=BIG_ID, help_text=f"An accredited programme requirement's id. {SCOPE}"
    )
    programme = serializers.CharField(help_text="The programme's code (see /api/v1/programmes/).")
    referred_on = _date("Today when left out; not in the future nor before the requirement started.")

    def validate_programme(self, value):
        programme = Programme.objects.filter(code=value.strip()).first()
        if programme is None:
            raise serializers.ValidationError("There is no programme with this code.")
        return programme


class SuitabilitySerializer(serializers.Serializer):
    suitable = serializers.BooleanField()
    notes = _notes("Why the person is, or is not, suitable: required when not suitable.")
    on = _date()


class ProgrammeAllocateSerializer(serializers.Serializer):
    group = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text="The group's id.")
    on = _date()

    def validate_group(self, value):
        group = ProgrammeGroup.objects.filter(pk=value).first()
        if group is None:
            raise serializers.ValidationError("There is no group with this id.")
        return group


class DateOnlySerializer(serializers.Serializer):
    on = _date()


class SessionSerializer(serializers.Serializer):
    session_number = serializers.IntegerField(help_text="1 to the programme's number of sessions; each once.")
    session_date = serializers.DateField(help_text="Not in the future nor before the programme started.")
    attended = serializers.BooleanField()
    notes = _notes()


class NotCompleteSerializer(serializers.Serializer):
    reason = NonCompletionReasonField()
    details = _notes("Required when the reason is 'other'.")
    on = _date()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.NOTES_MAX_LENGTH, help_text="Why it is withdrawn.")
    on = _date()


class AlternativePlanSerializer(serializers.Serializer):
    plan = serializers.CharField(
        max_length=services.NOTES_MAX_LENGTH, help_text="How the requirement will be met instead."
    )


@extend_schema_field(
    {"type": "string", "enum": ProgrammeReferral.Status.values}, component_name="ProgrammeReferralStatus"
)
class ProgrammeReferralStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=ProgrammeReferral.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ProgrammeGroup.Status.values}, component_name="ProgrammeGroupStatus")
class ProgrammeGroupStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=ProgrammeGroup.Status.choices, **kwargs)


class ProgrammeReferralFilter(django_filters.FilterSet):
    requirement = django_filters.NumberFilter(field_name="requirement_id", min_value=1, max_value=BIG_ID)
    case = django_filters.NumberFilter(field_name="requirement__sentence__case_id", min_value=1, max_value=BIG_ID)
    crn = django_filters.CharFilter(field_name="requirement__sentence__case__person__crn", lookup_expr="iexact")
    status = ProgrammeReferralStatusFilter()
    programme = django_filters.CharFilter(field_name="programme__code", label="Programme code")
    group = django_filters.NumberFilter(field_name="group_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = ProgrammeReferral
        fields = ["requirement", "case", "crn", "status", "programme", "group"]


class ProgrammeGroupFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__code", label="Programme code")
    status = ProgrammeGroupStatusFilter()

    class Meta:
        model = ProgrammeGroup
        fields = ["programme", "status"]


# Viewsets ------------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Accredited programmes", description="The catalogue (reference data), by name."),
    retrieve=extend_schema(summary="One programme, by code", responses={200: ProgrammeSerializer, 404: NOT_FOUND}),
)
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data seeded by migration; programmes are switched off (`active: false`), never deleted."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.order_by("name")
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(
        summary="Programme groups",
        description="Groups of your provider, and groups holding a referral on a case you may see; soonest first.",
    ),
    retrieve=extend_schema(summary="One group", responses={200: ProgrammeGroupSerializer, 404: NOT_FOUND}),
)
class ProgrammeGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgrammeGroupSerializer
    filterset_class = ProgrammeGroupFilter

    def get_queryset(self):
        return selectors.groups_visible_to(self.request.user).order_by("start_date", "pk")

    @extend_schema(
        summary="Set up a programme group",
        description="A group of your provider (its managers only): unique name in the provider, start up to a year "
        "ahead, 1 to 20 places, optional facilitator from the provider's staff.",
        request=ProgrammeGroupCreateSerializer,
        responses={201: ProgrammeGroupSerializer, 400: BAD_REQUEST},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, ProgrammeGroupCreateSerializer)
        user = request.user
        provider = user.team.provider if user.team_id else None
        group = services.programme_group_create(by=user, provider=provider, **data)
        fresh = self.get_queryset().get(pk=group.pk)
        return Response(ProgrammeGroupSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _step(summary: str, description: str, request_serializer):
    return extend_schema(
        summary=summary,
        description=description,
        request=request_serializer,
        responses={200: ProgrammeReferralSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Programme referrals",
        description="Referrals on cases you may see, oldest referral first, with sessions attended and days waited.",
    ),
    retrieve=extend_schema(
        summary="One programme referral", responses={200: ProgrammeReferralSerializer, 404: NOT_FOUND}
    ),
)
class ProgrammeReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A person's way through an accredited programme: referred -> waiting (suitable) or unsuitable -> allocated
    -> started -> completed or not completed; withdrawn at any open step."""

    serializer_class = ProgrammeReferralSerializer
    filterset_class = ProgrammeReferralFilter

    def get_queryset(self):
        return (
            selectors.referrals_visible_to(self.request.user)
            .prefetch_related("session_attendances__recorded_by")
            .order_by("referred_on", "pk")
        )

    def _respond(self, referral, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(ProgrammeReferralSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Refer to a programme",
        description="For an active accredited programme requirement on an open case, with no open referral; the "
        f"programme must be offered. {SCOPE}",
        request=ReferCreateSerializer,
        responses={201: ProgrammeReferralSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, ReferCreateSerializer)
        requirement = Requirement.objects.filter(pk=data.pop("requirement")).first()
        if requirement is None:
            raise Http404("Not found")
        referral = services.programme_refer(by=request.user, requirement=requirement, **data)
        return self._respond(referral, status.HTTP_201_CREATED)

    @_step(
        "Record the suitability decision",
        "On a new referral: suitable -> waiting for a group; not suitable (with notes) closes it.",
        SuitabilitySerializer,
    )
    @action(detail=True, methods=["post"])
    def suitability(self, request, *args, **kwargs):
        data = validated_data(request, SuitabilitySerializer)
        referral = services.programme_suitability_decide(by=request.user, referral=self.get_object(), **data)
        return self._respond(referral)

    @_step(
        "Allocate to a group",
        "Waiting -> allocated: a group of the same programme, planned or running, in the case's region, with a "
        "place free.",
        ProgrammeAllocateSerializer,
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, *args, **kwargs):
        data = validated_data(request, ProgrammeAllocateSerializer)
        referral = services.programme_allocate(by=request.user, referral=self.get_object(), **data)
        return self._respond(referral)

    @_step("Record the start", "Allocated -> started: not before the group's start date.", DateOnlySerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        data = validated_data(request, DateOnlySerializer)
        return self._respond(services.programme_start(by=request.user, referral=self.get_object(), **data))

    @_step("Record a session", "Started only; each session number once.", SessionSerializer)
    @action(detail=True, methods=["post"])
    def sessions(self, request, *args, **kwargs):
        data = validated_data(request, SessionSerializer)
        referral = self.get_object()
        services.programme_session_record(by=request.user, referral=referral, **data)
        return self._respond(referral)

    @_step(
        "Record completion",
        "Started -> completed: only when every session of the programme is recorded as attended.",
        DateOnlySerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        data = validated_data(request, DateOnlySerializer)
        return self._respond(services.programme_complete(by=request.user, referral=self.get_object(), **data))

    @_step(
        "Record that the programme was not completed",
        "Waiting, allocated or started -> not completed, with a reason ('other' needs details). The requirement "
        "then shows 'no alternative plan' until one is recorded.",
        NotCompleteSerializer,
    )
    @action(detail=True, methods=["post"], url_path="not-completed")
    def not_completed(self, request, *args, **kwargs):
        data = validated_data(request, NotCompleteSerializer)
        return self._respond(services.programme_not_complete(by=request.user, referral=self.get_object(), **data))

    @_step("Withdraw the referral", "Any open step -> withdrawn, with the reason.", WithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        data = validated_data(request, WithdrawSerializer)
        return self._respond(services.programme_withdraw(by=request.user, referral=self.get_object(), **data))

    @_step(
        "Record the alternative plan",
        "After unsuitable or not completed, on the requirement's latest referral: clears 'no alternative plan'.",
        AlternativePlanSerializer,
    )
    @action(detail=True, methods=["post"], url_path="alternative-plan")
    def alternative_plan(self, request, *args, **kwargs):
        data = validated_data(request, AlternativePlanSerializer)
        return self._respond(
            services.programme_alternative_plan_record(by=request.user, referral=self.get_object(), **data)
        )


def register(router) -> None:
    """Add the programme viewsets to the /api/v1/ router."""
    router.register("programmes", ProgrammeViewSet, basename="programme")
    router.register("programme-groups", ProgrammeGroupViewSet, basename="programme-group")
    router.register("programme-referrals", ProgrammeReferralViewSet, basename="programme-referral")
