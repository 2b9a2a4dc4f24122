"""API for sentence plans, their objectives and reviews, and resettlement plans (/api/v1/).

Conventions (config/api.py, as risk/api.py):
- Lists and reads hold only plans of cases the caller may see (cases.selectors); anything else is 404, on read
  and on write. A case id the caller may not see is answered like an unknown one.
- Writes go through cases.services.plans with the caller as the acting user (history records who did it);
  responsible officers and managers may write, others get 403. Service errors become 400
  `{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
- A review's progress errors are keyed `objective_<id>`.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import selectors as case_selectors
from cases.api.people import StaffSummarySerializer, _record_access_if_limited
from cases.models import Case, NeedArea, ObjectiveProgress, PlanObjective, PlanReview, ResettlementPlan, SentencePlan
from cases.selectors import plans as selectors
from cases.services import plans as services
from config.api import validated_data
from risk.api import BAD_REQUEST, NOT_FOUND

FORBIDDEN = OpenApiResponse(description="Only responsible officers and managers can change plans.")
CASE_HELP = "The case's id. A case you may not see is answered like an unknown one: 404."


def _writer(request) -> None:
    if not selectors.can_write_plans(request.user):
        raise PermissionDenied("Only responsible officers and managers can change sentence plans.")


def _case_in_scope(user, case_id: int) -> Case:
    case = case_selectors.cases_visible_to(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("Not found")
    return case


# Serializers -------------------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": PlanObjective.Status.values}, component_name="ObjectiveStatus")
class ObjectiveStatusField(serializers.ChoiceField):
    """An objective's progress: not_started, in_progress, achieved, not_achieved or no_longer_needed."""

    def __init__(self, **kwargs):
        super().__init__(choices=PlanObjective.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": SentencePlan.Status.values}, component_name="SentencePlanStatus")
class SentencePlanStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SentencePlan.Status.choices, **kwargs)


class PlanObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    status = ObjectiveStatusField(read_only=True)

    class Meta:
        model = PlanObjective
        fields = ["id", "plan", "need_area", "description", "actions", "who_delivers", "target_date", "status"]
        read_only_fields = fields


class PlanObjectiveWriteSerializer(serializers.Serializer):
    need_area = serializers.ChoiceField(choices=NeedArea.choices)
    description = serializers.CharField()
    who_delivers = serializers.CharField(max_length=200)
    target_date = serializers.DateField(
        help_text="Not before the plan was started, not after the sentence ends (when known)."
    )
    actions = serializers.CharField(required=False, allow_blank=True, default="")


class PlanObjectiveChangeSerializer(PlanObjectiveWriteSerializer):
    actions = serializers.CharField(required=False, allow_blank=True)


class ObjectiveProgressSerializer(serializers.ModelSerializer):
    objective = serializers.IntegerField(source="objective_id", read_only=True)
    status = ObjectiveStatusField(read_only=True)

    class Meta:
        model = ObjectiveProgress
        fields = ["objective", "status", "notes"]
        read_only_fields = fields


class PlanReviewSerializer(serializers.ModelSerializer):
    reviewed_by = StaffSummarySerializer(read_only=True)
    progress = ObjectiveProgressSerializer(many=True, read_only=True)

    class Meta:
        model = PlanReview
        fields = ["id", "reviewed_on", "summary", "person_involved", "reviewed_by", "progress"]
        read_only_fields = fields


class ObjectiveProgressWriteSerializer(serializers.Serializer):
    objective = serializers.IntegerField()
    status = ObjectiveStatusField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlanReviewWriteSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(help_text="Today or earlier; not before the plan was completed.")
    summary = serializers.CharField()
    person_involved = serializers.BooleanField()
    progress = ObjectiveProgressWriteSerializer(
        many=True, help_text="A status (and optional notes) for every objective of the plan."
    )


class SentencePlanSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    sentence = serializers.IntegerField(source="sentence_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    status = SentencePlanStatusField(read_only=True)
    completed_by = StaffSummarySerializer(read_only=True, allow_null=True)
    objectives = PlanObjectiveSerializer(many=True, read_only=True)
    reviews = PlanReviewSerializer(many=True, read_only=True)

    class Meta:
        model = SentencePlan
        fields = [
            "id",
            "case",
            "sentence",
            "crn",
            "status",
            *services.PLAN_FIELDS,
            "completed_on",
            "completed_by",
            "created_at",
            "objectives",
            "reviews",
        ]
        read_only_fields = fields


class SentencePlanCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=CASE_HELP)


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class SentencePlanChangeSerializer(serializers.Serializer):
    """The fields of a draft plan; every one optional (PATCH). The women's questions are for women only."""

    strengths = _text()
    involvement = serializers.ChoiceField(choices=SentencePlan.Involvement.choices, required=False, allow_blank=True)
    involvement_details = _text(help_text='Required when involvement is not "yes".')
    diversity_needs = _text()
    barriers_to_engagement = _text()
    female_officer_offered = serializers.BooleanField(required=False, allow_null=True, help_text="Women only.")
    women_only_setting_offered = serializers.BooleanField(required=False, allow_null=True, help_text="Women only.")


class CompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(help_text="Today or earlier.")


class ResettlementPlanSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    sentence = serializers.IntegerField(source="sentence_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)

    class Meta:
        model = ResettlementPlan
        fields = [
            "id",
            "case",
            "sentence",
            "crn",
            "status",
            "screened_on",
            "screening_needs",
            "accommodation_on_release",
            "accommodation_details",
            "money_on_release",
            "links_to_services",
            "other_actions",
            "completed_on",
            "created_at",
        ]
        read_only_fields = fields


class CustodyScreeningSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=CASE_HELP)
    screened_on = serializers.DateField(help_text="Today or earlier; not before the sentence.")
    screening_needs = serializers.CharField()


class ResettlementPlanCompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(help_text="Today or earlier; not before the screening.")
    accommodation_on_release = serializers.ChoiceField(choices=ResettlementPlan.Accommodation.choices)
    accommodation_details = _text(default="", help_text='Required when there is nowhere to stay yet ("none").')
    money_on_release = serializers.CharField()
    links_to_services = serializers.CharField()
    other_actions = _text(default="")


# Filters -----------------------------------------------------------------------------------------------------


class SentencePlanFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id")
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=SentencePlan.Status.choices)

    class Meta:
        model = SentencePlan
        fields = ["case", "crn", "status"]


class PlanObjectiveFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id")
    need_area = django_filters.ChoiceFilter(choices=NeedArea.choices)
    status = django_filters.ChoiceFilter(choices=PlanObjective.Status.choices)

    class Meta:
        model = PlanObjective
        fields = ["plan", "need_area", "status"]


class ResettlementPlanFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id")
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=ResettlementPlan.Status.choices)

    class Meta:
        model = ResettlementPlan
        fields = ["case", "crn", "status"]


