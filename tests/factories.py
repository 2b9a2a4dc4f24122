"""factory-boy factories for every model of accounts, cases, risk and timeliness.

Every factory saves a row that passes `full_clean()`. Names, codes and CRNs come from sequences, so
two objects built in the same test never collide on a unique field.
"""

from datetime import date, time, timedelta

import factory
from django.utils import timezone

from accounts.models import Court, Provider, Region, Team, User
from cases.models import (
    AccessRecord,
    Address,
    Case,
    Contact,
    ContactOutcome,
    CourtAppearance,
    Disposal,
    InformationRequest,
    OfficerAssignment,
    Person,
    PersonAccessLimit,
    PlanObjective,
    PreSentenceReport,
    Requirement,
    RequirementType,
    Sentence,
    SentencePlan,
)
from cases.services import crn_generate
from risk.models import (
    MappaRegistration,
    ParentOrCarer,
    Registration,
    RegistrationType,
    RiskLevel,
    RiskReview,
    RoshAssessment,
)

PASSWORD = "correct-horse-battery-staple"

FIRST_NAMES = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Freya", "Arthur", "Mia", "Leo"]
LAST_NAMES = ["Hughes", "Patel", "Evans", "Khan", "Walker", "Roberts", "Wright", "Green", "Hall", "Wood"]
STAFF_FIRST_NAMES = ["Ruth", "Dev", "Carys", "Ian", "Nadia", "Owen", "Farah", "Gareth"]


