"""People under supervision and their cases (periods of supervision)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Provider, Team

CRN_PATTERN = r"^[A-Z][0-9]{6}$"


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years between a date of birth and a day (a birthday on 29 February counts on 1 March)."""
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


class Person(models.Model):
    """Someone supervised by probation or a Youth Offending Team.

    The case reference number (CRN) is one letter followed by six digits (e.g. X123456), generated
    by `cases.services.crn_generate` and unique. Protected characteristics are self-declared and
    optional: blank means "not declared".
    """

    class Gender(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"
        NON_BINARY = "non_binary", "Non-binary"
        OTHER = "other", "Other"
        NOT_KNOWN = "not_known", "Not known"

    class Ethnicity(models.TextChoices):
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"

    class Religion(models.TextChoices):
        NO_RELIGION = "none", "No religion"
        CHRISTIAN = "christian", "Christian"
        BUDDHIST = "buddhist", "Buddhist"
        HINDU = "hindu", "Hindu"
        JEWISH = "jewish", "Jewish"
        MUSLIM = "muslim", "Muslim"
        SIKH = "sikh", "Sikh"
        OTHER = "other", "Any other religion"
        PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"

    class SexualOrientation(models.TextChoices):
        HETEROSEXUAL = "heterosexual", "Straight or heterosexual"
        GAY_OR_LESBIAN = "gay_or_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Other sexual orientation"
        PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"

    class YesNoNotSaid(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"

    crn = models.CharField("CRN", max_length=7, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=20, choices=Gender.choices)

    ethnicity = models.CharField(max_length=30, choices=Ethnicity.choices, blank=True)
    religion = models.CharField(max_length=30, choices=Religion.choices, blank=True)
    sexual_orientation = models.CharField(max_length=30, choices=SexualOrientation.choices, blank=True)
    disability = models.CharField(max_length=30, choices=YesNoNotSaid.choices, blank=True)
    disability_details = models.TextField(blank=True)
    gender_identity_matches_sex_at_birth = models.CharField(
        "Gender identity the same as sex registered at birth",
        max_length=30,
        choices=YesNoNotSaid.choices,
        blank=True,
    )

    telephone = models.CharField(max_length=30, blank=True)
    mobile = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
            models.Index(fields=["date_of_birth"], name="person_date_of_birth_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(crn__regex=CRN_PATTERN), name="person_crn_format"),
            models.CheckConstraint(condition=~Q(first_name=""), name="person_first_name_required"),
            models.CheckConstraint(condition=~Q(last_name=""), name="person_last_name_required"),
            models.CheckConstraint(
                condition=Q(gender__in=["male", "female", "non_binary", "other", "not_known"]),
                name="person_gender_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.crn})"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_names, self.last_name) if part)

    @property
    def name_for_list(self) -> str:
        """Surname first, as caseloads and court lists show names."""
        return f"{self.last_name}, {self.first_name}"

    def age(self, on: date | None = None) -> int:
        return age_on(self.date_of_birth, on or timezone.localdate())

    @property
    def is_child(self) -> bool:
        """Under 18 today: supervised by a Youth Offending Team, not adult probation."""
        return self.age() < 18


class Address(models.Model):
    """One address in a person's history. Only one main address can be current at a time."""

    class Status(models.TextChoices):
        MAIN = "main", "Main address"
        SECONDARY = "secondary", "Secondary address"
        PREVIOUS = "previous", "Previous address"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.MAIN)
    no_fixed_abode = models.BooleanField(default=False)
    line_1 = models.CharField("Address line 1", max_length=150, blank=True)
    line_2 = models.CharField("Address line 2", max_length=150, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name_plural = "addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="address_end_not_before_start",
                violation_error_message="The address end date must be on or after its start date.",
            ),
            models.CheckConstraint(
                condition=Q(no_fixed_abode=True) | (~Q(line_1="") & ~Q(postcode="")),
                name="address_has_line_and_postcode_unless_no_fixed_abode",
                violation_error_message="Enter the first line and postcode, or record no fixed abode.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="main", end_date__isnull=True),
                name="address_one_current_main_per_person",
                violation_error_message="This person already has a current main address.",
            ),
        ]

    def __str__(self) -> str:
        if self.no_fixed_abode:
            return "No fixed abode"
        return ", ".join(part for part in (self.line_1, self.line_2, self.town, self.postcode) if part)


