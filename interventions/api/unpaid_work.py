"""API for unpaid work under /api/v1/, scoped like the pages.

- `unpaid-work-projects/`: the projects of the caller's provider's unpaid work (a CRC or YOT); POST adds one
  (managers).
- `unpaid-work-sessions/`: its sessions (filter by date and project); POST adds one; POST `<id>/cancel/` stands
  everyone booked down; POST `<id>/register/` records the whole register at once (all or nothing, errors keyed
  "attendance-<id>-<field>").
- `unpaid-work-attendances/`: bookings of the unpaid work requirements the caller may see; POST books a person on
  a session (the first booking stops CRC SL005 and SL006); POST `<id>/outcome/` records what happened; POST
  `<id>/withdraw/` takes the person off before the session starts.
- `unpaid-work-requirements/<id>/`: a requirement's progress (hours, deadline, education and training, hours
  offered per week, bookings); POST `<id>/transfer/` passes an NPS case's requirement to the CRC (stops NPS SL007,
  starts CRC SL005 and SL006).

Out of scope is answered like unknown (404). Writes go through interventions.services.unpaid_work with the caller
as the acting user; their ValidationErrors become 400 `{"detail": ..., "errors": {field: [messages]}}` and nothing
changes.
"""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Provider, User
from cases.models import Requirement
from config.api import validated_data
from interventions.models import ProjectType, Rating, UnpaidWorkAttendance, UnpaidWorkProject, UnpaidWorkSession
from interventions.selectors import unpaid_work as selectors
from interventions.services import unpaid_work as services
from risk.api import BAD_REQUEST, NOT_FOUND

ID = {"min_value": 1, "max_value": 2**63 - 1}
SCOPE = "A record you may not see is answered like an unknown one: 404."


