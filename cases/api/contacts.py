"""API for appointments and the contact log under /api/v1/, scoped like the pages.

- `contacts/`: every contact on a case the caller may see, newest first; filter by case, CRN, type, outcome
  category and dates; POST records a contact that happened (not an appointment).
- `appointments/`: the same rows that were booked; POST books one; POST `appointments/<id>/outcome/`
  records its outcome (an attended outcome stops the first-appointment clocks and opens the plan clocks).
- `contact-outcomes/`: the outcome reference data, by code.

A case the caller may not see is answered like an unknown one (404), after the body has been validated.
Writes go through cases.services.contacts with the caller as the acting user; their ValidationErrors become
400 `{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
"""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from cases import selectors
from cases.api.people import StaffSummarySerializer
from cases.models import Case, Contact, ContactOutcome
from cases.selectors import contacts as contact_selectors
from cases.services import contacts as contact_services
from config.api import validated_data
from risk.api import BAD_REQUEST, NOT_FOUND

CASE_SCOPE = "A case you may not see is answered like an unknown one: 404."
OUTCOME_CATEGORY_HELP = (
    "attended; failed_to_comply (an enforceable outcome); acceptable_absence; "
    "awaiting_outcome (a past appointment with no outcome yet)."
)


class ContactOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactOutcome
        fields = ["code", "name", "attended", "complied", "enforceable", "acceptable_absence", "rescheduled", "active"]
        read_only_fields = fields


class ContactOutcomeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactOutcome
        fields = ["code", "name", "attended", "complied", "enforceable", "acceptable_absence"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    staff = StaffSummarySerializer(read_only=True, allow_null=True)
    recorded_by = StaffSummarySerializer(read_only=True)
    outcome = ContactOutcomeSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "case",
            "crn",
            "contact_type",
            "is_appointment",
            "starts_at",
            "duration_minutes",
            "method",
            "location",
            "staff",
            "with_whom",
            "outcome",
            "absence_reason",
            "absence_reason_details",
            "outcome_recorded_at",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


def _text(max_length: int = 200, **kwargs):
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


class _ContactWriteSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=f"The case's id. {CASE_SCOPE}")
    contact_type = serializers.ChoiceField(choices=Contact.ContactType.choices)
    starts_at = serializers.DateTimeField(help_text="Date and time, ISO 8601 (UK local time if no offset given).")
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, help_text="5 to 480 minutes.")
    location = _text()
    staff = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1, help_text="The member of staff's id."
    )
    with_whom = _text(help_text="Others present, for example a parent or an interpreter.")

    def validate_staff(self, value):
        if value is None:
            return None
        staff = User.objects.filter(pk=value).first()
        if staff is None:
            raise serializers.ValidationError("There is no member of staff with this id.")
        return staff


class AppointmentCreateSerializer(_ContactWriteSerializer):
    method = serializers.ChoiceField(
        choices=Contact.Method.choices,
        help_text="face_to_face, telephone or video for an appointment (written is refused: 400).",
    )
    notes = _text(max_length=contact_services.NOTES_MAX_LENGTH)
    staff = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The member of staff's id; the case's responsible officer when left out.",
    )


class ContactCreateSerializer(_ContactWriteSerializer):
    method = serializers.ChoiceField(choices=Contact.Method.choices)
    notes = serializers.CharField(
        allow_blank=True, max_length=contact_services.NOTES_MAX_LENGTH, help_text="What happened (required)."
    )
    starts_at = serializers.DateTimeField(help_text="When it happened: now or earlier. ISO 8601.")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="The outcome's code (see /api/v1/contact-outcomes/).")
    absence_reason = serializers.ChoiceField(
        choices=Contact.AbsenceReason.choices,
        required=False,
        allow_blank=True,
        help_text="Required for an acceptable absence, and only then.",
    )
    absence_reason_details = _text(max_length=contact_services.NOTES_MAX_LENGTH, help_text="Required for 'other'.")
    notes = _text(max_length=contact_services.NOTES_MAX_LENGTH)

    def validate_outcome(self, value):
        outcome = ContactOutcome.objects.filter(code=value.strip()).first()
        if outcome is None:
            raise serializers.ValidationError("There is no outcome with this code.")
        return outcome


class ContactFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=2**63 - 1, decimal_places=0)
    crn = django_filters.CharFilter(field_name="case__person__crn", lookup_expr="iexact")
    type = django_filters.ChoiceFilter(
        field_name="contact_type", choices=Contact.ContactType.choices, label="Type of contact"
    )
    outcome = django_filters.ChoiceFilter(
        choices=list(contact_selectors.OUTCOME_CATEGORIES.items()),
        method="filter_outcome",
        label=f"Outcome category: {OUTCOME_CATEGORY_HELP}",
    )
    date_from = django_filters.DateFilter(method="filter_from", label="On or after this day (UK local date).")
    date_to = django_filters.DateFilter(method="filter_to", label="On or before this day (UK local date).")

    class Meta:
        model = Contact
        fields = ["case", "crn", "type", "outcome", "date_from", "date_to"]

    def filter_outcome(self, queryset, name, value):
        return contact_selectors.filter_contacts(queryset, outcome=value)

    def filter_from(self, queryset, name, value):
        return contact_selectors.filter_contacts(queryset, date_from=value)

    def filter_to(self, queryset, name, value):
        return contact_selectors.filter_contacts(queryset, date_to=value)


def _case_in_scope(user: User, case_id: int) -> Case:
    case = selectors.cases_visible_to(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("Not found")
    return case


class _ContactViewSetBase(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    appointments_only = False

    def get_queryset(self):
        contacts = contact_selectors.contacts_visible_to(self.request.user)
        if self.appointments_only:
            contacts = contacts.filter(is_appointment=True)
        return contacts.order_by("-starts_at", "-pk")

    def _validated(self, serializer_class, **kwargs) -> dict:
        return validated_data(self.request, serializer_class, **kwargs)

    def _respond(self, contact, status_code=status.HTTP_200_OK) -> Response:
        fresh = contact_selectors.contacts_visible_to(self.request.user).get(pk=contact.pk)
        return Response(ContactSerializer(fresh).data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        summary="Contact log",
        description="Every contact (appointments and everything else) on cases you may see, newest first. "
        f"Outcome categories: {OUTCOME_CATEGORY_HELP}",
    ),
    retrieve=extend_schema(summary="One contact", responses={200: ContactSerializer, 404: NOT_FOUND}),
)
class ContactViewSet(_ContactViewSetBase):
    """The contact log: appointments with their outcomes, and everything else that happened."""

    @extend_schema(
        summary="Record a contact that happened",
        description="Not an appointment: it has no outcome and stops no clock. Now or earlier; notes are "
        f"required; the case must be open. {CASE_SCOPE}",
        request=ContactCreateSerializer,
        responses={201: ContactSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(ContactCreateSerializer)
        data["case"] = _case_in_scope(request.user, data["case"])
        return self._respond(contact_services.contact_record(by=request.user, **data), status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Appointments",
        description="Booked appointments on cases you may see, newest first, with the same filters as the contact log.",
    ),
    retrieve=extend_schema(summary="One appointment", responses={200: ContactSerializer, 404: NOT_FOUND}),
)
class AppointmentViewSet(_ContactViewSetBase):
    """Appointments: booked ahead, then given an outcome once they have started."""

    appointments_only = True

    @extend_schema(
        summary="Book an appointment",
        description="On an open case; face to face needs a location; 5 to 480 minutes; may be in the past "
        f"(recorded late) but not more than a year ahead. {CASE_SCOPE}",
        request=AppointmentCreateSerializer,
        responses={201: ContactSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(AppointmentCreateSerializer)
        data["case"] = _case_in_scope(request.user, data["case"])
        return self._respond(contact_services.appointment_book(by=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the outcome of an appointment",
        description="Once the appointment has started; never overwritten. An acceptable absence needs its "
        "reason ('other' needs details). An attended outcome stops the first-appointment clocks and opens the "
        "sentence plan clocks.",
        request=OutcomeSerializer,
        responses={200: ContactSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, *args, **kwargs):
        contact = self.get_object()
        data = self._validated(OutcomeSerializer)
        return self._respond(contact_services.appointment_record_outcome(by=request.user, contact=contact, **data))


@extend_schema_view(
    list=extend_schema(summary="Contact outcomes", description="Reference data, in the order pages offer them."),
    retrieve=extend_schema(summary="One contact outcome, by code"),
)
class ContactOutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data seeded by migration; outcomes are switched off (`active: false`), never deleted."""

    serializer_class = ContactOutcomeSerializer
    queryset = ContactOutcome.objects.order_by("sort_order", "name")
    lookup_field = "code"


def register(router) -> None:
    """Add this stage's viewsets to the /api/v1/ router."""
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("appointments", AppointmentViewSet, basename="appointment")
    router.register("contact-outcomes", ContactOutcomeViewSet, basename="contact-outcome")
