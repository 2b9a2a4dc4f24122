"""API for management oversight notes under /api/v1/, scoped like the pages (shared/DOMAIN.md sections 6 and 8).

- `oversight-notes/`: the notes on cases the caller may see, newest first (filter `?case=`); one by id.
- POST `oversight-notes/` adds a case review to a case, by a manager of the case's provider (or an administrator).

A case the caller may not see is answered like an unknown one (404), after the body has been validated; someone who
may see the case but may not record oversight gets 403. The service's ValidationErrors become 400
`{"detail": ..., "errors": {field: [messages]}}` and nothing changes. Notes are never changed or deleted.
"""

import django_filters
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases import selectors
from cases.api.people import StaffSummarySerializer
from cases.models import ManagementOversightNote
from cases.selectors.oversight import oversight_notes_visible_to
from cases.services.oversight import NOTE_MAX_LENGTH, can_record_oversight, oversight_note_add
from config.api import validated_data
from risk.api import BAD_REQUEST, NOT_FOUND, ErrorSerializer

BIG_ID = 2**63 - 1
CASE_SCOPE = "A case you may not see is answered like an unknown one: 404."
NOT_A_MANAGER = "Only a manager of the provider holding this case can record management oversight."
Kind = ManagementOversightNote.Kind


@extend_schema_field({"type": "string", "enum": Kind.values}, component_name="OversightNoteKind")
class KindField(serializers.ChoiceField):
    """high_risk_allocation, recall_decision, case_review or quality_audit."""

    def __init__(self, **kwargs):
        super().__init__(choices=Kind.choices, **kwargs)


class OversightNoteSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    kind = KindField(read_only=True)
    recorded_by = StaffSummarySerializer(read_only=True)
    subject = serializers.CharField(
        read_only=True,
        help_text="The decision the note belongs to, as '<kind>:<id>' (for example 'recall:4'), else ''.",
    )

    class Meta:
        model = ManagementOversightNote
        fields = ["id", "case", "crn", "kind", "note", "recorded_on", "recorded_by", "subject", "created_at"]
        read_only_fields = fields


class OversightNoteCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text=f"The case's id. {CASE_SCOPE}")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        error_messages={
            "max_length": f"The management oversight note must be {NOTE_MAX_LENGTH:,} characters or fewer."
        },
        help_text="The manager's note: required.",
    )
    recorded_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day of the oversight: today when left out; not in the future."
    )


class OversightNoteFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = ManagementOversightNote
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(
        summary="Management oversight notes",
        description="Notes on cases you may see, newest first: allocations of high risk of serious harm cases, "
        "recall decisions, case reviews and quality audits.",
    ),
    retrieve=extend_schema(
        summary="One management oversight note", responses={200: OversightNoteSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Add a case review",
        description="A manager of the case's provider (or an administrator) records management oversight of the "
        f"case, as a case review. {CASE_SCOPE}",
        request=OversightNoteCreateSerializer,
        responses={
            201: OversightNoteSerializer,
            400: BAD_REQUEST,
            403: OpenApiResponse(ErrorSerializer, description="You may see the case but not record oversight."),
            404: NOT_FOUND,
        },
    ),
)
class OversightNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A manager's oversight of a case, kept as written."""

    serializer_class = OversightNoteSerializer
    filterset_class = OversightNoteFilter

    def get_queryset(self):
        return oversight_notes_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        data = validated_data(request, OversightNoteCreateSerializer)
        case = selectors.cases_visible_to(request.user).select_related("provider").filter(pk=data["case"]).first()
        if case is None:
            raise Http404("Not found")
        if not can_record_oversight(request.user, case):
            raise PermissionDenied(NOT_A_MANAGER)
        note = oversight_note_add(
            by=request.user,
            case=case,
            note=data.get("note", ""),
            kind=Kind.CASE_REVIEW,
            on=data.get("recorded_on"),
        )
        fresh = self.get_queryset().get(pk=note.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Add the oversight notes viewset to the /api/v1/ router (config/urls.py calls this)."""
    router.register("oversight-notes", OversightNoteViewSet, basename="oversight-note")