class _SequenceRandom:
    """Stands in for `random.Random` in `crn_generate`, so the n-th CRN is derived from n.

    Letter = CRN_LETTERS[n // 1_000_000], digits = n % 1_000_000: 23 million distinct CRNs before
    the first repeat, so a factory-made CRN can never collide with another factory-made one.
    """

    def __init__(self, n: int):
        self.n = n

    def choice(self, letters: str) -> str:
        return letters[(self.n // 1_000_000) % len(letters)]

    def randrange(self, start: int, stop: int) -> int:
        return start + self.n % (stop - start)


def sequence_crn(n: int) -> str:
    # Start well inside the range so the first CRNs do not look like test constants (A000001).
    return crn_generate(_SequenceRandom(n + 3 * 1_000_000 + 100_000))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    code = factory.Sequence(lambda n: f"P{n:05d}")
    provider_type = Provider.ProviderType.NPS_DIVISION
    region = factory.SubFactory(RegionFactory)

    class Params:
        crc = factory.Trait(provider_type=Provider.ProviderType.CRC)
        yot = factory.Trait(provider_type=Provider.ProviderType.YOT)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    code = factory.Sequence(lambda n: f"T{n:06d}")


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court

    name = factory.Sequence(lambda n: f"Court {n} Magistrates' Court")
    code = factory.Sequence(lambda n: f"C{n:05d}")
    court_type = Court.CourtType.MAGISTRATES
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A responsible officer in a team (the commonest member of staff)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Iterator(STAFF_FIRST_NAMES)
    last_name = factory.Sequence(lambda n: f"Staffmember{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@justice.example")
    password = factory.django.Password(PASSWORD)
    role = User.Role.RESPONSIBLE_OFFICER
    team = factory.SubFactory(TeamFactory)


class OfficerFactory(UserFactory):
    role = User.Role.RESPONSIBLE_OFFICER


class ManagerFactory(UserFactory):
    role = User.Role.MANAGER


class UnpaidWorkSupervisorFactory(UserFactory):
    role = User.Role.UNPAID_WORK_SUPERVISOR


class CourtUserFactory(UserFactory):
    role = User.Role.COURT_USER
    team = None

    @factory.post_generation
    def courts(self, create, extracted, **kwargs):
        if create and extracted:
            self.courts.set(extracted)


class AdministratorFactory(UserFactory):
    role = User.Role.ADMINISTRATOR
    team = None
    is_staff = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    crn = factory.Sequence(sequence_crn)
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    # Adults born 1960-1999; tests that need a particular date of birth pass one.
    date_of_birth = factory.Sequence(lambda n: date(1960, 1, 1) + timedelta(days=(n * 97) % 14_600))
    gender = Person.Gender.NOT_KNOWN


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    status = Address.Status.MAIN
    line_1 = factory.Sequence(lambda n: f"{n % 300 + 1} High Street")
    town = "Manchester"
    postcode = "M1 1AA"
    start_date = date(2020, 1, 1)


class CaseFactory(factory.django.DjangoModelFactory):
    """An active case held by a new officer; pass `responsible_officer=` to give it to someone."""

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    responsible_officer = factory.SubFactory(OfficerFactory)
    team = factory.LazyAttribute(lambda o: o.responsible_officer.team if o.responsible_officer else None)
    provider = factory.LazyAttribute(lambda o: o.team.provider if o.team else ProviderFactory())
    status = Case.Status.ACTIVE
    start_date = date(2024, 1, 15)

    class Params:
        awaiting_allocation = factory.Trait(status=Case.Status.AWAITING_ALLOCATION, responsible_officer=None, team=None)
        awaiting_sentence = factory.Trait(status=Case.Status.AWAITING_SENTENCE)
        ended = factory.Trait(status=Case.Status.ENDED, end_date=date(2025, 1, 15))


class PersonAccessLimitFactory(factory.django.DjangoModelFactory):
    """An open exclusion-list entry; use `kind=PersonAccessLimit.Kind.RESTRICTION` for a restriction."""

    class Meta:
        model = PersonAccessLimit

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(OfficerFactory)
    kind = PersonAccessLimit.Kind.EXCLUSION
    reason = "Officer is related to the victim."
    added_by = factory.SubFactory(ManagerFactory)

    class Params:
        ended = factory.Trait(
            ended_at=factory.LazyFunction(timezone.now),
            ended_by=factory.SelfAttribute("added_by"),
        )


class AccessRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRecord

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(OfficerFactory)
    path = factory.LazyAttribute(lambda o: f"/people/{o.person.crn}/")


# Risk -------------------------------------------------------------------------------------------------------


class RoshAssessmentFactory(factory.django.DjangoModelFactory):
    """A completed, current full assessment (medium overall); use the `draft` trait for a draft."""

    class Meta:
        model = RoshAssessment

    person = factory.SubFactory(PersonFactory)
    kind = RoshAssessment.Kind.FULL
    status = RoshAssessment.Status.COMPLETED
    assessment_date = date(2025, 6, 2)
    risk_to_public = RiskLevel.MEDIUM
    risk_to_known_adults = RiskLevel.LOW
    risk_to_children = RiskLevel.LOW
    risk_to_staff = RiskLevel.LOW
    overall_level = factory.LazyAttribute(
        lambda o: (
            max(o.risk_to_public, o.risk_to_known_adults, o.risk_to_children, o.risk_to_staff)
            if o.status == RoshAssessment.Status.COMPLETED
            else None
        )
    )
    who_is_at_risk = "Former partner"
    nature_of_risk = "Physical violence when drinking"
    circumstances_increasing_risk = "Relapse into heavy drinking; contact with the former partner"
    plan_supervision = "Weekly appointments; home visits monthly"
    plan_contingency = "Breach proceedings and police referral if contact is made"
    created_by = factory.SubFactory(OfficerFactory)
    completed_by = factory.LazyAttribute(
        lambda o: o.created_by if o.status == RoshAssessment.Status.COMPLETED else None
    )
    completed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == RoshAssessment.Status.COMPLETED else None
    )

    class Params:
        draft = factory.Trait(status=RoshAssessment.Status.DRAFT)


class MappaRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MappaRegistration

    person = factory.SubFactory(PersonFactory)
    category = MappaRegistration.Category.VIOLENT
    level = MappaRegistration.Level.MULTI_AGENCY
    lead_agency = MappaRegistration.LeadAgency.PROBATION
    start_date = date(2025, 3, 3)
    next_review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    added_by = factory.SubFactory(OfficerFactory)


def registration_type(code: str = "weapons") -> RegistrationType:
    """A registration type seeded by the risk migration."""
    return RegistrationType.objects.get(code=code)


class RegistrationTypeFactory(factory.django.DjangoModelFactory):
    """A further registration type (the migration seeds the standard ones: see `registration_type`)."""

    class Meta:
        model = RegistrationType

    code = factory.Sequence(lambda n: f"local_flag_{n}")
    name = factory.Sequence(lambda n: f"Local flag {n}")
    colour = RegistrationType.Colour.GREY
    default_review_months = 6


class RegistrationFactory(factory.django.DjangoModelFactory):
    """An open weapons registration, next reviewed in the future."""

    class Meta:
        model = Registration

    person = factory.SubFactory(PersonFactory)
    registration_type = factory.LazyFunction(registration_type)
    start_date = date(2025, 5, 1)
    review_frequency_months = 6
    next_review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    reason = "Convicted of possessing a knife in 2024."
    added_by = factory.SubFactory(OfficerFactory)

    class Params:
        deregistered = factory.Trait(
            deregistered_date=date(2025, 9, 1),
            deregistration_reason="No longer relevant after review.",
            deregistered_by=factory.SelfAttribute("added_by"),
        )


class RiskReviewFactory(factory.django.DjangoModelFactory):
    """An open "risk review due" item after a change of circumstances."""

    class Meta:
        model = RiskReview

    person = factory.SubFactory(PersonFactory)
    change = RiskReview.Change.NEW_ADDRESS
    description = "Moved in with a new partner who has two young children."
    occurred_on = date(2025, 8, 11)
    recorded_by = factory.SubFactory(OfficerFactory)


class ParentOrCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentOrCarer

    person = factory.SubFactory(PersonFactory, date_of_birth=date(2010, 4, 1))
    name = "Donna Hughes"
    relationship = ParentOrCarer.Relationship.MOTHER
    has_parental_responsibility = True
    involvement = ParentOrCarer.Involvement.ACTIVELY_INVOLVED
    added_by = factory.SubFactory(OfficerFactory)


__all__ = [
    "MappaRegistrationFactory",
    "ParentOrCarerFactory",
    "RegistrationFactory",
    "RegistrationTypeFactory",
    "RiskReviewFactory",
    "RoshAssessmentFactory",
    "registration_type",
    "PASSWORD",
    "AccessRecordFactory",
    "AddressFactory",
    "AdministratorFactory",
    "CaseFactory",
    "CourtFactory",
    "CourtUserFactory",
    "ManagerFactory",
    "OfficerFactory",
    "PersonAccessLimitFactory",
    "PersonFactory",
    "ProviderFactory",
    "RegionFactory",
    "TeamFactory",
    "UnpaidWorkSupervisorFactory",
    "UserFactory",
]


# --- Court, sentence, allocation, contacts and plans (cases) -------------------------------------------


def requirement_type(code: str = "rar") -> RequirementType:
    """A requirement type seeded by migration cases 0003 (rar, unpaid_work, accredited_programme, curfew...)."""
    return RequirementType.objects.get(code=code)


def contact_outcome(code: str = "attended_complied") -> ContactOutcome:
    """A contact outcome seeded by migration cases 0003 (attended_complied, unacceptable_absence...)."""
    return ContactOutcome.objects.get(code=code)


class CourtAppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourtAppearance

    case = factory.SubFactory(CaseFactory, awaiting_sentence=True)
    court = factory.SubFactory(CourtFactory)
    appearance_date = date(2026, 11, 2)
    purpose = CourtAppearance.Purpose.ADJOURNED_FOR_REPORT
    offences = "Theft from a shop (Theft Act 1968 s.1)"


class PreSentenceReportFactory(factory.django.DjangoModelFactory):
    """A short format report requested at the appearance, due 10 days later, written by the case's officer."""

    class Meta:
        model = PreSentenceReport

    court_appearance = factory.SubFactory(CourtAppearanceFactory)
    case = factory.LazyAttribute(lambda o: o.court_appearance.case)
    report_type = PreSentenceReport.ReportType.SHORT_FORMAT
    requested_on = factory.LazyAttribute(lambda o: o.court_appearance.appearance_date)
    due_on = factory.LazyAttribute(lambda o: o.requested_on + timedelta(days=10))
    author = factory.LazyAttribute(lambda o: o.case.responsible_officer)


class InformationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationRequest

    report = factory.SubFactory(PreSentenceReportFactory)
    source = InformationRequest.Source.POLICE_DOMESTIC_ABUSE
    requested_on = factory.LazyAttribute(lambda o: o.report.requested_on)


class SentenceFactory(factory.django.DjangoModelFactory):
    """A current 12-month community order on an active case."""

    class Meta:
        model = Sentence

    case = factory.SubFactory(CaseFactory)
    disposal = Disposal.COMMUNITY_ORDER
    sentence_date = date(2026, 11, 2)
    length_months = 12
    start_date = factory.LazyAttribute(lambda o: o.sentence_date)
    end_date = factory.LazyAttribute(lambda o: o.sentence_date.replace(year=o.sentence_date.year + 1))


class RequirementFactory(factory.django.DjangoModelFactory):
    """A 20-day rehabilitation activity requirement; pass `requirement_type=requirement_type("unpaid_work")`
    with `hours=`, or another type, for the others."""

    class Meta:
        model = Requirement

    sentence = factory.SubFactory(SentenceFactory)
    requirement_type = factory.LazyFunction(lambda: requirement_type("rar"))
    maximum_days = factory.LazyAttribute(lambda o: 20 if o.requirement_type.code == "rar" else None)
    start_date = factory.LazyAttribute(lambda o: o.sentence.start_date or o.sentence.sentence_date)


class OfficerAssignmentFactory(factory.django.DjangoModelFactory):
    """The open assignment matching an active case's provider, team and officer."""

    class Meta:
        model = OfficerAssignment

    case = factory.SubFactory(CaseFactory)
    kind = OfficerAssignment.Kind.ALLOCATION
    provider = factory.LazyAttribute(lambda o: o.case.provider)
    team = factory.LazyAttribute(lambda o: o.case.team)
    responsible_officer = factory.LazyAttribute(lambda o: o.case.responsible_officer)
    reason = OfficerAssignment.Reason.NEW_CASE
    start_date = factory.LazyAttribute(lambda o: o.case.start_date)
    assigned_by = factory.SubFactory(ManagerFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    """A booked office appointment with the case's officer, without an outcome yet."""

    class Meta:
        model = Contact

    case = factory.SubFactory(CaseFactory)
    contact_type = Contact.ContactType.OFFICE_APPOINTMENT
    is_appointment = True
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 45
    method = Contact.Method.FACE_TO_FACE
    location = "Probation office"
    staff = factory.LazyAttribute(lambda o: o.case.responsible_officer)
    recorded_by = factory.LazyAttribute(lambda o: o.case.responsible_officer or OfficerFactory())


class SentencePlanFactory(factory.django.DjangoModelFactory):
    """A draft plan for the case's current sentence."""

    class Meta:
        model = SentencePlan

    sentence = factory.SubFactory(SentenceFactory)
    case = factory.LazyAttribute(lambda o: o.sentence.case)


class PlanObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanObjective

    plan = factory.SubFactory(SentencePlanFactory)
    need_area = "accommodation"
    description = "Find settled accommodation"
    who_delivers = "Responsible officer with the housing advice service"
    target_date = date(2027, 2, 1)


class ClockFactory(factory.django.DjangoModelFactory):
    """An open NPS SL003R clock (first appointment after allocation) on an active case, due in 5 days."""

    class Meta:
        model = "timeliness.Clock"

    case = factory.SubFactory(CaseFactory)
    service_level = "NPS SL003R"
    subject = factory.Sequence(lambda n: f"sentence:{n + 100000}")
    provider_type = factory.LazyAttribute(lambda o: o.case.provider.provider_type)
    started_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.started_on + timedelta(days=5))


# Delivering the order (interventions/) ---------------------------------------------------------------------


def programme(code: str = "thinking_skills"):
    """A programme seeded by migration interventions 0002 (thinking_skills, building_better_relationships...)."""
    from interventions.models import Programme

    return Programme.objects.get(code=code)


class RehabilitationActivityFactory(factory.django.DjangoModelFactory):
    """A one-to-one RAR activity on a booked appointment of the requirement's case (no outcome yet)."""

    class Meta:
        model = "interventions.RehabilitationActivity"

    requirement = factory.SubFactory(RequirementFactory)
    contact = factory.SubFactory(ContactFactory, case=factory.SelfAttribute("..requirement.sentence.case"))
    activity_type = "one_to_one"
    need_area = "thinking_and_behaviour"
    activity_date = factory.LazyAttribute(lambda o: timezone.localdate(o.contact.starts_at))
    duration_minutes = 60
    delivered_by = factory.LazyAttribute(lambda o: o.contact.staff)
    delivered_by_organisation = factory.LazyAttribute(lambda o: "" if o.delivered_by else "Partner service")
    recorded_by = factory.LazyAttribute(lambda o: o.contact.recorded_by)


class UnpaidWorkProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.UnpaidWorkProject"

    provider = factory.SubFactory(ProviderFactory, provider_type=Provider.ProviderType.CRC)
    name = factory.Sequence(lambda n: f"Community garden {n}")
    project_type = "group_placement"
    location = "Park Road allotments"


class UnpaidWorkSessionFactory(factory.django.DjangoModelFactory):
    """A scheduled 09:00 to 16:00 session (420 minutes) today with 8 places."""

    class Meta:
        model = "interventions.UnpaidWorkSession"

    project = factory.SubFactory(UnpaidWorkProjectFactory)
    session_date = factory.LazyFunction(timezone.localdate)
    start_time = time(9, 0)
    end_time = time(16, 0)
    capacity = 8
    created_by = factory.SubFactory(ManagerFactory)


class UnpaidWorkAttendanceFactory(factory.django.DjangoModelFactory):
    """A booking on a session for an unpaid work requirement (no outcome yet)."""

    class Meta:
        model = "interventions.UnpaidWorkAttendance"

    session = factory.SubFactory(UnpaidWorkSessionFactory)
    requirement = factory.SubFactory(
        RequirementFactory, requirement_type=factory.LazyFunction(lambda: requirement_type("unpaid_work")), hours=100
    )
    scheduled_minutes = factory.LazyAttribute(lambda o: o.session.minutes)
    booked_by = factory.LazyAttribute(lambda o: o.session.created_by)


class ProgrammeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.ProgrammeGroup"

    programme = factory.LazyFunction(programme)
    provider = factory.SubFactory(ProviderFactory, provider_type=Provider.ProviderType.CRC)
    name = factory.Sequence(lambda n: f"Group {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    location = "Probation office"
    capacity = 10
    created_by = factory.SubFactory(ManagerFactory)


class ProgrammeReferralFactory(factory.django.DjangoModelFactory):
    """A referral (waiting for a suitability decision) for an accredited programme requirement."""

    class Meta:
        model = "interventions.ProgrammeReferral"

    requirement = factory.SubFactory(
        RequirementFactory,
        requirement_type=factory.LazyFunction(lambda: requirement_type("accredited_programme")),
        programme_name="Thinking Skills Programme",
        sessions=19,
    )
    programme = factory.LazyFunction(programme)
    referred_on = factory.LazyFunction(timezone.localdate)
    referred_by = factory.SubFactory(OfficerFactory)


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.ServiceProvider"

    name = factory.Sequence(lambda n: f"Housing advice service {n}")
    kind = "partner_agency"


class ServiceReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interventions.ServiceReferral"

    case = factory.SubFactory(CaseFactory)
    service_provider = factory.SubFactory(ServiceProviderFactory)
    need_area = "accommodation"
    referred_on = factory.LazyFunction(timezone.localdate)
    referred_by = factory.LazyAttribute(lambda o: o.case.responsible_officer or OfficerFactory())
    reason_for_referral = "Needs help finding a tenancy."
