"""API for assessments, MAPPA and registrations under /api/v1/risk/, scoped like everything else.

Conventions (shared/DOMAIN.md section 4, config/api.py):
- Every record belongs to a person. Lists and counts hold only people the caller may see
  (cases.selectors.people_visible_to); any other record is 404 on read and on write.
- Create takes the person's CRN. A CRN the caller may not see is answered exactly like an unknown one: 404
  {"detail": "Not found."}, after the body itself has been validated (a bad body is 400 either way).
- RoSH and safety and wellbeing levels are names: "low", "medium", "high", "very_high" (stored as 1 to 4).
- Writes go through risk.services with the caller as the acting user, so history records who did it; the
  services' ValidationErrors become 400 `{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
- Opening one record of a person with an exclusion or restriction list writes an access record, as the
  people and cases endpoints do.
"""

import django_filters
from django.db.models import Exists, OuterRef
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from cases import selectors as case_selectors
from cases import services as case_services
from cases.api import StaffSummarySerializer
from cases.models import Person, PersonAccessLimit
from config.api import validated_data
from risk import services
from risk.models import MappaRegistration, Registration, RegistrationType, RiskLevel, RoshAssessment

LEVEL_NAMES = {
    RiskLevel.LOW: "low",
    RiskLevel.MEDIUM: "medium",
    RiskLevel.HIGH: "high",
    RiskLevel.VERY_HIGH: "very_high",
}
LEVEL_BY_NAME = {name: int(level) for level, name in LEVEL_NAMES.items()}
LEVEL_CHOICES_TEXT = '"low", "medium", "high", "very_high"'
LEVEL_HELP = f"One of {LEVEL_CHOICES_TEXT}."


@extend_schema_field({"type": "string", "enum": list(LEVEL_BY_NAME)}, component_name="RiskLevel")
class LevelField(serializers.ChoiceField):
    """A RoSH or safety and wellbeing level by name ("low" to "very_high"); the database holds 1 to 4."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", LEVEL_HELP)
        super().__init__(choices=list(LEVEL_BY_NAME), allow_null=True, **kwargs)

    def to_internal_value(self, data):
        return LEVEL_BY_NAME[super().to_internal_value(data)]

    def to_representation(self, value):
        return LEVEL_NAMES[RiskLevel(value)]


class ErrorSerializer(serializers.Serializer):
    """The JSON error body of every endpoint (config/api.py)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


BAD_REQUEST = OpenApiResponse(ErrorSerializer, description="Field messages; nothing was changed.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or one the caller may not see.")
CRN_SCOPE = "A CRN you may not see is answered like an unknown one: 404."
CRN_HELP = f"The person's CRN. {CRN_SCOPE}"


def _person_in_scope(user: User, crn: str) -> Person:
    """The person with this CRN if the user may see them, else Http404 (existence is never revealed)."""
    person = case_selectors.people_visible_to(user).filter(crn=crn.strip().upper()).first()
    if person is None:
        raise Http404("Not found")
    return person


class _PersonRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A person's risk records, scoped to the people the caller may see; one query per page, whatever its size."""

    model: type
    related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ()

    def get_queryset(self):
        visible = case_selectors.people_visible_to(self.request.user)
        queryset = (
            self.model.objects.filter(person__in=visible)
            .select_related("person", *self.related)
            .order_by(*self.ordering)
        )
        if self.action != "list":
            queryset = queryset.annotate(
                has_access_limits=Exists(
                    PersonAccessLimit.objects.filter(person_id=OuterRef("person_id"), ended_at__isnull=True)
                )
            )
        return queryset

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        if record.has_access_limits:
            case_services.access_record_write(person=record.person, user=request.user, path=request.path)
        return Response(self.get_serializer(record).data)

    def _validated(self, serializer_class, **kwargs) -> dict:
        return validated_data(self.request, serializer_class, **kwargs)

    def _respond(self, record, status_code=status.HTTP_200_OK) -> Response:
        """The record as a fresh read would show it (with its related rows)."""
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)


