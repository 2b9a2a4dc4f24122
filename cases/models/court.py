"""Court appearances and pre-sentence reports (shared/DOMAIN.md section 3; clock NPS SL001).

A pre-sentence report (PSR) is prepared by the provider advising the court (the NPS court team, or the
youth offending team for a child). Its risk-of-harm screening is a RoshAssessment of kind "screening" in the
risk app that points back at the report (risk depends on cases, never the other way round).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Court
from cases.models.people import Case


class CourtAppearance(models.Model):
    """One hearing of a person's case at a court."""

    class Purpose(models.TextChoices):
        FIRST_HEARING = "first_hearing", "First hearing"
        ADJOURNED_FOR_REPORT = "adjourned_for_report", "Adjourned for a report"
        SENTENCE = "sentence", "Sentence"
        BREACH = "breach", "Breach"
        REVIEW = "review", "Review"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="court_appearances")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="appearances")
    appearance_date = models.DateField()
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    offences = models.TextField(help_text="The offences before the court, in plain words.")
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-appearance_date", "-pk"]
        indexes = [models.Index(fields=["case", "appearance_date"], name="appearance_case_date_idx")]

    def __str__(self) -> str:
        return f"{self.court} on {self.appearance_date:%d %B %Y}"


class PreSentenceReport(models.Model):
    """A report the court asked for: its type, due date, author, status, and content.

    Service level NPS SL001: delivered by the due date the court set (target 95%).
    """

    class ReportType(models.TextChoices):
        ORAL = "oral", "Oral report"
        SHORT_FORMAT = "short_format", "Short format written report"
        FULL_WRITTEN = "full_written", "Full written report"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class ParentOrCarerEngagement(models.TextChoices):
        ENGAGED = "engaged", "Engaged with the report"
        PARTLY = "partly", "Partly engaged"
        DID_NOT_ENGAGE = "did_not_engage", "Did not engage despite effort"
        NOT_CONTACTED = "not_contacted", "Not contacted"

    OPEN_STATUSES = (Status.REQUESTED, Status.IN_PROGRESS)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pre_sentence_reports")
    court_appearance = models.ForeignKey(CourtAppearance, on_delete=models.PROTECT, related_name="reports")
    report_type = models.CharField(max_length=20, choices=ReportType.choices)
    requested_on = models.DateField()
    due_on = models.DateField(help_text="The date the court set for the report.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_authored", null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    delivered_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    offence_analysis = models.TextField(blank=True)
    circumstances = models.TextField("The person's circumstances", blank=True)
    proposal_disposal = models.CharField("Proposed sentence", max_length=40, blank=True)
    proposal_requirements = models.TextField("Proposed requirements", blank=True)
    proposal_reasons = models.TextField("Reasons for the proposal", blank=True)
    parent_or_carer_engagement = models.CharField(
        max_length=20,
        choices=ParentOrCarerEngagement.choices,
        blank=True,
        help_text="Youth reports only: how parents or carers took part.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="report_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_type__in=["oral", "short_format", "full_written"]), name="report_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "in_progress", "delivered", "withdrawn"]),
                name="report_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("requested_on")),
                name="report_due_not_before_request",
                violation_error_message="The due date cannot be before the date the report was requested.",
            ),
            models.CheckConstraint(
                condition=(Q(status="delivered") & Q(delivered_on__isnull=False))
                | (~Q(status="delivered") & Q(delivered_on__isnull=True)),
                name="report_delivered_has_date",
                violation_error_message="A delivered report needs a delivery date, and only a delivered one.",
            ),
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True) | Q(delivered_on__gte=F("requested_on")),
                name="report_delivered_not_before_request",
                violation_error_message="A report cannot be delivered before it was requested.",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="report_withdrawn_has_reason",
                violation_error_message="Give the reason the report was withdrawn.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_report_type_display()} due {self.due_on:%d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class InformationRequest(models.Model):
    """Information the report author asked another agency for (for example police domestic abuse call-outs,
    children's services checks). The inspectorate expects these before a proposal is made."""

    class Source(models.TextChoices):
        POLICE_DOMESTIC_ABUSE = "police_domestic_abuse", "Police domestic abuse call-outs"
        CHILDRENS_SERVICES = "childrens_services", "Children's services"
        POLICE_NATIONAL_COMPUTER = "police_national_computer", "Police National Computer"
        HEALTH = "health", "Health services"
        EDUCATION = "education", "School or college"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        NOT_RECEIVED = "not_received", "Not received in time"

    report = models.ForeignKey(PreSentenceReport, on_delete=models.PROTECT, related_name="information_requests")
    source = models.CharField(max_length=30, choices=Source.choices)
    details = models.TextField(blank=True)
    requested_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    received_on = models.DateField(null=True, blank=True)
    summary = models.TextField("What it said", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "received", "not_received"]),
                name="information_request_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="received") & Q(received_on__isnull=False))
                | (~Q(status="received") & Q(received_on__isnull=True)),
                name="information_request_received_has_date",
                violation_error_message="Information received needs the date it arrived, and only then.",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("requested_on")),
                name="information_request_received_after_request",
                violation_error_message="Information cannot arrive before it was asked for.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} ({self.get_status_display().lower()})"
