"""API for recall under /api/v1/, scoped like the pages (shared/DOMAIN.md section 6).

- `recalls/`: recalls on cases the caller may see, newest first (filter by status and case), each with the steps the
  caller may take now. POST `recalls/` starts considering recall by hand on a licence case (a recall also starts when
  a failure to comply is decided as recall action).
- POST `recalls/<id>/<step>/` takes a step: `submit/`, `review/`, `countersign/`, `decline-countersignature/`,
  `send/`, `return-to-custody/`, `documents-supplied/`, `withdraw/` (enforcement.services.recall).
- POST `recalls/<id>/record-information-request/` records that public protection casework (or the court) asked for
  more information about a recall sent to it, and POST `recalls/<id>/answer-information-request/` the answer (CRC
  SL017); each recall lists its `information_requests`, oldest first.

A case or recall the caller may not see is answered like an unknown one (404), after the body has been validated;
someone who may see it but may not take the step gets 403. A step the recall's status does not allow, and the
service's other ValidationErrors, become 400 `{"detail": ..., "errors": {field: [messages]}}` and nothing changes.
"""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases import selectors as case_selectors
from cases import services as case_services
from cases.api.people import StaffSummarySerializer
from cases.models import Sentence
from config.api import validated_data
from enforcement import rules
from enforcement.models import Recall, RecallInformationRequest, RecallRecommendation, RecallStatus
from enforcement.selectors import recall as selectors
from enforcement.services import recall as services
from risk.api import BAD_REQUEST, NOT_FOUND, ErrorSerializer

SCOPE = "A case or recall you may not see is answered like an unknown one: 404."
BIG_ID = 2**63 - 1
Status = RecallStatus
Recommendation = RecallRecommendation
Source = RecallInformationRequest.Source
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see the recall but not take this step.")


# Choice fields with named enums, so they never collide with other endpoints' "status" fields.


@extend_schema_field({"type": "string", "enum": Status.values}, component_name="RecallStatus")
class RecallStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Recommendation.values}, component_name="RecallRecommendation")
class RecommendationField(serializers.ChoiceField):
    """standard, fixed_term or no_recall ('' until reviewed)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": services.CHOOSE_RECOMMENDATION})
        super().__init__(choices=Recommendation.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(services.STEPS)}, component_name="RecallStep")
class StepField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": Source.values}, component_name="RecallInformationSource")
class SourceField(serializers.ChoiceField):
    """ppcs (public protection casework), court or other."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": services.CHOOSE_SOURCE})
        super().__init__(choices=Source.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Status.values}, component_name="RecallStatus")
class RecallStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


# Serializers ---------------------------------------------------------------------------------------------------------


class RecallLicenceSerializer(serializers.ModelSerializer):
    """The custodial sentence whose licence the recall is on."""

    class Meta:
        model = Sentence
        fields = ["id", "disposal", "sentence_date", "length_months", "released_on", "licence_end_date"]
        read_only_fields = fields


