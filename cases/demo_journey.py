"""Demo data for the journey from court to plan (issue 4): sentences, appointments, plans, and live clocks.

`build_journey` is called by cases.demo.demo_build inside its transaction, after the people, cases and access lists
exist (and before the risk records: it reads none of them). It writes in two parts, every write through the
services with a named acting user, so the history says who did it and the service-level clocks (timeliness) open
and stop from real events:

1. Backfill of the cases the people demo opened (each active one already has its officer's assignment, opened
   by cases.services.case_create). The active cases of the
   teams the demo sign-ins use, and a share of the others (FULL_BACKFILL_*), get their current sentence (adults:
   community orders with a rehabilitation activity requirement and/or unpaid work mostly, some suspended sentence
   orders, some custody with the release in the past; children: youth rehabilitation orders and referral orders),
   a few past appointments with outcomes (mostly attended and complied, some acceptable absences with a reason, a
   few unacceptable absences), an upcoming appointment for most, and a completed sentence plan with two to four
   objectives once the plan is due. The attended appointments and completed plans stop the clocks they open,
   mostly in time, so the compliance figures look like 2017's. Cases waiting for allocation get their sentence
   (in the last two working days) and so join the allocating provider's queue.
2. Live cases at every stage for the demo sign-ins, with clocks due soon and overdue: reports due tomorrow and
   overdue (`officer`), cases sentenced and not yet allocated, one blocked for want of a risk assessment
   (`manager`'s queue), first appointments and sentence plans due soon and overdue (`officer`), a release from
   custody yesterday, a CRC custody case past its resettlement plan date (`crc.officer`), a first appointment due
   for `crc.officer`, and a referral order waiting for its panel (`yot.officer`). Then the alert scan runs once
   (timeliness.services.alerts_raise), so alerts show as soon as someone signs in.

Deterministic: its own `random.Random` derived from the seed, choices made in the order the people were created.
Dates are working days or days before the demo's `today`, never after the real day (the services refuse dates
in the future), so a demo built for another day still loads.

The demo is the one place that ties the apps together, so it imports timeliness (above cases in the dependency
chain) inside the functions that need it, as cases.demo imports risk.demo.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Court, User
from cases import services as case_services
from cases.models import (
    Case,
    Contact,
    ContactOutcome,
    Disposal,
    InformationRequest,
    NeedArea,
    Person,
    PreSentenceReport,
    ReferralPanelMeeting,
    SentencePlan,
    age_on,
)
from cases.services import allocation, contacts, court, plans, sentencing

if TYPE_CHECKING:
    from cases.demo import DemoBuilder

# Shares of the backfilled sentences (adults and children), and of the appointments' outcomes.
ADULT_DISPOSAL_WEIGHTS = {Disposal.COMMUNITY_ORDER: 62, Disposal.SUSPENDED_SENTENCE_ORDER: 20, Disposal.CUSTODY: 18}
CHILD_DISPOSAL_WEIGHTS = {Disposal.YOUTH_REHABILITATION_ORDER: 55, Disposal.REFERRAL_ORDER: 45}
LATER_OUTCOME_WEIGHTS = {
    "attended_complied": 78,
    "acceptable_absence": 10,
    "unacceptable_absence": 6,
    "attended_failed_to_comply": 6,
}
# The manager's management oversight when allocating a high or very high risk of serious harm case.
HIGH_RISK_ALLOCATION_NOTE = (
    "Read the pre-sentence report and the risk of serious harm assessment. Allocated to {officer}, who has "
    "experience of high risk cases and capacity on their caseload. First appointment within 5 days; check "
    "police and children's services information before it. Risk management plan to be reviewed with me in "
    "supervision within 4 weeks."
)
FIRST_OUTCOME_WEIGHTS = {"attended_complied": 90, "acceptable_absence": 6, "unacceptable_absence": 4}
ABSENCE_REASONS = {
    Contact.AbsenceReason.MEDICAL: ("Sick note from the GP for the day.", 35),
    Contact.AbsenceReason.EMPLOYMENT: ("A shift that could not be changed; payslip seen.", 25),
    Contact.AbsenceReason.FAMILY_OR_CHILDCARE: ("Childcare fell through; the school confirmed the closure.", 20),
    Contact.AbsenceReason.COURT: ("Attending the family court as a witness.", 8),
    Contact.AbsenceReason.STOOD_DOWN: ("Stood down by the office: the officer was off sick.", 12),
}
# Every write goes through a service that validates the row and its constraints (a query each) and writes its
# history: about 10 ms a row on SQLite. Appointments and plans for all 1,200 active cases of a full demo would add
# about a minute, so they are written for every case of `manager`'s team (with `officer`) and of the youth
# offending team (`yot.officer`), every case `crc.officer` holds, and a share of the other cases.
FULL_BACKFILL_TEAMS = ("N01MN", "Y01MC")
FULL_BACKFILL_OFFICERS = ("crc.officer",)
FULL_BACKFILL_SHARE_ELSEWHERE = 0.08
PAST_APPOINTMENT_COUNTS = {2: 45, 3: 40, 4: 15}
UPCOMING_SHARE = 0.85  # of backfilled cases with an appointment booked ahead
PLAN_MISSED_SHARE = 0.05  # of sentence plans completed after their due date (2017: about 96% in time)
RELEASE_FIRST_APPOINTMENT_LATE_SHARE = 0.05

APPOINTMENT_TIMES = (clock_time(9, 30), clock_time(10, 0), clock_time(11, 0), clock_time(13, 30), clock_time(14, 30))
LATER_CONTACT_TYPES = {
    Contact.ContactType.OFFICE_APPOINTMENT: 60,
    Contact.ContactType.HOME_VISIT: 15,
    Contact.ContactType.TELEPHONE_CALL: 15,
    Contact.ContactType.THREE_WAY_MEETING: 5,
    Contact.ContactType.SENTENCE_PLAN_MEETING: 5,
}

PROGRAMMES = (("Thinking Skills Programme", 19), ("Building Better Relationships", 24), ("Resolve", 24))
TREATMENTS = {
    "alcohol_treatment": "Alcohol treatment with Change Grow Live for 6 months.",
    "drug_rehabilitation": "Drug rehabilitation with monthly testing for 6 months.",
    "curfew": "Curfew at the home address from 8pm to 6am for 3 months, electronically monitored.",
}
OBJECTIVES = {
    NeedArea.ACCOMMODATION: (
        "Move from the hostel into a settled tenancy.",
        "Referral to the housing options team; support with the deposit.",
        "Responsible officer and the council's housing team",
    ),
    NeedArea.EDUCATION_TRAINING_EMPLOYMENT: (
        "Find steady work or a training course.",
        "Referral to the employment and training adviser; CV and interview practice.",
        "Employment, training and education adviser",
    ),
    NeedArea.FINANCE: (
        "Get debts under control and a budget that covers rent and food.",
        "Appointment with Citizens Advice; claim the benefits they are entitled to.",
        "Citizens Advice",
    ),
    NeedArea.RELATIONSHIPS: (
        "Relationships free of abuse and control.",
        "Building Better Relationships programme; checks with the police on any new partner.",
        "Programmes team and responsible officer",
    ),
    NeedArea.LIFESTYLE: (
        "Spend time away from the peer group linked to the offending.",
        "Structured activity days under the rehabilitation activity requirement.",
        "Responsible officer",
    ),
    NeedArea.DRUG_MISUSE: (
        "Stop using crack cocaine and stay engaged with treatment.",
        "Weekly key work and testing at the drug service.",
        "Drug treatment service",
    ),
    NeedArea.ALCOHOL_MISUSE: (
        "Cut down drinking and understand its link to the offending.",
        "Alcohol brief intervention, then the alcohol treatment requirement.",
        "Alcohol service",
    ),
    NeedArea.EMOTIONAL_WELLBEING: (
        "Get support for low mood and anxiety.",
        "Registration with a GP and referral to talking therapies.",
        "GP and responsible officer",
    ),
    NeedArea.THINKING_AND_BEHAVIOUR: (
        "Stop and think before acting when angry.",
        "Thinking Skills Programme; one-to-one work on consequences.",
        "Programmes team",
    ),
    NeedArea.ATTITUDES: (
        "Take responsibility for the offence and its effect on the victim.",
        "Victim awareness sessions in supervision.",
        "Responsible officer",
    ),
}
STRENGTHS = (
    "Close to a parent who supports them; wants to keep their job.",
    "Motivated to stay out of trouble for the sake of the children.",
    "Good relationship with a football coach; has stayed away from drugs for a year.",
    "Completed a previous order; engages well when the plan is clear.",
    "Settled at college and proud of it.",
)
BARRIERS = ("", "", "Shift work: appointments in the late afternoon.", "Reads little: go through letters together.")
DIVERSITY = (
    "",
    "",
    "Dyslexia: written plans read through together.",
    "Observes Ramadan: no early evening appointments.",
)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _is_working_day(day: date) -> bool:
    from timeliness.calendar import is_working_day

    return is_working_day(day)


def _working_days_after(day: date, count: int) -> date:
    from timeliness.calendar import add_working_days

    return add_working_days(day, count)


def _working_days_before(day: date, count: int) -> date:
    """The day `count` working days before `day` (the day itself never counts)."""
    while count:
        day -= timedelta(days=1)
        if _is_working_day(day):
            count -= 1
    return day


def _working_day_on_or_after(day: date) -> date:
    while not _is_working_day(day):
        day += timedelta(days=1)
    return day


def _at(day: date, at: clock_time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _months_between(start: date, end: date) -> int:
    """Whole months (rounded up) from `start` to `end`."""
    return max(0, math.ceil((end - start).days / 30.4))


# Live stages, for the summary and the tests ------------------------------------------------------------------

REPORT_DUE_SOON = "report due tomorrow"
REPORT_OVERDUE = "report overdue"
SENTENCED_YESTERDAY = "sentenced, allocation due soon"
ALLOCATION_OVERDUE = "sentenced, allocation overdue"
ALLOCATION_BLOCKED = "sentenced, allocation blocked (no RoSH)"
FIRST_APPOINTMENT_DUE = "allocated, first appointment due soon"
FIRST_APPOINTMENT_OVERDUE = "allocated, first appointment overdue"
CRC_FIRST_APPOINTMENT_DUE = "allocated to a CRC, first appointment due soon"
PLAN_DUE = "first appointment attended, plan due soon"
PLAN_OVERDUE = "first appointment attended, plan overdue"
RELEASED_YESTERDAY = "released yesterday, appointment booked"
RESETTLEMENT_OVERDUE = "CRC custody screened, resettlement plan overdue"
PANEL_DUE = "referral order waiting for its panel"
LIVE_STAGES = (
    REPORT_DUE_SOON,
    REPORT_OVERDUE,
    SENTENCED_YESTERDAY,
    ALLOCATION_OVERDUE,
    ALLOCATION_BLOCKED,
    FIRST_APPOINTMENT_DUE,
    FIRST_APPOINTMENT_OVERDUE,
    CRC_FIRST_APPOINTMENT_DUE,
    PLAN_DUE,
    PLAN_OVERDUE,
    RELEASED_YESTERDAY,
    RESETTLEMENT_OVERDUE,
    PANEL_DUE,
)


@dataclass(frozen=True)
class LivePerson:
    stage: str
    first_name: str
    last_name: str
    gender: str
    age: int
    login: str  # the sign-in who sees the case (its officer, report author, or allocating manager)


LIVE_PEOPLE = (
    LivePerson(REPORT_DUE_SOON, "Jordan", "Whittaker", Person.Gender.MALE, 27, "officer"),
    LivePerson(REPORT_OVERDUE, "Kayleigh", "Horrocks", Person.Gender.FEMALE, 33, "officer"),
    LivePerson(SENTENCED_YESTERDAY, "Connor", "Pilkington", Person.Gender.MALE, 24, "manager"),
    LivePerson(ALLOCATION_OVERDUE, "Darren", "Greenhalgh", Person.Gender.MALE, 41, "manager"),
    LivePerson(ALLOCATION_BLOCKED, "Shaun", "Lomax", Person.Gender.MALE, 36, "manager"),
    LivePerson(FIRST_APPOINTMENT_DUE, "Kyle", "Butterworth", Person.Gender.MALE, 22, "officer"),
    LivePerson(FIRST_APPOINTMENT_OVERDUE, "Wayne", "Kershaw", Person.Gender.MALE, 45, "officer"),
    LivePerson(CRC_FIRST_APPOINTMENT_DUE, "Gemma", "Schofield", Person.Gender.FEMALE, 29, "crc.officer"),
    LivePerson(PLAN_DUE, "Lee", "Haworth", Person.Gender.MALE, 38, "officer"),
    LivePerson(PLAN_OVERDUE, "Tanya", "Crompton", Person.Gender.FEMALE, 31, "officer"),
    LivePerson(RELEASED_YESTERDAY, "Carl", "Entwistle", Person.Gender.MALE, 30, "officer"),
    LivePerson(RESETTLEMENT_OVERDUE, "Dean", "Heywood", Person.Gender.MALE, 26, "crc.officer"),
    LivePerson(PANEL_DUE, "Tyler", "Holden", Person.Gender.MALE, 15, "yot.officer"),
)


@dataclass
class JourneySummary:
    """What `build_journey` made, for the seed_demo command to print."""

    backfilled: int
    sentences: dict[str, int]
    past_appointments: int
    upcoming_appointments: int
    plans_completed: int
    statuses: dict[str, int]
    live: dict[str, str]  # stage -> "CRN (sign-in)"
    clocks: dict[str, int]  # open, due soon, overdue, met, missed
    alerts_raised: dict[str, int]
    alerts_by_login: dict[str, int]
    seconds: float = 0.0
    live_case_ids: frozenset[int] = frozenset()  # left alone by later demos, so each shows its one stage

    def lines(self) -> list[str]:
        sentences = ", ".join(f"{Disposal(code).label.lower()} {count}" for code, count in self.sentences.items())
        statuses = ", ".join(f"{Case.Status(code).label.lower()} {count}" for code, count in self.statuses.items())
        alerts = ", ".join(f"{login} {count}" for login, count in self.alerts_by_login.items())
        lines = [
            f"Journey data loaded in {self.seconds:.1f} s.",
            f"  Cases by stage: {statuses}.",
            f"  Sentences recorded on {self.backfilled} existing cases: {sentences}.",
            f"  Appointments: {self.past_appointments} past with outcomes, {self.upcoming_appointments} booked ahead; "
            f"sentence plans completed: {self.plans_completed}.",
            f"  Clocks: {self.clocks['open']} open ({self.clocks['due_soon']} due soon, {self.clocks['overdue']} "
            f"overdue), {self.clocks['met']} met, {self.clocks['missed']} missed.",
            f"  Alerts raised: {self.alerts_raised.get('due_soon', 0)} due soon, "
            f"{self.alerts_raised.get('overdue', 0)} overdue; open alerts: {alerts}.",
            "  Live cases:",
        ]
        lines += [f"    {stage}: {where}" for stage, where in self.live.items()]
        return lines


@dataclass
class Backfill:
    sentences: Counter = field(default_factory=Counter)
    past_appointments: int = 0
    upcoming_appointments: int = 0
    plans_completed: int = 0
    cases: int = 0


class JourneyBuilder:
    """Writes the journey through the services. Use `build_journey`."""

    def __init__(self, builder: DemoBuilder, created: list[tuple[Person, Case]], *, seed: int):
        self.rng = random.Random(f"journey demo {seed}")
        # The live people's CRNs and telephone numbers come from their own stream, so, like every other name and
        # CRN in the demo, they do not depend on the day it is loaded (the main stream draws dates).
        self.identities = random.Random(f"journey people {seed}")
        self.builder = builder
        self.created = created
        self.real_today = timezone.localdate()
        self.today = min(builder.today, self.real_today)  # the services refuse future dates
        self.staff = builder.staff
        self.providers = builder.providers
        self.teams = builder.teams
        region_id = next(iter(builder.providers.values())).region_id
        self.courts = {court.code: court for court in Court.objects.filter(region_id=region_id)}
        self.outcomes = {outcome.code: outcome for outcome in ContactOutcome.objects.filter(active=True)}
        self.backfill = Backfill()
        # Each kind of sentence appears however few people there are: the first cases it fits get it.
        self.not_yet_given = [
            Disposal.CUSTODY,
            Disposal.SUSPENDED_SENTENCE_ORDER,
            Disposal.REFERRAL_ORDER,
            Disposal.YOUTH_REHABILITATION_ORDER,
        ]
        # The live clocks fall due on these days: the next working day ("due soon" even when the demo is loaded at
        # a weekend) and two working days ago ("overdue"). Each stage works back from them by its limit.
        self.due_soon = _working_days_after(self.today, 1)
        self.overdue = _working_days_before(self.today, 2)

    # Backfill ------------------------------------------------------------------------------------------------

    def build_backfill(self) -> None:
        full_teams = {self.teams[code].pk for code in FULL_BACKFILL_TEAMS}
        full_officers = {self.staff[username].pk for username in FULL_BACKFILL_OFFICERS}
        for person, case in self.created:
            if case.start_date > self.today:
                # A demo built for a later day than the real one: the services refuse sentences in the future.
                continue
            if case.status == Case.Status.ACTIVE:
                full = case.team_id in full_teams or case.responsible_officer_id in full_officers
                if full or self.rng.random() < FULL_BACKFILL_SHARE_ELSEWHERE:
                    self._backfill_active(person, case)
            elif case.status == Case.Status.AWAITING_ALLOCATION:
                self._backfill_waiting(person, case)

    def _backfill_waiting(self, person: Person, case: Case) -> None:
        """A case waiting for allocation: sentenced in the last two working days (never before the case opened)."""
        rng = self.rng
        sentence_date = max(case.start_date, _working_days_before(self.today, rng.choice((0, 1, 2))))
        kwargs = self._sentence_kwargs(person, case, sentence_date, allow_custody=False)
        if kwargs is None:
            return
        # Recorded by the court team: the NPS's for an adult, the youth offending team's for a child.
        child = age_on(person.date_of_birth, sentence_date) < 18
        by = self.staff["yot.officer2" if child else "north.officer2"]
        sentencing.sentence_record(by=by, case=case, sentence_date=sentence_date, **kwargs)
        self.backfill.sentences[kwargs["disposal"]] += 1
        self.backfill.cases += 1

    def _backfill_active(self, person: Person, case: Case) -> None:
        rng = self.rng
        officer = case.responsible_officer
        start = case.start_date
        kwargs = self._sentence_kwargs(person, case, start, allow_custody=True)
        if kwargs is None:
            return
        released_on = kwargs.pop("released_on", None)
        signed_on = kwargs.pop("contract_signed_on", None)
        sentence = sentencing.sentence_record(by=officer, case=case, sentence_date=start, **kwargs)
        self.backfill.sentences[sentence.disposal] += 1
        self.backfill.cases += 1
        if signed_on is not None:
            sentencing.panel_meeting_record(
                by=officer,
                sentence=sentence,
                meeting_type=ReferralPanelMeeting.MeetingType.INITIAL,
                meeting_date=signed_on,
                contract_signed=True,
                attendees="Two community panel members, the child, a parent, the YOT case manager.",
            )
            sentence.refresh_from_db()
        first_day = start
        if released_on is not None:
            sentence = sentencing.release_record(by=officer, sentence=sentence, released_on=released_on)
            late = rng.random() < RELEASE_FIRST_APPOINTMENT_LATE_SHARE
            first_day = _working_days_after(released_on, 2 if late else 1)
        else:
            first_day = _working_days_after(start, rng.randint(1, 4))
        first_attended = self._past_appointments(case, officer, first_day)
        if rng.random() < UPCOMING_SHARE:
            self._upcoming_appointment(case, officer)
        if first_attended is not None:
            self._backfill_plan(person, case, officer, sentence, first_attended)

    def _sentence_kwargs(self, person: Person, case: Case, sentence_date: date, *, allow_custody: bool) -> dict | None:
        """A sentence that suits the person's age and is still running today (None if none fits)."""
        rng = self.rng
        age = age_on(person.date_of_birth, sentence_date)
        # The order must still run at least two months after the real day, so a plan can set target dates.
        needed = _months_between(sentence_date, self.real_today) + 2
        if age < 18:
            choices = dict(CHILD_DISPOSAL_WEIGHTS)
            signed_on = sentence_date + timedelta(days=rng.randint(7, 20))
            if signed_on >= self.today or _months_between(signed_on, self.real_today) + 2 > 12:
                choices.pop(Disposal.REFERRAL_ORDER)
            if needed > 36:
                choices.pop(Disposal.YOUTH_REHABILITATION_ORDER)
            if not choices:
                return None
            disposal = self._choose_disposal(choices)
            if disposal == Disposal.REFERRAL_ORDER:
                length = max(_months_between(signed_on, self.real_today) + 2, rng.choice((6, 9, 12)))
                return {"disposal": disposal, "length_months": min(length, 12), "contract_signed_on": signed_on}
            requirements = [
                {"requirement_type": "supervision", "details": "Weekly meetings with the YOT case manager."}
            ]
            if age >= 16 and rng.random() < 0.3:
                requirements.append({"requirement_type": "unpaid_work", "hours": rng.choice((40, 60, 80, 100))})
            if rng.random() < 0.2:
                requirements.append({"requirement_type": "curfew", "details": TREATMENTS["curfew"]})
            return {
                "disposal": disposal,
                "length_months": min(36, max(needed, rng.choice((6, 12, 12, 18)))),
                "intensive_supervision_and_surveillance": rng.random() < 0.1,
                "requirements": requirements,
            }
        choices = dict(ADULT_DISPOSAL_WEIGHTS)
        earliest_release = max(sentence_date + timedelta(days=30), self.today - timedelta(days=300))
        latest_release = self.today - timedelta(days=7)  # room for the first appointment after release
        if not allow_custody or earliest_release > latest_release or (latest_release - sentence_date).days > 540:
            choices.pop(Disposal.CUSTODY)
        if needed > 24:
            choices.pop(Disposal.SUSPENDED_SENTENCE_ORDER)
        if needed > 36:
            choices.pop(Disposal.COMMUNITY_ORDER)
        if not choices:
            return None
        disposal = self._choose_disposal(choices)
        if disposal == Disposal.CUSTODY:
            released_on = earliest_release + timedelta(days=rng.randint(0, (latest_release - earliest_release).days))
            term = min(36, max(2, math.ceil(2 * (released_on - sentence_date).days / 30.4)))
            while sentence_date + relativedelta(months=term) < released_on:
                term += 1
            return {
                "disposal": disposal,
                "length_months": term,
                "expected_release_date": released_on,
                "released_on": released_on,
            }
        kwargs = {"disposal": disposal, "requirements": self._adult_requirements()}
        if disposal == Disposal.SUSPENDED_SENTENCE_ORDER:
            kwargs["length_months"] = min(24, max(needed, rng.choice((12, 18, 24))))
            kwargs["suspended_custodial_term_months"] = rng.choice((3, 4, 6, 8, 12, 18))
        else:
            kwargs["length_months"] = min(36, max(needed, rng.choice((12, 12, 18, 24))))
        return kwargs

    def _choose_disposal(self, weights: dict) -> str:
        """A kind of sentence not given yet if one fits, else one drawn by weight."""
        disposal = next((choice for choice in self.not_yet_given if choice in weights), None)
        if disposal is None:
            return _weighted(self.rng, weights)
        self.not_yet_given.remove(disposal)
        return disposal

    def _adult_requirements(self) -> list[dict]:
        rng = self.rng
        requirements = []
        kind = _weighted(rng, {"rar": 45, "upw": 25, "both": 30})
        if kind in ("rar", "both"):
            requirements.append({"requirement_type": "rar", "maximum_days": rng.choice((10, 15, 20, 20, 30, 40))})
        if kind in ("upw", "both"):
            requirements.append({"requirement_type": "unpaid_work", "hours": rng.choice((60, 80, 100, 120, 150, 200))})
        if rng.random() < 0.2:
            name, sessions = rng.choice(PROGRAMMES)
            requirements.append(
                {"requirement_type": "accredited_programme", "programme_name": name, "sessions": sessions}
            )
        if rng.random() < 0.15:
            code = rng.choice(tuple(TREATMENTS))
            requirements.append({"requirement_type": code, "details": TREATMENTS[code]})
        return requirements

    def _book(self, case: Case, officer: User, day: date, contact_type: str, *, at: clock_time | None = None):
        method = Contact.Method.TELEPHONE if contact_type == Contact.ContactType.TELEPHONE_CALL else None
        method = method or Contact.Method.FACE_TO_FACE
        location = ""
        if method == Contact.Method.FACE_TO_FACE:
            location = "Home address" if contact_type == Contact.ContactType.HOME_VISIT else f"{case.team.name} office"
        return contacts.appointment_book(
            by=officer,
            case=case,
            contact_type=contact_type,
            starts_at=_at(day, at or self.rng.choice(APPOINTMENT_TIMES)),
            method=method,
            duration_minutes=60 if contact_type == Contact.ContactType.INITIAL_APPOINTMENT else 45,
            location=location,
            staff=officer,
        )

    def _outcome(self, officer: User, contact: Contact, code: str) -> None:
        reason = details = ""
        if code == "acceptable_absence":
            reason = _weighted(self.rng, {key: weight for key, (_text, weight) in ABSENCE_REASONS.items()})
            details = ABSENCE_REASONS[reason][0]
        contacts.appointment_record_outcome(
            by=officer,
            contact=contact,
            outcome=self.outcomes[code],
            absence_reason=reason,
            absence_reason_details=details,
        )

    def _past_appointments(self, case: Case, officer: User, first_day: date) -> date | None:
        """Two to five past appointments: the first soon after sentence (or release), the rest in the last three
        months. Returns the day of the first attended one (None if none was attended)."""
        rng = self.rng
        latest = self.today - timedelta(days=1)
        if first_day > latest:
            return None
        days = [first_day]
        count = _weighted(rng, PAST_APPOINTMENT_COUNTS)
        day = max(first_day, self.today - timedelta(days=90))
        while len(days) < count:
            day = _working_day_on_or_after(day + timedelta(days=rng.randint(7, 21)))
            if day > latest:
                break
            days.append(day)
        first_attended = None
        for index, day in enumerate(days):
            if index == 0:
                contact_type, weights = Contact.ContactType.INITIAL_APPOINTMENT, FIRST_OUTCOME_WEIGHTS
                if len(days) == 1:
                    weights = {"attended_complied": 1}  # no later appointment yet to make up for an absence
            else:
                contact_type, weights = _weighted(rng, LATER_CONTACT_TYPES), LATER_OUTCOME_WEIGHTS
                if first_attended is None:
                    weights = {"attended_complied": 1}  # the induction happens at the second try
            contact = self._book(case, officer, day, contact_type)
            code = _weighted(rng, weights)
            self._outcome(officer, contact, code)
            if first_attended is None and self.outcomes[code].attended:
                first_attended = day
            self.backfill.past_appointments += 1
        return first_attended

    def _upcoming_appointment(self, case: Case, officer: User) -> None:
        day = _working_day_on_or_after(self.today + timedelta(days=self.rng.randint(1, 12)))
        self._book(case, officer, day, _weighted(self.rng, LATER_CONTACT_TYPES))
        self.backfill.upcoming_appointments += 1

    def _target_dates(self, sentence, count: int) -> list[date] | None:
        """Target dates from two weeks to a year ahead, within the order (None when the order ends too soon)."""
        earliest = self.real_today + timedelta(days=14)  # objectives are set from the day the plan is started
        latest = self.real_today + timedelta(days=365)
        if sentence.end_date is not None:
            latest = min(latest, sentence.end_date)
        if latest < earliest:
            return None
        span = (latest - earliest).days
        return sorted(earliest + timedelta(days=self.rng.randint(0, span)) for _ in range(count))

    def _plan_fields(self, person: Person) -> dict:
        rng = self.rng
        involvement = _weighted(
            rng,
            {
                SentencePlan.Involvement.YES: 82,
                SentencePlan.Involvement.WOULD_NOT_ENGAGE: 12,
                SentencePlan.Involvement.NOT_INVOLVED: 6,
            },
        )
        details = {
            SentencePlan.Involvement.YES: "",
            SentencePlan.Involvement.WOULD_NOT_ENGAGE: "Walked out of the planning meeting twice; plan agreed in part.",
            SentencePlan.Involvement.NOT_INVOLVED: "Plan written from the report before the first meeting.",
        }[involvement]
        fields = {
            "strengths": rng.choice(STRENGTHS),
            "involvement": involvement,
            "involvement_details": details,
            "diversity_needs": rng.choice(DIVERSITY),
            "barriers_to_engagement": rng.choice(BARRIERS),
        }
        if plans.is_woman(person):
            fields["female_officer_offered"] = True
            fields["women_only_setting_offered"] = rng.random() < 0.8
        return fields

    def _write_plan(self, person: Person, case: Case, officer: User, sentence, objectives: int) -> SentencePlan | None:
        targets = self._target_dates(sentence, objectives)
        if targets is None:
            return None
        plan = plans.plan_start(by=officer, case=case)
        plans.plan_update(by=officer, plan=plan, **self._plan_fields(person))
        for need_area, target in zip(self.rng.sample(list(OBJECTIVES), objectives), targets, strict=True):
            description, actions, who = OBJECTIVES[need_area]
            plans.objective_add(
                by=officer,
                plan=plan,
                need_area=need_area,
                description=description,
                actions=actions,
                who_delivers=who,
                target_date=target,
            )
        return plan

    def _backfill_plan(self, person: Person, case: Case, officer: User, sentence, first_attended: date) -> None:
        """Completed once due (mostly in time); a plan not yet due is completed, in draft, or not started."""
        rng = self.rng
        due = _working_days_after(first_attended, self._plan_days())
        if due < self.today:
            if rng.random() < PLAN_MISSED_SHARE:
                completed_on = _working_days_after(due, rng.randint(1, 4))
            else:
                completed_on = _working_days_after(first_attended, rng.randint(2, self._plan_days()))
            completed_on = min(completed_on, self.today)
        else:
            choice = rng.random()
            if choice < 0.3:
                return
            completed_on = _working_days_after(first_attended, rng.randint(1, 4))
            if choice < 0.6 or completed_on > self.today:
                self._write_plan(person, case, officer, sentence, 2)
                return
        plan = self._write_plan(person, case, officer, sentence, _weighted(rng, {2: 50, 3: 35, 4: 15}))
        if plan is not None:
            plans.plan_complete(by=officer, plan=plan, completed_on=completed_on)
            self.backfill.plans_completed += 1

    @staticmethod
    def _plan_days() -> int:
        from django.conf import settings

        return settings.SENTENCE_PLAN_DAYS

    # Live stages ---------------------------------------------------------------------------------------------

    def build_live(self) -> dict[str, Case]:
        """One new person per live stage, in LIVE_PEOPLE's order; returns each stage's case."""
        builders = {
            REPORT_DUE_SOON: self._stage_report_due_tomorrow,
            REPORT_OVERDUE: self._stage_report_overdue,
            SENTENCED_YESTERDAY: self._stage_sentenced_allocation_due_soon,
            ALLOCATION_OVERDUE: self._stage_sentenced_allocation_overdue,
            ALLOCATION_BLOCKED: self._stage_sentenced_allocation_blocked,
            FIRST_APPOINTMENT_DUE: self._stage_first_appointment_due_soon,
            FIRST_APPOINTMENT_OVERDUE: self._stage_first_appointment_overdue,
            CRC_FIRST_APPOINTMENT_DUE: self._stage_crc_first_appointment_due_soon,
            PLAN_DUE: self._stage_plan_due_soon,
            PLAN_OVERDUE: self._stage_plan_overdue,
            RELEASED_YESTERDAY: self._stage_released_yesterday,
            RESETTLEMENT_OVERDUE: self._stage_resettlement_plan_overdue,
            PANEL_DUE: self._stage_referral_order_waiting_for_its_panel,
        }
        return {spec.stage: builders[spec.stage](self._live_person(spec)) for spec in LIVE_PEOPLE}

    def _live_person(self, spec: LivePerson) -> Person:
        rng = self.rng
        born = self.today - relativedelta(years=spec.age) - timedelta(days=rng.randint(30, 330))
        person = case_services.person_create(
            by=self.staff["admin"],
            first_name=spec.first_name,
            last_name=spec.last_name,
            date_of_birth=born,
            gender=spec.gender,
            mobile=f"07700 900{self.identities.randint(0, 999):03d}",
            rng=self.identities,
        )
        case_services.address_add(
            by=self.staff["admin"],
            person=person,
            start_date=self.today - timedelta(days=rng.randint(200, 900)),
            line_1=f"{rng.randint(1, 200)} Cheetham Hill Road",
            town="Manchester",
            postcode=f"M8 {rng.randint(1, 9)}AB",
        )
        return person

    # Building blocks

    def _court_case(self, person: Person, *, author: User, opened_on: date, court_code: str = "MNMC") -> Case:
        return court.case_open_at_court(
            by=author,
            person=person,
            court=self.courts[court_code],
            appearance_date=opened_on,
            purpose="adjourned_for_report",
            offences="Assault occasioning actual bodily harm; criminal damage.",
            team=author.team,
            author=author,
        )

    def _report(self, case: Case, *, author: User, report_type: str, due_on: date) -> PreSentenceReport:
        appearance = case.court_appearances.order_by("-appearance_date", "-pk").first()
        return court.report_request(
            by=author,
            case=case,
            court_appearance=appearance,
            report_type=report_type,
            due_on=due_on,
            author=author,
        )

    def _screening(self, person: Person, *, by: User, on: date, level: int, report=None) -> None:
        """The report's risk of serious harm screening: written by the author, countersigned (completed) by the
        author's team manager, as a manager oversees the risk judgement in a report."""
        from risk import services as risk_services

        fields = {
            "risk_to_public": level,
            "risk_to_known_adults": max(1, level - 1),
            "risk_to_children": 1,
            "risk_to_staff": 1,
            "who_is_at_risk": "Members of the public in the town centre at night; a former partner.",
            "nature_of_risk": "Assaults when drinking, causing injury.",
            "circumstances_increasing_risk": "Heavy drinking at weekends; the end of a relationship.",
        }
        if age_on(person.date_of_birth, on) < 18:
            fields.update(
                safety_and_wellbeing_level=2,
                safety_and_wellbeing_reasons="Exploited by older boys who pay him to carry drugs.",
                safeguarding_plan="Strategy meeting with children's social care; missing-from-home protocol.",
            )
        draft = risk_services.assessment_start(
            by=by, person=person, kind="screening", assessment_date=on, pre_sentence_report=report, **fields
        )
        risk_services.assessment_complete(by=self.builder.manager_by_team[by.team_id], assessment=draft)

    def _deliver(self, report: PreSentenceReport, *, author: User, on: date, level: int, child: bool = False) -> None:
        """Fill the report, answer the information request, add the screening, deliver it on `on`."""
        content = {
            "offence_analysis": "Assault on a stranger outside a pub after an argument; accepts responsibility.",
            "circumstances": "Lives with a parent; unemployed since the spring; drinks heavily at weekends.",
            "proposal_disposal": Disposal.REFERRAL_ORDER if child else Disposal.COMMUNITY_ORDER,
            "proposal_requirements": "" if child else "Rehabilitation activity requirement, 20 days; unpaid work.",
            "proposal_reasons": "Addresses drinking and thinking; pays back to the community.",
        }
        if child:
            content["parent_or_carer_engagement"] = PreSentenceReport.ParentOrCarerEngagement.ENGAGED
        court.report_update(by=author, report=report, **content)
        source = (
            InformationRequest.Source.CHILDRENS_SERVICES if child else InformationRequest.Source.POLICE_DOMESTIC_ABUSE
        )
        request = court.information_request_add(
            by=author, report=report, source=source, details="", requested_on=report.requested_on
        )
        court.information_request_record_response(
            by=author,
            information_request=request,
            status=InformationRequest.Status.RECEIVED,
            received_on=on,
            summary="Two call-outs to the family home in 2024; no further action."
            if not child
            else "Known to early help.",
        )
        self._screening(report.case.person, by=author, on=on, level=level, report=report)
        court.report_deliver(by=author, report=report, delivered_on=on)

    def _sentence(self, case: Case, *, by: User, on: date, court_code: str = "MNMC", **kwargs):
        appearance = court.court_appearance_record(
            by=by,
            case=case,
            court=self.courts[court_code],
            appearance_date=on,
            purpose="sentence",
            offences="Assault occasioning actual bodily harm; criminal damage.",
            outcome="Sentenced.",
        )
        return sentencing.sentence_record(by=by, case=case, sentence_date=on, court_appearance=appearance, **kwargs)

    def _reported_and_sentenced(self, person: Person, *, sentenced_on: date, level: int, **sentence) -> Case:
        """Opened at court three weeks before sentence, full report delivered the day before, then sentenced."""
        author = self.staff["north.officer2"]  # the NPS court team officer who writes the reports
        opened_on = _working_days_before(sentenced_on, 15)
        case = self._court_case(person, author=author, opened_on=opened_on)
        report = self._report(case, author=author, report_type="full_written", due_on=sentenced_on)
        self._deliver(report, author=author, on=_working_days_before(sentenced_on, 1), level=level)
        self._sentence(case, by=author, on=sentenced_on, **sentence)
        return case

    def _allocate(self, case: Case, *, officer: User, on: date, by: User | None = None) -> Case:
        """Allocate as the team's manager, with the management oversight note a high-risk case needs."""
        note = ""
        if allocation.allocation_decision(person=case.person, on=on).high_risk:
            note = HIGH_RISK_ALLOCATION_NOTE.format(officer=officer.get_full_name())
        return allocation.case_allocate(
            by=by or self.staff["manager"],
            case=case,
            team=officer.team,
            responsible_officer=officer,
            on=on,
            oversight_note=note,
        )

    @staticmethod
    def _community_order(rar_days: int = 20, hours: int = 100) -> dict:
        return {
            "disposal": Disposal.COMMUNITY_ORDER,
            "length_months": 12,
            "requirements": [
                {"requirement_type": "rar", "maximum_days": rar_days},
                {"requirement_type": "unpaid_work", "hours": hours},
            ],
        }

    def _allocated_community_case(
        self, person: Person, *, officer: User, allocated_on: date, level: int = 3, rar_days: int = 20
    ) -> Case:
        sentenced_on = _working_days_before(allocated_on, 1)
        case = self._reported_and_sentenced(
            person, sentenced_on=sentenced_on, level=level, **self._community_order(rar_days=rar_days)
        )
        return self._allocate(case, officer=officer, on=allocated_on)

    # The stages

    def _stage_report_due_tomorrow(self, person: Person) -> Case:
        officer = self.staff["officer"]
        case = self._court_case(person, author=officer, opened_on=_working_days_before(self.today, 10))
        report = self._report(case, author=officer, report_type="full_written", due_on=self.today + timedelta(days=1))
        court.report_update(
            by=officer,
            report=report,
            offence_analysis="Burglary of a garden shed to sell the tools; says the money was for rent.",
        )
        court.information_request_add(
            by=officer,
            report=report,
            source=InformationRequest.Source.POLICE_DOMESTIC_ABUSE,
            details="Call-outs to his address in the last two years.",
            requested_on=report.requested_on,
        )
        return case

    def _stage_report_overdue(self, person: Person) -> Case:
        officer = self.staff["officer"]
        case = self._court_case(person, author=officer, opened_on=_working_days_before(self.today, 7))
        self._report(case, author=officer, report_type="short_format", due_on=self.overdue)
        return case

    def _stage_sentenced_allocation_due_soon(self, person: Person) -> Case:
        return self._reported_and_sentenced(
            person, sentenced_on=_working_days_before(self.due_soon, 2), level=3, **self._community_order()
        )

    def _stage_sentenced_allocation_overdue(self, person: Person) -> Case:
        # Medium risk: the NPS manager allocates it to a CRC team.
        return self._reported_and_sentenced(
            person, sentenced_on=_working_days_before(self.overdue, 2), level=2, **self._community_order(15, 80)
        )

    def _stage_sentenced_allocation_blocked(self, person: Person) -> Case:
        """Sentenced on the day without a report: no risk assessment, so allocation is blocked."""
        author = self.staff["north.officer2"]
        sentenced_on = _working_days_before(self.due_soon, 2)
        case = self._court_case(person, author=author, opened_on=sentenced_on)
        self._sentence(
            case,
            by=author,
            on=sentenced_on,
            disposal=Disposal.SUSPENDED_SENTENCE_ORDER,
            length_months=12,
            suspended_custodial_term_months=4,
            requirements=[{"requirement_type": "unpaid_work", "hours": 120}],
        )
        return case

    def _stage_first_appointment_due_soon(self, person: Person) -> Case:
        officer = self.staff["officer"]
        case = self._allocated_community_case(
            person, officer=officer, allocated_on=_working_days_before(self.due_soon, 5)
        )
        self._book(
            case,
            officer,
            _working_days_after(self.today, 1),
            Contact.ContactType.INITIAL_APPOINTMENT,
            at=clock_time(10),
        )
        return case

    def _stage_first_appointment_overdue(self, person: Person) -> Case:
        officer = self.staff["officer"]
        case = self._allocated_community_case(
            person, officer=officer, allocated_on=_working_days_before(self.overdue, 5)
        )
        missed = self._book(case, officer, _working_days_before(self.today, 4), Contact.ContactType.INITIAL_APPOINTMENT)
        self._outcome(officer, missed, "unacceptable_absence")
        self._book(
            case,
            officer,
            _working_days_after(self.today, 1),
            Contact.ContactType.INITIAL_APPOINTMENT,
            at=clock_time(14),
        )
        return case

    def _stage_crc_first_appointment_due_soon(self, person: Person) -> Case:
        officer = self.staff["crc.officer"]
        case = self._allocated_community_case(
            person, officer=officer, allocated_on=_working_days_before(self.due_soon, 5), level=2, rar_days=15
        )
        self._book(case, officer, _working_days_after(self.today, 1), Contact.ContactType.INITIAL_APPOINTMENT)
        return case

    def _attended_case(self, person: Person, *, plan_due_on: date) -> Case:
        officer = self.staff["officer"]
        attended_on = _working_days_before(plan_due_on, self._plan_days())
        case = self._allocated_community_case(
            person, officer=officer, allocated_on=_working_days_before(attended_on, 2)
        )
        first = self._book(case, officer, attended_on, Contact.ContactType.INITIAL_APPOINTMENT)
        self._outcome(officer, first, "attended_complied")
        self._book(case, officer, _working_days_after(self.today, 2), Contact.ContactType.SENTENCE_PLAN_MEETING)
        return case

    def _stage_plan_due_soon(self, person: Person) -> Case:
        case = self._attended_case(person, plan_due_on=self.due_soon)
        sentence = plans.current_sentence(case)
        self._write_plan(person, case, self.staff["officer"], sentence, 1)  # a draft, started
        return case

    def _stage_plan_overdue(self, person: Person) -> Case:
        return self._attended_case(person, plan_due_on=self.overdue)

    def _stage_released_yesterday(self, person: Person) -> Case:
        officer = self.staff["officer"]
        released_on = self.today - timedelta(days=1)
        sentenced_on = _working_days_before(released_on - relativedelta(months=3), 0)
        sentenced_on = _working_day_on_or_after(sentenced_on)
        case = self._reported_and_sentenced(
            person,
            sentenced_on=sentenced_on,
            level=4,
            disposal=Disposal.CUSTODY,
            length_months=8,
            expected_release_date=released_on,
        )
        self._allocate(case, officer=officer, on=_working_days_after(sentenced_on, 1))
        sentence = plans.current_sentence(case)
        sentencing.release_record(by=officer, sentence=sentence, released_on=released_on)
        self._book(
            case,
            officer,
            _working_day_on_or_after(self.today),
            Contact.ContactType.INITIAL_APPOINTMENT,
            at=clock_time(16),
        )
        return case

    def _stage_resettlement_plan_overdue(self, person: Person) -> Case:
        officer = self.staff["crc.officer"]
        sentenced_on = _working_days_before(self.today, 20)
        case = self._reported_and_sentenced(
            person, sentenced_on=sentenced_on, level=2, disposal=Disposal.CUSTODY, length_months=12
        )
        self._allocate(case, officer=officer, on=_working_days_after(sentenced_on, 1))
        plans.custody_screening_record(
            by=officer,
            case=case,
            screened_on=_working_days_before(self.today, 6),  # due 5 working days later: yesterday
            screening_needs="No address to go to on release; owes rent arrears; prescribed methadone in prison.",
        )
        return case

    def _stage_referral_order_waiting_for_its_panel(self, person: Person) -> Case:
        from risk import services as risk_services

        officer = self.staff["yot.officer"]
        sentenced_on = _working_days_before(self.today, 3)
        case = self._court_case(
            person, author=officer, opened_on=_working_days_before(sentenced_on, 15), court_code="MSYC"
        )
        risk_services.parent_or_carer_add(
            by=officer,
            person=person,
            name=f"Michelle {person.last_name}",
            relationship="mother",
            involvement="active",
            has_parental_responsibility=True,
            telephone="07700 900314",
            notes="Came to court and to the report interview; wants help with his school attendance.",
        )
        report = self._report(case, author=officer, report_type="short_format", due_on=sentenced_on)
        self._deliver(report, author=officer, on=_working_days_before(sentenced_on, 1), level=2, child=True)
        self._sentence(
            case, by=officer, on=sentenced_on, court_code="MSYC", disposal=Disposal.REFERRAL_ORDER, length_months=6
        )
        self._allocate(case, officer=officer, on=_working_days_after(sentenced_on, 1), by=self.staff["yot.manager"])
        self._book(case, officer, _working_days_after(self.today, 4), Contact.ContactType.THREE_WAY_MEETING)
        return case

    # Summary -------------------------------------------------------------------------------------------------

    def summary(self, live: dict[str, Case], raised: dict[str, int], seconds: float) -> JourneySummary:
        from timeliness.models import Alert, Clock
        from timeliness.services import due_soon_horizon

        region_id = next(iter(self.providers.values())).region_id
        cases = Case.objects.filter(provider__region_id=region_id)
        statuses = Counter(cases.values_list("status", flat=True))
        clocks = Clock.objects.filter(case__in=cases)
        open_clocks = clocks.filter(status=Clock.Status.OPEN)
        logins = ("officer", "manager", "crc.officer", "yot.officer", "central.manager", "yot.manager")
        open_alerts = Counter(
            Alert.objects.filter(closed_at__isnull=True, recipient__username__in=logins).values_list(
                "recipient__username", flat=True
            )
        )
        login_of = {spec.stage: spec.login for spec in LIVE_PEOPLE}
        return JourneySummary(
            backfilled=self.backfill.cases,
            sentences=dict(self.backfill.sentences.most_common()),
            past_appointments=self.backfill.past_appointments,
            upcoming_appointments=self.backfill.upcoming_appointments,
            plans_completed=self.backfill.plans_completed,
            statuses={status: statuses[status] for status in Case.Status.values},
            live={
                stage: f"{case.person.crn} {case.person.full_name} ({login_of[stage]})" for stage, case in live.items()
            },
            clocks={
                "open": open_clocks.count(),
                "due_soon": open_clocks.filter(
                    due_on__gte=self.today, due_on__lte=due_soon_horizon(self.today)
                ).count(),
                "overdue": open_clocks.filter(due_on__lt=self.today).count(),
                "met": clocks.filter(status=Clock.Status.MET).count(),
                "missed": clocks.filter(status=Clock.Status.MISSED).count(),
            },
            alerts_raised=raised,
            alerts_by_login={login: open_alerts[login] for login in logins},
            seconds=seconds,
            live_case_ids=frozenset(case.pk for case in live.values()),
        )


def build_journey(builder: DemoBuilder, created: list[tuple[Person, Case]], *, seed: int) -> JourneySummary:
    """Write the journey demo data (see the module docstring). Call inside demo_build's transaction."""
    from timeliness.services import alerts_raise

    started = time.perf_counter()
    journey = JourneyBuilder(builder, created, seed=seed)
    journey.build_backfill()
    live = journey.build_live()
    raised = alerts_raise(today=journey.today)
    return journey.summary(live, raised, time.perf_counter() - started)
