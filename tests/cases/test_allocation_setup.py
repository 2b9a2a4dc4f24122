"""Shared set-up for the allocation tests (imported by the other test_allocation_* modules), and checks that it
builds what the tests assume.

Dates: sentence on Monday 2 November 2026; NPS SL002 is then due on Wednesday 4 November (two working days).
The tests travel to Tuesday 10 November 2026 so that every allocation date they use is in the past.
"""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Provider
from cases import events
from cases.models import Case, Disposal
from tests import factories

SENTENCED_ON = date(2026, 11, 2)  # a Monday
SL002_DUE = date(2026, 11, 4)  # end of the second working day after sentence
TODAY = datetime(2026, 11, 10, 11, 0)  # a Tuesday

LOW, MEDIUM, HIGH, VERY_HIGH = 1, 2, 3, 4


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(TODAY), tick=False):
        yield


@pytest.fixture
def youth(org):
    """A youth offending team in the same region, with a manager and a case manager."""
    yot = factories.ProviderFactory(
        name="Stockport YOT", code="Y05", provider_type=Provider.ProviderType.YOT, region=org.region
    )
    team = factories.TeamFactory(provider=yot, name="Stockport Youth", code="Y05ST")
    return SimpleNamespace(
        provider=yot,
        team=team,
        manager=factories.ManagerFactory(username="yasmin", first_name="Yasmin", last_name="Young", team=team),
        officer=factories.OfficerFactory(username="yusuf", first_name="Yusuf", last_name="Yates", team=team),
    )


def assess(person, level: int):
    """A completed current RoSH assessment whose overall level is `level`."""
    return factories.RoshAssessmentFactory(
        person=person,
        risk_to_public=level,
        risk_to_known_adults=LOW,
        risk_to_children=LOW,
        risk_to_staff=LOW,
    )


def waiting_case(
    provider,
    *,
    rosh: int | None = MEDIUM,
    mappa: bool = False,
    born: date = date(1985, 6, 15),
    sentenced_on: date = SENTENCED_ON,
    disposal: str = Disposal.COMMUNITY_ORDER,
    sentence: bool = True,
    **person,
) -> Case:
    """A case awaiting allocation with `provider`, its current sentence, and the person's current risk."""
    case = factories.CaseFactory(
        awaiting_allocation=True,
        provider=provider,
        person__date_of_birth=born,
        **{f"person__{key}": value for key, value in person.items()},
    )
    if sentence:
        factories.SentenceFactory(case=case, disposal=disposal, sentence_date=sentenced_on)
    if rosh is not None:
        assess(case.person, rosh)
    if mappa:
        factories.MappaRegistrationFactory(person=case.person)
    return case


def held_case(officer, *, rosh: int | None = MEDIUM, mappa: bool = False, born: date = date(1985, 6, 15), assign=True):
    """An active case held by `officer`, with its open allocation record (unless `assign=False`)."""
    case = factories.CaseFactory(responsible_officer=officer, person__date_of_birth=born, start_date=date(2026, 1, 5))
    factories.SentenceFactory(case=case, sentence_date=date(2026, 1, 5))
    if assign:
        factories.OfficerAssignmentFactory(case=case, start_date=date(2026, 1, 6))
    if rosh is not None:
        assess(case.person, rosh)
    if mappa:
        factories.MappaRegistrationFactory(person=case.person)
    return case


def publish_sentenced(case, by):
    """What the sentencing service does: publish SENTENCED, which opens NPS SL002 for an NPS case."""
    sentence = case.sentences.get(status="current")
    events.publish(
        events.SENTENCED,
        case=case,
        subject=f"sentence:{sentence.pk}",
        on=sentence.sentence_date,
        by=by,
        disposal=sentence.disposal,
        in_custody=sentence.is_custodial,
    )
    return sentence


pytestmark = pytest.mark.django_db


def test_waiting_case_is_in_the_queue_state_with_a_sentence_and_risk(org):
    case = waiting_case(org.nps, rosh=HIGH, mappa=True)

    assert (case.status, case.provider, case.team, case.responsible_officer) == (
        Case.Status.AWAITING_ALLOCATION,
        org.nps,
        None,
        None,
    )
    assert case.sentences.get().sentence_date == SENTENCED_ON
    assert case.person.rosh_assessments.get().overall_level == HIGH
    assert case.person.mappa_registrations.filter(end_date__isnull=True).count() == 1


def test_publishing_sentenced_opens_nps_sl002_due_two_working_days_later(org):
    from timeliness.models import Clock

    case = waiting_case(org.nps)
    sentence = publish_sentenced(case, org.manager)

    clock = Clock.objects.get(case=case)
    assert (clock.service_level, clock.subject, clock.due_on) == ("NPS SL002", f"sentence:{sentence.pk}", SL002_DUE)