# RoSH assessments ------------------------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="person.crn", read_only=True)
    risk_to_public = LevelField(read_only=True)
    risk_to_known_adults = LevelField(read_only=True)
    risk_to_children = LevelField(read_only=True)
    risk_to_staff = LevelField(read_only=True)
    overall_level = LevelField(read_only=True, help_text="The highest of the four levels; null on a draft.")
    safety_and_wellbeing_level = LevelField(read_only=True)
    reoffending_score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, read_only=True)
    created_by = StaffSummarySerializer(read_only=True)
    completed_by = StaffSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = RoshAssessment
        fields = [
            "id",
            "crn",
            "kind",
            "status",
            "assessment_date",
            "overall_level",
            *services.ASSESSMENT_FIELDS,
            "created_by",
            "created_at",
            "completed_by",
            "completed_at",
            "superseded_by",
        ]
        read_only_fields = fields


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class AssessmentChangeSerializer(serializers.Serializer):
    """The fields of a draft. Every field is optional in a change (PATCH)."""

    kind = serializers.ChoiceField(choices=RoshAssessment.Kind.choices)
    assessment_date = serializers.DateField(help_text="Today or earlier.")
    risk_to_public = LevelField(required=False)
    risk_to_known_adults = LevelField(required=False)
    risk_to_children = LevelField(required=False)
    risk_to_staff = LevelField(required=False)
    who_is_at_risk = _text()
    nature_of_risk = _text()
    circumstances_increasing_risk = _text()
    plan_supervision = _text()
    plan_interventions = _text()
    plan_restrictions = _text()
    plan_victim_safety = _text()
    plan_contingency = _text()
    reoffending_tool = serializers.ChoiceField(
        choices=RoshAssessment.ReoffendingTool.choices, required=False, allow_blank=True
    )
    reoffending_score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="A percentage, as the tool reported it.",
    )
    reoffending_band = serializers.ChoiceField(
        choices=RoshAssessment.ReoffendingBand.choices, required=False, allow_blank=True
    )
    safety_and_wellbeing_level = LevelField(required=False, help_text=f"Children only. {LEVEL_HELP}")
    safety_and_wellbeing_reasons = _text()
    safeguarding_plan = _text()


class AssessmentCreateSerializer(AssessmentChangeSerializer):
    crn = serializers.CharField(help_text=CRN_HELP)
    complete = serializers.BooleanField(
        default=False,
        help_text="true: record a finished assessment in one step (it supersedes the current one); "
        "false: start a draft.",
    )


