"""API for people and cases under /api/v1/, scoped by the same selectors as the pages."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from accounts.models import User
from cases import selectors
from cases.models import Address, Case, Person


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


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    responsible_officer = django_filters.NumberFilter(field_name="responsible_officer_id")
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
        if query:
            people = selectors.people_search(user=self.request.user, query=query)
        else:
            people = selectors.people_visible_to(self.request.user).order_by("last_name", "first_name", "crn")
        current = Address.objects.filter(end_date__isnull=True).order_by("-start_date")
        return people.prefetch_related(Prefetch("addresses", queryset=current, to_attr="current_addresses"))

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()
