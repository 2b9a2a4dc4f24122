"""API for people and cases under /api/v1/, scoped by the same selectors as the pages."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from accounts.models import User
from cases import selectors, services
from cases.models import Address, Case, Person, PersonAccessLimit

# The same limit as the search page's form.
SEARCH_MAX_LENGTH = 100


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
        fields = ["id", "crn", "status", "start_date", "end_date", "provider", "team", "responsible_officer"]


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
