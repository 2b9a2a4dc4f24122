"""API for rehabilitation activity requirement (RAR) days under /api/v1/, scoped like the pages.

- `rar-activities/`: RAR activities on cases the caller may see, newest first; filter by requirement or case.
  POST records an activity with its appointment (interventions.services.rar.rar_activity_record); POST
  `rar-activities/mark/` marks an appointment already booked (rar_activity_mark).
- `rar-requirements/`: RAR requirements of cases the caller may see with their figures (days delivered, maximum,
  remaining, share of the order's time elapsed, inactivity flag); `rar-requirements/<id>/` adds the day-by-day
  list. Read-only: the figures are recounted by the services.

A case, requirement, appointment or objective the caller may not see is answered like an unknown one (404), after
the body has been validated. Service ValidationErrors become 400 `{"detail": ..., "errors": {field: [...]}}`
and nothing changes.
"""

import django_filters
from django.db.models import BooleanField, When
from django.db.models import Case as CaseWhen
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from cases.api.contacts import ContactOutcomeSummarySerializer
from cases.api.people import StaffSummarySerializer
from cases.models import Contact, ContactOutcome, NeedArea, PlanObjective, Requirement
from cases.selectors import cases_visible_to
from cases.selectors.contacts import contacts_visible_to
from cases.selectors.people import rar_inactivity_condition
from config.api import validated_data
from interventions.models import RehabilitationActivity
from interventions.models.rar import ActivityType
from interventions.selectors import rar as selectors
from interventions.services import rar as services
from risk.api import BAD_REQUEST, NOT_FOUND

SCOPE = "A case you may not see is answered like an unknown one: 404."
ACTIVITY_STATUSES = list(selectors.STATUS_LABELS.items())
ID = {"min_value": 1, "max_value": 2**63 - 1}


class RarActivitySerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="requirement.sentence.case_id", read_only=True)
    starts_at = serializers.DateTimeField(source="contact.starts_at", read_only=True)
    outcome = ContactOutcomeSummarySerializer(source="contact.outcome", read_only=True, allow_null=True)
    rar_status = serializers.SerializerMethodField(
        help_text="counted (attended and complied); failed_to_comply; absent; not_yet_recorded (past, no outcome); "
        "booked (still to happen)."
    )
    delivered_by = StaffSummarySerializer(read_only=True, allow_null=True)
    recorded_by = StaffSummarySerializer(read_only=True)

    class Meta:
        model = RehabilitationActivity
        fields = [
            "id",
            "requirement",
            "case",
            "contact",
            "activity_date",
            "starts_at",
            "activity_type",
            "need_area",
            "plan_objective",
            "duration_minutes",
            "delivered_by",
            "delivered_by_organisation",
            "description",
            "outcome",
            "rar_status",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ACTIVITY_STATUSES))
    def get_rar_status(self, activity) -> str:
        return selectors.activity_status(activity, self.context.get("now"))


def _text(max_length: int = 200, **kwargs):
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


class _ActivityFieldsSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(**ID, help_text=f"The RAR requirement's id. {SCOPE}")
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    need_area = serializers.ChoiceField(
        choices=NeedArea.choices, required=False, allow_blank=True, help_text="Required unless plan_objective is given."
    )
    plan_objective = serializers.IntegerField(
        **ID, required=False, allow_null=True, help_text="An objective of the case's sentence plan."
    )
    delivered_by = serializers.IntegerField(
        **ID, required=False, allow_null=True, help_text="The member of staff's id (or give the organisation)."
    )
    delivered_by_organisation = _text(max_length=services.ORGANISATION_MAX_LENGTH)
    description = _text(max_length=services.DESCRIPTION_MAX_LENGTH, help_text="What the activity was.")

    def validate_delivered_by(self, value):
        if value is None:
            return None
        staff = User.objects.select_related("team").filter(pk=value).first()
        if staff is None:
            raise serializers.ValidationError("There is no member of staff with this id.")
        return staff


