"""API for people and cases under /api/v1/, scoped by the same selectors as the pages."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import User
from cases import rules, selectors, services
from cases.models import Address, Case, Person, PersonAccessLimit
from config.api import validated_data

# The same limit as the search page's form.
SEARCH_MAX_LENGTH = 100
CASE_END_NOTES_MAX_LENGTH = 5000  # the same limit as the "End this case" page's form
# The JSON error body of config/api.py, inline: risk.api's ErrorSerializer cannot be imported here (risk.api
# imports this module's StaffSummarySerializer through the cases.api package).
ERROR_BODY = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail"],
}
END_BAD_REQUEST = OpenApiResponse(ERROR_BODY, description="Field messages; nothing was changed.")
END_FORBIDDEN = OpenApiResponse(
    ERROR_BODY, description="Only the responsible officer or a manager of the provider holding the case can end it."
)
END_NOT_FOUND = OpenApiResponse(ERROR_BODY, description="No such case, or one the caller may not see.")


class StaffSummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "name"]


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["status", "no_fixed_abode", "line_1", "line_2", "town", "postcode", "start_date", "end_date"]


class CaseSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="person.crn")
    provider = serializers.CharField(source="provider.name")
    team = serializers.CharField(source="team.name", allow_null=True)
    responsible_officer = StaffSummarySerializer(allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "crn",
            "status",
            "start_date",
            "end_date",
            "provider",
            "team",
            "responsible_officer",
            "termination_outcome",
            "termination_notes",
        ]
        read_only_fields = ["termination_outcome", "termination_notes"]
        extra_kwargs = {
            "termination_outcome": {
                "help_text": 'How the case ended; "" while it is open (and for cases ended before outcomes were '
                "recorded)."
            },
            "termination_notes": {"help_text": "The notes recorded when the case ended."},
        }


class CaseEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(
        help_text="The day the case ended: not in the future, nor before the case started or the sentence.",
        error_messages={"required": "Enter the date the case ended.", "null": "Enter the date the case ended."},
    )
    outcome = serializers.ChoiceField(
        choices=Case.TerminationOutcome.choices,
        help_text="How the case ended.",
        error_messages={
            "required": "Select how the case ended.",
            "null": "Select how the case ended.",
            "invalid_choice": "Select how the case ended from the list.",
        },
    )
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CASE_END_NOTES_MAX_LENGTH,
        help_text="Required for transferred_out: say where the case was transferred to.",
        error_messages={"max_length": f"Notes must be {CASE_END_NOTES_MAX_LENGTH:,} characters or fewer."},
    )


class PersonSerializer(serializers.ModelSerializer):
    is_child = serializers.BooleanField(read_only=True)
    current_addresses = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "crn",
            "first_name",
            "middle_names",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "gender",
            "is_child",
            "telephone",
            "mobile",
            "email",
            "current_addresses",
        ]

    def get_current_addresses(self, person) -> list[dict]:
        return AddressSerializer(person.current_addresses, many=True).data


def _record_access_if_limited(request, person: Person) -> None:
    """As on the pages: opening a person with an exclusion or restriction list writes an access record."""
    if getattr(person, "has_access_limits", None) is None:
        person.has_access_limits = PersonAccessLimit.objects.filter(person=person, ended_at__isnull=True).exists()
    if person.has_access_limits:
        services.access_record_write(person=person, user=request.user, path=request.path)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    responsible_officer = django_filters.NumberFilter(
        field_name="responsible_officer_id", min_value=1, max_value=2**63 - 1, decimal_places=0
    )
    crn = django_filters.CharFilter(field_name="person__crn", lookup_expr="iexact")

    class Meta:
        model = Case
        fields = ["status", "responsible_officer", "crn"]


@extend_schema_view(
    list=extend_schema(summary="Cases you may see", description="Newest first; filter by status, officer or CRN."),
    retrieve=extend_schema(summary="One case"),
)
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self):
        return (
            selectors.cases_visible_to(self.request.user)
            .select_related("person", "provider", "team", "responsible_officer")
            .order_by("-start_date", "pk")
        )

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        _record_access_if_limited(request, case.person)
        return Response(self.get_serializer(case).data)

    @extend_schema(
        summary="End a case, recording how it ended",
        description="Ends the case with its termination outcome: the current sentence becomes completed (revoked "
        "when the court revoked it or re-sentenced after breach), the officer's assignment closes and the case's "
        "open service-level clocks are cancelled. The case's responsible officer, or a manager of the provider "
        "holding it, only. Refused with 400 and field messages (end_date, outcome, notes, status or "
        "non_field_errors) when the date or outcome does not fit or the case has already ended.",
        request=CaseEndSerializer,
        responses={200: CaseSerializer, 400: END_BAD_REQUEST, 403: END_FORBIDDEN, 404: END_NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, *args, **kwargs):
        case = self.get_object()
        if not rules.can_end_case(request.user, case):
            raise PermissionDenied(END_FORBIDDEN.description)
        _record_access_if_limited(request, case.person)
        data = validated_data(request, CaseEndSerializer)
        services.case_end(by=request.user, case=case, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="People you may see",
        parameters=[OpenApiParameter("q", str, description="Name, CRN or date of birth (dd/mm/yyyy)")],
    ),
    retrieve=extend_schema(summary="One person, by CRN"),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    lookup_field = "crn"

    def get_queryset(self):
        query = self.request.query_params.get("q", "").strip()
        if len(query) > SEARCH_MAX_LENGTH:
            raise serializers.ValidationError({"q": [f"Search for {SEARCH_MAX_LENGTH} characters or fewer."]})
        if query:
            people = selectors.people_search(user=self.request.user, query=query)
        else:
            people = selectors.people_visible_to(self.request.user).order_by("last_name", "first_name", "crn")
        current = Address.objects.filter(end_date__isnull=True).order_by("-start_date")
        return selectors.with_access_limit_flag(people).prefetch_related(
            Prefetch("addresses", queryset=current, to_attr="current_addresses")
        )

    def list(self, request, *args, **kwargs):
        """The list shows contact details and addresses, so restricted people in it get an access record."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        services.access_records_write_for_listed(people=page, user=request.user, path=request.get_full_path())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        _record_access_if_limited(request, person)
        return Response(self.get_serializer(person).data)
