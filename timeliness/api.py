"""API for service-level clocks and alerts under /api/v1/clocks/ and /api/v1/alerts/.

- Clocks: read only (events open and stop them), scoped to the cases the caller may see
  (cases.selectors.cases_visible_to); filters case, status, service_level and overdue.
- Alerts: the caller's own open alerts (`include_closed=true` adds closed ones), overdue first then soonest due;
  `POST /alerts/{id}/read/` and `POST /alerts/read-all/`. Another user's alert is 404.
"""

import django_filters
from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.selectors import cases_visible_to
from timeliness import registry, selectors, services
from timeliness.models import Alert, Clock


class ClockSerializer(serializers.ModelSerializer):
    service_level_name = serializers.SerializerMethodField(help_text="What the service level measures.")
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    calendar = serializers.SerializerMethodField(
        help_text='"working" (Monday to Friday except England and Wales bank holidays), "calendar", or "court" '
        "(the court's own due date)."
    )
    overdue = serializers.SerializerMethodField(help_text="Running and past its due date.")

    class Meta:
        model = Clock
        fields = [
            "id",
            "service_level",
            "service_level_name",
            "case",
            "crn",
            "subject",
            "provider_type",
            "started_on",
            "due_on",
            "stopped_on",
            "status",
            "calendar",
            "overdue",
        ]
        read_only_fields = fields

    def get_service_level_name(self, clock: Clock) -> str:
        return clock.definition.name

    def get_calendar(self, clock: Clock) -> str:
        definition = clock.definition
        if definition.limit is None:
            return "court"
        return "working" if definition.uses_working_days else "calendar"

    def get_overdue(self, clock: Clock) -> bool:
        return clock.status == Clock.Status.OPEN and clock.due_on < timezone.localdate()


@extend_schema_field({"type": "string", "enum": list(Alert.Kind.values)}, component_name="AlertKind")
class AlertKindField(serializers.ChoiceField):
    """ "due_soon" or "overdue" (its own schema component: other models have a "kind" too)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Alert.Kind.choices, **kwargs)


class AlertSerializer(serializers.ModelSerializer):
    kind = AlertKindField(read_only=True)
    clock = ClockSerializer(read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "kind", "created_at", "read_at", "closed_at", "clock"]
        read_only_fields = fields


class ClockFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(
        field_name="case_id", help_text="A case id.", min_value=1, max_value=2**63 - 1, decimal_places=0
    )
    status = django_filters.ChoiceFilter(choices=Clock.Status.choices)
    service_level = django_filters.ChoiceFilter(choices=registry.CODE_CHOICES)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="true: running clocks past their due date; false: every other clock."
    )

    class Meta:
        model = Clock
        fields = ["case", "status", "service_level", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": Clock.Status.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


@extend_schema_view(
    list=extend_schema(
        summary="Service-level clocks",
        description="Clocks of the cases you may see, soonest due first. Events on the case open and stop them.",
    ),
    retrieve=extend_schema(summary="One clock"),
)
class ClockViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClockSerializer
    filterset_class = ClockFilter

    def get_queryset(self):
        return selectors.clocks_visible_to(self.request.user).order_by("due_on", "pk")


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices)
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="true: unread only.")

    class Meta:
        model = Alert
        fields = ["kind", "unread"]


ALERT_NOT_FOUND = OpenApiResponse(description="No such alert, or another user's alert.")


@extend_schema_view(
    list=extend_schema(
        summary="Your alerts",
        description="Your open alerts, overdue first, then the soonest due. An alert closes when its clock stops; "
        "`include_closed=true` lists closed ones too.",
        parameters=[OpenApiParameter("include_closed", bool, description="true: closed alerts too.")],
    ),
    retrieve=extend_schema(summary="One of your alerts", responses={200: AlertSerializer, 404: ALERT_NOT_FOUND}),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Alert.objects.none()
        user = self.request.user
        if self.action == "list" and self.request.query_params.get("include_closed", "").lower() != "true":
            return selectors.open_alerts(user)
        return (
            Alert.objects.filter(recipient=user, clock__case__in=cases_visible_to(user).values("pk"))
            .select_related("clock", "clock__case", "clock__case__person")
            .order_by(F("closed_at").asc(nulls_first=True), "clock__due_on", "pk")
        )

    @extend_schema(
        summary="Mark one of your alerts as read",
        request=None,
        responses={200: AlertSerializer, 404: ALERT_NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        alert = services.alert_mark_read(by=request.user, alert=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=alert.pk)).data)

    @extend_schema(
        summary="Mark all your open alerts as read",
        request=None,
        responses={200: inline_serializer("AlertsMarkedRead", {"marked_read": serializers.IntegerField(min_value=0)})},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, *args, **kwargs):
        return Response({"marked_read": services.alerts_mark_all_read(by=request.user)})


def register(router) -> None:
    """Add the timeliness viewsets to the /api/v1/ router."""
    router.register("clocks", ClockViewSet, basename="clock")
    router.register("alerts", AlertViewSet, basename="alert")