def _text(max_length: int = services.NOTES_MAX_LENGTH, **kwargs):
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field documented as a string listing its values: the status and rating fields of unpaid work
    share their names with other apps' choice sets, so they are kept out of the schema's named enums."""
    values = ", ".join(str(value) for value, _label in choices)
    blank = " (or empty)" if kwargs.get("allow_blank") else ""
    field_class = extend_schema_field({"type": "string", "description": f"One of: {values}{blank}."})(
        type("UnpaidWorkChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


SESSION_STATUSES = UnpaidWorkSession.Status.choices
ATTENDANCE_STATUSES = UnpaidWorkAttendance.Status.choices


# Serializers ---------------------------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    upcoming_sessions = serializers.IntegerField(read_only=True, help_text="Scheduled sessions from today on.")

    class Meta:
        model = UnpaidWorkProject
        fields = [
            "id",
            "provider",
            "name",
            "project_type",
            "location",
            "beneficiary",
            "description",
            "active",
            "upcoming_sessions",
        ]
        read_only_fields = fields


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    project_type = serializers.ChoiceField(choices=ProjectType.choices)
    location = serializers.CharField(max_length=200, help_text="Address or meeting point.")
    beneficiary = _text(150)
    description = _text()


class SessionSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    minutes = serializers.IntegerField(read_only=True, help_text="The session's length.")
    booked = serializers.IntegerField(read_only=True, help_text="Places taken (bookings not withdrawn).")
    status = _choice(SESSION_STATUSES, read_only=True)

    class Meta:
        model = UnpaidWorkSession
        fields = [
            "id",
            "project",
            "project_name",
            "session_date",
            "start_time",
            "end_time",
            "minutes",
            "supervisor",
            "capacity",
            "booked",
            "status",
            "cancelled_reason",
        ]
        read_only_fields = fields


class SessionCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(**ID, help_text=f"The project's id. {SCOPE}")
    session_date = serializers.DateField(help_text="Today or later, at most a year ahead.")
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(help_text="After the start time.")
    capacity = serializers.IntegerField(min_value=1, max_value=30)
    supervisor = serializers.IntegerField(
        **ID, required=False, allow_null=True, help_text="Active staff of the project's provider."
    )

    def validate_supervisor(self, value):
        if value is None:
            return None
        supervisor = User.objects.select_related("team").filter(pk=value).first()
        if supervisor is None:
            raise serializers.ValidationError("There is no member of staff with this id.")
        return supervisor


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=services.NOTES_MAX_LENGTH)


class AttendanceSerializer(serializers.ModelSerializer):
    session_date = serializers.DateField(source="session.session_date", read_only=True)
    project = serializers.IntegerField(source="session.project_id", read_only=True)
    project_name = serializers.CharField(source="session.project.name", read_only=True)
    crn = serializers.CharField(source="requirement.sentence.case.person.crn", read_only=True)
    status = _choice(ATTENDANCE_STATUSES, read_only=True)
    work_quality = _choice(Rating.choices, read_only=True, allow_blank=True)
    behaviour = _choice(Rating.choices, read_only=True, allow_blank=True)

    class Meta:
        model = UnpaidWorkAttendance
        fields = [
            "id",
            "session",
            "session_date",
            "project",
            "project_name",
            "requirement",
            "crn",
            "status",
            "is_education_training",
            "scheduled_minutes",
            "penalty_minutes",
            "credited_minutes",
            "work_quality",
            "behaviour",
            "reason",
            "notes",
            "booked_by",
            "outcome_recorded_by",
            "outcome_recorded_at",
        ]
        read_only_fields = fields


class BookSerializer(serializers.Serializer):
    session = serializers.IntegerField(**ID, help_text=f"The session's id. {SCOPE}")
    requirement = serializers.IntegerField(**ID, help_text=f"The unpaid work requirement's id. {SCOPE}")


OUTCOME_CHOICES = [(value, UnpaidWorkAttendance.Status(value).label) for value in UnpaidWorkAttendance.OUTCOMES]


class AttendanceOutcomeSerializer(serializers.Serializer):
    status = _choice(OUTCOME_CHOICES)
    penalty_minutes = serializers.IntegerField(
        min_value=0, required=False, default=0, help_text="Only when attended; at most the session's length."
    )
    work_quality = _choice(Rating.choices, required=False, allow_blank=True, help_text="Required when attended.")
    behaviour = _choice(Rating.choices, required=False, allow_blank=True, help_text="Required when attended.")
    reason = _text(help_text="Required for every outcome except attended.")
    notes = _text()


class RegisterEntrySerializer(AttendanceOutcomeSerializer):
    attendance = serializers.IntegerField(**ID, help_text="The booking's id (on this session).")


class RegisterSerializer(serializers.Serializer):
    entries = RegisterEntrySerializer(many=True, allow_empty=False)


class WeekSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="Monday of the ISO week.")
    offered_minutes = serializers.IntegerField(
        help_text="Session length of bookings not withdrawn and not stood down or cancelled by the service."
    )
    under_minimum = serializers.BooleanField(help_text="Fewer than UNPAID_WORK_MINIMUM_WEEKLY_HOURS offered.")


class ProviderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "name", "provider_type"]
        read_only_fields = fields


class TransferSerializer(serializers.Serializer):
    to_provider = ProviderSummarySerializer()
    transferred_on = serializers.DateField()
    notes = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="requirement.pk")
    case = serializers.IntegerField(source="requirement.sentence.case_id")
    crn = serializers.CharField(source="requirement.sentence.case.person.crn")
    status = _choice(Requirement.Status.choices, source="requirement.status")
    start_date = serializers.DateField(source="requirement.start_date")
    hours_ordered = serializers.IntegerField(source="requirement.hours")
    ordered_minutes = serializers.IntegerField()
    credited_minutes = serializers.IntegerField()
    remaining_minutes = serializers.IntegerField()
    completion_deadline = serializers.DateField(source="deadline")
    overdue = serializers.BooleanField(help_text="Past the completion deadline with hours outstanding.")
    education_training_minutes = serializers.IntegerField()
    education_training_cap_minutes = serializers.IntegerField()
    delivered_by = ProviderSummarySerializer()
    transfer = TransferSerializer(allow_null=True)
    weeks = WeekSerializer(many=True)
    attendances = AttendanceSerializer(many=True)


class RequirementTransferSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="Default today; not in the future.")
    notes = _text()
    to_provider = serializers.IntegerField(
        **ID,
        required=False,
        allow_null=True,
        help_text="The CRC's id, needed only when the region has more than one active CRC.",
    )

    def validate_to_provider(self, value):
        if value is None:
            return None
        provider = Provider.objects.filter(pk=value).first()
        if provider is None:
            raise serializers.ValidationError("There is no provider with this id.")
        return provider


# Viewsets ------------------------------------------------------------------------------------------------------


def _provider_or_403(user) -> Provider:
    provider = selectors.unpaid_work_provider(user)
    if provider is None:
        raise exceptions.PermissionDenied("Only staff of a CRC's or youth offending team's unpaid work can do this.")
    return provider


@extend_schema_view(
    list=extend_schema(summary="Unpaid work projects", description="The projects of your provider's unpaid work."),
    retrieve=extend_schema(summary="One project", responses={200: ProjectSerializer, 404: NOT_FOUND}),
)
class UnpaidWorkProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return selectors.projects_for(self.request.user)

    @extend_schema(
        summary="Add a project",
        description="Managers of a CRC or youth offending team. Names are unique within the provider.",
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer, 400: BAD_REQUEST},
    )
    def create(self, request, *args, **kwargs):
        provider = _provider_or_403(request.user)
        data = validated_data(request, ProjectCreateSerializer)
        project = services.project_create(by=request.user, provider=provider, **data)
        fresh = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(fresh).data, status=status.HTTP_201_CREATED)


class SessionFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="session_date", lookup_expr="gte", label="On or after this day.")
    date_to = django_filters.DateFilter(field_name="session_date", lookup_expr="lte", label="On or before this day.")
    project = django_filters.NumberFilter(field_name="project_id", min_value=1, max_value=2**63 - 1, decimal_places=0)

    class Meta:
        model = UnpaidWorkSession
        fields = ["date_from", "date_to", "project"]


@extend_schema_view(
    list=extend_schema(summary="Unpaid work sessions", description="Your provider's sessions, soonest first."),
    retrieve=extend_schema(summary="One session", responses={200: SessionSerializer, 404: NOT_FOUND}),
)
class UnpaidWorkSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return selectors.sessions_visible_to(self.request.user).order_by("session_date", "start_time", "pk")

    def _respond(self, session, status_code=status.HTTP_200_OK) -> Response:
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data, status=status_code)

    @extend_schema(
        summary="Add a session",
        description="On an active project of your provider; today to a year ahead; ends after it starts; 1 to 30 "
        f"places; the supervisor must be active staff of the provider. {SCOPE}",
        request=SessionCreateSerializer,
        responses={201: SessionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        _provider_or_403(request.user)
        data = validated_data(request, SessionCreateSerializer)
        project = selectors.projects_for(request.user).filter(pk=data["project"]).first()
        if project is None:
            raise Http404("Not found")
        data["project"] = project
        return self._respond(services.session_create(by=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a session",
        description="Managers. Everyone booked is stood down with the reason (the service's failure; no hours).",
        request=ReasonSerializer,
        responses={200: SessionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        session = self.get_object()
        data = validated_data(request, ReasonSerializer)
        return self._respond(services.session_cancel(by=request.user, session=session, reason=data["reason"]))

    @extend_schema(
        summary="Record the register",
        description="The session's supervisor or a manager, on the session's day or later. Every entry is checked; "
        "any error refuses the whole register (errors keyed 'attendance-<id>-<field>') and nothing is saved.",
        request=RegisterSerializer,
        responses={200: AttendanceSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def register(self, request, *args, **kwargs):
        session = self.get_object()
        data = validated_data(request, RegisterSerializer)
        entries = [dict(entry) for entry in data["entries"]]
        recorded = services.register_record(by=request.user, session=session, entries=entries)
        fresh = selectors.attendances_visible_to(request.user).filter(pk__in=[row.pk for row in recorded])
        return Response(AttendanceSerializer(fresh.order_by("pk"), many=True).data)


class AttendanceFilter(django_filters.FilterSet):
    session = django_filters.NumberFilter(field_name="session_id", min_value=1, max_value=2**63 - 1, decimal_places=0)
    requirement = django_filters.NumberFilter(
        field_name="requirement_id", min_value=1, max_value=2**63 - 1, decimal_places=0
    )
    status = django_filters.ChoiceFilter(choices=UnpaidWorkAttendance.Status.choices)

    class Meta:
        model = UnpaidWorkAttendance
        fields = ["session", "requirement", "status"]


@extend_schema_view(
    list=extend_schema(summary="Unpaid work bookings", description="Bookings of unpaid work requirements you may see."),
    retrieve=extend_schema(summary="One booking", responses={200: AttendanceSerializer, 404: NOT_FOUND}),
)
class UnpaidWorkAttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter

    def get_queryset(self):
        return selectors.attendances_visible_to(self.request.user).order_by(
            "session__session_date", "session__start_time", "pk"
        )

    def _respond(self, attendance, status_code=status.HTTP_200_OK) -> Response:
        return Response(AttendanceSerializer(self.get_queryset().get(pk=attendance.pk)).data, status=status_code)

    @extend_schema(
        summary="Book a person on a session",
        description="A session of the provider delivering the requirement (an NPS requirement is passed to the CRC "
        "first), scheduled, today or later, with a free place. The first booking stops CRC SL005 and SL006. "
        f"{SCOPE}",
        request=BookSerializer,
        responses={201: AttendanceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, BookSerializer)
        requirement = selectors.unpaid_work_requirements_visible_to(request.user).filter(pk=data["requirement"]).first()
        session = selectors.sessions_visible_to(request.user).filter(pk=data["session"]).first()
        if requirement is None or session is None:
            raise Http404("Not found")
        attendance = services.attendance_book(by=request.user, session=session, requirement=requirement)
        return self._respond(attendance, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record what happened",
        description="The session's supervisor or a manager, on the session's day or later. Attended is credited "
        "the session less penalty minutes; other outcomes credit nothing and need a reason. Refused when it would "
        "pass the hours ordered or the education and training cap. A recorded outcome is corrected by a manager.",
        request=AttendanceOutcomeSerializer,
        responses={200: AttendanceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, *args, **kwargs):
        attendance = self.get_object()
        data = validated_data(request, AttendanceOutcomeSerializer)
        return self._respond(services.attendance_record(by=request.user, attendance=attendance, **data))

    @extend_schema(
        summary="Take a person off a session",
        description="Before the session starts; the reason is kept in the notes and the place is freed.",
        request=ReasonSerializer,
        responses={200: AttendanceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        attendance = self.get_object()
        data = validated_data(request, ReasonSerializer)
        return self._respond(
            services.attendance_withdraw(by=request.user, attendance=attendance, reason=data["reason"])
        )


def _progress_data(requirement) -> dict:
    progress = selectors.requirement_progress(requirement)
    transfer = selectors.transfer_of(requirement)
    case = requirement.sentence.case
    data = {
        "requirement": requirement,
        "ordered_minutes": progress.ordered_minutes,
        "credited_minutes": progress.credited_minutes,
        "remaining_minutes": progress.remaining_minutes,
        "deadline": progress.deadline,
        "overdue": progress.overdue,
        "education_training_minutes": progress.education_training_minutes,
        "education_training_cap_minutes": progress.education_training_cap_minutes,
        "delivered_by": transfer.to_provider if transfer else case.provider,
        "transfer": transfer,
        "weeks": progress.weeks,
        "attendances": progress.attendances,
    }
    return ProgressSerializer(data).data


@extend_schema_view(
    retrieve=extend_schema(
        summary="A requirement's unpaid work",
        description="Hours ordered, credited and remaining (minutes), the completion deadline, education and "
        "training used and cap, hours offered per ISO week (flagged under the weekly minimum; being stood down is "
        "not an offer) and every booking.",
        responses={200: ProgressSerializer, 404: NOT_FOUND},
    ),
)
class UnpaidWorkRequirementViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgressSerializer

    def get_object(self):
        try:
            requirement_id = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404("Not found") from None
        return selectors.requirement_get_for_user(user=self.request.user, requirement_id=requirement_id)

    def get_queryset(self):
        return selectors.unpaid_work_requirements_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        return Response(_progress_data(self.get_object()))

    @extend_schema(
        summary="Pass the requirement to the CRC",
        description="An NPS case's unpaid work, by a manager or officer of the NPS division holding it, once per "
        "requirement, after allocation. Stops NPS SL007; starts CRC SL005 (28 days) and SL006 (7 days).",
        request=RequirementTransferSerializer,
        responses={200: ProgressSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, *args, **kwargs):
        requirement = self.get_object()
        data = validated_data(request, RequirementTransferSerializer)
        services.unpaid_work_transfer(by=request.user, requirement=requirement, **data)
        return Response(_progress_data(self.get_object()))


def register(router) -> None:
    """Add the unpaid work viewsets to the /api/v1/ router."""
    router.register("unpaid-work-projects", UnpaidWorkProjectViewSet, basename="unpaid-work-project")
    router.register("unpaid-work-sessions", UnpaidWorkSessionViewSet, basename="unpaid-work-session")
    router.register("unpaid-work-attendances", UnpaidWorkAttendanceViewSet, basename="unpaid-work-attendance")
    router.register("unpaid-work-requirements", UnpaidWorkRequirementViewSet, basename="unpaid-work-requirement")
