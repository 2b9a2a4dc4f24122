"""Demo data for delivering the order (issue 5): unpaid work, RAR activities, programmes and referrals.

`build_delivery` is called by cases.demo.demo_build inside its transaction, after the journey (cases.demo_journey)
has sentenced and allocated the cases. Every write goes through the services with a named member of staff, so
the history says who did it and the unpaid work clocks (NPS SL007, CRC SL005, CRC SL006) open and stop from real
events:

1. Unpaid work: projects of each CRC and the YOT; every active unpaid work requirement of the region passed to
   the CRC by the NPS (mostly within 5 working days, a few late), its first session arranged (mostly within 7
   days, some within 28, a few later), then about a session a week with the register recorded (mostly attended,
   some penalties, absences, people stood down or sent home), the last hours credited and the requirement
   completed positively when every hour is done. Sessions today are booked and left for the supervisor to
   record: sign in as `supervisor` (Cheshire and Greater Manchester CRC) or `preston.supervisor`.
2. RAR: activities about every week or two, each an appointment with its outcome (a few failed to comply or
   absent, which count no day, and a few days with two activities, which count once); about one requirement in
   eight has had nothing for over four weeks, so the caseload flag shows.
3. Accredited programmes: referrals aiming for each step in turn (PROGRAMME_TARGETS), as far as their dates
   allow; groups running, planned and finished; people found unsuitable or who dropped out, some with no
   alternative plan (the case says so) and some with one.
4. Referrals to services: a directory of in-house, rate card, voluntary sector and partner agency services, and
   referrals for the needs in people's sentence plans, at every status.

Deterministic: its own `random.Random` derived from the seed. Sessions and bookings made in the past are
recorded with the day they were made (the services take `on=`), never after the real day.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.models import Provider, User
from cases.models import Case, ContactOutcome, NeedArea, PlanObjective, Requirement, Sentence
from interventions.models import (
    Programme,
    ProgrammeGroup,
    ProgrammeReferral,
    ProjectType,
    ServiceProvider,
    ServiceReferral,
    UnpaidWorkAttendance,
    UnpaidWorkProject,
    UnpaidWorkSession,
)
from interventions.services import delivery as delivery_services
from interventions.services import programmes as programme_services
from interventions.services import rar as rar_services
from interventions.services import referrals as referral_services
from interventions.services import unpaid_work as unpaid_work_services

if TYPE_CHECKING:
    from cases.demo import DemoBuilder

Status = UnpaidWorkAttendance.Status

# provider key -> (name, type, location, beneficiary, start, end)
PROJECTS = {
    "cgm": (
        ("Heaton Park conservation", ProjectType.GROUP_PLACEMENT, "Heaton Park, Middleton Road, Manchester M25 2SW",
         "Manchester City Council parks", (9, 0), (16, 0)),
        ("Wythenshawe community garden", ProjectType.GROUP_PLACEMENT, "Benchill Road, Wythenshawe M22 8EJ",
         "Wythenshawe Community Housing", (9, 0), (16, 0)),
        ("St Ann's Hospice shop, Stockport", ProjectType.INDIVIDUAL_PLACEMENT, "Merseyway, Stockport SK1 1PD",
         "St Ann's Hospice", (10, 0), (16, 0)),
        ("Food bank warehouse, Salford", ProjectType.EXTERNALLY_SUPERVISED, "Trafford Road, Salford M5 3AW",
         "Salford Food Bank", (9, 30), (15, 30)),
        ("Induction, Manchester Central", ProjectType.INDUCTION, "Oakland House, Talbot Road, Manchester M16 0PQ",
         "", (10, 0), (13, 0)),
        ("Skills for work", ProjectType.EDUCATION_TRAINING, "Oakland House, Talbot Road, Manchester M16 0PQ", "",
         (13, 0), (16, 0)),
    ),
    "cl": (
        ("Avenham Park clean-up", ProjectType.GROUP_PLACEMENT, "Avenham Park, Preston PR1 3BN",
         "Preston City Council", (9, 0), (16, 0)),
        ("Chorley community allotments", ProjectType.GROUP_PLACEMENT, "Harpers Lane, Chorley PR6 0HT",
         "Chorley in Bloom", (9, 0), (16, 0)),
        ("Induction, Preston", ProjectType.INDUCTION, "Lancaster Road, Preston PR1 2RH", "", (10, 0), (13, 0)),
    ),
    "yot": (
        ("Canal towpath reparation", ProjectType.GROUP_PLACEMENT, "Rochdale Canal, Ancoats, Manchester M4 6AG",
         "Canal and River Trust", (10, 0), (15, 0)),
        ("Youth induction", ProjectType.INDUCTION, "Youth Justice Service, Hulme, Manchester M15 5RN", "",
         (16, 0), (18, 0)),
    ),
}  # fmt: skip

# name, kind, provider key (in-house and rate card), need areas, description
SERVICES = (
    ("Shelter Greater Manchester", "voluntary_sector", None, ("accommodation",), "Housing advice and advocacy."),
    ("Manchester housing options", "partner_agency", None, ("accommodation", "finance"),
     "The council's homelessness and housing options service."),
    ("Change Grow Live Manchester", "partner_agency", None, ("drug_misuse", "alcohol_misuse"),
     "Drug and alcohol treatment and recovery."),
    ("Greater Manchester Mental Health", "partner_agency", None, ("emotional_wellbeing",),
     "Community mental health assessment and support."),
    ("Citizens Advice Manchester", "voluntary_sector", None, ("finance",), "Debt, benefits and budgeting advice."),
    ("Working Futures employment support", "rate_card", "cgm", ("education_training_employment",),
     "Employment and training support bought from the CRC's rate card."),
    ("Manchester Women's Centre", "voluntary_sector", None, ("relationships", "emotional_wellbeing", "lifestyle"),
     "A women-only centre: support, groups and advocacy."),
    ("Respect: relationships without abuse", "rate_card", "cgm", ("relationships",),
     "One-to-one work with men who have been abusive to a partner."),
    ("NPS education, training and employment team", "in_house", "nps", ("education_training_employment",),
     "The division's own employment advisers."),
    ("Exit mentoring", "voluntary_sector", None, ("gang_membership", "lifestyle", "attitudes"),
     "Mentors with lived experience for people leaving gangs."),
    ("Lancashire accommodation support", "rate_card", "cl", ("accommodation",),
     "Tenancy support bought from the CRC's rate card."),
    ("Youth justice substance misuse worker", "in_house", "yot", ("drug_misuse", "alcohol_misuse"),
     "The YOT's own substance misuse worker."),
)  # fmt: skip

REFERRAL_REASONS = {
    "accommodation": "Living in a hostel with no settled address; needs help finding a tenancy.",
    "finance": "Rent arrears and a benefit sanction; needs help with debts.",
    "drug_misuse": "Daily cannabis use and occasional cocaine; wants help to stop.",
    "alcohol_misuse": "Drinks heavily at weekends, linked to the offence.",
    "emotional_wellbeing": "Low mood and anxiety; not registered with a GP.",
    "education_training_employment": "Unemployed for two years; wants work in construction.",
    "relationships": "Abusive behaviour towards a former partner.",
    "lifestyle": "Spends time with associates who offend.",
    "gang_membership": "Linked to a local group involved in violence.",
    "attitudes": "Minimises the offence and blames the victim.",
}

RAR_ACTIVITY_TYPES = (
    ("one_to_one", 45),
    ("structured_intervention", 25),
    ("group_session", 10),
    ("partner_service", 10),
    ("mentoring", 5),
    ("education_training_employment", 5),
)
RAR_DESCRIPTIONS = {
    "one_to_one": "Worked through the offence and what led to it.",
    "structured_intervention": "Toolkit session on managing emotions.",
    "group_session": "Group session on consequential thinking.",
    "partner_service": "Session with the partner service, fed back to the officer.",
    "mentoring": "Met the mentor; talked about routines and goals.",
    "education_training_employment": "CV workshop and job search.",
}
ATTENDANCE_REASONS = {
    Status.UNACCEPTABLE_ABSENCE: "Did not attend and gave no reason.",
    Status.ACCEPTABLE_ABSENCE: "Medical appointment; letter seen.",
    Status.STOOD_DOWN: "Van broke down at the muster point: the session was stood down.",
    Status.SENT_HOME_BEHAVIOUR: "Refused to follow the supervisor's instructions and was sent home.",
}
# The step each programme referral aims for, in turn (see build_programmes).
PROGRAMME_TARGETS = (
    "completed",
    "started",
    "unsuitable, no plan",
    "waiting",
    "allocated",
    "not completed, no plan",
    "referred",
    "unsuitable, with plan",
    "completed",
    "not completed, with plan",
    "withdrawn",
    "started",
)
RATINGS = ("excellent", "good", "good", "good", "satisfactory", "satisfactory", "poor")


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock_time(hour, minute)))


def _working_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass
class DeliverySummary:
    projects: int
    sessions: int
    bookings: Counter
    requirements_passed_to_crc: int
    unpaid_work_completed: int
    rar_activities: int
    rar_requirements: int
    rar_inactive: int
    programme_referrals: Counter
    service_providers: int
    service_referrals: Counter
    today_register: dict[str, int]
    seconds: float = 0.0

    def lines(self) -> list[str]:
        bookings = ", ".join(f"{Status(code).label.lower()} {count}" for code, count in self.bookings.most_common())
        programmes = ", ".join(
            f"{ProgrammeReferral.Status(code).label.lower()} {count}"
            for code, count in self.programme_referrals.most_common()
        )
        referrals = ", ".join(
            f"{ServiceReferral.Status(code).label.lower()} {count}"
            for code, count in self.service_referrals.most_common()
        )
        registers = ", ".join(f"{login} {count}" for login, count in self.today_register.items())
        return [
            f"Delivery data loaded in {self.seconds:.1f} s.",
            f"  Unpaid work: {self.projects} projects, {self.sessions} sessions; bookings: {bookings}.",
            f"  Requirements passed by the NPS to a CRC: {self.requirements_passed_to_crc}; completed: "
            f"{self.unpaid_work_completed}. People booked on today's sessions: {registers}.",
            f"  RAR: {self.rar_activities} activities on {self.rar_requirements} requirements; "
            f"{self.rar_inactive} with nothing for over four weeks.",
            f"  Programme referrals: {programmes}.",
            f"  Services: {self.service_providers}; referrals: {referrals}.",
        ]


class DeliveryBuilder:
    """Writes the delivery demo through the services. Use `build_delivery`."""

    def __init__(self, builder: DemoBuilder, *, seed: int, leave_alone: frozenset[int] = frozenset()):
        self.rng = random.Random(f"delivery demo {seed}")
        self.leave_alone = leave_alone
        self.builder = builder
        self.today = min(builder.today, timezone.localdate())
        self.staff = builder.staff
        self.providers: dict[str, Provider] = builder.providers
        self.key_of = {provider.pk: key for key, provider in self.providers.items()}
        self.region_id = next(iter(self.providers.values())).region_id
        self.outcomes = {outcome.code: outcome for outcome in ContactOutcome.objects.filter(active=True)}
        self.managers: dict[str, User] = {}
        for manager in builder.manager_by_team.values():
            key = self.key_of[manager.team.provider_id]
            self.managers.setdefault(key, manager)
        self.supervisors = {"cgm": self.staff.get("supervisor"), "cl": self.staff.get("preston.supervisor")}
        self.projects: dict[str, list[UnpaidWorkProject]] = {}
        self.sessions: dict[tuple[int, date, int], UnpaidWorkSession] = {}
        self.booked: Counter = Counter()  # session id -> places taken
        self.bookings: Counter = Counter()
        self.passed = 0
        self.completed = 0
        self.rar_activities = 0
        self.rar_requirements = 0
        self.rar_inactive = 0
        self.today_register: Counter = Counter()

    # Queries of the requirements the journey wrote ------------------------------------------------------------

    def _requirements(self, **flags):
        return (
            Requirement.objects.filter(
                status=Requirement.Status.ACTIVE,
                sentence__status=Sentence.Status.CURRENT,
                sentence__case__status=Case.Status.ACTIVE,
                sentence__case__provider__region_id=self.region_id,
                **flags,
            )
            .exclude(sentence__case_id__in=self.leave_alone)
            .select_related("sentence__case__provider", "sentence__case__responsible_officer", "requirement_type")
            .order_by("pk")
        )

    def _allocated_on(self, requirement: Requirement) -> date:
        """The day the case reached its current provider: its latest assignment's start (else the requirement's)."""
        assignment = requirement.sentence.case.assignments.order_by("-start_date", "-pk").first()
        started = assignment.start_date if assignment else requirement.start_date
        return max(started, requirement.start_date)

    # Unpaid work ---------------------------------------------------------------------------------------------

    def build_projects(self) -> None:
        for key, rows in PROJECTS.items():
            manager = self.managers[key]
            self.projects[key] = [
                unpaid_work_services.project_create(
                    by=manager,
                    provider=self.providers[key],
                    name=name,
                    project_type=project_type,
                    location=location,
                    beneficiary=beneficiary,
                )
                for name, project_type, location, beneficiary, _start, _end in rows
            ]
        self.times = {
            project.pk: (clock_time(*start), clock_time(*end))
            for key, rows in PROJECTS.items()
            for project, (_n, _t, _l, _b, start, end) in zip(self.projects[key], rows, strict=True)
        }

    def _project(self, key: str, project_type: str) -> UnpaidWorkProject:
        choices = [project for project in self.projects[key] if project.project_type == project_type]
        return self.rng.choice(choices)

    def _session(
        self, project: UnpaidWorkProject, day: date, *, on: date, minutes: int | None = None
    ) -> UnpaidWorkSession:
        """The project's session on `day` (one per length), added on `on` (the day of the first booking on it)."""
        start, end = self.times[project.pk]
        if minutes is not None:
            end_minutes = start.hour * 60 + start.minute + minutes
            end = clock_time(end_minutes // 60, end_minutes % 60)
        length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        key = (project.pk, day, length)
        session = self.sessions.get(key)
        if session is None or self.booked[session.pk] >= session.capacity:
            provider_key = self.key_of[project.provider_id]
            supervisor = self.supervisors.get(provider_key)
            session = unpaid_work_services.session_create(
                by=self.managers[provider_key],
                project=project,
                session_date=day,
                start_time=start,
                end_time=end,
                capacity=10,
                supervisor=supervisor,
                on=min(on, day, self.today),
            )
            self.sessions[key] = session
        return session

    def _book(self, requirement: Requirement, session: UnpaidWorkSession, *, on: date) -> UnpaidWorkAttendance:
        provider_key = self.key_of[session.project.provider_id]
        attendance = unpaid_work_services.attendance_book(
            by=self.managers[provider_key], session=session, requirement=requirement, on=on
        )
        self.booked[session.pk] += 1
        return attendance

    def _record(self, attendance: UnpaidWorkAttendance, status: str, *, remaining: int) -> int:
        """Record an outcome in the past; returns the minutes credited."""
        rng = self.rng
        penalty = 0
        fields = {}
        if status == Status.ATTENDED:
            if rng.random() < 0.12 and attendance.scheduled_minutes > 120:  # never on a short last session
                penalty = rng.choice((15, 30, 30, 60))
            fields = {"work_quality": rng.choice(RATINGS), "behaviour": rng.choice(RATINGS)}
        else:
            fields = {"reason": ATTENDANCE_REASONS[status]}
        session = attendance.session
        provider_key = self.key_of[session.project.provider_id]
        recorder = session.supervisor or self.managers[provider_key]
        recorded = unpaid_work_services.attendance_record(
            by=recorder, attendance=attendance, status=status, penalty_minutes=penalty, **fields
        )
        self.bookings[status] += 1
        return recorded.credited_minutes

    def build_unpaid_work(self) -> None:
        rng = self.rng
        for requirement in self._requirements(requirement_type__is_unpaid_work=True):
            case = requirement.sentence.case
            key = self.key_of[case.provider_id]
            allocated_on = self._allocated_on(requirement)
            with_crc_on = allocated_on
            if case.provider.provider_type == Provider.ProviderType.NPS_DIVISION:
                passed_on = _working_day_on_or_after(
                    allocated_on + timedelta(days=rng.choice((1, 1, 2, 2, 3, 4, 5, 9)))
                )
                if passed_on > self.today:
                    continue  # a live NPS SL007 clock
                unpaid_work_services.unpaid_work_transfer(
                    by=case.responsible_officer,
                    requirement=requirement,
                    on=passed_on,
                    to_provider=self.providers["cgm"],
                )
                self.passed += 1
                key, with_crc_on = "cgm", passed_on
            arranged_on = with_crc_on + timedelta(
                days=_weighted(rng, ((rng.randint(1, 6), 70), (rng.randint(8, 20), 25), (rng.randint(29, 40), 5)))
            )
            if arranged_on > self.today:
                continue  # live CRC SL005 / SL006 clocks
            self._deliver_unpaid_work(requirement, key, arranged_on)

    def _deliver_unpaid_work(self, requirement: Requirement, key: str, arranged_on: date) -> None:
        rng = self.rng
        remaining = requirement.hours * 60
        education_cap = requirement.hours * 60 * 30 // 100
        education_used = 0
        day = arranged_on + timedelta(days=rng.randint(1, 5))
        project = self._project(key, ProjectType.INDUCTION)
        first = True
        last_day = None
        while remaining > 0 and day < self.today:
            start, end = self.times[project.pk]
            length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            # The last hours: a shorter session, so nothing is credited beyond the hours ordered.
            on = arranged_on if first else max(arranged_on, day - timedelta(days=rng.randint(2, 7)))
            session = self._session(project, day, on=on, minutes=remaining if remaining < length else None)
            attendance = self._book(requirement, session, on=on)
            first = False
            status = _weighted(
                rng,
                (
                    (Status.ATTENDED, 78),
                    (Status.UNACCEPTABLE_ABSENCE, 6),
                    (Status.ACCEPTABLE_ABSENCE, 6),
                    (Status.STOOD_DOWN, 7),
                    (Status.SENT_HOME_BEHAVIOUR, 3),
                ),
            )
            credited = self._record(attendance, status, remaining=remaining)
            remaining -= credited
            if project.project_type == ProjectType.EDUCATION_TRAINING:
                education_used += credited
            last_day = day
            # Next week: a group placement mostly, sometimes skills for work, sometimes a week missed.
            day = day + timedelta(days=_weighted(rng, ((7, 70), (3, 10), (14, 20))))
            if day.weekday() == 6:
                day += timedelta(days=1)
            project_type = ProjectType.GROUP_PLACEMENT
            if key == "cgm" and education_used + 180 <= education_cap and rng.random() < 0.15:
                project_type = ProjectType.EDUCATION_TRAINING
            elif key == "cgm" and rng.random() < 0.15:
                project_type = rng.choice((ProjectType.INDIVIDUAL_PLACEMENT, ProjectType.EXTERNALLY_SUPERVISED))
            project = self._project(key, project_type)
        if remaining == 0 and last_day is not None:
            delivery_services.requirement_end(
                by=requirement.sentence.case.responsible_officer,
                requirement=Requirement.objects.get(pk=requirement.pk),
                ended_on=last_day,
                completed_positively=True,
                outcome_notes="Every hour of unpaid work completed.",
            )
            self.completed += 1
            return
        # The next session: today (left for the supervisor's register) or next week.
        if remaining > 0:
            self._book_ahead(requirement, key)

    def _book_ahead(self, requirement: Requirement, key: str) -> None:
        rng = self.rng
        today_places = {"cgm": 14, "cl": 5}
        if today_places.get(key, 0) > self.today_register[key]:
            project = self._project(key, ProjectType.GROUP_PLACEMENT)
            session = self._session(project, self.today, on=self.today)
            self._book(requirement, session, on=self.today)
            self.today_register[key] += 1
            return
        day = self.today + timedelta(days=rng.randint(1, 7))
        if day.weekday() == 6:
            day += timedelta(days=1)
        project = self._project(key, ProjectType.GROUP_PLACEMENT)
        self._book(requirement, self._session(project, day, on=self.today), on=self.today)

    # RAR ------------------------------------------------------------------------------------------------------

    def build_rar(self) -> None:
        rng = self.rng
        requirements = list(self._requirements(requirement_type__counts_as_rar=True))
        objectives: dict[int, list[PlanObjective]] = {}
        for objective in PlanObjective.objects.filter(
            plan__case_id__in=[requirement.sentence.case_id for requirement in requirements]
        ).select_related("plan"):
            objectives.setdefault(objective.plan.case_id, []).append(objective)
        for requirement in requirements:
            case = requirement.sentence.case
            officer = case.responsible_officer
            if officer is None:
                continue
            self.rar_requirements += 1
            inactive = rng.random() < 0.12
            stop = self.today - timedelta(days=36 if inactive else 1)
            day = _working_day_on_or_after(self._allocated_on(requirement) + timedelta(days=rng.randint(7, 14)))
            ceiling = min(requirement.maximum_days - 1, 8)
            days = 0
            while day <= stop and days < ceiling:
                self._rar_activity(requirement, officer, day, objectives.get(case.pk, []))
                if rng.random() < 0.06:  # a second activity the same day: still one RAR day
                    self._rar_activity(requirement, officer, day, objectives.get(case.pk, []), hour=14)
                days += 1
                day = _working_day_on_or_after(day + timedelta(days=rng.choice((7, 7, 10, 14))))
            if inactive and days:
                self.rar_inactive += 1

    def _rar_activity(self, requirement, officer: User, day: date, objectives, *, hour: int = 10) -> None:
        rng = self.rng
        activity_type = _weighted(rng, RAR_ACTIVITY_TYPES)
        objective = rng.choice(objectives) if objectives and rng.random() < 0.7 else None
        outcome = _weighted(
            rng,
            (("attended_complied", 88), ("attended_failed_to_comply", 4), ("unacceptable_absence", 4),
             ("acceptable_absence", 4)),
        )  # fmt: skip
        partner = activity_type == "partner_service"
        rar_services.rar_activity_record(
            by=officer,
            requirement=requirement,
            starts_at=_at(day, hour),
            duration_minutes=rng.choice((30, 45, 60, 60, 90)),
            activity_type=activity_type,
            need_area="" if objective else rng.choice(NeedArea.values),
            plan_objective=objective,
            delivered_by=None if partner else officer,
            delivered_by_organisation="Change Grow Live Manchester" if partner else "",
            description=RAR_DESCRIPTIONS[activity_type],
            location="Probation office",
            outcome=self.outcomes[outcome],
            absence_reason="medical" if outcome == "acceptable_absence" else "",
        )
        self.rar_activities += 1

    # Accredited programmes -----------------------------------------------------------------------------------

    def build_programmes(self) -> Counter:
        rng = self.rng
        programmes = {programme.name: programme for programme in Programme.objects.filter(active=True)}
        groups: dict[tuple[str, int, str], ProgrammeGroup] = {}

        def group_for(key: str, programme: Programme, kind: str) -> ProgrammeGroup:
            found = groups.get((key, programme.pk, kind))
            if found is None:
                start = {
                    "finished": self.today - timedelta(weeks=programme.sessions + 4),
                    "running": self.today - timedelta(weeks=3),
                    "planned": self.today + timedelta(weeks=3),
                }[kind]
                found = programme_services.programme_group_create(
                    by=self.managers[key],
                    programme=programme,
                    provider=self.providers[key],
                    name=f"{programme.name}, {self.providers[key].code} {kind} group {start:%B %Y}",
                    start_date=_working_day_on_or_after(start),
                    location="Probation office",
                    capacity=12,
                )
                groups[(key, programme.pk, kind)] = found
            return found

        # Each requirement aims for the next step in turn, so every step shows even with few requirements; the
        # dates decide how far it gets (a recent case cannot have finished a programme).
        for index, requirement in enumerate(self._requirements(requirement_type__is_accredited_programme=True)):
            case = requirement.sentence.case
            officer = case.responsible_officer
            if officer is None:
                continue
            target = PROGRAMME_TARGETS[index % len(PROGRAMME_TARGETS)]
            key = self.key_of[case.provider_id]
            programme = programmes.get(requirement.programme_name) or programmes["Thinking Skills Programme"]
            referred_on = min(self._allocated_on(requirement) + timedelta(days=rng.randint(5, 12)), self.today)
            referral = programme_services.programme_refer(
                by=officer, requirement=requirement, programme=programme, referred_on=referred_on
            )
            decided_on = referred_on + timedelta(days=rng.randint(7, 21))
            if target == "referred" or decided_on > self.today:
                continue  # waiting for a decision
            if target.startswith("unsuitable"):
                referral = programme_services.programme_suitability_decide(
                    by=officer,
                    referral=referral,
                    suitable=False,
                    notes="Literacy needs mean the group is not suitable; one-to-one work is needed instead.",
                    on=decided_on,
                )
                if target.endswith("with plan"):
                    programme_services.programme_alternative_plan_record(
                        by=officer,
                        referral=referral,
                        plan="One-to-one structured sessions on thinking skills within the RAR, fortnightly.",
                    )
                continue
            referral = programme_services.programme_suitability_decide(
                by=officer, referral=referral, suitable=True, notes="Motivated and suitable.", on=decided_on
            )
            if target == "waiting":
                continue
            wanted = {"completed": "finished", "allocated": "planned", "withdrawn": "planned"}.get(target, "running")
            group = group_for(key, programme, wanted)
            if group.start_date < decided_on:
                later = (group_for(key, programme, kind) for kind in ("running", "planned"))
                group = next((found for found in later if found.start_date >= decided_on), None)
                if group is None:
                    continue  # waiting for a group
            referral = programme_services.programme_allocate(by=officer, referral=referral, group=group, on=decided_on)
            if target == "withdrawn":
                programme_services.programme_withdraw(
                    by=officer,
                    referral=referral,
                    reason="The court amended the order: the programme requirement is to be removed.",
                    on=self.today,
                )
                continue
            if group.start_date > self.today:
                continue
            referral = programme_services.programme_start(by=officer, referral=referral, on=group.start_date)
            self._programme_sessions(officer, referral, programme, group, target=target)
        return Counter(
            ProgrammeReferral.objects.filter(
                requirement__sentence__case__provider__region_id=self.region_id
            ).values_list("status", flat=True)
        )

    def _programme_sessions(
        self, officer: User, referral, programme: Programme, group: ProgrammeGroup, *, target: str
    ) -> None:
        drops_out = target.startswith("not completed")
        number, day = 0, group.start_date
        while day < self.today and number < programme.sessions:
            number += 1
            # Someone who drops out misses sessions from the second; everyone else catches up on any they miss.
            attended = not (drops_out and number >= 2)
            programme_services.programme_session_record(
                by=officer, referral=referral, session_number=number, session_date=day, attended=attended
            )
            if drops_out and number >= 3:
                referral = programme_services.programme_not_complete(
                    by=officer, referral=referral, reason="dropped_out", on=day
                )
                if target.endswith("with plan"):
                    programme_services.programme_alternative_plan_record(
                        by=officer, referral=referral, plan="Refer to the next group once the person is settled."
                    )
                return
            day += timedelta(days=7)
        if number >= programme.sessions:
            programme_services.programme_complete(by=officer, referral=referral, on=min(day, self.today))

    # Referrals to services -----------------------------------------------------------------------------------

    def build_services(self) -> int:
        admin = self.builder.admin
        created = 0
        for name, kind, provider_key, needs, description in SERVICES:
            provider = self.providers[provider_key] if provider_key else None
            by = self.managers[provider_key] if provider_key else admin
            referral_services.service_provider_create(
                by=by,
                name=name,
                kind=kind,
                need_areas=list(needs),
                provider=provider,
                description=description,
            )
            created += 1
        return created

    def build_referrals(self) -> Counter:
        rng = self.rng
        services_by_need: dict[str, list[ServiceProvider]] = {}
        for service in ServiceProvider.objects.filter(active=True).prefetch_related("need_areas"):
            for need in service.need_areas.all():
                services_by_need.setdefault(need.need_area, []).append(service)
        objectives = (
            PlanObjective.objects.filter(
                plan__case__status=Case.Status.ACTIVE,
                plan__case__provider__region_id=self.region_id,
                plan__status="completed",
            )
            .exclude(plan__case_id__in=self.leave_alone)
            .select_related("plan__case__responsible_officer", "plan__case__provider")
            .order_by("pk")
        )
        for objective in objectives:
            case = objective.plan.case
            candidates = [
                service
                for service in services_by_need.get(objective.need_area, [])
                if service.provider_id in (None, case.provider_id)
            ]
            if not candidates or case.responsible_officer is None or rng.random() > 0.45:
                continue
            officer = case.responsible_officer
            referred_on = min(objective.plan.completed_on + timedelta(days=rng.randint(1, 10)), self.today)
            referral = referral_services.service_referral_create(
                by=officer,
                case=case,
                service_provider=rng.choice(candidates),
                need_area=objective.need_area,
                reason_for_referral=REFERRAL_REASONS.get(objective.need_area, "Support for this need."),
                plan_objective=objective,
                referred_on=referred_on,
            )
            self._progress_referral(officer, referral, referred_on)
        return Counter(
            ServiceReferral.objects.filter(case__provider__region_id=self.region_id).values_list("status", flat=True)
        )

    def _progress_referral(self, officer: User, referral, referred_on: date) -> None:
        rng = self.rng
        accepted_on = referred_on + timedelta(days=rng.randint(3, 21))
        if accepted_on > self.today:
            return
        if rng.random() < 0.1:
            referral_services.service_referral_update(
                by=officer, referral=referral, status="declined", on=accepted_on, outcome="No capacity in this area."
            )
            return
        referral = referral_services.service_referral_update(
            by=officer, referral=referral, status="accepted", on=accepted_on
        )
        started_on = accepted_on + timedelta(days=rng.randint(3, 28))
        if started_on > self.today:
            return
        referral = referral_services.service_referral_update(
            by=officer, referral=referral, status="started", on=started_on
        )
        ended_on = started_on + timedelta(days=rng.randint(30, 120))
        if ended_on > self.today:
            return
        if rng.random() < 0.15:
            referral_services.service_referral_update(
                by=officer, referral=referral, status="withdrawn", on=ended_on, outcome="Stopped engaging."
            )
            return
        referral_services.service_referral_update(
            by=officer, referral=referral, status="completed", on=ended_on, outcome="Goals met; case closed by them."
        )


def build_delivery(builder: DemoBuilder, *, seed: int, leave_alone: frozenset[int] = frozenset()) -> DeliverySummary:
    """Write the delivery demo data (see the module docstring). Call inside demo_build's transaction.

    `leave_alone`: ids of cases to write nothing on (the journey's live cases, each showing one stage)."""
    from timeliness.services import alerts_raise

    started = time.perf_counter()
    delivery = DeliveryBuilder(builder, seed=seed, leave_alone=leave_alone)
    delivery.build_projects()
    delivery.build_unpaid_work()
    delivery.build_rar()
    programme_referrals = delivery.build_programmes()
    service_providers = delivery.build_services()
    service_referrals = delivery.build_referrals()
    alerts_raise(today=delivery.today)
    return DeliverySummary(
        projects=sum(len(projects) for projects in delivery.projects.values()),
        sessions=UnpaidWorkSession.objects.filter(project__provider__region_id=delivery.region_id).count(),
        bookings=delivery.bookings,
        requirements_passed_to_crc=delivery.passed,
        unpaid_work_completed=delivery.completed,
        rar_activities=delivery.rar_activities,
        rar_requirements=delivery.rar_requirements,
        rar_inactive=delivery.rar_inactive,
        programme_referrals=programme_referrals,
        service_providers=service_providers,
        service_referrals=service_referrals,
        today_register={
            "supervisor": delivery.today_register["cgm"],
            "preston.supervisor": delivery.today_register["cl"],
        },
        seconds=time.perf_counter() - started,
    )
