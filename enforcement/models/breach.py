"""Breach of an order: from the officer's breach decision to the court's outcome (shared/DOMAIN.md section 6).

A Breach is opened when a failure to comply on a community order, suspended sentence order or youth order is decided
as breach action. Its lifecycle is guarded (django-fsm-2 transitions in enforcement.services.breach):

    draft -> awaiting sign-off -> signed off -> (a CRC's case) referred to the NPS -> accepted by the NPS
                                             -> sent to court -> outcome recorded
    awaiting sign-off -> draft (the manager sends it back)     referred to the NPS -> draft (the NPS asks for more)
    sent to court -> draft (a corrected version)               any step before the outcome -> withdrawn

Each submission for sign-off freezes a BreachPack version assembled from the record; a version's content never
changes (BreachPack.save refuses it), a correction is a new version and the old ones are kept. Every step is a
BreachStep row (who, when, what they said), beside the simple-history rows of each model.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import Court
from cases.models import Case, Sentence
from enforcement.models.compliance import ComplianceFailure


class BreachStatus(models.TextChoices):
    DRAFT = "draft", "Pack being prepared"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for a manager's sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    REFERRED_TO_NPS = "referred_to_nps", "Referred to the NPS"
    ACCEPTED_BY_NPS = "accepted_by_nps", "Accepted by the NPS"
    SENT_TO_COURT = "sent_to_court", "Sent to court"
    OUTCOME_RECORDED = "outcome_recorded", "Court outcome recorded"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Steps before the court's outcome: a breach in one of these is "in progress" and can be withdrawn.
OPEN_BREACH_STATUSES = (
    BreachStatus.DRAFT,
    BreachStatus.AWAITING_SIGN_OFF,
    BreachStatus.SIGNED_OFF,
    BreachStatus.REFERRED_TO_NPS,
    BreachStatus.ACCEPTED_BY_NPS,
    BreachStatus.SENT_TO_COURT,
)


class HearingOutcome(models.TextChoices):
    ORDER_CONTINUES = "order_continues", "Order to continue"
    ORDER_AMENDED = "order_amended", "Order amended (requirements added or changed)"
    REVOKED_AND_RESENTENCED = "revoked_and_resentenced", "Order revoked and re-sentenced"
    FINE = "fine", "Fine"
    NO_ACTION = "no_action", "No action"
    WITHDRAWN = "withdrawn", "Breach withdrawn at court"


class Breach(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="breaches")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="breaches")
    failure = models.OneToOneField(
        ComplianceFailure,
        on_delete=models.PROTECT,
        related_name="breach",
        help_text="The failure to comply whose decision was breach action.",
    )
    court = models.ForeignKey(
        Court,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches",
        help_text="The court the pack goes to: the sentencing court unless the officer chooses another.",
    )
    status = FSMField(max_length=20, choices=BreachStatus.choices, default=BreachStatus.DRAFT)
    aware_on = models.DateField(help_text="The day the provider became aware of the alleged breach.")
    # The officer's words, while the pack is prepared (frozen into each version submitted for sign-off).
    statement = models.TextField(blank=True, help_text="The officer's statement to the court.")
    proposal = models.TextField(blank=True, help_text="What the officer proposes the court does.")
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=HearingOutcome.choices, blank=True)
    outcome_details = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)
    initiated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-aware_on", "-pk"]
        verbose_name_plural = "breaches"
        indexes = [models.Index(fields=["status", "court"], name="breach_status_court_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in BreachStatus]), name="breach_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[choice.value for choice in HearingOutcome]),
                name="breach_outcome_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="outcome_recorded") & ~Q(outcome="") & Q(hearing_on__isnull=False))
                | (~Q(status="outcome_recorded") & Q(outcome="")),
                name="breach_outcome_only_when_recorded",
                violation_error_message=(
                    "Only a breach with its court outcome recorded has an outcome and hearing date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="breach_withdrawn_has_reason",
                violation_error_message="Say why the breach is withdrawn.",
            ),
            models.CheckConstraint(
                condition=Q(hearing_on__isnull=True) | Q(hearing_on__gte=F("aware_on")),
                name="breach_hearing_not_before_aware",
            ),
            # One breach in progress per order: a further failure goes into the same pack.
            models.UniqueConstraint(
                fields=["sentence"],
                condition=Q(status__in=[status.value for status in OPEN_BREACH_STATUSES]),
                name="breach_one_open_per_order",
                violation_error_message="This order already has a breach in progress.",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach of {self.sentence.get_disposal_display().lower()} (aware {self.aware_on:%-d %B %Y})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BREACH_STATUSES

    # The lifecycle's transitions (django-fsm-2): enforcement.services.breach checks who may take each step and what
    # it needs, then calls one of these; a step from any other status is refused.

    @transition(field=status, source=BreachStatus.DRAFT, target=BreachStatus.AWAITING_SIGN_OFF)
    def submit(self):
        """The officer submits a pack version for sign-off."""

    @transition(field=status, source=BreachStatus.AWAITING_SIGN_OFF, target=BreachStatus.SIGNED_OFF)
    def sign_off(self):
        """A manager signs the version off."""

    @transition(field=status, source=BreachStatus.AWAITING_SIGN_OFF, target=BreachStatus.DRAFT)
    def send_back(self):
        """A manager sends the version back to the officer."""

    @transition(field=status, source=BreachStatus.SIGNED_OFF, target=BreachStatus.REFERRED_TO_NPS)
    def refer_to_nps(self):
        """A CRC refers the signed-off version to the NPS."""

    @transition(field=status, source=BreachStatus.REFERRED_TO_NPS, target=BreachStatus.ACCEPTED_BY_NPS)
    def nps_accept(self):
        """The NPS accepts the referral."""

    @transition(field=status, source=BreachStatus.REFERRED_TO_NPS, target=BreachStatus.DRAFT)
    def nps_request_more(self):
        """The NPS asks the CRC for more: the CRC prepares a new version."""

    @transition(
        field=status, source=[BreachStatus.SIGNED_OFF, BreachStatus.ACCEPTED_BY_NPS], target=BreachStatus.SENT_TO_COURT
    )
    def send_to_court(self):
        """The version goes to the court."""

    @transition(field=status, source=BreachStatus.SENT_TO_COURT, target=BreachStatus.DRAFT)
    def start_new_version(self):
        """A pack at court is corrected with a new version."""

    @transition(field=status, source=BreachStatus.SENT_TO_COURT, target=BreachStatus.OUTCOME_RECORDED)
    def record_outcome(self):
        """The court's outcome is recorded."""

    @transition(field=status, source=list(OPEN_BREACH_STATUSES), target=BreachStatus.WITHDRAWN)
    def withdraw(self):
        """Withdrawn before the court's outcome."""