class PersonAccessLimit(models.Model):
    """A named member of staff on a person's exclusion list or restriction list.

    Exclusion: that member of staff must not see the person. Restriction: only the staff on the
    restriction list may see the person. Entries are ended, never deleted.
    """

    class Kind(models.TextChoices):
        EXCLUSION = "exclusion", "Excluded: must not see this person"
        RESTRICTION = "restriction", "Allowed: one of the only staff who may see this person"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="access_limits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_limits")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_limits_added")
    added_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_limits_ended",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "kind", "added_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["exclusion", "restriction"]), name="access_limit_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="access_limit_reason_required"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_by__isnull=True)
                | Q(ended_at__isnull=False, ended_by__isnull=False),
                name="access_limit_ended_with_who",
            ),
            models.UniqueConstraint(
                fields=["person", "user"],
                condition=Q(ended_at__isnull=True),
                name="access_limit_one_open_per_person_and_user",
                violation_error_message="This member of staff is already on this person's access lists.",
            ),
        ]
        indexes = [models.Index(fields=["user", "kind"], name="access_limit_user_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} for {self.person_id}"


class AccessRecord(models.Model):
    """Written each time someone opens a person who has an exclusion or restriction list."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="access_records")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_records")
    accessed_at = models.DateTimeField(auto_now_add=True)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["person", "-accessed_at"], name="access_record_person_idx")]

    def __str__(self) -> str:
        return f"{self.user} opened person {self.person_id} at {self.accessed_at:%Y-%m-%d %H:%M}"


class Case(models.Model):
    """One period of supervision of a person, held by a provider, team and responsible officer.

    A person has at most one open case (awaiting sentence, awaiting allocation or active) at a time. The
    journey starts at court: a case awaiting sentence is held by the provider preparing the pre-sentence
    report (its team is the court team, its officer the report author, both optional). Sentencing puts it
    in the allocation queue of the provider that allocates (no officer yet); allocation makes it active
    with a team and a responsible officer. Every assignment is kept in OfficerAssignment.
    """

    class Status(models.TextChoices):
        AWAITING_SENTENCE = "awaiting_sentence", "Awaiting sentence"
        AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class TerminationOutcome(models.TextChoices):
        """How supervision ended (CRC SL007 to SL009a, NPS SL018 and SL019 are computed from these)."""

        COMPLETED_POSITIVELY = "completed_positively", "Completed positively"
        REVOKED = "revoked", "Revoked by the court"
        BREACHED_AND_RESENTENCED = "breached_and_resentenced", "Breached and re-sentenced"
        DIED = "died", "The person died"
        TRANSFERRED_OUT = "transferred_out", "Transferred out"

    OPEN_STATUSES = (Status.AWAITING_SENTENCE, Status.AWAITING_ALLOCATION, Status.ACTIVE)
    # Outcomes that say nothing about how supervision went, left out of the "completed positively" measures.
    NEUTRAL_OUTCOMES = (TerminationOutcome.DIED, TerminationOutcome.TRANSFERRED_OUT)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_held",
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Recorded when the case ends. Blank on an ended case only for cases ended before outcomes were recorded:
    # those count as "completion not recorded" (CRC SL007).
    termination_outcome = models.CharField(max_length=30, choices=TerminationOutcome.choices, blank=True)
    termination_notes = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["status", "end_date"], name="case_status_end_date_idx"),
            models.Index(fields=["responsible_officer", "status"], name="case_officer_status_idx"),
            models.Index(fields=["team", "status"], name="case_team_status_idx"),
            models.Index(fields=["provider", "status"], name="case_provider_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_sentence", "awaiting_allocation", "active", "ended"]),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="case_end_not_before_start",
                violation_error_message="The case end date must be on or after its start date.",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(end_date__isnull=False),
                name="case_ended_has_end_date",
                violation_error_message="An ended case needs an end date.",
            ),
            models.CheckConstraint(
                condition=Q(status="ended") | Q(end_date__isnull=True),
                name="case_open_has_no_end_date",
                violation_error_message="Only an ended case has an end date.",
            ),
            models.CheckConstraint(
                condition=Q(
                    termination_outcome__in=[
                        "",
                        "completed_positively",
                        "revoked",
                        "breached_and_resentenced",
                        "died",
                        "transferred_out",
                    ]
                ),
                name="case_termination_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="ended") | Q(termination_outcome="", ended_by__isnull=True),
                name="case_open_has_no_termination_outcome",
                violation_error_message="Only an ended case has a termination outcome.",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(team__isnull=False, responsible_officer__isnull=False),
                name="case_active_has_team_and_officer",
                violation_error_message="An active case needs a team and a responsible officer.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["awaiting_sentence", "awaiting_allocation", "active"]),
                name="case_one_open_per_person",
                violation_error_message="This person already has an open case.",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} for {self.person.crn}"
