"""API for referrals to services under /api/v1/, scoped like the pages.

- `service-providers/`: the directory (national services and those of the caller's region), with the need areas
  each covers; filter by `need_area`; POST adds one (managers and administrators).
- `service-referrals/`: referrals on cases the caller may see; POST makes one; POST `service-referrals/<id>/status/`
  moves it on (referred -> accepted | declined | withdrawn, accepted -> started | declined | withdrawn,
  started -> completed | withdrawn; closing needs the outcome or reason).
- `need-area-referrals/`: per need area, for the caller's active cases, how many people have the need in their
  current sentence plan, how many have a referral for it (not withdrawn) and how many are waiting.

A case or referral the caller may not see is answered like an unknown one (404). The services' ValidationErrors
become 400 `{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
"""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Provider, Region
from cases.api.people import StaffSummarySerializer
from cases.models import NeedArea, PlanObjective
from cases.selectors import cases_visible_to
from config.api import validated_data
from interventions.models import ServiceProvider, ServiceReferral
from interventions.rules import can_do_case_work
from interventions.selectors import referrals as selectors
from interventions.services import referrals as services
from risk.api import BAD_REQUEST, NOT_FOUND

BIG_ID = 2**63 - 1
SCOPE = "A case or referral you may not see is answered like an unknown one: 404."


@extend_schema_field({"type": "string", "enum": ServiceReferral.Status.values}, component_name="ServiceReferralStatus")
class ServiceReferralStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ServiceReferral.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ServiceProvider.Kind.values}, component_name="ServiceProviderKind")
class ServiceProviderKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ServiceProvider.Kind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": NeedArea.values}, component_name="ServiceNeedArea")
class ServiceNeedAreaField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=NeedArea.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ServiceReferral.Status.values}, component_name="ServiceReferralStatus")
class ServiceReferralStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=ServiceReferral.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ServiceProvider.Kind.values}, component_name="ServiceProviderKind")
class ServiceProviderKindFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=ServiceProvider.Kind.choices, **kwargs)


class ServiceProviderSerializer(serializers.ModelSerializer):
    kind = ServiceProviderKindField(read_only=True)
    region = serializers.CharField(source="region.name", read_only=True, allow_null=True, help_text="Null: national.")
    provider = serializers.CharField(source="provider.name", read_only=True, allow_null=True)
    need_areas = serializers.SerializerMethodField()

    class Meta:
        model = ServiceProvider
        fields = [
            "id",
            "name",
            "kind",
            "need_areas",
            "region",
            "provider",
            "description",
            "telephone",
            "email",
            "address",
            "active",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=ServiceNeedAreaField()))
    def get_need_areas(self, service) -> list[str]:
        return [area.need_area for area in service.need_areas.all()]


class ServiceProviderCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH)
    kind = ServiceProviderKindField()
    need_areas = serializers.ListField(child=ServiceNeedAreaField(), allow_empty=True)
    region = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=BIG_ID, help_text="The region's id; null: national."
    )
    provider = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=BIG_ID,
        help_text="The probation provider that runs or buys it: required for in_house and rate_card.",
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=services.TEXT_MAX_LENGTH)
    telephone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=250)

    def validate_region(self, value):
        if value is None:
            return None
        region = Region.objects.filter(pk=value).first()
        if region is None:
            raise serializers.ValidationError("There is no region with this id.")
        return region

    def validate_provider(self, value):
        if value is None:
            return None
        provider = Provider.objects.filter(pk=value).first()
        if provider is None:
            raise serializers.ValidationError("There is no provider with this id.")
        return provider


class _ServiceSummarySerializer(serializers.ModelSerializer):
    kind = ServiceProviderKindField(read_only=True)

    class Meta:
        model = ServiceProvider
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class ServiceReferralSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    service_provider = _ServiceSummarySerializer(read_only=True)
    status = ServiceReferralStatusField(read_only=True)
    referred_by = StaffSummarySerializer(read_only=True)
    plan_objective = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    next_statuses = serializers.SerializerMethodField(help_text="The statuses it may move to now.")

    class Meta:
        model = ServiceReferral
        fields = [
            "id",
            "case",
            "crn",
            "service_provider",
            "need_area",
            "plan_objective",
            "status",
            "next_statuses",
            "referred_on",
            "referred_by",
            "reason_for_referral",
            "accepted_on",
            "started_on",
            "ended_on",
            "outcome",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=ServiceReferralStatusField()))
    def get_next_statuses(self, referral) -> list[str]:
        return list(services.allowed_next(referral.status))


class ServiceReferralCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text=f"The case's id. {SCOPE}")
    service_provider = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text="The service's id.")
    need_area = serializers.ChoiceField(choices=NeedArea.choices)
    reason_for_referral = serializers.CharField(max_length=services.TEXT_MAX_LENGTH)
    plan_objective = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=BIG_ID,
        help_text="An objective of the case's sentence plan with the same need area.",
    )
    referred_on = serializers.DateField(
        required=False, allow_null=True, help_text="Today when left out; not in the future."
    )

    def validate_service_provider(self, value):
        service = ServiceProvider.objects.filter(pk=value).first()
        if service is None:
            raise serializers.ValidationError("There is no service with this id.")
        return service

    def validate_plan_objective(self, value):
        if value is None:
            return None
        objective = PlanObjective.objects.filter(pk=value).first()
        if objective is None:
            raise serializers.ValidationError("There is no objective with this id.")
        return objective