class BreachPack(models.Model):
    """One version of the breach pack: what the court receives, assembled from the record when the officer submits it
    for sign-off, and never changed afterwards (a correction is a new version; the old ones are kept).

    `content` holds the facts as they stood (person, court and order, requirements and progress, failures, warnings);
    the statement and proposal are the officer's words. The workflow fields (sign-off, when it was referred and sent,
    the court's acknowledgement) are set once each by the services."""

    # The fields that make up the document: frozen once the version exists.
    CONTENT_FIELDS = ("breach_id", "version", "content", "statement", "proposal", "prepared_by_id", "prepared_at")

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="packs")
    version = models.PositiveSmallIntegerField()
    content = models.JSONField(help_text="The facts of the record, as assembled for this version.")
    statement = models.TextField()
    proposal = models.TextField()
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, help_text="Sent back by the manager or the NPS.")
    returned_note = models.TextField(blank=True)
    referred_to_nps_at = models.DateTimeField(null=True, blank=True)
    sent_to_court_at = models.DateTimeField(null=True, blank=True)
    court = models.ForeignKey(Court, on_delete=models.PROTECT, null=True, blank=True, related_name="breach_packs")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True, help_text="A later version replaced this one.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["breach", "-version"]
        indexes = [models.Index(fields=["court", "sent_to_court_at"], name="pack_court_sent_idx")]
        constraints = [
            models.UniqueConstraint(fields=["breach", "version"], name="pack_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="pack_version_positive"),
            models.CheckConstraint(
                condition=~Q(statement="") & ~Q(proposal=""),
                name="pack_has_statement_and_proposal",
                violation_error_message="A breach pack needs the officer's statement and proposal.",
            ),
            models.CheckConstraint(
                condition=(Q(signed_off_at__isnull=True) & Q(signed_off_by__isnull=True))
                | (Q(signed_off_at__isnull=False) & Q(signed_off_by__isnull=False)),
                name="pack_sign_off_has_author",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True)
                | Q(returned_at__isnull=True)
                | Q(referred_to_nps_at__isnull=False),
                name="pack_returned_only_unsigned_or_by_nps",
                violation_error_message="A version signed off can only be sent back by the NPS after its referral.",
            ),
            models.CheckConstraint(
                condition=Q(sent_to_court_at__isnull=True) | Q(signed_off_at__isnull=False, court__isnull=False),
                name="pack_sent_to_court_signed_off",
                violation_error_message="Only a signed-off pack goes to court, and to a named court.",
            ),
            models.CheckConstraint(
                condition=Q(referred_to_nps_at__isnull=True) | Q(signed_off_at__isnull=False),
                name="pack_referred_signed_off",
                violation_error_message="Only a signed-off pack is referred to the NPS.",
            ),
            models.CheckConstraint(
                condition=(Q(acknowledged_at__isnull=True) & Q(acknowledged_by__isnull=True))
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False, sent_to_court_at__isnull=False),
                name="pack_acknowledged_after_sending",
                violation_error_message="A court acknowledges a pack it was sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach pack version {self.version}"

    def save(self, *args, **kwargs):
        """A version's content is frozen from the moment it exists; only the workflow fields change."""
        if self.pk is not None:
            stored = BreachPack.objects.filter(pk=self.pk).values(*(name for name in self.CONTENT_FIELDS)).first()
            if stored is not None and any(stored[name] != getattr(self, name) for name in self.CONTENT_FIELDS):
                raise ValidationError(
                    "A breach pack version never changes once prepared: prepare a new version to correct it."
                )
        super().save(*args, **kwargs)

    @property
    def is_sent(self) -> bool:
        return self.sent_to_court_at is not None or self.referred_to_nps_at is not None


class BreachStepKind(models.TextChoices):
    INITIATED = "initiated", "Breach action decided"
    FAILURE_ADDED = "failure_added", "Further failure decided as breach action"
    SUBMITTED = "submitted", "Pack submitted for sign-off"
    RETURNED = "returned", "Pack sent back by the manager"
    SIGNED_OFF = "signed_off", "Pack signed off"
    REFERRED_TO_NPS = "referred_to_nps", "Referred to the NPS"
    NPS_ACCEPTED = "nps_accepted", "Referral accepted by the NPS"
    NPS_REQUESTED_MORE = "nps_requested_more", "The NPS asked for more information"
    SENT_TO_COURT = "sent_to_court", "Pack sent to court"
    COURT_ACKNOWLEDGED = "court_acknowledged", "Court acknowledged the pack"
    COURT_REQUESTED_MORE = "court_requested_more", "Court asked for more information"
    NEW_VERSION = "new_version", "Corrected version started"
    OUTCOME = "outcome", "Court outcome recorded"
    WITHDRAWN = "withdrawn", "Breach withdrawn"


class BreachStep(models.Model):
    """A step in the breach's timeline: who did what, when, and what they said (append-only)."""

    Step = BreachStepKind

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="steps")
    pack = models.ForeignKey(BreachPack, on_delete=models.PROTECT, null=True, blank=True, related_name="steps")
    step = models.CharField(max_length=30, choices=Step.choices)
    on = models.DateField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=[choice.value for choice in BreachStepKind]), name="breach_step_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.on:%-d %B %Y}"


class CourtInformationRequest(models.Model):
    """A court asking for more information about a pack it was sent: the pack was not usable as sent (CRC SL016)."""

    pack = models.ForeignKey(BreachPack, on_delete=models.PROTECT, related_name="information_requests")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    answered_by_pack = models.ForeignKey(
        BreachPack,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        help_text="The corrected version sent in reply.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(message=""), name="court_request_has_message"),
        ]

    def __str__(self) -> str:
        return f"Information requested on {self.requested_at:%-d %B %Y}"
