"""API for sentencing (issue 4): sentences with their requirements and panel meetings, and requirement types.

Conventions (config/api.py, risk/api.py):
- Lists and reads hold only sentences on cases the caller may see; any other sentence is 404.
- Writes go through cases.services.sentencing with the caller as the acting user. Only responsible officers
  and managers may write (others 403). The services' ValidationErrors become 400 `{"detail", "errors"}` and
  nothing changes; requirement messages are keyed "requirements" or "requirements.<code>.<field>".
- A case sentenced while awaiting sentence moves to another provider's allocation queue, so the caller may no
  longer see it afterwards: the create response still returns the sentence just recorded.
"""

import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases import selectors
from cases.api.people import StaffSummarySerializer
from cases.models import CourtAppearance, Disposal, ReferralPanelMeeting, Requirement, RequirementType, Sentence
from cases.selectors import sentencing as sentencing_selectors
from cases.services import sentencing as sentencing_services
from config.api import validated_data


@extend_schema_serializer(component_name="SentencingError")
class ErrorSerializer(serializers.Serializer):
    """The JSON error body of every endpoint (config/api.py)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


BAD_REQUEST = OpenApiResponse(ErrorSerializer, description="Field messages; nothing was changed.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or one the caller may not see.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Only responsible officers and managers may record.")


@extend_schema_field({"type": "string", "enum": list(Disposal.values)}, component_name="Disposal")
class DisposalField(serializers.ChoiceField):
    """A disposal by its code ("community_order", "referral_order"...): one named schema for every use."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "One of: " + ", ".join(Disposal.values) + ".")
        super().__init__(choices=Disposal.choices, **kwargs)


# Reference data --------------------------------------------------------------------------------------------


class RequirementTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequirementType
        fields = [
            "code",
            "name",
            "description",
            "measure",
            "counts_as_rar",
            "is_unpaid_work",
            "is_accredited_programme",
            "active",
        ]
        read_only_fields = fields


class RequirementTypeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = RequirementType
        fields = ["code", "name", "measure"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Requirement types", description="Reference data, by name."),
    retrieve=extend_schema(
        summary="One requirement type, by code", responses={200: RequirementTypeSerializer, 404: NOT_FOUND}
    ),
)
class RequirementTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Requirement types seeded by migration; switched off (`active: false`), never deleted."""

    serializer_class = RequirementTypeSerializer
    queryset = RequirementType.objects.order_by("name")
    lookup_field = "code"


# Sentences -------------------------------------------------------------------------------------------------


class RequirementSerializer(serializers.ModelSerializer):
    requirement_type = RequirementTypeSummarySerializer(read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "requirement_type",
            "maximum_days",
            "hours",
            "programme_name",
            "sessions",
            "details",
            "start_date",
            "end_date",
            "status",
        ]
        read_only_fields = fields


class PanelMeetingSerializer(serializers.ModelSerializer):
    recorded_by = StaffSummarySerializer(read_only=True)

    class Meta:
        model = ReferralPanelMeeting
        fields = ["id", "meeting_type", "meeting_date", "contract_signed", "attendees", "notes", "recorded_by"]
        read_only_fields = fields


class SentenceSerializer(serializers.ModelSerializer):
    disposal = DisposalField(read_only=True)
    requirements = RequirementSerializer(many=True, read_only=True)
    panel_meetings = PanelMeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Sentence
        fields = [
            "id",
            "case",
            "court_appearance",
            "disposal",
            "status",
            "sentence_date",
            "length_months",
            "suspended_custodial_term_months",
            "start_date",
            "end_date",
            "expected_release_date",
            "released_on",
            "licence_end_date",
            "post_sentence_supervision_end_date",
            "conditions",
            "conditions_complete_by",
            "contract_signed_on",
            "intensive_supervision_and_surveillance",
            "requirements",
            "panel_meetings",
        ]
        read_only_fields = fields


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


# Ids are positive 64-bit integers: a bigger number would overflow the database query, so it is refused (400).
MAX_ID = 2**63 - 1


def _number(help_text: str):
    """A count (months, hours, days, sessions): the services check each one's range and name it."""
    return serializers.IntegerField(required=False, allow_null=True, default=None, help_text=help_text)


class RequirementInputSerializer(serializers.Serializer):
    requirement_type = serializers.CharField(
        help_text="The type's code, e.g. rar, unpaid_work (see /api/v1/requirement-types/)."
    )
    maximum_days = _number("Rehabilitation activity requirement: 1 to 365.")
    hours = _number("Unpaid work: adults 40 to 300; under-18s 40 to 240.")
    programme_name = _text(help_text="Accredited programme: the programme's name.")
    sessions = _number("Accredited programme: 1 to 200.")
    details = _text(help_text="In the court's words; needed for types that count nothing (curfew, residence...).")


class SentenceCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The case's id. A case you may not see is answered like an unknown one: 404.",
    )
    disposal = DisposalField()
    sentence_date = serializers.DateField(help_text="Today or earlier.")
    court_appearance = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of one of the case's court appearances.",
    )
    length_months = _number("Order length, supervision period (SSO) or custodial term, in months.")
    suspended_custodial_term_months = _number("Suspended sentence order only: 1 to 24.")
    expected_release_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Custodial sentences; the halfway point when left out."
    )
    conditions = _text(help_text="Youth conditional caution only (required for it).")
    intensive_supervision_and_surveillance = serializers.BooleanField(
        required=False, default=False, help_text="Youth rehabilitation order only."
    )
    requirements = RequirementInputSerializer(many=True, required=False, default=list)


