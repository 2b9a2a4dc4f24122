"""Appointments and the contact log (shared/DOMAIN.md sections 2 and 6).

Every appointment and every other contact is one row of the contact log. A booked appointment gets an
outcome once it has happened; outcomes are reference data whose flags (attended, complied, enforceable,
acceptable absence) drive compliance, the first-appointment clocks and, later, enforcement.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models.people import Case


class ContactOutcome(models.Model):
    """Reference data: the outcome of an appointment (seeded by migration; switch off, never delete)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    attended = models.BooleanField(help_text="The person turned up.")
    complied = models.BooleanField(help_text="The person did what was required of them.")
    enforceable = models.BooleanField(
        help_text="A failure to comply that counts towards a warning or breach (shared/DOMAIN.md section 6)."
    )
    acceptable_absence = models.BooleanField(
        default=False, help_text="An absence judged acceptable: the reason must be recorded."
    )
    rescheduled = models.BooleanField(default=False, help_text="The appointment was moved; a new one is booked.")
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(complied=True) | Q(attended=True) | Q(acceptable_absence=True) | Q(rescheduled=True),
                name="outcome_complied_needs_attendance_or_acceptable_absence",
            ),
            models.CheckConstraint(
                condition=~Q(enforceable=True) | Q(complied=False),
                name="outcome_enforceable_only_if_not_complied",
            ),
            models.CheckConstraint(
                condition=~Q(acceptable_absence=True) | Q(attended=False, enforceable=False),
                name="outcome_acceptable_absence_not_attended_nor_enforceable",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContactType(models.TextChoices):
    OFFICE_APPOINTMENT = "office_appointment", "Office appointment"
    HOME_VISIT = "home_visit", "Home visit"
    THREE_WAY_MEETING = "three_way_meeting", "Three-way meeting"
    ASSESSMENT = "assessment", "Assessment interview"
    SENTENCE_PLAN_MEETING = "sentence_plan_meeting", "Sentence plan meeting"
    INITIAL_APPOINTMENT = "initial_appointment", "Initial appointment (induction)"
    TELEPHONE_CALL = "telephone_call", "Telephone call"
    EMAIL_OR_LETTER = "email_or_letter", "Email or letter"
    CONTACT_WITH_PARTNER_AGENCY = "partner_agency", "Contact with another agency"
    OTHER = "other", "Other"


class Contact(models.Model):
    """One entry in a case's contact log: a booked appointment or anything else that happened."""

    ContactType = ContactType

    class Method(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        TELEPHONE = "telephone", "Telephone"
        VIDEO = "video", "Video call"
        WRITTEN = "written", "In writing"

    class AbsenceReason(models.TextChoices):
        MEDICAL = "medical", "Medical"
        EMPLOYMENT = "employment", "Employment"
        FAMILY_OR_CHILDCARE = "family_or_childcare", "Family or childcare"
        COURT = "court", "Attending court"
        STOOD_DOWN = "stood_down", "Stood down by staff (not the person's fault)"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    contact_type = models.CharField(max_length=30, choices=ContactType.choices)
    is_appointment = models.BooleanField(default=False, help_text="Booked in advance and needs an outcome.")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    location = models.CharField(max_length=200, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts_held",
        null=True,
        blank=True,
        help_text="The member of staff the person sees.",
    )
    with_whom = models.CharField("Others present", max_length=200, blank=True)
    outcome = models.ForeignKey(ContactOutcome, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    absence_reason = models.CharField(max_length=30, choices=AbsenceReason.choices, blank=True)
    absence_reason_details = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "starts_at"], name="contact_case_starts_idx"),
            models.Index(fields=["case", "is_appointment", "starts_at"], name="contact_case_appt_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_type__in=[choice.value for choice in ContactType]), name="contact_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=["face_to_face", "telephone", "video", "written"]),
                name="contact_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_appointment=True) | Q(outcome__isnull=True),
                name="contact_outcome_only_for_appointments",
                violation_error_message="Only an appointment has an outcome.",
            ),
            models.CheckConstraint(
                condition=Q(absence_reason="") | Q(outcome__isnull=False),
                name="contact_absence_reason_needs_outcome",
                violation_error_message="An absence reason goes with an outcome.",
            ),
            models.CheckConstraint(
                condition=~Q(absence_reason="other") | ~Q(absence_reason_details=""),
                name="contact_other_absence_reason_has_details",
                violation_error_message="Describe the reason when it is 'Other'.",
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True, outcome_recorded_at__isnull=True)
                | Q(outcome__isnull=False, outcome_recorded_at__isnull=False),
                name="contact_outcome_has_recorded_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()} at {self.starts_at:%d %B %Y %H:%M}"
