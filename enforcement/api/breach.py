"""API for breach under /api/v1/, scoped like the pages (shared/DOMAIN.md section 6, enforcement.services.breach).

- `breaches/`: breaches on cases the caller may see (and, for NPS staff, the CRC breaches of their region referred
  to the NPS), newest first (filter by status and case), each with the steps the caller may take now
  (`steps_allowed`, by the names of enforcement.services.breach) and its current pack version; one breach adds its
  timeline. POST `<id>/<step>/` takes a step of the lifecycle and answers the breach as it is after it: `draft/`,
  `submit/`, `sign-off/`, `return/`, `refer-to-nps/`, `nps-accept/`, `nps-request-more/`, `send-to-court/`,
  `new-version/`, `outcome/` and `withdraw/`.
- `breach-packs/`: the pack versions of those breaches, each frozen as prepared (filter by breach).
- `court-breach-packs/`: for court users only, the pack versions sent to the courts they work for (nobody else sees
  any, and a court user never sees another court's); POST `<id>/acknowledge/` and `<id>/request-information/`.

Breaches and packs are never created through the API: a failure to comply decided as breach action opens the breach
(enforcement.services.compliance.failure_decide) and submitting it freezes each version. A breach or pack the caller
may not see is answered like an unknown one (404), after the body has been validated. Someone who may see a breach
but may not take the step (enforcement.rules: the case's responsible officer or a manager of its team prepares the
pack, a manager who did not prepare the version signs it off, the NPS of the region reviews a CRC's referral and
presents it) gets 403 with the service's message. A step the breach's status does not allow, and every other
ValidationError of the services, is 400 `{"detail": ..., "errors": {field: [messages]}}`, and nothing changes.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Court
from cases import services as case_services
from cases.api.people import StaffSummarySerializer
from cases.models import PersonAccessLimit, Sentence
from config.api import validated_data
from enforcement import rules
from enforcement.api.compliance import BIG_ID, _id_from
from enforcement.models import Breach, BreachPack, BreachStatus, BreachStep, CourtInformationRequest, HearingOutcome
from enforcement.selectors import breach as selectors
from enforcement.services import breach as services
from risk.api import BAD_REQUEST, NOT_FOUND, ErrorSerializer

SCOPE = "A breach you may not see is answered like an unknown one: 404."
PACK_SCOPE = "A pack version you may not see is answered like an unknown one: 404."
COURT_SCOPE = "Court users only, and only the packs sent to their courts: any other pack is answered 404."
Status = BreachStatus
# The names services.steps_allowed answers with: the service each names (breach_<name>) and the action taking it.
STEP_NAMES = (
    "update_draft",
    "submit",
    "sign_off",
    "return",
    "refer_to_nps",
    "nps_accept",
    "nps_request_more",
    "send_to_court",
    "start_new_version",
    "record_outcome",
    "withdraw",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="You may see the breach but may not take this step (the message says who may).",
)
CHOOSE_COURT = "Choose a court from the list."
CHOOSE_OUTCOME = "Choose the court's outcome."


def _too_long(label: str, limit: int) -> dict:
    return {"max_length": f"{label} must be {limit:,} characters or fewer."}


# Choice fields with named enums, so they never collide with other endpoints' "status", "outcome" and "step" fields.


@extend_schema_field({"type": "string", "enum": Status.values}, component_name="BreachStatus")
class BreachStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": HearingOutcome.values}, component_name="HearingOutcome")
class HearingOutcomeField(serializers.ChoiceField):
    """The court's outcome ('' until it is recorded)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": CHOOSE_OUTCOME})
        super().__init__(choices=HearingOutcome.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": BreachStep.Step.values}, component_name="BreachStepKind")
class BreachStepKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=BreachStep.Step.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(STEP_NAMES)}, component_name="BreachStepAllowed")
class StepAllowedField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=STEP_NAMES, **kwargs)


@extend_schema_field({"type": "string", "enum": Status.values}, component_name="BreachStatus")
class BreachStatusFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


# Serializers ---------------------------------------------------------------------------------------------------------