class RarActivityCreateSerializer(_ActivityFieldsSerializer):
    starts_at = serializers.DateTimeField(help_text="Date and time, ISO 8601 (UK local time if no offset given).")
    duration_minutes = serializers.IntegerField(help_text="5 to 480 minutes.")
    method = serializers.ChoiceField(
        choices=Contact.Method.choices,
        required=False,
        help_text="face_to_face (the default), telephone or video (written is refused: 400).",
    )
    location = _text(help_text="Required for face to face.")
    contact_type = serializers.ChoiceField(
        choices=Contact.ContactType.choices,
        required=False,
        help_text="office_appointment by default; email_or_letter is not an appointment (400).",
    )
    outcome = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The outcome's code, only when the activity has already happened (see /api/v1/contact-outcomes/).",
    )
    absence_reason = serializers.ChoiceField(choices=Contact.AbsenceReason.choices, required=False, allow_blank=True)
    absence_reason_details = _text(max_length=services.DESCRIPTION_MAX_LENGTH)

    def validate_outcome(self, value):
        if not value.strip():
            return None
        outcome = ContactOutcome.objects.filter(code=value.strip()).first()
        if outcome is None:
            raise serializers.ValidationError("There is no outcome with this code.")
        return outcome


class RarActivityMarkSerializer(_ActivityFieldsSerializer):
    contact = serializers.IntegerField(**ID, help_text=f"The appointment's id. {SCOPE}")


class RarActivityFilter(django_filters.FilterSet):
    requirement = django_filters.NumberFilter(field_name="requirement_id", min_value=1, max_value=2**63 - 1)
    case = django_filters.NumberFilter(field_name="requirement__sentence__case_id", min_value=1, max_value=2**63 - 1)

    class Meta:
        model = RehabilitationActivity
        fields = ["requirement", "case"]


def _requirement_in_scope(user: User, requirement_id: int) -> Requirement:
    requirement = Requirement.objects.filter(pk=requirement_id, sentence__case__in=cases_visible_to(user)).first()
    if requirement is None:
        raise Http404("Not found")
    return requirement


def _objective_of(requirement: Requirement, objective_id: int | None) -> PlanObjective | None:
    if objective_id is None:
        return None
    objective = PlanObjective.objects.filter(pk=objective_id, plan__case_id=requirement.sentence.case_id).first()
    if objective is None:
        raise serializers.ValidationError({"plan_objective": ["Choose an objective of this case's sentence plan."]})
    return objective


