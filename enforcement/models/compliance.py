"""Failures to comply and what the officer decided about each (shared/DOMAIN.md section 6).

Every enforceable outcome becomes one ComplianceFailure on its case: an appointment with an enforceable outcome
(unacceptable absence, failed to comply) or an unpaid work session with an unacceptable absence or the person sent
home for their behaviour. Each failure needs a decision by the officer within ENFORCEMENT_DECISION_WORKING_DAYS:
a warning letter (first or final), acceptable after all (with the evidence), no further action (with the reason),
or breach or recall action. A failure whose unpaid work outcome is corrected to one that is not enforceable is
withdrawn, never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import Case, Contact, Sentence
from interventions.models import UnpaidWorkAttendance


class EnforcementDecision(models.TextChoices):
    FIRST_WARNING = "first_warning", "First warning letter"
    FINAL_WARNING = "final_warning", "Final warning letter"
    ACCEPTABLE = "acceptable", "Acceptable after all"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    BREACH = "breach", "Breach action"
    RECALL = "recall", "Recall action"


WARNING_DECISIONS = (EnforcementDecision.FIRST_WARNING, EnforcementDecision.FINAL_WARNING)
# Decisions that need their reason or evidence written down.
EXPLAINED_DECISIONS = (EnforcementDecision.ACCEPTABLE, EnforcementDecision.NO_FURTHER_ACTION)
ENFORCEMENT_ACTIONS = (EnforcementDecision.BREACH, EnforcementDecision.RECALL)


class ComplianceFailure(models.Model):
    class Source(models.TextChoices):
        APPOINTMENT = "appointment", "Appointment"
        UNPAID_WORK = "unpaid_work", "Unpaid work"

    class Status(models.TextChoices):
        AWAITING_DECISION = "awaiting_decision", "Waiting for a decision"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn: the outcome was corrected"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="compliance_failures")
    sentence = models.ForeignKey(
        Sentence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compliance_failures",
        help_text="The order the failure is against: the case's sentence on the day.",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="compliance_failure"
    )
    unpaid_work_attendance = models.OneToOneField(
        UnpaidWorkAttendance, on_delete=models.PROTECT, null=True, blank=True, related_name="compliance_failure"
    )
    failed_on = models.DateField()
    outcome = models.CharField(max_length=120, help_text="The outcome recorded, as it read then.")
    details = models.TextField(blank=True, help_text="What happened: the appointment or session and its notes.")
    decision_due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_DECISION)
    decision = models.CharField(max_length=20, choices=EnforcementDecision.choices, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text="The evidence (acceptable after all) or the reason (no further action, and any other)."
    )
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-failed_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "failed_on"], name="failure_case_failed_idx"),
            models.Index(fields=["status", "decision_due_on"], name="failure_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=["appointment", "unpaid_work"]), name="failure_source_valid"),
            models.CheckConstraint(
                condition=Q(source="appointment", contact__isnull=False, unpaid_work_attendance__isnull=True)
                | Q(source="unpaid_work", contact__isnull=True, unpaid_work_attendance__isnull=False),
                name="failure_has_its_one_source",
                violation_error_message="A failure comes from one appointment or one unpaid work session.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_decision", "decided", "withdrawn"]), name="failure_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=[choice.value for choice in EnforcementDecision]),
                name="failure_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision_due_on__gte=models.F("failed_on")), name="failure_decision_due_after_failure"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="decided", decided_on__isnull=False, decided_by__isnull=False)
                    & ~Q(decision="")
                    & Q(decided_on__gte=models.F("failed_on"))
                )
                | (~Q(status="decided") & Q(decision="", decided_on__isnull=True, decided_by__isnull=True)),
                name="failure_decided_has_decision_date_and_author",
                violation_error_message="A decided failure has its decision, the date and who decided.",
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=[choice.value for choice in EXPLAINED_DECISIONS]) | ~Q(decision_reason=""),
                name="failure_explained_decision_has_reason",
                violation_error_message="Acceptable after all and no further action need the evidence or reason.",
            ),
            models.CheckConstraint(
                condition=(Q(status="withdrawn") & Q(withdrawn_on__isnull=False))
                | (~Q(status="withdrawn") & Q(withdrawn_on__isnull=True)),
                name="failure_withdrawn_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.failed_on:%-d %B %Y}"

    @property
    def is_awaiting_decision(self) -> bool:
        return self.status == self.Status.AWAITING_DECISION


class WarningLetter(models.Model):
    """A warning letter issued for a failure: its words are kept as issued, so reprinting it never changes it."""

    class Kind(models.TextChoices):
        FIRST = "first", "First warning"
        FINAL = "final", "Final warning"

    failure = models.OneToOneField(ComplianceFailure, on_delete=models.PROTECT, related_name="warning_letter")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="warning_letters")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The letter as issued (addressee, address, failure, order, consequences, signatory).
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField(blank=True)
    body = models.TextField()
    signatory = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["first", "final"]), name="warning_letter_kind_valid"),
            models.CheckConstraint(condition=~Q(body=""), name="warning_letter_has_body"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter of {self.issued_on:%-d %B %Y}"