class BreachSentenceSerializer(serializers.ModelSerializer):
    """The order breached."""

    class Meta:
        model = Sentence
        fields = ["id", "disposal"]
        read_only_fields = fields


class BreachCourtSerializer(serializers.ModelSerializer):
    class Meta:
        model = Court
        fields = ["id", "name"]
        read_only_fields = fields


class BreachPackSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class BreachStepSerializer(serializers.ModelSerializer):
    step = BreachStepKindField(read_only=True)
    by = StaffSummarySerializer(read_only=True)
    pack_version = serializers.IntegerField(
        source="pack.version", read_only=True, allow_null=True, help_text="The pack version the step was on, if any."
    )

    class Meta:
        model = BreachStep
        fields = ["step", "on", "by", "note", "pack_version"]
        read_only_fields = fields


class BreachSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    crn = serializers.CharField(source="case.person.crn", read_only=True)
    person_name = serializers.CharField(source="case.person.full_name", read_only=True)
    sentence = BreachSentenceSerializer(read_only=True)
    failure = serializers.IntegerField(
        source="failure_id", read_only=True, help_text="The failure to comply whose decision was breach action."
    )
    court = BreachCourtSerializer(
        read_only=True, allow_null=True, help_text="The court the pack goes to (the sentencing court unless chosen)."
    )
    status = BreachStatusField(read_only=True)
    outcome = HearingOutcomeField(read_only=True, allow_blank=True, help_text="'' until the outcome is recorded.")
    steps_allowed = serializers.ListField(
        child=StepAllowedField(),
        read_only=True,
        help_text="The steps you may take now, by their services' names: update_draft (draft/), submit, sign_off "
        "(sign-off/), return, refer_to_nps (refer-to-nps/), nps_accept (nps-accept/), nps_request_more "
        "(nps-request-more/), send_to_court (send-to-court/), start_new_version (new-version/), record_outcome "
        "(outcome/) and withdraw.",
    )
    current_pack = BreachPackSummarySerializer(
        read_only=True, allow_null=True, help_text="The latest pack version, or null before the first is submitted."
    )

    class Meta:
        model = Breach
        fields = [
            "id",
            "case",
            "crn",
            "person_name",
            "sentence",
            "failure",
            "court",
            "status",
            "aware_on",
            "statement",
            "proposal",
            "hearing_on",
            "outcome",
            "outcome_details",
            "withdrawn_reason",
            "steps_allowed",
            "current_pack",
        ]
        read_only_fields = fields


class BreachDetailSerializer(BreachSerializer):
    steps = BreachStepSerializer(many=True, read_only=True, help_text="The timeline, oldest first.")

    class Meta(BreachSerializer.Meta):
        fields = [*BreachSerializer.Meta.fields, "steps"]
        read_only_fields = fields


class BreachDraftSerializer(serializers.Serializer):
    statement = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.TEXT_MAX_LENGTH,
        error_messages=_too_long("The statement", services.TEXT_MAX_LENGTH),
        help_text="The officer's statement to the court; left out, it stays as saved.",
    )
    proposal = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.TEXT_MAX_LENGTH,
        error_messages=_too_long("The proposal", services.TEXT_MAX_LENGTH),
        help_text="What the officer proposes the court does; left out, it stays as saved.",
    )
    court = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=BIG_ID,
        error_messages={"invalid": CHOOSE_COURT, "min_value": CHOOSE_COURT, "max_value": CHOOSE_COURT},
        help_text="The id of the (active) court the pack goes to; left out, it stays as saved.",
    )


class BreachNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.NOTE_MAX_LENGTH,
        error_messages=_too_long("The note", services.NOTE_MAX_LENGTH),
        help_text="Signing off: optional. Sending back: what needs to change (required).",
    )


class BreachMessageSerializer(serializers.Serializer):
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.NOTE_MAX_LENGTH,
        error_messages=_too_long("The message", services.NOTE_MAX_LENGTH),
        help_text="What more information is needed (required).",
    )


class BreachReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.NOTE_MAX_LENGTH,
        error_messages=_too_long("The reason", services.NOTE_MAX_LENGTH),
        help_text="Why (required).",
    )