# Viewsets ----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Sentence plans", description="Newest first, with objectives and reviews."),
    retrieve=extend_schema(summary="One sentence plan", responses={200: SentencePlanSerializer, 404: NOT_FOUND}),
)
class SentencePlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sentence plans: a draft changes; a completed plan changes only through reviews."""

    serializer_class = SentencePlanSerializer
    filterset_class = SentencePlanFilter

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        _record_access_if_limited(request, plan.case.person)
        return Response(self.get_serializer(plan).data)

    def _respond(self, plan, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=plan.pk)
        return Response(SentencePlanSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Start a draft plan",
        description="For the case's current sentence; the case must be active. One draft per sentence.",
        request=SentencePlanCreateSerializer,
        responses={201: SentencePlanSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        _writer(request)
        data = validated_data(request, SentencePlanCreateSerializer)
        case = _case_in_scope(request.user, data["case"])
        return self._respond(services.plan_start(by=request.user, case=case), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft plan",
        description="A completed plan is refused (400): it changes only through a review.",
        request=SentencePlanChangeSerializer,
        responses={200: SentencePlanSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        _writer(request)
        data = validated_data(request, SentencePlanChangeSerializer, partial=True)
        return self._respond(services.plan_update(by=request.user, plan=plan, **data))

    @extend_schema(
        summary="Complete a draft plan",
        description="Lists every missing item (objectives, strengths, involvement, the women's offers, the date). "
        "Stops the sentence plan clock.",
        request=CompleteSerializer,
        responses={200: SentencePlanSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        plan = self.get_object()
        _writer(request)
        data = validated_data(request, CompleteSerializer)
        return self._respond(services.plan_complete(by=request.user, plan=plan, completed_on=data["completed_on"]))

    @extend_schema(
        methods=["GET"],
        summary="The plan's objectives",
        request=None,
        responses={200: PlanObjectiveSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an objective to a draft plan",
        request=PlanObjectiveWriteSerializer,
        responses={201: PlanObjectiveSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def objectives(self, request, *args, **kwargs):
        plan = self.get_object()
        if request.method == "GET":
            return Response(PlanObjectiveSerializer(plan.objectives.all(), many=True).data)
        _writer(request)
        data = validated_data(request, PlanObjectiveWriteSerializer)
        objective = services.objective_add(by=request.user, plan=plan, **data)
        return Response(PlanObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The plan's reviews",
        request=None,
        responses={200: PlanReviewSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a review of a completed plan",
        description="Give a status for every objective of the plan; each objective takes that status. "
        "Errors about one objective are keyed `objective_<id>`.",
        request=PlanReviewWriteSerializer,
        responses={201: PlanReviewSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def reviews(self, request, *args, **kwargs):
        plan = self.get_object()
        if request.method == "GET":
            return Response(PlanReviewSerializer(plan.reviews.all(), many=True).data)
        _writer(request)
        data = validated_data(request, PlanReviewWriteSerializer)
        progress = {}
        for entry in data.pop("progress"):
            if entry["objective"] in progress:
                raise serializers.ValidationError({"progress": ["Give each objective's progress once."]})
            progress[entry["objective"]] = {"status": entry["status"], "notes": entry["notes"]}
        review = services.plan_review_record(by=request.user, plan=plan, progress=progress, **data)
        fresh = PlanReview.objects.select_related("reviewed_by").prefetch_related("progress").get(pk=review.pk)
        return Response(PlanReviewSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Objectives of sentence plans"),
    retrieve=extend_schema(summary="One objective", responses={200: PlanObjectiveSerializer, 404: NOT_FOUND}),
)
class PlanObjectiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanObjectiveSerializer
    filterset_class = PlanObjectiveFilter

    def get_queryset(self):
        visible = case_selectors.cases_visible_to(self.request.user)
        return PlanObjective.objects.filter(plan__case__in=visible).order_by("plan_id", "target_date", "pk")

    @extend_schema(
        summary="Change an objective of a draft plan",
        description="Its status changes only through a review of the completed plan.",
        request=PlanObjectiveChangeSerializer,
        responses={200: PlanObjectiveSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        objective = self.get_object()
        _writer(request)
        data = validated_data(request, PlanObjectiveChangeSerializer, partial=True)
        objective = services.objective_update(by=request.user, objective=objective, **data)
        return Response(PlanObjectiveSerializer(objective).data)


@extend_schema_view(
    list=extend_schema(summary="Resettlement plans", description="Custody cases: screening, then the plan."),
    retrieve=extend_schema(
        summary="One resettlement plan", responses={200: ResettlementPlanSerializer, 404: NOT_FOUND}
    ),
)
class ResettlementPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ResettlementPlanSerializer
    filterset_class = ResettlementPlanFilter

    def get_queryset(self):
        return selectors.resettlement_plans_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        _record_access_if_limited(request, plan.case.person)
        return Response(self.get_serializer(plan).data)

    def _respond(self, plan, status_code=status.HTTP_200_OK) -> Response:
        return Response(ResettlementPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status_code)

    @extend_schema(
        summary="Record the basic custody screening",
        description="The current sentence must be custodial and the person not yet released; one per sentence. "
        "Opens CRC SL013 (resettlement plan within 5 working days) on a CRC case.",
        request=CustodyScreeningSerializer,
        responses={201: ResettlementPlanSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        _writer(request)
        data = validated_data(request, CustodyScreeningSerializer)
        case = _case_in_scope(request.user, data.pop("case"))
        plan = services.custody_screening_record(by=request.user, case=case, **data)
        return self._respond(plan, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Complete the resettlement plan",
        description='Accommodation on release, money and links to services are required; "none" accommodation '
        "needs details of what is being done. Stops CRC SL013.",
        request=ResettlementPlanCompleteSerializer,
        responses={200: ResettlementPlanSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        plan = self.get_object()
        _writer(request)
        data = validated_data(request, ResettlementPlanCompleteSerializer)
        return self._respond(services.resettlement_plan_complete(by=request.user, plan=plan, **data))


def register(router) -> None:
    """Add this stage's viewsets to the /api/v1/ router."""
    router.register("sentence-plans", SentencePlanViewSet, basename="sentence-plan")
    router.register("plan-objectives", PlanObjectiveViewSet, basename="plan-objective")
    router.register("resettlement-plans", ResettlementPlanViewSet, basename="resettlement-plan")