class AssessmentFilter(django_filters.FilterSet):
    crn = django_filters.CharFilter(field_name="person__crn", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=RoshAssessment.Status.choices)
    kind = django_filters.ChoiceFilter(choices=RoshAssessment.Kind.choices)

    class Meta:
        model = RoshAssessment
        fields = ["crn", "status", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="Risk of serious harm assessments",
        description=f"Newest first (by assessment date). Levels are names: {LEVEL_CHOICES_TEXT}.",
    ),
    retrieve=extend_schema(summary="One assessment", responses={200: AssessmentSerializer, 404: NOT_FOUND}),
)
class RoshAssessmentViewSet(_PersonRecordViewSet):
    """RoSH assessments: drafts may change; a completed assessment never does, a newer one supersedes it."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    model = RoshAssessment
    related = ("created_by", "completed_by")
    ordering = ("-assessment_date", "-pk")

    @extend_schema(
        summary="Start a draft, or record a completed assessment",
        description="With `complete: true` the assessment is completed at once and must have every level and "
        "the narrative its kind needs; otherwise a draft is started (one draft per person). " + CRN_SCOPE,
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(AssessmentCreateSerializer)
        person = _person_in_scope(request.user, data.pop("crn"))
        start = services.assessment_record_completed if data.pop("complete") else services.assessment_start
        return self._respond(start(by=request.user, person=person, **data), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft",
        description="Only a draft changes; a completed assessment is refused (400) and stays as it was.",
        request=AssessmentChangeSerializer,
        responses={200: AssessmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        data = self._validated(AssessmentChangeSerializer, partial=True)
        return self._respond(services.assessment_update_draft(by=request.user, assessment=assessment, **data))

    @extend_schema(
        summary="Complete a draft",
        description="Checks every level and the narrative the kind needs (each missing field is listed), "
        "supersedes the current assessment and closes open risk reviews.",
        request=None,
        responses={200: AssessmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        assessment = self.get_object()
        return self._respond(services.assessment_complete(by=request.user, assessment=assessment))


# MAPPA -----------------------------------------------------------------------------------------------------


class MappaSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="person.crn", read_only=True)
    added_by = StaffSummarySerializer(read_only=True)
    ended_by = StaffSummarySerializer(read_only=True, allow_null=True)
    is_open = serializers.SerializerMethodField()
    review_overdue = serializers.SerializerMethodField()

    class Meta:
        model = MappaRegistration
        fields = [
            "id",
            "crn",
            "category",
            "level",
            "lead_agency",
            "start_date",
            "next_review_date",
            "notes",
            "added_by",
            "end_date",
            "end_reason",
            "ended_by",
            "is_open",
            "review_overdue",
        ]
        read_only_fields = fields

    def get_is_open(self, registration) -> bool:
        return registration.end_date is None

    def get_review_overdue(self, registration) -> bool:
        return registration.is_review_overdue


MAPPA_CATEGORY_MESSAGE = "Choose a MAPPA category from 1 to 4."
MAPPA_LEVEL_MESSAGE = "Choose a MAPPA level from 1 to 3."


def _mappa_level(**kwargs):
    return serializers.ChoiceField(
        choices=MappaRegistration.Level.choices, error_messages={"invalid_choice": MAPPA_LEVEL_MESSAGE}, **kwargs
    )


class MappaCreateSerializer(serializers.Serializer):
    crn = serializers.CharField(help_text=CRN_HELP)
    category = serializers.ChoiceField(
        choices=MappaRegistration.Category.choices, error_messages={"invalid_choice": MAPPA_CATEGORY_MESSAGE}
    )
    level = _mappa_level()
    lead_agency = serializers.ChoiceField(choices=MappaRegistration.LeadAgency.choices)
    start_date = serializers.DateField(help_text="Today or earlier.")
    next_review_date = serializers.DateField(help_text="On or after the start date.")
    notes = _text()


class MappaReviewSerializer(serializers.Serializer):
    level = _mappa_level(help_text="The level after the review (it may change).")
    next_review_date = serializers.DateField(help_text="In the future.")
    notes = _text(help_text="Replaces the notes when given.")


class MappaEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(help_text="Today or earlier, not before the start.")
    end_reason = serializers.CharField(allow_blank=True, help_text="Why MAPPA management ended (required).")


class MappaFilter(django_filters.FilterSet):
    crn = django_filters.CharFilter(field_name="person__crn", lookup_expr="iexact")
    open = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="Open (not ended)")
    category = django_filters.ChoiceFilter(choices=MappaRegistration.Category.choices)
    level = django_filters.ChoiceFilter(choices=MappaRegistration.Level.choices)

    class Meta:
        model = MappaRegistration
        fields = ["crn", "open", "category", "level"]


@extend_schema_view(
    list=extend_schema(summary="MAPPA registrations", description="Newest first (by start date)."),
    retrieve=extend_schema(summary="One MAPPA registration", responses={200: MappaSerializer, 404: NOT_FOUND}),
)
class MappaViewSet(_PersonRecordViewSet):
    """MAPPA: category 1 to 4 and level 1 to 3, one open registration per person; ended, never deleted."""

    serializer_class = MappaSerializer
    filterset_class = MappaFilter
    model = MappaRegistration
    related = ("added_by", "ended_by")
    ordering = ("-start_date", "-pk")

    @extend_schema(
        summary="Register a person for MAPPA",
        description=f"One open MAPPA registration per person. {CRN_SCOPE}",
        request=MappaCreateSerializer,
        responses={201: MappaSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(MappaCreateSerializer)
        person = _person_in_scope(request.user, data.pop("crn"))
        registration = services.mappa_register(by=request.user, person=person, **data)
        return self._respond(registration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a MAPPA review",
        request=MappaReviewSerializer,
        responses={200: MappaSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        registration = self.get_object()
        data = self._validated(MappaReviewSerializer)
        return self._respond(services.mappa_review(by=request.user, registration=registration, **data))

    @extend_schema(
        summary="End MAPPA management",
        request=MappaEndSerializer,
        responses={200: MappaSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, *args, **kwargs):
        registration = self.get_object()
        data = self._validated(MappaEndSerializer)
        return self._respond(
            services.mappa_end(
                by=request.user, registration=registration, end_date=data["end_date"], reason=data["end_reason"]
            )
        )


# Registrations (flags) -------------------------------------------------------------------------------------


class RegistrationTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistrationType
        fields = ["code", "name", "description", "colour", "default_review_months", "active"]
        read_only_fields = fields


class RegistrationTypeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistrationType
        fields = ["code", "name", "colour"]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="person.crn", read_only=True)
    registration_type = RegistrationTypeSummarySerializer(read_only=True)
    added_by = StaffSummarySerializer(read_only=True)
    deregistered_by = StaffSummarySerializer(read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)
    review_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "crn",
            "registration_type",
            "start_date",
            "review_frequency_months",
            "next_review_date",
            "reason",
            "added_by",
            "deregistered_date",
            "deregistration_reason",
            "deregistered_by",
            "is_open",
            "review_overdue",
        ]
        read_only_fields = fields

    def get_review_overdue(self, registration) -> bool:
        return registration.is_review_overdue


class RegistrationCreateSerializer(serializers.Serializer):
    crn = serializers.CharField(help_text=CRN_HELP)
    registration_type = serializers.CharField(
        help_text="The type's code, e.g. weapons (see /api/v1/risk/registration-types/)."
    )
    start_date = serializers.DateField(help_text="Today or earlier.")
    reason = serializers.CharField(allow_blank=True, help_text="Why the flag is added (required).")
    review_frequency_months = serializers.IntegerField(
        required=False, allow_null=True, help_text="1 to 24; the type's default when left out."
    )


class RegistrationReviewSerializer(serializers.Serializer):
    review_date = serializers.DateField(help_text="Today or earlier; the next review is one frequency later.")
    note = _text()


class RegistrationDeregisterSerializer(serializers.Serializer):
    deregistered_date = serializers.DateField(help_text="Today or earlier, not before the start.")
    deregistration_reason = serializers.CharField(allow_blank=True, help_text="Why the flag is removed (required).")


class RegistrationFilter(django_filters.FilterSet):
    crn = django_filters.CharFilter(field_name="person__crn", lookup_expr="iexact")
    registration_type = django_filters.CharFilter(field_name="registration_type__code", label="Type code")
    open = django_filters.BooleanFilter(
        field_name="deregistered_date", lookup_expr="isnull", label="Open (not deregistered)"
    )

    class Meta:
        model = Registration
        fields = ["crn", "registration_type", "open"]


@extend_schema_view(
    list=extend_schema(summary="Registrations (flags)", description="Newest first (by start date)."),
    retrieve=extend_schema(summary="One registration", responses={200: RegistrationSerializer, 404: NOT_FOUND}),
)
class RegistrationViewSet(_PersonRecordViewSet):
    """Flags: typed from reference data, reviewed on a schedule, deregistered with a reason, never deleted."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    model = Registration
    related = ("registration_type", "added_by", "deregistered_by")
    ordering = ("-start_date", "-pk")

    @extend_schema(
        summary="Add a registration (flag)",
        description="An unknown type code is a 400 on `registration_type`. Adding a flag opens a risk review. "
        + CRN_SCOPE,
        request=RegistrationCreateSerializer,
        responses={201: RegistrationSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(RegistrationCreateSerializer)
        person = _person_in_scope(request.user, data.pop("crn"))
        data["registration_type"] = services.registration_type_by_code(data["registration_type"])
        registration = services.registration_add(by=request.user, person=person, **data)
        return self._respond(registration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record that a flag was reviewed and is still needed",
        request=RegistrationReviewSerializer,
        responses={200: RegistrationSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        registration = self.get_object()
        data = self._validated(RegistrationReviewSerializer)
        return self._respond(services.registration_review(by=request.user, registration=registration, **data))

    @extend_schema(
        summary="Deregister (remove) a flag, with a reason",
        request=RegistrationDeregisterSerializer,
        responses={200: RegistrationSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def deregister(self, request, *args, **kwargs):
        registration = self.get_object()
        data = self._validated(RegistrationDeregisterSerializer)
        return self._respond(
            services.registration_deregister(
                by=request.user,
                registration=registration,
                deregistered_date=data["deregistered_date"],
                reason=data["deregistration_reason"],
            )
        )


@extend_schema_view(
    list=extend_schema(summary="Registration (flag) types", description="Reference data, by name."),
    retrieve=extend_schema(summary="One registration type, by code"),
)
class RegistrationTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data seeded by migration; types are switched off (`active: false`), never deleted."""

    serializer_class = RegistrationTypeSerializer
    queryset = RegistrationType.objects.order_by("name")
    lookup_field = "code"


def register(router) -> None:
    """Add the risk endpoints to the API router (config/urls.py calls this)."""
    router.register("risk/assessments", RoshAssessmentViewSet, basename="risk-assessment")
    router.register("risk/mappa", MappaViewSet, basename="risk-mappa")
    router.register("risk/registrations", RegistrationViewSet, basename="risk-registration")
    router.register("risk/registration-types", RegistrationTypeViewSet, basename="risk-registration-type")