@extend_schema_view(
    list=extend_schema(
        summary="RAR activities",
        description="Rehabilitation activities on cases you may see, newest first, with whether each counted.",
    ),
    retrieve=extend_schema(summary="One RAR activity", responses={200: RarActivitySerializer, 404: NOT_FOUND}),
)
class RarActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rehabilitation activities: a day counts once however many activities it has (attended and complied)."""

    serializer_class = RarActivitySerializer
    filterset_class = RarActivityFilter

    def get_queryset(self):
        return (
            selectors.rar_activities_visible_to(self.request.user)
            .select_related("requirement__sentence")
            .order_by("-activity_date", "-pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _respond(self, activity) -> Response:
        fresh = self.get_queryset().get(pk=activity.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def _activity_data(self, data: dict) -> tuple[Requirement, dict]:
        requirement = _requirement_in_scope(self.request.user, data.pop("requirement"))
        data["plan_objective"] = _objective_of(requirement, data.get("plan_objective"))
        return requirement, data

    @extend_schema(
        summary="Record a RAR activity with its appointment",
        description="Books the appointment (with delivered_by, or the case's officer when an organisation delivered "
        "it) and marks it. With an outcome (only once it has started) the days are recounted. Refused (400): a "
        "requirement that is not an active RAR, a date outside the order's dates, a new day once the maximum is "
        f"reached, 5 to 480 minutes, no need area or objective, no one who delivered it. {SCOPE}",
        request=RarActivityCreateSerializer,
        responses={201: RarActivitySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        requirement, data = self._activity_data(validated_data(request, RarActivityCreateSerializer))
        if data.get("outcome") is None:
            data.pop("outcome", None)
        activity = services.rar_activity_record(by=request.user, requirement=requirement, **data)
        return self._respond(activity)

    @extend_schema(
        summary="Mark a booked appointment as RAR activity",
        description="An appointment of the requirement's case within its dates, with a duration and not marked "
        f"yet. If its outcome is recorded, the days are recounted at once. {SCOPE}",
        request=RarActivityMarkSerializer,
        responses={201: RarActivitySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["post"])
    def mark(self, request, *args, **kwargs):
        requirement, data = self._activity_data(validated_data(request, RarActivityMarkSerializer))
        contact = contacts_visible_to(request.user).filter(pk=data.pop("contact")).first()
        if contact is None:
            raise Http404("Not found")
        activity = services.rar_activity_mark(by=request.user, requirement=requirement, contact=contact, **data)
        return self._respond(activity)


class RarRequirementSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="sentence.case_id", read_only=True)
    crn = serializers.CharField(source="sentence.case.person.crn", read_only=True)
    end_date = serializers.SerializerMethodField(help_text="The requirement's end date, or else its order's.")
    status = serializers.CharField(read_only=True, help_text="active, completed or terminated.")
    days_delivered = serializers.IntegerField(source="rar_days_delivered", read_only=True)
    days_remaining = serializers.SerializerMethodField()
    elapsed_percent = serializers.SerializerMethodField(
        help_text="Whole-number share (rounded down, 0 to 100) of the time from the requirement's start to the "
        "order's end that has passed; null when the order has no end date."
    )
    inactive = serializers.BooleanField(
        read_only=True, help_text="No attended, complied activity for RAR_INACTIVITY_DAYS days (default 28)."
    )

    class Meta:
        model = Requirement
        fields = [
            "id",
            "case",
            "crn",
            "status",
            "start_date",
            "end_date",
            "maximum_days",
            "days_delivered",
            "days_remaining",
            "elapsed_percent",
            "last_rar_activity_on",
            "inactive",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_end_date(self, requirement):
        return selectors.requirement_end_date(requirement)

    def get_days_remaining(self, requirement) -> int:
        return max(0, (requirement.maximum_days or 0) - requirement.rar_days_delivered)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_elapsed_percent(self, requirement):
        return selectors.elapsed_percent(
            requirement.start_date, selectors.requirement_end_date(requirement), timezone.localdate()
        )


class RarDayActivitySerializer(RarActivitySerializer):
    class Meta(RarActivitySerializer.Meta):
        fields = [
            "id",
            "contact",
            "starts_at",
            "activity_type",
            "need_area",
            "plan_objective",
            "duration_minutes",
            "delivered_by",
            "delivered_by_organisation",
            "description",
            "outcome",
            "rar_status",
        ]
        read_only_fields = fields


class RarDaySerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    counted = serializers.BooleanField(help_text="At least one activity was attended and complied with.")
    reason = serializers.CharField(help_text="Why the day did not count (empty when it counted).")
    activities = serializers.SerializerMethodField()

    @extend_schema_field(RarDayActivitySerializer(many=True))
    def get_activities(self, day):
        return RarDayActivitySerializer([row.activity for row in day.activities], many=True, context=self.context).data


class RarRequirementDetailSerializer(RarRequirementSerializer):
    days = serializers.SerializerMethodField(help_text="Each day with activity, oldest first.")

    class Meta(RarRequirementSerializer.Meta):
        fields = [*RarRequirementSerializer.Meta.fields, "days"]
        read_only_fields = fields

    @extend_schema_field(RarDaySerializer(many=True))
    def get_days(self, requirement):
        progress = selectors.rar_progress(requirement)
        return RarDaySerializer(progress.days, many=True, context=self.context).data


class RarRequirementFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="sentence__case_id", min_value=1, max_value=2**63 - 1)
    inactive = django_filters.BooleanFilter(field_name="inactive", label="Only flagged (true) or unflagged (false).")

    class Meta:
        model = Requirement
        fields = ["case", "inactive"]


@extend_schema_view(
    list=extend_schema(
        summary="RAR requirements",
        description="Rehabilitation activity requirements of cases you may see, with days delivered against the "
        "court's maximum and the inactivity flag.",
    ),
    retrieve=extend_schema(
        summary="One RAR requirement with its days",
        description="A requirement that is not a RAR, or on a case you may not see, is 404.",
        responses={200: RarRequirementDetailSerializer, 404: NOT_FOUND},
    ),
)
class RarRequirementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """RAR progress: a RAR day is a calendar day with at least one attended, complied activity."""

    serializer_class = RarRequirementSerializer
    filterset_class = RarRequirementFilter

    def get_queryset(self):
        return (
            selectors.rar_requirements_visible_to(self.request.user)
            .annotate(
                inactive=CaseWhen(
                    When(rar_inactivity_condition(), then=True), default=False, output_field=BooleanField()
                )
            )
            .order_by("pk")
        )

    def get_serializer_class(self):
        return RarRequirementDetailSerializer if self.action == "retrieve" else RarRequirementSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}


def register(router) -> None:
    """Add the RAR viewsets to the /api/v1/ router."""
    router.register("rar-activities", RarActivityViewSet, basename="rar-activity")
    router.register("rar-requirements", RarRequirementViewSet, basename="rar-requirement")
