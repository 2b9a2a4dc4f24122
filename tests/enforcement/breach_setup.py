"""Shared set-up for the breach tests: breaches made the way the product makes them, and helpers that take a breach
through its lifecycle with the right people.

A breach starts when a failure to comply is decided as breach action (enforcement.services.compliance
.failure_decide calls breach_initiate): here a failure on Monday 2 November 2026 given a first warning on 3 November,
then a failure on Monday 23 November 2026 decided as breach action today (Wednesday 25 November 2026, 10:00 London:
tests/enforcement/setup.py). So the breach is "aware" on 23 November 2026.

Import the fixtures into a test module with `frozen = breach_setup.frozen` and `breaching = breach_setup.breaching`.

- NPS case: held by `org.officer` (NPS North West, team_a "Manchester North", manager `org.manager`).
- CRC case: held by `org.other_provider_officer` (Stockport CRC, team_b, manager `org.other_provider_manager`);
  the NPS staff of the same region (`org.officer`, `org.manager`, `org.colleague`) accept its referral and present it.
- YOT case: a Youth Offending Team of the same region, on a youth rehabilitation order.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from cases.models import Disposal
from enforcement.models import Breach, BreachPack, BreachStep, CourtInformationRequest
from enforcement.services import breach as services
from enforcement.services.compliance import failure_decide
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import ORDER_DATE, community_case, failure
from timeliness.models import Clock

frozen = setup.frozen

FIRST_FAILURE_ON = date(2026, 11, 2)  # a Monday: first warning on Tuesday 3 November
WARNED_ON = date(2026, 11, 3)
BREACH_FAILURE_ON = date(2026, 11, 23)  # a Monday: decided as breach action today (Wednesday 25 November)

STATEMENT = "Mr Order missed his appointment on 23 November 2026 after a first warning on 3 November."
PROPOSAL = "The order continues with an added rehabilitation activity requirement of 10 days."


def breach_for(case, *, first_on: date = FIRST_FAILURE_ON, second_on: date = BREACH_FAILURE_ON, by=None) -> Breach:
    """Two failures on the case's order: the first given a first warning the next day, the second decided as breach
    action today by `by` (the case's officer by default). Returns the breach the decision opened (or joined)."""
    by = by or case.responsible_officer
    first = failure(case, first_on)
    failure_decide(by=by, failure=first, decision="first_warning", on=warned_on(first_on))
    second = failure(case, second_on)
    failure_decide(by=by, failure=second, decision="breach", reason="No explanation given for the absence.")
    return Breach.objects.get(sentence=case.sentences.get(), status__in=services.OPEN_BREACH_STATUSES)


def warned_on(failed_on: date) -> date:
    return date.fromordinal(failed_on.toordinal() + 1)


def sentenced_at(case, court):
    """Make `court` the court that made the case's order (a hearing on the order's date)."""
    appearance = factories.CourtAppearanceFactory(case=case, court=court, appearance_date=ORDER_DATE)
    sentence = case.sentences.get()
    sentence.court_appearance = appearance
    sentence.save()
    return appearance


def yot_team(org):
    """A Youth Offending Team of `org`'s region with an officer and a manager."""
    yot = factories.ProviderFactory(yot=True, region=org.region, name="Stockport YOT", code="Y05")
    team = factories.TeamFactory(provider=yot, name="Stockport Youth", code="Y05ST")
    return SimpleNamespace(
        provider=yot,
        team=team,
        officer=factories.OfficerFactory(username="yasmin", first_name="Yasmin", last_name="Yates", team=team),
        manager=factories.ManagerFactory(username="yusuf", first_name="Yusuf", last_name="Young", team=team),
    )


def youth_case(officer, **person):
    """An active case held by a YOT officer on a 12-month youth rehabilitation order made on 2 March 2026."""
    case = factories.CaseFactory(
        responsible_officer=officer,
        person__date_of_birth=date(2010, 4, 1),
        **{f"person__{key}": value for key, value in person.items()},
    )
    factories.SentenceFactory(case=case, sentence_date=ORDER_DATE, disposal=Disposal.YOUTH_REHABILITATION_ORDER)
    return case


@pytest.fixture
def breaching(org, frozen):
    """`org`, a court of its region (the sentencing court of the NPS and CRC cases) with a court user, another court
    with its own court user, an NPS case, a CRC case and a YOT team."""
    court = factories.CourtFactory(region=org.region, name="Stockport Magistrates' Court", code="B06SP")
    other_court = factories.CourtFactory(region=org.region, name="Manchester Magistrates' Court", code="B06MC")
    nps_case = community_case(
        org.officer, first_name="Casey", last_name="Order", crn="X123456", date_of_birth=date(1990, 5, 17)
    )
    crc_case = community_case(
        org.other_provider_officer,
        first_name="Chris",
        last_name="Referral",
        crn="X654321",
        date_of_birth=date(1988, 8, 8),
    )
    sentenced_at(nps_case, court)
    sentenced_at(crc_case, court)
    return SimpleNamespace(
        org=org,
        court=court,
        other_court=other_court,
        court_user=factories.CourtUserFactory(username="carys", first_name="Carys", last_name="Clerk", courts=[court]),
        other_court_user=factories.CourtUserFactory(
            username="owain", first_name="Owain", last_name="Usher", courts=[other_court]
        ),
        nps_case=nps_case,
        crc_case=crc_case,
        yot=yot_team(org),
    )


# Through the lifecycle ---------------------------------------------------------------------------------------------


def prepare(breach: Breach, *, by=None, court=None, statement: str = STATEMENT, proposal: str = PROPOSAL) -> Breach:
    """The officer's statement and proposal (and the court: the breach's own by default)."""
    by = by or breach.case.responsible_officer
    return services.breach_update_draft(
        by=by, breach=breach, statement=statement, proposal=proposal, court=court or refreshed(breach).court
    )


def submit(breach: Breach, *, by=None) -> BreachPack:
    """Prepare and submit a version for sign-off."""
    by = by or breach.case.responsible_officer
    prepare(breach, by=by)
    return services.breach_submit(by=by, breach=breach)


def manager_of(breach: Breach):
    from accounts.models import User

    return User.objects.filter(role=User.Role.MANAGER, team_id=breach.case.team_id).order_by("pk").first()


def nps_staff(breach: Breach):
    """An NPS officer of the case's region (the NPS reviews and presents a CRC's breaches)."""
    from accounts.models import Provider, User

    return (
        User.objects.filter(
            role=User.Role.RESPONSIBLE_OFFICER,
            is_active=True,
            team__provider__provider_type=Provider.ProviderType.NPS_DIVISION,
            team__provider__region_id=breach.case.provider.region_id,
        )
        .order_by("pk")
        .first()
    )


def is_crc(breach: Breach) -> bool:
    return breach.case.provider.provider_type == "crc"


def advance(breach: Breach, to: str) -> Breach:
    """Take a breach from where it is (draft, or any status on the way) to the status `to` along the usual path:
    submitted by the officer, signed off by the team's manager, (a CRC's case) referred by the officer and accepted
    by the NPS, sent to court (by the NPS for a CRC's case, else by the officer); then the outcome recorded (order
    continues, heard today). `to="withdrawn"` withdraws it where it is."""
    from django.utils import timezone

    breach = refreshed(breach)
    officer = breach.case.responsible_officer
    if to == "withdrawn":
        services.breach_withdraw(by=officer, breach=breach, reason="The person was admitted to hospital.")
        return refreshed(breach)
    path = ["draft", "awaiting_sign_off", "signed_off"]
    if is_crc(breach):
        path += ["referred_to_nps", "accepted_by_nps"]
    path += ["sent_to_court", "outcome_recorded"]
    if to not in path:
        raise ValueError(f"No status {to!r} on the path of this breach.")
    for status in path[path.index(breach.status) + 1 : path.index(to) + 1]:
        if status == "awaiting_sign_off":
            submit(breach)
        elif status == "signed_off":
            services.breach_sign_off(by=manager_of(breach), breach=breach)
        elif status == "referred_to_nps":
            services.breach_refer_to_nps(by=officer, breach=breach)
        elif status == "accepted_by_nps":
            services.breach_nps_accept(by=nps_staff(breach), breach=breach)
        elif status == "sent_to_court":
            services.breach_send_to_court(by=nps_staff(breach) if is_crc(breach) else officer, breach=breach)
        elif status == "outcome_recorded":
            services.breach_record_outcome(
                by=officer, breach=breach, hearing_on=timezone.localdate(), outcome="order_continues"
            )
    return refreshed(breach)


def refreshed(breach: Breach) -> Breach:
    return Breach.objects.select_related("case__provider", "sentence", "court").get(pk=breach.pk)


def state():
    """Everything a refused step must leave alone: the breach rows, pack versions, steps, the court's requests and
    their history, and the clocks."""
    return (
        list(
            Breach.objects.order_by("pk").values_list(
                "pk",
                "status",
                "court",
                "statement",
                "proposal",
                "hearing_on",
                "outcome",
                "outcome_details",
                "withdrawn_reason",
            )
        ),
        Breach.history.count(),
        list(
            BreachPack.objects.order_by("pk").values_list(
                "pk",
                "version",
                "signed_off_by",
                "signed_off_at",
                "returned_at",
                "returned_note",
                "referred_to_nps_at",
                "sent_to_court_at",
                "court",
                "acknowledged_by",
                "acknowledged_at",
                "superseded_at",
            )
        ),
        BreachPack.history.count(),
        list(BreachStep.objects.order_by("pk").values_list("pk", "step", "by", "note")),
        BreachStep.history.count(),
        list(CourtInformationRequest.objects.order_by("pk").values_list("pk", "pack", "message", "answered_by_pack")),
        CourtInformationRequest.history.count(),
        list(Clock.objects.order_by("pk").values_list("pk", "service_level", "status", "due_on", "stopped_on")),
    )


def steps(breach: Breach) -> list[tuple]:
    """(step, by username, pack version, note) of the breach's timeline, in order."""
    return [
        (step.step, step.by.username, step.pack.version if step.pack_id else None, step.note)
        for step in BreachStep.objects.filter(breach=breach).select_related("by", "pack").order_by("at", "pk")
    ]