class ReleaseSerializer(serializers.Serializer):
    released_on = serializers.DateField(help_text="Today or earlier, not before the date of sentence.")


class PanelMeetingCreateSerializer(serializers.Serializer):
    meeting_type = serializers.ChoiceField(choices=ReferralPanelMeeting.MeetingType.choices)
    meeting_date = serializers.DateField(help_text="Today or earlier.")
    contract_signed = serializers.BooleanField(
        required=False, default=False, help_text="Initial panel only: the order runs from this day."
    )
    attendees = _text()
    notes = _text()


class RequirementCreateSerializer(RequirementInputSerializer):
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The date of the amendment; today when left out."
    )


class SentenceFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(
        field_name="case_id", label="Case id", min_value=1, max_value=MAX_ID, decimal_places=0
    )
    status = django_filters.ChoiceFilter(choices=Sentence.Status.choices)
    disposal = django_filters.ChoiceFilter(choices=Disposal.choices)

    class Meta:
        model = Sentence
        fields = ["case", "status", "disposal"]


@extend_schema_view(
    list=extend_schema(
        summary="Sentences",
        description="Sentences on cases you may see, newest first, each with its requirements and panel meetings.",
    ),
    retrieve=extend_schema(summary="One sentence", responses={200: SentenceSerializer, 404: NOT_FOUND}),
)
class SentenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sentences and out-of-court disposals, with requirements; recorded through the sentencing services."""

    serializer_class = SentenceSerializer
    filterset_class = SentenceFilter

    def get_queryset(self):
        return sentencing_selectors.with_details(sentencing_selectors.sentences_visible_to(self.request.user)).order_by(
            "-sentence_date", "-pk"
        )

    def _check_writer(self) -> None:
        if not sentencing_selectors.can_record_sentencing(self.request.user):
            raise PermissionDenied("Only responsible officers and managers can record sentences.")

    def _validated(self, serializer_class, **kwargs) -> dict:
        return validated_data(self.request, serializer_class, **kwargs)

    def _respond(self, sentence: Sentence, status_code=status.HTTP_200_OK) -> Response:
        """The sentence as it is now (read again with its requirements and meetings)."""
        fresh = sentencing_selectors.with_details(Sentence.objects.filter(pk=sentence.pk)).get()
        return Response(SentenceSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Record a sentence with its requirements",
        description="A case awaiting sentence moves to the allocation queue of the NPS division (adult) or youth "
        "offending team (child) of the court's region, and NPS SL002 starts for the NPS. Requirement messages "
        'are keyed "requirements" or "requirements.<code>.<field>".',
        request=SentenceCreateSerializer,
        responses={201: SentenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(SentenceCreateSerializer)
        case = selectors.case_get_for_user(user=request.user, case_id=data.pop("case"))
        self._check_writer()
        appearance_id = data.pop("court_appearance")
        appearance = None
        if appearance_id is not None:
            appearance = CourtAppearance.objects.select_related("court").filter(pk=appearance_id, case=case).first()
            if appearance is None:
                raise ValidationError({"court_appearance": "This is not one of the case's court appearances."})
        data["requirements"] = [dict(item) for item in data["requirements"]]
        sentence = sentencing_services.sentence_record(by=request.user, case=case, court_appearance=appearance, **data)
        return self._respond(sentence, status.HTTP_201_CREATED)

    def _sentence_for_write(self) -> Sentence:
        sentence = self.get_object()
        self._check_writer()
        return sentence

    @extend_schema(
        summary="Record release from custody",
        description="Custodial sentences only, once. Starts NPS SL004R / CRC SL002 (first appointment).",
        request=ReleaseSerializer,
        responses={200: SentenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def release(self, request, *args, **kwargs):
        sentence = self._sentence_for_write()
        data = self._validated(ReleaseSerializer)
        return self._respond(sentencing_services.release_record(by=request.user, sentence=sentence, **data))

    @extend_schema(
        summary="Record a referral order panel meeting",
        description="Referral orders only. The contract signed at the initial panel starts the order.",
        request=PanelMeetingCreateSerializer,
        responses={201: SentenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="panel-meetings")
    def panel_meetings(self, request, *args, **kwargs):
        sentence = self._sentence_for_write()
        data = self._validated(PanelMeetingCreateSerializer)
        sentencing_services.panel_meeting_record(by=request.user, sentence=sentence, **data)
        return self._respond(sentence, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a requirement (court amendment)",
        description="Same rules as at sentence; messages are keyed by field (requirement_type, hours...).",
        request=RequirementCreateSerializer,
        responses={201: SentenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def requirements(self, request, *args, **kwargs):
        sentence = self._sentence_for_write()
        data = self._validated(RequirementCreateSerializer)
        sentencing_services.requirement_add(by=request.user, sentence=sentence, **data)
        return self._respond(sentence, status.HTTP_201_CREATED)


def register(router) -> None:
    """Add this stage's viewsets to the /api/v1/ router."""
    router.register("sentences", SentenceViewSet, basename="sentence")
    router.register("requirement-types", RequirementTypeViewSet, basename="requirement-type")