class BreachOutcomeSerializer(serializers.Serializer):
    hearing_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day of the hearing: not in the future, nor before the pack was first sent to court.",
    )
    outcome = HearingOutcomeField(required=False, allow_blank=True)
    details = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.NOTE_MAX_LENGTH,
        error_messages=_too_long("The details", services.NOTE_MAX_LENGTH),
        help_text="Required when the order is amended: how.",
    )


class BreachPackSerializer(serializers.ModelSerializer):
    """One pack version as frozen when it was prepared, with where it has been since."""

    PDF_URL_NAME = "enforcement:breach_pack_pdf"

    breach = serializers.IntegerField(source="breach_id", read_only=True)
    content = serializers.JSONField(
        read_only=True, help_text="The facts of the record as assembled for this version (never changed)."
    )
    prepared_by = StaffSummarySerializer(read_only=True)
    signed_off_by = StaffSummarySerializer(read_only=True, allow_null=True)
    court = BreachCourtSerializer(read_only=True, allow_null=True)
    pdf_url = serializers.SerializerMethodField(help_text="The address of the version's PDF.")

    class Meta:
        model = BreachPack
        fields = [
            "id",
            "version",
            "breach",
            "content",
            "statement",
            "proposal",
            "prepared_by",
            "prepared_at",
            "signed_off_by",
            "signed_off_at",
            "returned_at",
            "returned_note",
            "referred_to_nps_at",
            "sent_to_court_at",
            "court",
            "acknowledged_at",
            "superseded_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, pack) -> str:
        return reverse(self.PDF_URL_NAME, args=[pack.pk])


class CourtInformationRequestSerializer(serializers.ModelSerializer):
    requested_by = StaffSummarySerializer(read_only=True)
    answered_by_pack = serializers.IntegerField(
        source="answered_by_pack_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the corrected version sent in reply, or null while unanswered.",
    )

    class Meta:
        model = CourtInformationRequest
        fields = ["id", "message", "requested_by", "requested_at", "answered_by_pack"]
        read_only_fields = fields


class CourtBreachPackSerializer(BreachPackSerializer):
    """A pack version as the court received it, with the court's requests for more information on it."""

    PDF_URL_NAME = "enforcement:court_pack_pdf"

    crn = serializers.CharField(source="breach.case.person.crn", read_only=True)
    person_name = serializers.CharField(source="breach.case.person.full_name", read_only=True)
    court = BreachCourtSerializer(read_only=True)
    acknowledged_by = StaffSummarySerializer(read_only=True, allow_null=True)
    information_requests = CourtInformationRequestSerializer(
        many=True, read_only=True, help_text="The court's requests for more information on this version, newest first."
    )
    request_count = serializers.IntegerField(read_only=True)

    class Meta(BreachPackSerializer.Meta):
        fields = [
            *BreachPackSerializer.Meta.fields[:3],
            "crn",
            "person_name",
            *BreachPackSerializer.Meta.fields[3:],
            "acknowledged_by",
            "information_requests",
            "request_count",
        ]
        read_only_fields = fields


class BreachFilter(django_filters.FilterSet):
    status = BreachStatusFilter()
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = Breach
        fields = ["status", "case"]


class BreachPackFilter(django_filters.FilterSet):
    breach = django_filters.NumberFilter(field_name="breach_id", min_value=1, max_value=BIG_ID)

    class Meta:
        model = BreachPack
        fields = ["breach"]


# Helpers -------------------------------------------------------------------------------------------------------------


def _access_limit_flag(queryset, person_ref: str):
    return queryset.annotate(
        has_access_limits=Exists(
            PersonAccessLimit.objects.filter(person_id=OuterRef(person_ref), ended_at__isnull=True)
        )
    )


def _with_current_pack(breaches):
    latest = BreachPack.objects.filter(breach_id=OuterRef("pk")).order_by("-version")
    return breaches.annotate(
        current_pack_pk=Subquery(latest.values("pk")[:1]), current_pack_version=Subquery(latest.values("version")[:1])
    )


def _mark(user, breaches) -> list[Breach]:
    """Set `steps_allowed` and `current_pack` on each breach (from its row: no query per breach)."""
    breaches = list(breaches)
    for breach in breaches:
        breach.steps_allowed = services.steps_allowed(user, breach)
        breach.current_pack = (
            {"id": breach.current_pack_pk, "version": breach.current_pack_version} if breach.current_pack_pk else None
        )
    return breaches


# Who may take each step: the same rules the services check first. They only choose 403 over 400 for a service's
# refusal; the service decides, and its message is the answer.


def _may_prepare(user, breach: Breach) -> bool:
    return rules.can_prepare_breach(user, breach.case)


def _may_manage(user, breach: Breach) -> bool:
    return rules.can_sign_off_breach(user, breach.case)


def _may_sign_off(user, breach: Breach) -> bool:
    """A manager of the case's team, who did not prepare the version waiting (asked only while one waits: from any
    other status the service's refusal is about the status)."""
    if not rules.can_sign_off_breach(user, breach.case):
        return False
    if breach.status != Status.AWAITING_SIGN_OFF:
        return True
    pack = services.current_pack(breach)
    return pack is None or pack.prepared_by_id != user.pk


def _is_nps_for(user, breach: Breach) -> bool:
    return rules.is_nps_court_staff_for(user, breach.case)


def _may_record_outcome(user, breach: Breach) -> bool:
    return _may_prepare(user, breach) or (services.is_crc_case(breach) and _is_nps_for(user, breach))


def _step_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=f"{description} {SCOPE}",
        request=request,
        responses={200: BreachDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )


# Viewsets ------------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Breaches",
        description="Breaches on cases you may see (and for NPS staff the CRC breaches of their region referred to "
        "the NPS), most recently aware of first, each with the steps you may take now.",
    ),
    retrieve=extend_schema(
        summary="One breach",
        description=f"With its timeline. {SCOPE}",
        responses={200: BreachDetailSerializer, 404: NOT_FOUND},
    ),
)
class BreachViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Breach of an order: from the breach action decision, through the pack's sign-off (and for a CRC's case the
    NPS's review), to the court and its outcome; withdrawn at any step before the outcome."""

    serializer_class = BreachSerializer
    filterset_class = BreachFilter

    def get_queryset(self):
        return _with_current_pack(selectors.breaches_visible_to(self.request.user)).order_by("-aware_on", "-pk")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.get_serializer(_mark(request.user, queryset), many=True).data)
        return self.get_paginated_response(self.get_serializer(_mark(request.user, page), many=True).data)

    def _detail(self, breach_id: int, *, flag: bool = False) -> Breach | None:
        queryset = self.get_queryset().prefetch_related(
            Prefetch("steps", queryset=BreachStep.objects.select_related("by", "pack").order_by("at", "pk"))
        )
        if flag:
            queryset = _access_limit_flag(queryset, "case__person_id")
        return queryset.filter(pk=breach_id).first()

    def _respond(self, breach: Breach) -> Response:
        return Response(BreachDetailSerializer(_mark(self.request.user, [breach])[0]).data)

    def retrieve(self, request, *args, **kwargs):
        breach = self._detail(_id_from(kwargs), flag=True)
        if breach is None:
            raise Http404("Not found")
        if breach.has_access_limits:
            case_services.access_record_write(person=breach.case.person, user=request.user, path=request.path)
        return self._respond(breach)

    def _take(self, kwargs, may, step, body=None) -> Response:
        """Validate the body, find the breach (404), take the step through its service (`step(breach, data)`) and
        answer the breach after it. The service's refusal is 403 when the rules say the caller may not take the step,
        else 400."""
        data = validated_data(self.request, body) if body else {}
        breach = self.get_queryset().filter(pk=_id_from(kwargs)).first()
        if breach is None:
            raise Http404("Not found")
        permitted = may(self.request.user, breach)
        try:
            step(breach, data)
        except DjangoValidationError as error:
            if not permitted:
                raise PermissionDenied(" ".join(error.messages)) from None
            raise
        return self._respond(self._detail(breach.pk))

    @_step_schema(
        "Save the pack's draft",
        "The statement, proposal and court while the pack is prepared (a draft). Fields left out stay as saved. By "
        "the case's responsible officer or a manager of its team.",
        BreachDraftSerializer,
    )
    @action(detail=True, methods=["post"])
    def draft(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_update_draft(
                by=request.user,
                breach=breach,
                statement=data.get("statement", breach.statement),
                proposal=data.get("proposal", breach.proposal),
                court=data.get("court", breach.court_id),
            )

        return self._take(kwargs, _may_prepare, step, BreachDraftSerializer)

    @_step_schema(
        "Submit the pack for sign-off",
        "Freezes the next pack version from the record with the statement and proposal (all three and the court are "
        "needed). By the case's responsible officer or a manager of its team.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._take(
            kwargs, _may_prepare, lambda breach, data: services.breach_submit(by=request.user, breach=breach)
        )

    @_step_schema(
        "Sign the pack off",
        "The version waiting for sign-off, by a manager of the case's team who did not prepare it; the note is "
        "optional.",
        BreachNoteSerializer,
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_sign_off(by=request.user, breach=breach, note=data.get("note", ""))

        return self._take(kwargs, _may_sign_off, step, BreachNoteSerializer)

    @_step_schema(
        "Send the pack back",
        "The version waiting for sign-off goes back to the officer (a draft again; the version is kept) with what "
        "needs to change. By a manager of the case's team.",
        BreachNoteSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_return(by=request.user, breach=breach, note=data.get("note", ""))

        return self._take(kwargs, _may_manage, step, BreachNoteSerializer)

    @_step_schema(
        "Refer the breach to the NPS",
        "A CRC's signed-off pack goes to the NPS of its region, which prosecutes. By the case's responsible officer "
        "or a manager of its team.",
    )
    @action(detail=True, methods=["post"], url_path="refer-to-nps")
    def refer_to_nps(self, request, *args, **kwargs):
        return self._take(
            kwargs, _may_prepare, lambda breach, data: services.breach_refer_to_nps(by=request.user, breach=breach)
        )

    @_step_schema("Accept the CRC's referral", "By NPS staff of the case's region.")
    @action(detail=True, methods=["post"], url_path="nps-accept")
    def nps_accept(self, request, *args, **kwargs):
        return self._take(
            kwargs, _is_nps_for, lambda breach, data: services.breach_nps_accept(by=request.user, breach=breach)
        )

    @_step_schema(
        "Ask the CRC for more",
        "The referral goes back to the CRC (a draft again) with what more the NPS needs. By NPS staff of the case's "
        "region.",
        BreachMessageSerializer,
    )
    @action(detail=True, methods=["post"], url_path="nps-request-more")
    def nps_request_more(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_nps_request_more(by=request.user, breach=breach, message=data.get("message", ""))

        return self._take(kwargs, _is_nps_for, step, BreachMessageSerializer)

    @_step_schema(
        "Send the pack to court",
        "The signed-off version (NPS and YOT cases, by the case's responsible officer or a manager of its team) or "
        "the accepted referral (a CRC's case, by the NPS) goes to its court, whose users see it from now on.",
    )
    @action(detail=True, methods=["post"], url_path="send-to-court")
    def send_to_court(self, request, *args, **kwargs):
        return self._take(
            kwargs,
            services.may_send_to_court,
            lambda breach, data: services.breach_send_to_court(by=request.user, breach=breach),
        )

    @_step_schema(
        "Start a corrected version",
        "A pack at court is prepared again (a draft) and its next version goes through sign-off and to the court; "
        "the versions sent are kept. By the case's responsible officer or a manager of its team.",
        BreachReasonSerializer,
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_start_new_version(by=request.user, breach=breach, reason=data.get("reason", ""))

        return self._take(kwargs, _may_prepare, step, BreachReasonSerializer)

    @_step_schema(
        "Record the court's outcome",
        "The hearing's date and outcome, by the case's responsible officer or a manager of its team (or for a CRC's "
        "case the NPS).",
        BreachOutcomeSerializer,
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_record_outcome(
                by=request.user,
                breach=breach,
                hearing_on=data.get("hearing_on"),
                outcome=data.get("outcome", ""),
                details=data.get("details", ""),
            )

        return self._take(kwargs, _may_record_outcome, step, BreachOutcomeSerializer)

    @_step_schema(
        "Withdraw the breach",
        "At any step before the court's outcome, with the reason. By the case's responsible officer or a manager of "
        "its team.",
        BreachReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        def step(breach, data):
            services.breach_withdraw(by=request.user, breach=breach, reason=data.get("reason", ""))

        return self._take(kwargs, _may_prepare, step, BreachReasonSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="Breach pack versions",
        description="Every version of the breaches you may see, most recently prepared first.",
    ),
    retrieve=extend_schema(
        summary="One breach pack version",
        description=PACK_SCOPE,
        responses={200: BreachPackSerializer, 404: NOT_FOUND},
    ),
)
class BreachPackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: a version is frozen when the officer submits the pack; a correction is a new version."""

    serializer_class = BreachPackSerializer
    filterset_class = BreachPackFilter

    def get_queryset(self):
        return selectors.packs_visible_to(self.request.user).order_by("-prepared_at", "-pk")

    def retrieve(self, request, *args, **kwargs):
        pack = _access_limit_flag(self.get_queryset(), "breach__case__person_id").filter(pk=_id_from(kwargs)).first()
        if pack is None:
            raise Http404("Not found")
        if pack.has_access_limits:
            case_services.access_record_write(person=pack.breach.case.person, user=request.user, path=request.path)
        return Response(self.get_serializer(pack).data)


def _court_step_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=f"{description} {COURT_SCOPE}",
        request=request,
        responses={200: CourtBreachPackSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Breach packs sent to your courts",
        description=f"Most recently sent first, superseded versions included. {COURT_SCOPE}",
    ),
    retrieve=extend_schema(
        summary="One breach pack sent to your court",
        description=COURT_SCOPE,
        responses={200: CourtBreachPackSerializer, 404: NOT_FOUND},
    ),
)
class CourtBreachPackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The court's side of a breach: the versions sent to it, acknowledged on receipt, and its requests for more."""

    serializer_class = CourtBreachPackSerializer

    def get_queryset(self):
        requests = CourtInformationRequest.objects.select_related("requested_by").order_by("-requested_at", "-pk")
        return (
            selectors.packs_for_court_user(self.request.user)
            .select_related("prepared_by", "signed_off_by")
            .prefetch_related(Prefetch("information_requests", queryset=requests))
        )

    def _pack(self, kwargs, *, flag: bool = False) -> BreachPack:
        queryset = self.get_queryset()
        if flag:
            queryset = _access_limit_flag(queryset, "breach__case__person_id")
        pack = queryset.filter(pk=_id_from(kwargs)).first()
        if pack is None:
            raise Http404("Not found")
        return pack

    def _respond(self, pack: BreachPack) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pack.pk)).data)

    def retrieve(self, request, *args, **kwargs):
        pack = self._pack(kwargs, flag=True)
        if pack.has_access_limits:
            case_services.access_record_write(person=pack.breach.case.person, user=request.user, path=request.path)
        return Response(self.get_serializer(pack).data)

    @_court_step_schema(
        "Acknowledge a pack", "Records that the court received the version (once: acknowledging again keeps the first)."
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        pack = self._pack(kwargs)
        services.court_acknowledge(by=request.user, pack=pack)
        return self._respond(pack)

    @_court_step_schema(
        "Ask for more information",
        "The court cannot use the version as sent: only on the version at court now, while the breach is there.",
        BreachMessageSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request, *args, **kwargs):
        data = validated_data(request, BreachMessageSerializer)
        pack = self._pack(kwargs)
        services.court_request_information(by=request.user, pack=pack, message=data.get("message", ""))
        return self._respond(pack)


def register(router) -> None:
    """Add the breach viewsets to the /api/v1/ router."""
    router.register("breaches", BreachViewSet, basename="breach")
    router.register("breach-packs", BreachPackViewSet, basename="breach-pack")
    router.register("court-breach-packs", CourtBreachPackViewSet, basename="court-breach-pack")
