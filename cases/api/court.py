"""API for court appearances, pre-sentence reports and information requests under /api/v1/.

Conventions (as risk/api.py and config/api.py):
- Lists and reads hold only records of cases the caller may see (cases.selectors.cases_visible_to); any
  other record is 404 on read and on write. A case or report id the caller may not see is answered like an
  unknown one (404), after the body itself has been validated (a bad body is 400 either way).
- Writes go through cases.services.court with the caller as the acting user, so history records who did it;
  the services' ValidationErrors become 400 `{"detail": ..., "errors": {field: [messages]}}` and nothing
  changes. Requesting, delivering and withdrawing a report open and stop its NPS SL001 clock.
- Courts are named by their code; staff by their id.
- Opening one record of a person with an exclusion or restriction list writes an access record.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Court, User
from cases import selectors, services
from cases.api.people import StaffSummarySerializer
from cases.models import CourtAppearance, Disposal, InformationRequest, PersonAccessLimit, PreSentenceReport
from cases.selectors import court as court_selectors
from cases.services import court as court_services
from config.api import validated_data
from risk.api import BAD_REQUEST, NOT_FOUND

SCOPE = "An id you may not see is answered like an unknown one: 404."


def _court_by_code(code: str) -> Court:
    court = Court.objects.filter(code__iexact=code.strip()).first()
    if court is None:
        raise serializers.ValidationError({"court": ["No court has this code."]})
    return court


STAFF_NOT_FOUND = "No member of staff of the provider preparing this report has this id."


def _staff(user_id: int | None, *, provider_id: int) -> User | None:
    """A member of staff of the provider preparing the report. Any other id, whoever it belongs to, gets
    the same message, which names no one: staff of other providers are not the caller's to see."""
    if user_id is None:
        return None
    author = User.objects.select_related("team__provider").filter(pk=user_id, team__provider_id=provider_id).first()
    if author is None:
        raise serializers.ValidationError({"author": [STAFF_NOT_FOUND]})
    return author