class RecallInformationRequestSerializer(serializers.ModelSerializer):
    source = SourceField(read_only=True)
    recorded_by = StaffSummarySerializer(read_only=True)
    answered_on = serializers.DateField(read_only=True, allow_null=True, help_text="Null until answered.")
    answer = serializers.CharField(read_only=True, help_text="What was sent in reply: '' until answered.")
    answered_by = StaffSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = RecallInformationRequest
        fields = [
            "id",
            "source",
            "requested_on",
            "message",
            "recorded_by",
            "recorded_at",
            "answered_on",
            "answer",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields


class RecallSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    person_name = serializers.CharField(source="case.person.full_name", read_only=True)
    sentence = RecallLicenceSerializer(read_only=True)
    failure = serializers.IntegerField(
        source="failure_id",
        read_only=True,
        allow_null=True,
        help_text="The failure to comply decided as recall action that started it, else null (started by hand).",
    )
    status = RecallStatusField(read_only=True)
    recommendation = RecommendationField(read_only=True, allow_blank=True, help_text="'' until reviewed.")
    extended_or_specified_sentence = serializers.BooleanField(read_only=True, allow_null=True)
    charged_with_serious_offence = serializers.BooleanField(read_only=True, allow_null=True)
    risk_manageable_after_fixed_term = serializers.BooleanField(read_only=True, allow_null=True)
    fixed_term_suitable = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="The answers leave fixed-term recall open (null until answered)."
    )
    fixed_term_days = serializers.SerializerMethodField(
        help_text="How long a fixed-term recall would last: 14 days (under 18 on the day of the review, or a "
        "custodial term under 12 months) or 28; null when the custodial term is not recorded."
    )
    initiated_by = StaffSummarySerializer(read_only=True)
    reviewed_by = StaffSummarySerializer(read_only=True, allow_null=True)
    countersigned_by = StaffSummarySerializer(read_only=True, allow_null=True)
    no_recall_letter = serializers.CharField(
        read_only=True,
        help_text="The letter as issued when it was decided not to recall (paragraphs separated by "
        "blank lines), else ''.",
    )
    steps_allowed = serializers.SerializerMethodField(help_text="The steps you may take on the recall now.")
    information_requests = RecallInformationRequestSerializer(
        many=True,
        read_only=True,
        help_text="Requests for more information about the recall once sent to public protection casework (CRC "
        "SL017), oldest first.",
    )

    class Meta:
        model = Recall
        fields = [
            "id",
            "case",
            "crn",
            "person_name",
            "sentence",
            "failure",
            "status",
            "aware_on",
            "reasons",
            "recommendation",
            "rationale",
            "alternatives_considered",
            "extended_or_specified_sentence",
            "charged_with_serious_offence",
            "risk_manageable_after_fixed_term",
            "fixed_term_suitable",
            "fixed_term_days",
            "reviewed_by",
            "reviewed_on",
            "countersigned_by",
            "countersigned_on",
            "countersignature_note",
            "sent_to_ppcs_on",
            "returned_to_custody_on",
            "documents_supplied_on",
            "withdrawn_reason",
            "no_recall_letter",
            "initiated_by",
            "created_at",
            "steps_allowed",
            "information_requests",
        ]
        read_only_fields = fields

    def get_fixed_term_days(self, recall: Recall) -> int | None:
        return recall.fixed_term_days()

    @extend_schema_field(serializers.ListField(child=StepField()))
    def get_steps_allowed(self, recall: Recall) -> list[str]:
        return services.steps_allowed(self.context["request"].user, recall)


def _text(help_text: str, *, limit: int = services.TEXT_MAX_LENGTH, label: str = "The text"):
    return serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        max_length=limit,
        error_messages={"max_length": f"{label} must be {limit:,} characters or fewer."},
        help_text=help_text,
    )


class RecallConsiderSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text=f"The licence case. {SCOPE}")
    reasons = _text(
        "Why recall is being considered: the breach of the licence or the rise in risk.", label="The reasons"
    )
    aware_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day it came to light: today when left out; not in the future nor before the release.",
    )


class RecallSubmitSerializer(serializers.Serializer):
    reasons = _text("The officer's reasons for recall (they replace those recorded).", label="The reasons")


class RecallReviewSerializer(serializers.Serializer):
    recommendation = RecommendationField(required=False, allow_blank=True)
    rationale = _text("The manager's reasons for the recommendation: required.", label="The rationale")
    alternatives_considered = _text("What else was considered: required.", label="The alternatives considered")
    extended_or_specified_sentence = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Required for a standard or fixed-term recall."
    )
    charged_with_serious_offence = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Required for a standard or fixed-term recall."
    )
    risk_manageable_after_fixed_term = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Required for a standard or fixed-term recall."
    )
    on = serializers.DateField(
        required=False, allow_null=True, help_text="The day of the review: today when left out; not in the future."
    )


class RecallNoteSerializer(serializers.Serializer):
    note = _text("The senior manager's note.", limit=services.NOTE_MAX_LENGTH, label="The note")


class RecallDeclineSerializer(serializers.Serializer):
    note = _text(
        "Why it is not countersigned, for the manager who reviews it again: required.",
        limit=services.NOTE_MAX_LENGTH,
        label="The note",
    )


class RecallOptionalDateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="Today when left out; not in the future.")


class RecallDateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="Required; not in the future.")


class RecallWithdrawSerializer(serializers.Serializer):
    reason = _text("Why the recall is withdrawn: required.", limit=services.NOTE_MAX_LENGTH, label="The reason")


class RecallInformationRequestCreateSerializer(serializers.Serializer):
    source = SourceField(required=False, allow_blank=True, help_text="Who asked: required.")
    requested_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day they asked: required; not in the future nor before the recall was sent.",
    )
    message = _text("What they asked for: required.", limit=services.NOTE_MAX_LENGTH, label="The message")


class RecallInformationAnswerSerializer(serializers.Serializer):
    request = serializers.IntegerField(
        min_value=1, max_value=BIG_ID, help_text="The id of the recall's request for more information."
    )
    answered_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day the answer was sent: required; not before the request."
    )
    answer = _text("What was sent in reply: required.", limit=services.NOTE_MAX_LENGTH, label="The answer")


NO_SUCH_REQUEST = "This recall has no request for more information with this id."