class ServiceReferralUpdateSerializer(serializers.Serializer):
    status = ServiceReferralStatusField(help_text="The new status (see next_statuses).")
    on = serializers.DateField(
        required=False, allow_null=True, help_text="Today when left out; not before the referral's last step."
    )
    outcome = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.TEXT_MAX_LENGTH,
        help_text="Required for completed, declined and withdrawn (what came of it, or why); empty otherwise.",
    )


class NeedAreaFiguresSerializer(serializers.Serializer):
    need_area = serializers.ChoiceField(choices=NeedArea.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    with_need = serializers.IntegerField(
        read_only=True, help_text="People whose current sentence plan has an objective in this need area."
    )
    referred = serializers.IntegerField(
        read_only=True, help_text="Of those, people with a referral for this need that was not withdrawn."
    )
    waiting = serializers.IntegerField(
        read_only=True, help_text="Of those, people with a referral for this need still referred or accepted."
    )


class ServiceProviderFilter(django_filters.FilterSet):
    need_area = django_filters.ChoiceFilter(
        field_name="need_areas__need_area", choices=NeedArea.choices, label="Covers this need area"
    )
    kind = ServiceProviderKindFilter()
    active = django_filters.BooleanFilter()

    class Meta:
        model = ServiceProvider
        fields = ["need_area", "kind", "active"]


class ServiceReferralFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=BIG_ID)
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")
    need_area = django_filters.ChoiceFilter(choices=NeedArea.choices)
    status = ServiceReferralStatusFilter()
    service_provider = django_filters.NumberFilter(field_name="service_provider_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = ServiceReferral
        fields = ["case", "crn", "need_area", "status", "service_provider"]


@extend_schema_view(
    list=extend_schema(
        summary="Services",
        description="The directory: national services and those of your provider's region, with the need areas each "
        "covers.",
    ),
    retrieve=extend_schema(summary="One service", responses={200: ServiceProviderSerializer, 404: NOT_FOUND}),
)
class ServiceProviderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ServiceProviderSerializer
    filterset_class = ServiceProviderFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServiceProvider.objects.none()
        return selectors.service_providers_for(self.request.user, include_inactive=True).distinct()

    @extend_schema(
        summary="Add a service",
        description="Managers and administrators. In-house and rate card services name their probation provider "
        "(a manager: their own). At least one need area.",
        request=ServiceProviderCreateSerializer,
        responses={201: ServiceProviderSerializer, 400: BAD_REQUEST},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, ServiceProviderCreateSerializer)
        service = services.service_provider_create(by=request.user, **data)
        fresh = selectors.service_providers_for(request.user, include_inactive=True).filter(pk=service.pk).first()
        return Response(ServiceProviderSerializer(fresh or service).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Referrals to services", description="On cases you may see, newest first."),
    retrieve=extend_schema(summary="One referral", responses={200: ServiceReferralSerializer, 404: NOT_FOUND}),
)
class ServiceReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ServiceReferralSerializer
    filterset_class = ServiceReferralFilter

    def get_queryset(self):
        return selectors.referrals_visible_to(self.request.user).order_by("-referred_on", "-pk")

    def _respond(self, referral, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(ServiceReferralSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Make a referral",
        description="On an open case, to an active service that covers the need area (national or in the case's "
        f"region); the objective, when given, is of the case's plan with the same need area. {SCOPE}",
        request=ServiceReferralCreateSerializer,
        responses={201: ServiceReferralSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = validated_data(request, ServiceReferralCreateSerializer)
        case = cases_visible_to(request.user).filter(pk=data.pop("case")).first()
        if case is None:
            raise Http404("Not found")
        referral = services.service_referral_create(by=request.user, case=case, **data)
        return self._respond(referral, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update a referral's status",
        description="referred -> accepted | declined | withdrawn; accepted -> started | declined | withdrawn; "
        "started -> completed | withdrawn. Closing needs the outcome or reason.",
        request=ServiceReferralUpdateSerializer,
        responses={200: ServiceReferralSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def update_status(self, request, *args, **kwargs):
        data = validated_data(request, ServiceReferralUpdateSerializer)
        referral = services.service_referral_update(by=request.user, referral=self.get_object(), **data)
        return self._respond(referral)


class NeedAreaReferralViewSet(viewsets.ViewSet):
    """Per need area, for your active cases (an officer: own and team's; a manager: the provider's)."""

    @extend_schema(
        summary="Needs and referrals",
        description="The twelve need areas, each with: people whose current sentence plan has an objective in it, "
        "how many of them have a referral for it (not withdrawn), and how many are waiting (referred or accepted, "
        "not started). Empty figures for anyone who does not do case work.",
        responses={200: NeedAreaFiguresSerializer(many=True)},
    )
    def list(self, request):
        figures = selectors.need_area_figures(request.user) if can_do_case_work(request.user) else []
        return Response(NeedAreaFiguresSerializer(figures, many=True).data)


def register(router) -> None:
    """Add the referral viewsets to the /api/v1/ router."""
    router.register("service-providers", ServiceProviderViewSet, basename="service-provider")
    router.register("service-referrals", ServiceReferralViewSet, basename="service-referral")
    router.register("need-area-referrals", NeedAreaReferralViewSet, basename="need-area-referral")