class _ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Records scoped to the caller; opening one of a restricted person writes an access record."""

    person_ref = "case__person_id"

    def scoped(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.scoped()
        if self.action != "list":
            queryset = queryset.annotate(
                has_access_limits=Exists(
                    PersonAccessLimit.objects.filter(person_id=OuterRef(self.person_ref), ended_at__isnull=True)
                )
            )
        return queryset

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        if record.has_access_limits:
            services.access_record_write(person=self.person_of(record), user=request.user, path=request.path)
        return Response(self.get_serializer(record).data)

    def person_of(self, record):
        return record.case.person

    def _validated(self, serializer_class, **kwargs) -> dict:
        return validated_data(self.request, serializer_class, **kwargs)

    def _respond(self, record, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)


class CourtSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Court
        fields = ["code", "name", "court_type"]
        read_only_fields = fields


# Court appearances -----------------------------------------------------------------------------------------


class CourtAppearanceSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    court = CourtSummarySerializer(read_only=True)

    class Meta:
        model = CourtAppearance
        fields = ["id", "case", "crn", "court", "appearance_date", "purpose", "offences", "outcome", "created_at"]
        read_only_fields = fields


class CourtAppearanceCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=f"An open case's id. {SCOPE}")
    court = serializers.CharField(max_length=10, help_text="The court's code.")
    appearance_date = serializers.DateField(help_text="Today or earlier, not before the case started.")
    purpose = serializers.ChoiceField(choices=CourtAppearance.Purpose.choices)
    offences = serializers.CharField(allow_blank=True, help_text="The offences before the court (required).")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class CourtAppearanceFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=2**63 - 1, decimal_places=0)
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")

    class Meta:
        model = CourtAppearance
        fields = ["case", "crn"]


@extend_schema_view(
    list=extend_schema(summary="Court appearances (hearings)", description="Newest first."),
    retrieve=extend_schema(summary="One hearing", responses={200: CourtAppearanceSerializer, 404: NOT_FOUND}),
)
class CourtAppearanceViewSet(_ScopedViewSet):
    serializer_class = CourtAppearanceSerializer
    filterset_class = CourtAppearanceFilter

    def scoped(self):
        return (
            CourtAppearance.objects.filter(case__in=selectors.cases_visible_to(self.request.user).values("pk"))
            .select_related("case__person", "court")
            .order_by("-appearance_date", "-pk")
        )

    @extend_schema(
        summary="Record a hearing on an open case",
        description=f"To open a case at court use the page /court/new-case/. {SCOPE}",
        request=CourtAppearanceCreateSerializer,
        responses={201: CourtAppearanceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(CourtAppearanceCreateSerializer)
        court = _court_by_code(data.pop("court"))
        case = selectors.case_get_for_user(user=request.user, case_id=data.pop("case"))
        appearance = court_services.court_appearance_record(by=request.user, case=case, court=court, **data)
        return self._respond(appearance, status.HTTP_201_CREATED)


# Information requests (nested in reports, and their own endpoint) --------------------------------------------


class InformationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["id", "report", "source", "details", "requested_on", "status", "received_on", "summary"]
        read_only_fields = fields


# Pre-sentence reports --------------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    court = CourtSummarySerializer(source="court_appearance.court", read_only=True)
    author = StaffSummarySerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="Open and due before today.")
    is_due_today = serializers.BooleanField(read_only=True)
    screening_completed = serializers.SerializerMethodField(
        help_text="A completed risk of serious harm screening is linked to the report."
    )
    information_requests = InformationRequestSerializer(many=True, read_only=True)

    class Meta:
        model = PreSentenceReport
        fields = [
            "id",
            "case",
            "crn",
            "court_appearance",
            "court",
            "report_type",
            "requested_on",
            "due_on",
            "author",
            "status",
            "is_overdue",
            "is_due_today",
            "delivered_on",
            "withdrawn_reason",
            *court_services.REPORT_CONTENT_FIELDS,
            "screening_completed",
            "information_requests",
        ]
        read_only_fields = fields

    def get_screening_completed(self, report) -> bool:
        return any(
            screening.kind == court_services.SCREENING and screening.status == court_services.COMPLETED
            for screening in report.risk_screenings.all()
        )


@extend_schema_field({"type": "string", "enum": ["", *Disposal.values]}, component_name="ProposedDisposal")
class ProposedDisposalField(serializers.ChoiceField):
    """The sentence a report proposes, by its code ("community_order", "referral_order"...), or blank."""

    def __init__(self, **kwargs):
        super().__init__(choices=Disposal.choices, **kwargs)


class ReportCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=f"An open case's id. {SCOPE}")
    court_appearance = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The id of the case's hearing that asked for the report."
    )
    report_type = serializers.ChoiceField(choices=PreSentenceReport.ReportType.choices)
    due_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The court's date; an oral report is due that day."
    )
    author = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="A responsible officer of the case's provider.",
    )


def _content_text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class ReportChangeSerializer(serializers.Serializer):
    """The report's content, and its author. Every field is optional (PATCH)."""

    offence_analysis = _content_text()
    circumstances = _content_text()
    proposal_disposal = ProposedDisposalField(
        required=False,
        allow_blank=True,
        help_text="A sentence suited to the person's age on the day the report was requested; blank for none yet.",
    )
    proposal_requirements = _content_text()
    proposal_reasons = _content_text()
    parent_or_carer_engagement = serializers.ChoiceField(
        choices=PreSentenceReport.ParentOrCarerEngagement.choices,
        required=False,
        allow_blank=True,
        help_text="Youth reports only.",
    )
    author = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ReportDeliverSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(help_text="Today or earlier, not before the request.")


class ReportWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why the court no longer needs it (required).")


class ReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PreSentenceReport.Status.choices)
    report_type = django_filters.ChoiceFilter(choices=PreSentenceReport.ReportType.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=2**63 - 1, decimal_places=0)
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")

    class Meta:
        model = PreSentenceReport
        fields = ["status", "report_type", "due_before", "due_after", "case", "crn"]


