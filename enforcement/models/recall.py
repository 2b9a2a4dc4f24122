"""Recall to custody of a person on licence or post-sentence supervision (shared/DOMAIN.md section 6).

The inspectorate found recall decisions sound when alternatives were considered and a manager oversaw them. The
lifecycle is guarded (django-fsm-2 transitions in enforcement.services.recall):

    considering -> awaiting manager review -> (standard or fixed-term) awaiting countersignature -> countersigned
                -> sent to public protection casework -> returned to custody -> documents supplied
                                           -> (no recall) not recalled: a letter to the person
    awaiting countersignature -> awaiting manager review (the senior manager does not countersign)
    any step before the return to custody -> withdrawn

A detention and training order's supervision is not a licence: a child who fails to comply with it goes back to the
youth court, so it is breached, not recalled (enforcement.services.compliance.is_licence). A child on licence from a
longer custodial sentence can be recalled; fixed-term recall is open to them (for 14 days rather than 28), so it is
not excluded by age here. The fixed-term suitability answers are recorded and checked.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from cases.models import Case, Sentence
from enforcement.models.compliance import ComplianceFailure


class RecallStatus(models.TextChoices):
    CONSIDERING = "considering", "Recall being considered"
    AWAITING_REVIEW = "awaiting_review", "Waiting for a manager's review"
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", "Waiting for a senior manager's countersignature"
    COUNTERSIGNED = "countersigned", "Countersigned"
    SENT_TO_PPCS = "sent_to_ppcs", "Sent to public protection casework"
    RETURNED_TO_CUSTODY = "returned_to_custody", "Returned to custody"
    DOCUMENTS_SUPPLIED = "documents_supplied", "Recall documents supplied"
    NOT_RECALLED = "not_recalled", "Decided not to recall"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_RECALL_STATUSES = (
    RecallStatus.CONSIDERING,
    RecallStatus.AWAITING_REVIEW,
    RecallStatus.AWAITING_COUNTERSIGNATURE,
    RecallStatus.COUNTERSIGNED,
    RecallStatus.SENT_TO_PPCS,
    RecallStatus.RETURNED_TO_CUSTODY,
)


# Open steps before the return to custody: a recall in one of these can be withdrawn.
WITHDRAWABLE_RECALL_STATUSES = OPEN_RECALL_STATUSES[:-1]
# Fixed-term recall lasts 14 days for a child (under 18 on the day of the review) or a custodial term under 12
# months, else 28 days (Criminal Justice Act 2003, section 255C).
FIXED_TERM_SHORT_DAYS = 14
FIXED_TERM_DAYS = 28


class RecallRecommendation(models.TextChoices):
    STANDARD = "standard", "Standard recall"
    FIXED_TERM = "fixed_term", "Fixed-term recall"
    NO_RECALL = "no_recall", "No recall"


class Recall(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recalls")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="recalls")
    failure = models.OneToOneField(
        ComplianceFailure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recall",
        help_text="The failure to comply whose decision was recall action, if recall began from one.",
    )
    status = FSMField(max_length=30, choices=RecallStatus.choices, default=RecallStatus.CONSIDERING)
    aware_on = models.DateField(help_text="The day the provider became aware of the breach or the rise in risk.")
    # The officer's account.
    reasons = models.TextField(help_text="What happened: the breach of licence conditions or the rise in risk.")
    # The manager's review.
    recommendation = models.CharField(max_length=20, choices=RecallRecommendation.choices, blank=True)
    rationale = models.TextField(blank=True, help_text="The manager's reasons for the recommendation.")
    alternatives_considered = models.TextField(
        blank=True, help_text="What else was considered (more contact, approved premises, new conditions, a warning)."
    )
    # Fixed-term suitability (recorded for every standard or fixed-term recommendation).
    extended_or_specified_sentence = models.BooleanField(
        null=True, blank=True, help_text="Serving an extended sentence, or one for a specified serious offence."
    )
    charged_with_serious_offence = models.BooleanField(
        null=True, blank=True, help_text="Charged with a further serious (specified) offence."
    )
    risk_manageable_after_fixed_term = models.BooleanField(
        null=True, blank=True, help_text="The risk of serious harm could be managed on release after the fixed term."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_on = models.DateField(null=True, blank=True)
    countersignature_note = models.TextField(blank=True)
    sent_to_ppcs_on = models.DateField(null=True, blank=True)
    returned_to_custody_on = models.DateField(null=True, blank=True)
    documents_supplied_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # The letter to the person when it is decided not to recall: its words are kept as issued.
    no_recall_letter = models.TextField(blank=True)
    initiated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-aware_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in RecallStatus]), name="recall_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommendation="")
                | Q(recommendation__in=[choice.value for choice in RecallRecommendation]),
                name="recall_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(recommendation="")
                | Q(reviewed_by__isnull=False, reviewed_on__isnull=False)
                & ~Q(rationale="")
                & ~Q(alternatives_considered=""),
                name="recall_recommendation_reviewed",
                violation_error_message="A recommendation needs the manager, the date, the rationale and the "
                "alternatives considered.",
            ),
            models.CheckConstraint(
                condition=~Q(recommendation__in=["standard", "fixed_term"])
                | Q(
                    extended_or_specified_sentence__isnull=False,
                    charged_with_serious_offence__isnull=False,
                    risk_manageable_after_fixed_term__isnull=False,
                ),
                name="recall_suitability_answered",
                violation_error_message="Answer the fixed-term suitability questions for a recall recommendation.",
            ),
            models.CheckConstraint(
                condition=~Q(recommendation="fixed_term")
                | Q(
                    extended_or_specified_sentence=False,
                    charged_with_serious_offence=False,
                    risk_manageable_after_fixed_term=True,
                ),
                name="recall_fixed_term_suitable",
                violation_error_message="Fixed-term recall is not open to this person: recommend a standard recall.",
            ),
            models.CheckConstraint(
                condition=Q(countersigned_on__isnull=True) | Q(countersigned_by__isnull=False),
                name="recall_countersigned_has_author",
            ),
            models.CheckConstraint(
                condition=Q(sent_to_ppcs_on__isnull=True) | Q(countersigned_on__isnull=False),
                name="recall_sent_after_countersignature",
                violation_error_message="A recall goes to public protection casework once countersigned.",
            ),
            models.CheckConstraint(
                condition=Q(returned_to_custody_on__isnull=True)
                | Q(sent_to_ppcs_on__isnull=False, returned_to_custody_on__gte=F("sent_to_ppcs_on")),
                name="recall_custody_after_sending",
                violation_error_message="The return to custody comes after the recall was sent.",
            ),
            models.CheckConstraint(
                condition=Q(documents_supplied_on__isnull=True)
                | Q(returned_to_custody_on__isnull=False, documents_supplied_on__gte=F("returned_to_custody_on")),
                name="recall_documents_after_custody",
                violation_error_message="The recall documents are supplied on or after the return to custody.",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_recalled") | Q(recommendation="no_recall") & ~Q(no_recall_letter=""),
                name="recall_not_recalled_has_letter",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="recall_withdrawn_has_reason",
                violation_error_message="Say why the recall is withdrawn.",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_on__isnull=True) | Q(reviewed_on__gte=F("aware_on")),
                name="recall_review_not_before_aware",
            ),
            models.UniqueConstraint(
                fields=["sentence"],
                condition=Q(status__in=[status.value for status in OPEN_RECALL_STATUSES]),
                name="recall_one_open_per_sentence",
                violation_error_message="This licence already has a recall in progress.",
            ),
        ]

    def __str__(self) -> str:
        return f"Recall considered {self.aware_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RECALL_STATUSES

    @property
    def fixed_term_suitable(self) -> bool | None:
        """Whether the answers recorded leave fixed-term recall open (None until all three are answered)."""
        answers = (
            self.extended_or_specified_sentence,
            self.charged_with_serious_offence,
            self.risk_manageable_after_fixed_term,
        )
        if None in answers:
            return None
        return answers == (False, False, True)

    def fixed_term_days(self, on: date | None = None) -> int | None:
        """How long a fixed-term recall would last: 14 days if the person is under 18 on the day of the review (today
        until reviewed) or the custodial term is under 12 months, else 28 days. None for an adult whose custodial
        term is not recorded. Open to children: only a detention and training order is never recalled."""
        on = on or self.reviewed_on or timezone.localdate()
        if self.case.person.age(on) < 18:
            return FIXED_TERM_SHORT_DAYS
        months = self.sentence.length_months
        if months is None:
            return None
        return FIXED_TERM_SHORT_DAYS if months < 12 else FIXED_TERM_DAYS

    @property
    def fixed_term_length(self) -> str:
        """The fixed term in words, for pages and the recall document."""
        days = self.fixed_term_days()
        if days is None:
            return "Not known: the custodial term is not recorded"
        return f"{days} days"

    # The lifecycle's transitions (django-fsm-2): enforcement.services.recall checks who may take each step and what
    # it needs, then calls one of these; a step from any other status is refused.

    @transition(field=status, source=RecallStatus.CONSIDERING, target=RecallStatus.AWAITING_REVIEW)
    def submit_for_review(self):
        """The officer sends the reasons to a manager."""

    @transition(field=status, source=RecallStatus.AWAITING_REVIEW, target=RecallStatus.AWAITING_COUNTERSIGNATURE)
    def recommend_recall(self):
        """The manager recommends a standard or fixed-term recall."""

    @transition(field=status, source=RecallStatus.AWAITING_REVIEW, target=RecallStatus.NOT_RECALLED)
    def decide_not_to_recall(self):
        """The manager decides not to recall: a letter goes to the person."""

    @transition(field=status, source=RecallStatus.AWAITING_COUNTERSIGNATURE, target=RecallStatus.COUNTERSIGNED)
    def countersign(self):
        """A senior manager countersigns the recommendation."""

    @transition(field=status, source=RecallStatus.AWAITING_COUNTERSIGNATURE, target=RecallStatus.AWAITING_REVIEW)
    def decline_countersignature(self):
        """A senior manager declines to countersign: the manager reviews again."""

    @transition(field=status, source=RecallStatus.COUNTERSIGNED, target=RecallStatus.SENT_TO_PPCS)
    def send_to_ppcs(self):
        """The recall goes to public protection casework."""

    @transition(field=status, source=RecallStatus.SENT_TO_PPCS, target=RecallStatus.RETURNED_TO_CUSTODY)
    def record_return_to_custody(self):
        """The person is back in custody (starts NPS SL024)."""

    @transition(field=status, source=RecallStatus.RETURNED_TO_CUSTODY, target=RecallStatus.DOCUMENTS_SUPPLIED)
    def record_documents_supplied(self):
        """The recall documents are supplied (stops NPS SL024)."""

    @transition(field=status, source=list(WITHDRAWABLE_RECALL_STATUSES), target=RecallStatus.WITHDRAWN)
    def withdraw(self):
        """Withdrawn at any step before the return to custody."""


class RecallInformationRequest(models.Model):
    """Public protection casework (or the court) asking for more information about a recall it was sent: the recall
    was not made without being asked for more (CRC SL017). Recorded by the officer or a manager once the recall has
    gone to public protection casework, and answered once (enforcement.services.recall). That the request is not dated
    before the recall was sent is checked there: a check constraint cannot read the recall's row."""

    class Source(models.TextChoices):
        PPCS = "ppcs", "Public protection casework"
        COURT = "court", "The court"
        OTHER = "other", "Someone else"

    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, related_name="information_requests")
    source = models.CharField(max_length=20, choices=Source.choices, help_text="Who asked for more information.")
    requested_on = models.DateField(help_text="The day more information was asked for.")
    message = models.TextField(help_text="What was asked for.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True, help_text="What was sent in reply.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "pk"]
        indexes = [models.Index(fields=["recall", "requested_on"], name="recall_info_request_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["ppcs", "court", "other"]), name="recall_info_request_source_valid"
            ),
            models.CheckConstraint(
                condition=~Q(message=""),
                name="recall_info_request_has_message",
                violation_error_message="Say what more information was asked for.",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, answer="", answered_by__isnull=True, answered_at__isnull=True)
                | Q(answered_on__isnull=False, answered_by__isnull=False, answered_at__isnull=False) & ~Q(answer=""),
                name="recall_info_request_answered_together",
                violation_error_message="An answer needs its date and what was sent.",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("requested_on")),
                name="recall_info_request_answered_after_request",
                violation_error_message="The answer cannot come before the request.",
            ),
        ]

    def __str__(self) -> str:
        return f"More information asked for on {self.requested_on:%-d %B %Y}"

    @property
    def is_answered(self) -> bool:
        return self.answered_on is not None