class RecallFilter(django_filters.FilterSet):
    status = RecallStatusFilter()
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = Recall
        fields = ["status", "case"]


def _id_from(kwargs, key: str = "pk") -> int:
    """The id in the URL, or Http404 when it is not one (never a 500 for an id out of the database's range)."""
    try:
        value = int(kwargs[key])
    except (TypeError, ValueError):
        raise Http404("Not found") from None
    if not 1 <= value <= BIG_ID:
        raise Http404("Not found")
    return value


def _step(name: str, *, summary: str, description: str, request):
    """The schema of a step action."""
    return extend_schema(
        summary=summary,
        description=f"{description} {SCOPE}",
        request=request,
        responses={200: RecallSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
        operation_id=f"recalls_{name}",
    )


@extend_schema_view(
    list=extend_schema(summary="Recalls", description="Recalls on cases you may see, newest first."),
    retrieve=extend_schema(summary="One recall", responses={200: RecallSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Consider recall",
        description="Start considering recall by hand on a licence case, by its responsible officer or a manager of "
        "its team. Starts CRC AF / NPS SL012 (a recommendation within 1 day). An order is breached, not recalled; a "
        f"detention and training order's supervision goes back to the youth court. {SCOPE}",
        request=RecallConsiderSerializer,
        responses={201: RecallSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class RecallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recall to custody of someone on licence: considered, reviewed by a manager, countersigned by a senior manager,
    sent to public protection casework, returned to custody, documents supplied (or not recalled, or withdrawn)."""

    serializer_class = RecallSerializer
    filterset_class = RecallFilter

    def get_queryset(self):
        requests = RecallInformationRequest.objects.select_related("recorded_by", "answered_by").order_by(
            "requested_on", "pk"
        )
        return (
            selectors.recalls_visible_to(self.request.user)
            .prefetch_related(Prefetch("information_requests", queryset=requests))
            .order_by("-aware_on", "-pk")
        )

    def retrieve(self, request, *args, **kwargs):
        recall = self._recall(kwargs)
        if recall.has_access_limits:
            case_services.access_record_write(person=recall.case.person, user=request.user, path=request.path)
        return self._respond(recall)

    def create(self, request, *args, **kwargs):
        data = validated_data(request, RecallConsiderSerializer)
        case = case_selectors.case_get_for_user(user=request.user, case_id=data["case"])
        if not rules.can_decide(request.user, case):
            raise PermissionDenied(services.ONLY_OFFICER_OR_MANAGER.format(action="start a recall"))
        recall = services.recall_consider(
            by=request.user, case=case, reasons=data.get("reasons", ""), aware_on=data.get("aware_on")
        )
        return self._respond(recall, status.HTTP_201_CREATED)

    def _recall(self, kwargs) -> Recall:
        return selectors.recall_get_for_user(user=self.request.user, recall_id=_id_from(kwargs))

    def _respond(self, recall: Recall, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=recall.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _take(self, request, kwargs, serializer_class, step: str, run) -> Response:
        data = validated_data(request, serializer_class)
        recall = self._recall(kwargs)
        rule = services.STEPS[step]
        if not rule.may(request.user, recall.case):
            raise PermissionDenied(rule.who)
        return self._respond(run(recall, data))

    @_step(
        "submit",
        summary="Send the recall for review",
        description="The officer's reasons (replacing those recorded) go to a manager: considering to waiting for "
        "review.",
        request=RecallSubmitSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallSubmitSerializer,
            "submit_for_review",
            lambda recall, data: services.recall_submit_for_review(
                by=request.user, recall=recall, reasons=data.get("reasons", "")
            ),
        )

    @_step(
        "review",
        summary="Review the recall",
        description="A manager of the case's team records the rationale, the alternatives considered and (for a "
        "standard or fixed-term recall) the three fixed-term suitability answers. Fixed-term only for false, false, "
        "true. Standard or fixed-term: waiting for countersignature; no recall: not recalled, with the letter to "
        "the person. Stops CRC AF / NPS SL012.",
        request=RecallReviewSerializer,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallReviewSerializer,
            "review",
            lambda recall, data: services.recall_review(
                by=request.user,
                recall=recall,
                recommendation=data.get("recommendation", ""),
                rationale=data.get("rationale", ""),
                alternatives_considered=data.get("alternatives_considered", ""),
                extended_or_specified_sentence=data.get("extended_or_specified_sentence"),
                charged_with_serious_offence=data.get("charged_with_serious_offence"),
                risk_manageable_after_fixed_term=data.get("risk_manageable_after_fixed_term"),
                on=data.get("on"),
            ),
        )

    @_step(
        "countersign",
        summary="Countersign the recall",
        description="A senior manager of the case's provider, not the manager who reviewed it.",
        request=RecallNoteSerializer,
    )
    @action(detail=True, methods=["post"])
    def countersign(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallNoteSerializer,
            "countersign",
            lambda recall, data: services.recall_countersign(by=request.user, recall=recall, note=data.get("note", "")),
        )

    @_step(
        "decline_countersignature",
        summary="Decline to countersign the recall",
        description="A senior manager sends it back to the manager with a note; the recommendation is cleared (the "
        "history keeps it) and the manager reviews it again.",
        request=RecallDeclineSerializer,
    )
    @action(detail=True, methods=["post"], url_path="decline-countersignature")
    def decline_countersignature(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallDeclineSerializer,
            "decline_countersignature",
            lambda recall, data: services.recall_decline_countersignature(
                by=request.user, recall=recall, note=data.get("note", "")
            ),
        )

    @_step(
        "send",
        summary="Send the recall to public protection casework",
        description="Once countersigned, by the officer or a manager of the case's team.",
        request=RecallOptionalDateSerializer,
    )
    @action(detail=True, methods=["post"])
    def send(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallOptionalDateSerializer,
            "send_to_ppcs",
            lambda recall, data: services.recall_send_to_ppcs(by=request.user, recall=recall, on=data.get("on")),
        )

    @_step(
        "return_to_custody",
        summary="Record the return to custody",
        description="Not before the recall was sent. Starts NPS SL024 (the recall documents within 10 working days).",
        request=RecallDateSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return-to-custody")
    def return_to_custody(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallDateSerializer,
            "record_return_to_custody",
            lambda recall, data: services.recall_record_return_to_custody(
                by=request.user, recall=recall, on=data.get("on")
            ),
        )

    @_step(
        "documents_supplied",
        summary="Record the recall documents as supplied",
        description="On or after the return to custody. Stops NPS SL024.",
        request=RecallDateSerializer,
    )
    @action(detail=True, methods=["post"], url_path="documents-supplied")
    def documents_supplied(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallDateSerializer,
            "record_documents_supplied",
            lambda recall, data: services.recall_record_documents_supplied(
                by=request.user, recall=recall, on=data.get("on")
            ),
        )

    @_step(
        "withdraw",
        summary="Withdraw the recall",
        description="At any step before the return to custody, with the reason. Its clocks no longer apply.",
        request=RecallWithdrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._take(
            request,
            kwargs,
            RecallWithdrawSerializer,
            "withdraw",
            lambda recall, data: services.recall_withdraw(
                by=request.user, recall=recall, reason=data.get("reason", "")
            ),
        )

    @_step(
        "record_information_request",
        summary="Record a request for more information",
        description="Public protection casework, the court or someone else asked for more information about the "
        "recall (it counts against CRC SL017). Once the recall has been sent to public protection casework, by the "
        "officer or a manager of the case's team; not dated before it was sent.",
        request=RecallInformationRequestCreateSerializer,
    )
    @action(detail=True, methods=["post"], url_path="record-information-request")
    def record_information_request(self, request, *args, **kwargs):
        data = validated_data(request, RecallInformationRequestCreateSerializer)
        recall = self._recall(kwargs)
        if not rules.can_decide(request.user, recall.case):
            raise PermissionDenied(services.ONLY_OFFICER_OR_MANAGER.format(action=services.RECORD_REQUEST_ACTION))
        services.recall_record_information_request(
            by=request.user,
            recall=recall,
            requested_on=data.get("requested_on"),
            source=data.get("source", ""),
            message=data.get("message", ""),
        )
        return self._respond(recall)

    @_step(
        "answer_information_request",
        summary="Record the answer to a request for more information",
        description="What was sent in reply and when (not before the request); once per request.",
        request=RecallInformationAnswerSerializer,
    )
    @action(detail=True, methods=["post"], url_path="answer-information-request")
    def answer_information_request(self, request, *args, **kwargs):
        data = validated_data(request, RecallInformationAnswerSerializer)
        recall = self._recall(kwargs)
        if not rules.can_decide(request.user, recall.case):
            raise PermissionDenied(services.ONLY_OFFICER_OR_MANAGER.format(action=services.ANSWER_REQUEST_ACTION))
        info_request = recall.information_requests.filter(pk=data["request"]).first()
        if info_request is None:
            raise serializers.ValidationError({"request": [NO_SUCH_REQUEST]})
        services.recall_answer_information_request(
            by=request.user,
            request=info_request,
            answered_on=data.get("answered_on"),
            answer=data.get("answer", ""),
        )
        return self._respond(recall)


def register(router) -> None:
    """Add the recall viewset to the /api/v1/ router."""
    router.register("recalls", RecallViewSet, basename="recall")