@extend_schema_view(
    list=extend_schema(
        summary="Pre-sentence reports",
        description="Soonest due first; filter by status, type, due date, case or CRN.",
    ),
    retrieve=extend_schema(summary="One report", responses={200: ReportSerializer, 404: NOT_FOUND}),
)
class PreSentenceReportViewSet(_ScopedViewSet):
    """Reports the courts asked for: requested, in progress, delivered or withdrawn. Never deleted."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def scoped(self):
        return (
            court_selectors.with_due_flags(court_selectors.reports_visible_to(self.request.user))
            .select_related("case__person", "court_appearance__court", "author")
            .prefetch_related(
                Prefetch("information_requests", queryset=InformationRequest.objects.order_by("requested_on", "pk")),
                "risk_screenings",
            )
            .order_by("due_on", "pk")
        )

    @extend_schema(
        summary="Record the court's request for a report",
        description="Requested on the hearing's date. Opens the NPS SL001 clock for an NPS case. " + SCOPE,
        request=ReportCreateSerializer,
        responses={201: ReportSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(ReportCreateSerializer)
        case = selectors.case_get_for_user(user=request.user, case_id=data.pop("case"))
        author = _staff(data.pop("author"), provider_id=case.provider_id)
        appearance = CourtAppearance.objects.filter(pk=data.pop("court_appearance"), case=case).first()
        if appearance is None:
            raise serializers.ValidationError({"court_appearance": ["Choose a hearing of this case."]})
        report = court_services.report_request(
            by=request.user, case=case, court_appearance=appearance, author=author, **data
        )
        return self._respond(report, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the report's content or author",
        description="Only an open report changes; a delivered or withdrawn one is refused (400).",
        request=ReportChangeSerializer,
        responses={200: ReportSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        data = self._validated(ReportChangeSerializer, partial=True)
        author_id = data.pop("author", None)
        if author_id is not None:
            author = _staff(author_id, provider_id=report.case.provider_id)
            court_services.report_assign_author(by=request.user, report=report, author=author)
        if data:
            court_services.report_update(by=request.user, report=report, **data)
        return self._respond(report)

    @extend_schema(
        summary="Deliver the report to the court",
        description="Refused, with one message per missing item, unless the report has an offence analysis, "
        "circumstances, a proposal, a completed risk of serious harm screening linked to it, an answer to "
        "every information request and, for a child, parent or carer engagement. Stops the NPS SL001 clock.",
        request=ReportDeliverSerializer,
        responses={200: ReportSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, *args, **kwargs):
        report = self.get_object()
        data = self._validated(ReportDeliverSerializer)
        return self._respond(court_services.report_deliver(by=request.user, report=report, **data))

    @extend_schema(
        summary="Withdraw the report",
        description="The court no longer needs it. Its clock no longer counts.",
        request=ReportWithdrawSerializer,
        responses={200: ReportSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        report = self.get_object()
        data = self._validated(ReportWithdrawSerializer)
        return self._respond(court_services.report_withdraw(by=request.user, report=report, **data))


class InformationRequestCreateSerializer(serializers.Serializer):
    report = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=f"An open report's id. {SCOPE}")
    source = serializers.ChoiceField(choices=InformationRequest.Source.choices)
    details = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required for other.")
    requested_on = serializers.DateField(help_text="Today or earlier, not before the report was requested.")


class InformationResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[InformationRequest.Status.RECEIVED, InformationRequest.Status.NOT_RECEIVED]
    )
    received_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="When it arrived (received only)."
    )
    summary = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What it said (required when received)."
    )


class InformationRequestFilter(django_filters.FilterSet):
    report = django_filters.NumberFilter(field_name="report_id", min_value=1, max_value=2**63 - 1, decimal_places=0)
    status = django_filters.ChoiceFilter(choices=InformationRequest.Status.choices)

    class Meta:
        model = InformationRequest
        fields = ["report", "status"]


@extend_schema_view(
    list=extend_schema(summary="Information requested from others for reports", description="Oldest first."),
    retrieve=extend_schema(
        summary="One information request", responses={200: InformationRequestSerializer, 404: NOT_FOUND}
    ),
)
class InformationRequestViewSet(_ScopedViewSet):
    serializer_class = InformationRequestSerializer
    filterset_class = InformationRequestFilter
    person_ref = "report__case__person_id"

    def scoped(self):
        visible = court_selectors.reports_visible_to(self.request.user).values("pk")
        return (
            InformationRequest.objects.filter(report__in=visible)
            .select_related("report__case__person")
            .order_by("requested_on", "pk")
        )

    def person_of(self, record):
        return record.report.case.person

    @extend_schema(
        summary="Record a request for information for a report",
        request=InformationRequestCreateSerializer,
        responses={201: InformationRequestSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(InformationRequestCreateSerializer)
        report = court_selectors.reports_visible_to(request.user).filter(pk=data.pop("report")).first()
        if report is None:
            raise Http404("Not found")
        information_request = court_services.information_request_add(by=request.user, report=report, **data)
        return self._respond(information_request, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record whether the information arrived",
        request=InformationResponseSerializer,
        responses={200: InformationRequestSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="response", url_name="response")
    def record_response(self, request, *args, **kwargs):
        information_request = self.get_object()
        data = self._validated(InformationResponseSerializer)
        return self._respond(
            court_services.information_request_record_response(
                by=request.user, information_request=information_request, **data
            )
        )


def register(router) -> None:
    """Add the court endpoints to the /api/v1/ router (config/urls.py calls this)."""
    router.register("court-appearances", CourtAppearanceViewSet, basename="court-appearance")
    router.register("pre-sentence-reports", PreSentenceReportViewSet, basename="pre-sentence-report")
    router.register("information-requests", InformationRequestViewSet, basename="information-request")
