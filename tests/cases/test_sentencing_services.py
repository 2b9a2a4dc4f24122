"""Sentencing services: recording a sentence with requirements, the allocation queue it moves the case to, the
clocks it opens, release, referral order panels and requirements added later. Every refusal names its rule and
writes nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Provider
from cases.models import Case, Disposal, OfficerAssignment, ReferralPanelMeeting, Requirement, Sentence
from cases.services.sentencing import (
    panel_meeting_record,
    release_record,
    requirement_add,
    sentence_record,
)
from tests import factories
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

# Thursday 1 April 2027 (Easter 2027 is 28 March: no bank holiday in the next days, only the weekend).
TODAY = date(2027, 4, 1)
ADULT_BORN = date(1990, 5, 1)
CHILD_BORN = date(2010, 6, 1)  # 16 on TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 4, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _case(org, *, born=ADULT_BORN, **kwargs) -> Case:
    """A case awaiting sentence, held by the NPS North West court team with the report author as officer."""
    kwargs.setdefault("responsible_officer", org.officer)
    return factories.CaseFactory(awaiting_sentence=True, person__date_of_birth=born, **kwargs)


def _appearance(case, *, region, on=date(2027, 3, 15)):
    return factories.CourtAppearanceFactory(case=case, court=factories.CourtFactory(region=region), appearance_date=on)


def _yot(org, region=None) -> Provider:
    yot = factories.ProviderFactory(
        name="Manchester YOT", provider_type=Provider.ProviderType.YOT, region=region or org.region
    )
    factories.TeamFactory(provider=yot, name="Manchester YOT North")
    return yot


def _rar(days=20):
    return {"requirement_type": "rar", "maximum_days": days}


def _upw(hours=100):
    return {"requirement_type": "unpaid_work", "hours": hours}


def _snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.provider_id,
        case.team_id,
        case.responsible_officer_id,
        Sentence.objects.filter(case=case).count(),
        Requirement.objects.filter(sentence__case=case).count(),
        Clock.objects.filter(case=case).count(),
    )


# Recording a sentence ----------------------------------------------------------------------------------------


def test_community_order_with_rar_and_unpaid_work_goes_to_the_nps_queue_of_the_courts_region(org):
    wales = factories.RegionFactory(name="Wales")
    nps_wales = factories.ProviderFactory(
        name="NPS Wales", provider_type=Provider.ProviderType.NPS_DIVISION, region=wales
    )
    case = _case(org)
    appearance = _appearance(case, region=wales)

    sentence = sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=TODAY,
        court_appearance=appearance,
        length_months=18,
        requirements=[_rar(25), _upw(120)],
    )

    sentence.refresh_from_db()
    assert (sentence.disposal, sentence.status, sentence.length_months) == ("community_order", "current", 18)
    assert (sentence.start_date, sentence.end_date) == (date(2027, 4, 1), date(2028, 10, 1))
    assert sentence.court_appearance == appearance
    rows = [
        (r.requirement_type.code, r.maximum_days, r.hours, r.start_date, r.status)
        for r in sentence.requirements.order_by("pk")
    ]
    assert rows == [
        ("rar", 25, None, date(2027, 4, 1), "active"),
        ("unpaid_work", None, 120, date(2027, 4, 1), "active"),
    ]
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert case.provider == nps_wales  # the court's region, not the region of the court team's provider
    assert (case.team, case.responsible_officer) == (None, None)
    assert sentence.history.first().history_user == org.officer
    assert case.history.first().history_user == org.officer


def test_sentence_opens_nps_sl002_due_two_working_days_later(org):
    case = _case(org)

    sentence = sentence_record(
        by=org.officer, case=case, disposal=Disposal.CUSTODY, sentence_date=TODAY, length_months=6
    )

    clock = Clock.objects.get(case=case)
    assert clock.service_level == "NPS SL002"
    assert clock.subject == f"sentence:{sentence.pk}"
    assert clock.provider_type == "nps_division"
    assert (clock.started_on, clock.status) == (TODAY, Clock.Status.OPEN)
    assert clock.due_on == date(2027, 4, 5)  # Thursday + 2 working days: Friday, then Monday
    assert clock.opened_by == org.officer


def test_sl002_counts_working_days_over_easter(org):
    case = _case(org)

    # Thursday 2 April 2026: Good Friday (3 April) and Easter Monday (6 April) are bank holidays.
    with time_machine.travel(datetime(2026, 4, 2, 16, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        sentence_record(
            by=org.officer, case=case, disposal=Disposal.CUSTODY, sentence_date=date(2026, 4, 2), length_months=6
        )

    assert Clock.objects.get(case=case, service_level="NPS SL002").due_on == date(2026, 4, 8)


def test_without_a_court_appearance_the_queue_is_in_the_case_providers_region(org):
    factories.ProviderFactory(name="NPS Elsewhere", provider_type=Provider.ProviderType.NPS_DIVISION)
    case = _case(org)

    sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=TODAY,
        length_months=6,
        requirements=[_rar()],
    )

    case.refresh_from_db()
    assert case.provider == org.nps


def test_a_child_goes_to_the_youth_offending_team_and_no_nps_clock_opens(org):
    yot = _yot(org)
    case = _case(org, born=CHILD_BORN)

    sentence = sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.YOUTH_REHABILITATION_ORDER,
        sentence_date=TODAY,
        court_appearance=_appearance(case, region=org.region),
        length_months=12,
        intensive_supervision_and_surveillance=True,
        requirements=[_upw(60), {"requirement_type": "curfew", "details": "19:00 to 07:00 at home"}],
    )

    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert case.provider == yot
    assert sentence.intensive_supervision_and_surveillance is True
    assert sentence.end_date == date(2028, 4, 1)
    assert sorted(sentence.requirements.values_list("requirement_type__code", "details")) == [
        ("curfew", "19:00 to 07:00 at home"),
        ("unpaid_work", ""),
    ]
    assert not Clock.objects.filter(case=case).exists()  # NPS SL002 is for cases the NPS allocates


def test_the_report_authors_open_assignment_is_closed_on_the_day_of_sentence(org):
    case = _case(org)
    assignment = factories.OfficerAssignmentFactory(case=case, start_date=date(2027, 3, 1))

    sentence_record(by=org.officer, case=case, disposal=Disposal.CUSTODY, sentence_date=TODAY, length_months=3)

    assignment.refresh_from_db()
    assert assignment.end_date == TODAY
    assert not OfficerAssignment.objects.filter(case=case, end_date__isnull=True).exists()


def test_an_active_case_keeps_its_officer_and_opens_only_the_first_appointment_clock(org):
    case = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=ADULT_BORN)

    sentence = sentence_record(
        by=org.manager,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=TODAY,
        length_months=12,
        requirements=[_rar()],
    )

    case.refresh_from_db()
    assert (case.status, case.responsible_officer, case.team, case.provider) == (
        Case.Status.ACTIVE,
        org.officer,
        org.team_a,
        org.nps,
    )
    # Allocated on the day of sentence (no NPS SL002: the officer already holds the case).
    assert list(Clock.objects.filter(case=case).values_list("service_level", "subject", "started_on", "due_on")) == [
        ("NPS SL003R", f"sentence:{sentence.pk}", TODAY, date(2027, 4, 8))
    ]


def test_requirement_type_can_be_given_as_a_record(org):
    rar = factories.requirement_type("rar")
    case = _case(org)

    sentence = sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.SUSPENDED_SENTENCE_ORDER,
        sentence_date=TODAY,
        length_months=12,
        suspended_custodial_term_months=6,
        requirements=[{"requirement_type": rar, "maximum_days": 10}],
    )

    assert sentence.suspended_custodial_term_months == 6
    assert list(sentence.requirements.values_list("requirement_type__code", flat=True)) == ["rar"]


def test_accredited_programme_and_youth_conditional_caution_store_what_the_court_set(org):
    case = _case(org)
    sentence = sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=TODAY,
        length_months=24,
        requirements=[
            {
                "requirement_type": "accredited_programme",
                "programme_name": "Building Better Relationships",
                "sessions": 24,
            }
        ],
    )
    requirement = sentence.requirements.get()
    assert (requirement.programme_name, requirement.sessions) == ("Building Better Relationships", 24)

    _yot(org)
    child_case = _case(org, born=CHILD_BORN)
    caution = sentence_record(
        by=org.officer,
        case=child_case,
        disposal=Disposal.YOUTH_CONDITIONAL_CAUTION,
        sentence_date=date(2027, 3, 31),
        conditions="Write a letter of apology; attend 4 sessions on knife crime.",
    )
    assert (caution.start_date, caution.end_date, caution.conditions_complete_by) == (
        date(2027, 3, 31),
        date(2027, 6, 30),
        date(2027, 6, 30),
    )
    assert caution.court_appearance is None


# Refusals ----------------------------------------------------------------------------------------------------

CO = {"disposal": Disposal.COMMUNITY_ORDER, "length_months": 12, "requirements": [_rar()]}

# name: (born, keyword arguments, error key, message)
REFUSALS = {
    "unpaid work of 20 hours": (
        ADULT_BORN,
        {**CO, "requirements": [_upw(20)]},
        "requirements.unpaid_work.hours",
        "Unpaid work for an adult is between 40 and 300 hours.",
    ),
    "unpaid work of 301 hours": (
        ADULT_BORN,
        {**CO, "requirements": [_upw(301)]},
        "requirements.unpaid_work.hours",
        "Unpaid work for an adult is between 40 and 300 hours.",
    ),
    "unpaid work without hours": (
        ADULT_BORN,
        {**CO, "requirements": [{"requirement_type": "unpaid_work"}]},
        "requirements.unpaid_work.hours",
        "Unpaid work for an adult is between 40 and 300 hours.",
    ),
    "unpaid work of 250 hours for a child": (
        CHILD_BORN,
        {"disposal": Disposal.YOUTH_REHABILITATION_ORDER, "length_months": 12, "requirements": [_upw(250)]},
        "requirements.unpaid_work.hours",
        "Unpaid work for a child is between 40 and 240 hours.",
    ),
    "unpaid work on a youth order at 15": (
        date(2011, 6, 1),
        {"disposal": Disposal.YOUTH_REHABILITATION_ORDER, "length_months": 12, "requirements": [_upw(60)]},
        "requirements.unpaid_work",
        "Unpaid work can be part of a youth rehabilitation order only for a child aged 16 or 17 on the day of "
        "sentence (this child was 15).",
    ),
    "a youth disposal for an adult": (
        ADULT_BORN,
        {"disposal": Disposal.REFERRAL_ORDER, "length_months": 6},
        "disposal",
        "A referral order is a youth disposal, for children aged 10 to 17. {name} was 36 on the date of sentence: "
        "choose an adult sentence.",
    ),
    "an adult sentence for a child": (
        CHILD_BORN,
        {**CO},
        "disposal",
        "A community order is an adult sentence, for people aged 18 and over. {name} was 16 on the date of "
        "sentence: choose a youth disposal.",
    ),
    "community order of 37 months": (
        ADULT_BORN,
        {**CO, "length_months": 37},
        "length_months",
        "A community order is between 1 and 36 months.",
    ),
    "community order without a length": (
        ADULT_BORN,
        {**CO, "length_months": None},
        "length_months",
        "Enter the length of the community order in months.",
    ),
    "suspended sentence order supervision of 5 months": (
        ADULT_BORN,
        {"disposal": Disposal.SUSPENDED_SENTENCE_ORDER, "length_months": 5, "suspended_custodial_term_months": 6},
        "length_months",
        "The supervision period of a suspended sentence order is between 6 and 24 months.",
    ),
    "suspended custodial term of 25 months": (
        ADULT_BORN,
        {"disposal": Disposal.SUSPENDED_SENTENCE_ORDER, "length_months": 12, "suspended_custodial_term_months": 25},
        "suspended_custodial_term_months",
        "The custodial term a suspended sentence order suspends is between 1 and 24 months.",
    ),
    "suspended sentence order without its custodial term": (
        ADULT_BORN,
        {"disposal": Disposal.SUSPENDED_SENTENCE_ORDER, "length_months": 12},
        "suspended_custodial_term_months",
        "Enter the custodial term the order suspends, in months.",
    ),
    "a suspended term on a community order": (
        ADULT_BORN,
        {**CO, "suspended_custodial_term_months": 6},
        "suspended_custodial_term_months",
        "Only a suspended sentence order has a suspended custodial term.",
    ),
    "referral order of 2 months": (
        CHILD_BORN,
        {"disposal": Disposal.REFERRAL_ORDER, "length_months": 2},
        "length_months",
        "A referral order is between 3 and 12 months.",
    ),
    "detention and training order of 5 months": (
        CHILD_BORN,
        {"disposal": Disposal.DETENTION_AND_TRAINING_ORDER, "length_months": 5},
        "length_months",
        "A detention and training order is 4, 6, 8, 10, 12, 18 or 24 months (between 4 and 24 months, in those "
        "steps only).",
    ),
    "youth rehabilitation order of 37 months": (
        CHILD_BORN,
        {"disposal": Disposal.YOUTH_REHABILITATION_ORDER, "length_months": 37},
        "length_months",
        "A youth rehabilitation order is between 1 and 36 months.",
    ),
    "a youth caution with a length": (
        CHILD_BORN,
        {"disposal": Disposal.YOUTH_CAUTION, "length_months": 3},
        "length_months",
        "A youth caution has no supervision length: leave the length empty.",
    ),
    "requirements on custody": (
        ADULT_BORN,
        {"disposal": Disposal.CUSTODY, "length_months": 6, "requirements": [_rar()]},
        "requirements",
        "Requirements can be added only to a community order, a suspended sentence order or a youth "
        "rehabilitation order, not to a custodial sentence.",
    ),
    "a RAR without maximum days": (
        ADULT_BORN,
        {**CO, "requirements": [{"requirement_type": "rar"}]},
        "requirements.rar.maximum_days",
        "A rehabilitation activity requirement needs the maximum number of days the court set, from 1 to 365.",
    ),
    "a RAR of 366 days": (
        ADULT_BORN,
        {**CO, "requirements": [_rar(366)]},
        "requirements.rar.maximum_days",
        "A rehabilitation activity requirement needs the maximum number of days the court set, from 1 to 365.",
    ),
    "hours on a RAR": (
        ADULT_BORN,
        {**CO, "requirements": [{**_rar(), "hours": 50}]},
        "requirements.rar.hours",
        "Only unpaid work has hours.",
    ),
    "an accredited programme without a name": (
        ADULT_BORN,
        {**CO, "requirements": [{"requirement_type": "accredited_programme", "sessions": 20}]},
        "requirements.accredited_programme.programme_name",
        "An accredited programme needs the name of the programme.",
    ),
    "an accredited programme without sessions": (
        ADULT_BORN,
        {**CO, "requirements": [{"requirement_type": "accredited_programme", "programme_name": "Thinking Skills"}]},
        "requirements.accredited_programme.sessions",
        "An accredited programme needs the number of sessions, from 1 to 200.",
    ),
    "a curfew without details": (
        ADULT_BORN,
        {**CO, "requirements": [{"requirement_type": "curfew"}]},
        "requirements.curfew.details",
        "A curfew requirement needs the details the court set, in the court's words (for example hours, places "
        "or the address).",
    ),
    "the same requirement twice": (
        ADULT_BORN,
        {**CO, "requirements": [_rar(10), _rar(20)]},
        "requirements.rar",
        "Each type of requirement can be added to an order only once: Rehabilitation activity requirement is "
        "already on it.",
    ),
    "an unknown requirement type": (
        ADULT_BORN,
        {**CO, "requirements": [{"requirement_type": "flying"}]},
        "requirements",
        "There is no requirement type with the code “flying”.",
    ),
    "a sentence date in the future": (
        ADULT_BORN,
        {**CO, "sentence_date": date(2027, 4, 2)},
        "sentence_date",
        "The date of sentence cannot be in the future.",
    ),
    "a sentence before the 10th birthday": (
        date(2017, 6, 1),
        {"disposal": Disposal.YOUTH_CAUTION},
        "sentence_date",
        "The date of sentence cannot be before {name}'s 10th birthday (1 June 2027): children under 10 cannot be "
        "held criminally responsible.",
    ),
    "release expected before the sentence (end before start)": (
        ADULT_BORN,
        {"disposal": Disposal.CUSTODY, "length_months": 6, "expected_release_date": date(2027, 3, 1)},
        "expected_release_date",
        "The expected release date cannot be before the date of sentence: release ends a term that starts on the "
        "day of sentence.",
    ),
    "release expected after the term": (
        ADULT_BORN,
        {"disposal": Disposal.CUSTODY, "length_months": 6, "expected_release_date": date(2027, 10, 2)},
        "expected_release_date",
        "The expected release date cannot be after the end of the custodial term (1 October 2027).",
    ),
    "an expected release on a community order": (
        ADULT_BORN,
        {**CO, "expected_release_date": date(2027, 6, 1)},
        "expected_release_date",
        "Only a custodial sentence has an expected release date.",
    ),
    "a youth conditional caution without conditions": (
        CHILD_BORN,
        {"disposal": Disposal.YOUTH_CONDITIONAL_CAUTION},
        "conditions",
        "Record the conditions of the youth conditional caution.",
    ),
    "intensive supervision on a community order": (
        ADULT_BORN,
        {**CO, "intensive_supervision_and_surveillance": True},
        "intensive_supervision_and_surveillance",
        "Intensive supervision and surveillance can only be part of a youth rehabilitation order.",
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_name_the_rule_and_write_nothing(org, name):
    born, kwargs, key, message = REFUSALS[name]
    _yot(org)
    case = _case(org, born=born)
    before = _snapshot(case)
    kwargs = {"sentence_date": TODAY, **kwargs}

    with pytest.raises(ValidationError) as caught:
        sentence_record(by=org.officer, case=case, **kwargs)

    assert caught.value.message_dict[key] == [message.format(name=case.person.full_name)]
    assert _snapshot(case) == before


def test_an_out_of_court_disposal_has_no_court_appearance(org):
    _yot(org)
    case = _case(org, born=CHILD_BORN)
    appearance = _appearance(case, region=org.region)
    before = _snapshot(case)

    with pytest.raises(ValidationError) as caught:
        sentence_record(
            by=org.officer, case=case, disposal=Disposal.YOUTH_CAUTION, sentence_date=TODAY, court_appearance=appearance
        )

    assert caught.value.message_dict["court_appearance"] == [
        "A youth caution is given out of court: it has no court appearance."
    ]
    assert _snapshot(case) == before


def test_the_court_appearance_must_be_the_cases_own_and_not_after_sentence(org):
    case = _case(org)
    other = _appearance(_case(org), region=org.region)
    later = _appearance(case, region=org.region, on=date(2027, 3, 20))
    before = _snapshot(case)

    with pytest.raises(ValidationError) as caught:
        sentence_record(by=org.officer, case=case, court_appearance=other, sentence_date=TODAY, **CO)
    assert caught.value.message_dict["court_appearance"] == [
        "This court appearance belongs to another case: choose one of this case's."
    ]

    with pytest.raises(ValidationError) as caught:
        sentence_record(by=org.officer, case=case, court_appearance=later, sentence_date=date(2027, 3, 10), **CO)
    assert caught.value.message_dict["court_appearance"] == [
        "The court appearance (20 March 2027) is after the date of sentence: a sentence is passed at or after the "
        "hearing."
    ]
    assert _snapshot(case) == before


def test_the_case_must_be_open_and_have_no_current_sentence(org):
    ended = factories.CaseFactory(ended=True, responsible_officer=org.officer, person__date_of_birth=ADULT_BORN)
    with pytest.raises(ValidationError) as caught:
        sentence_record(by=org.officer, case=ended, sentence_date=TODAY, **CO)
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "This case has ended: a sentence can be recorded only on an open case."
    ]

    case = _case(org)
    sentence_record(by=org.officer, case=case, sentence_date=TODAY, **CO)
    with pytest.raises(ValidationError) as caught:
        sentence_record(by=org.manager, case=case, sentence_date=TODAY, **CO)
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "This case already has a current sentence (Community order (01 April 2027)). A case supervises one "
        "sentence at a time."
    ]
    assert Sentence.objects.filter(case=case).count() == 1


def test_no_youth_offending_team_in_the_region_is_refused_clearly(org):
    case = _case(org, born=CHILD_BORN)
    before = _snapshot(case)

    with pytest.raises(ValidationError) as caught:
        sentence_record(by=org.officer, case=case, disposal=Disposal.YOUTH_CAUTION, sentence_date=TODAY)

    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "There is no active youth offending team in the North West region to allocate this case to. Ask an "
        "administrator to set one up, then record the sentence."
    ]
    assert _snapshot(case) == before


def test_an_inactive_nps_division_is_not_a_queue(org):
    wales = factories.RegionFactory(name="Wales")
    factories.ProviderFactory(provider_type=Provider.ProviderType.NPS_DIVISION, region=wales, active=False)
    case = _case(org)
    before = _snapshot(case)

    with pytest.raises(ValidationError) as caught:
        sentence_record(
            by=org.officer, case=case, court_appearance=_appearance(case, region=wales), sentence_date=TODAY, **CO
        )

    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "There is no active National Probation Service division in the Wales region to allocate this case to. "
        "Ask an administrator to set one up, then record the sentence."
    ]
    assert _snapshot(case) == before


# Release -----------------------------------------------------------------------------------------------------


def _custody(org, *, months=6, sentenced=date(2027, 1, 4), **kwargs):
    return sentence_record(
        by=org.officer,
        case=kwargs.pop("case", None) or _case(org),
        disposal=Disposal.CUSTODY,
        sentence_date=sentenced,
        length_months=months,
        **kwargs,
    )


def test_release_opens_the_first_appointment_clock_and_moves_pss_to_the_actual_release(org):
    sentence = _custody(org)  # halfway through 4 January to 4 July 2027 (181 days): 91 days in
    assert sentence.expected_release_date == date(2027, 4, 5)

    release_record(by=org.manager, sentence=sentence, released_on=TODAY)

    sentence.refresh_from_db()
    assert sentence.released_on == TODAY
    assert sentence.post_sentence_supervision_end_date == date(2028, 4, 1)
    assert sentence.end_date == date(2028, 4, 1)
    assert sentence.history.first().history_user == org.manager
    clock = Clock.objects.get(subject=f"release:{sentence.pk}")
    assert clock.service_level == "NPS SL004R"
    assert (clock.started_on, clock.due_on) == (TODAY, date(2027, 4, 2))  # 1 working day after


def test_release_of_a_case_held_by_a_crc_opens_crc_sl002(org):
    case = factories.CaseFactory(responsible_officer=org.other_provider_officer, person__date_of_birth=ADULT_BORN)
    sentence = _custody(org, case=case)

    release_record(by=org.other_provider_officer, sentence=sentence, released_on=date(2027, 3, 30))

    clock = Clock.objects.get(subject=f"release:{sentence.pk}")
    assert (clock.service_level, clock.due_on) == ("CRC SL002", date(2027, 3, 31))


@pytest.mark.parametrize(
    ("released_on", "key", "message"),
    [
        (
            date(2027, 4, 2),
            "released_on",
            "The date of release cannot be in the future: record it on the day or after.",
        ),
        (
            date(2027, 1, 3),
            "released_on",
            "The date of release cannot be before the date of sentence (4 January 2027).",
        ),
    ],
)
def test_release_dates_are_checked(org, released_on, key, message):
    sentence = _custody(org)

    with pytest.raises(ValidationError) as caught:
        release_record(by=org.officer, sentence=sentence, released_on=released_on)

    assert caught.value.message_dict[key] == [message]
    sentence.refresh_from_db()
    assert sentence.released_on is None
    assert not Clock.objects.filter(subject=f"release:{sentence.pk}").exists()


def test_release_is_recorded_once_and_only_for_custody(org):
    sentence = _custody(org)
    release_record(by=org.officer, sentence=sentence, released_on=date(2027, 3, 30))
    with pytest.raises(ValidationError) as caught:
        release_record(by=org.officer, sentence=sentence, released_on=TODAY)
    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["Release was already recorded on 30 March 2027."]
    sentence.refresh_from_db()
    assert sentence.released_on == date(2027, 3, 30)

    community = sentence_record(by=org.officer, case=_case(org), sentence_date=TODAY, **CO)
    with pytest.raises(ValidationError) as caught:
        release_record(by=org.officer, sentence=community, released_on=TODAY)
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "Only a custodial sentence has a release: this is a community order."
    ]
    community.refresh_from_db()
    assert community.released_on is None


def test_a_detention_and_training_order_releases_at_halfway(org):
    _yot(org)
    sentence = sentence_record(
        by=org.officer,
        case=_case(org, born=CHILD_BORN),
        disposal=Disposal.DETENTION_AND_TRAINING_ORDER,
        sentence_date=date(2027, 1, 4),
        length_months=4,
    )
    assert (sentence.expected_release_date, sentence.end_date) == (date(2027, 3, 5), date(2027, 5, 4))

    release_record(by=org.officer, sentence=sentence, released_on=date(2027, 3, 5))

    sentence.refresh_from_db()
    assert (sentence.released_on, sentence.end_date) == (date(2027, 3, 5), date(2027, 5, 4))


# Referral order panels ---------------------------------------------------------------------------------------


def _referral_order(org, months=6):
    _yot(org)
    return sentence_record(
        by=org.officer,
        case=_case(org, born=CHILD_BORN),
        disposal=Disposal.REFERRAL_ORDER,
        sentence_date=date(2027, 3, 1),
        length_months=months,
    )


def test_the_order_runs_from_the_contract_signed_at_the_initial_panel(org):
    sentence = _referral_order(org)
    assert (sentence.start_date, sentence.end_date) == (None, None)

    meeting = panel_meeting_record(
        by=org.officer,
        sentence=sentence,
        meeting_type="initial",
        meeting_date=date(2027, 3, 18),
        contract_signed=True,
        attendees="Two panel members, the child, his mother",
    )

    sentence.refresh_from_db()
    assert sentence.contract_signed_on == date(2027, 3, 18)
    assert (sentence.start_date, sentence.end_date) == (date(2027, 3, 18), date(2027, 9, 18))
    assert meeting.recorded_by == org.officer
    assert meeting.history.first().history_user == org.officer

    panel_meeting_record(
        by=org.officer, sentence=sentence, meeting_type="progress", meeting_date=TODAY, notes="Going well"
    )
    assert list(sentence.panel_meetings.values_list("meeting_type", flat=True)) == ["initial", "progress"]


def test_an_initial_panel_without_a_contract_leaves_the_order_unstarted(org):
    sentence = _referral_order(org)

    panel_meeting_record(by=org.officer, sentence=sentence, meeting_type="initial", meeting_date=date(2027, 3, 18))

    sentence.refresh_from_db()
    assert (sentence.contract_signed_on, sentence.start_date, sentence.end_date) == (None, None, None)


@pytest.mark.parametrize(
    ("signed_first", "kwargs", "key", "message"),
    [
        (
            False,
            {"meeting_type": "progress", "meeting_date": date(2027, 3, 20)},
            "meeting_type",
            "A progress or final panel meeting needs the contract signed at the initial panel meeting first.",
        ),
        (
            True,
            {"meeting_type": "progress", "meeting_date": date(2027, 3, 20), "contract_signed": True},
            "contract_signed",
            "The contract is signed at the initial panel meeting, not a later one.",
        ),
        (
            True,
            {"meeting_type": "initial", "meeting_date": date(2027, 3, 20), "contract_signed": True},
            "meeting_type",
            "The contract was already signed at the initial panel on 10 March 2027: record a progress or final panel "
            "meeting.",
        ),
        (
            True,
            {"meeting_type": "final", "meeting_date": date(2027, 3, 9)},
            "meeting_date",
            "A progress or final panel meeting cannot be before the contract was signed (10 March 2027).",
        ),
        (
            False,
            {"meeting_type": "initial", "meeting_date": date(2027, 2, 28), "contract_signed": True},
            "meeting_date",
            "A panel meeting cannot be before the referral order was made (1 March 2027).",
        ),
        (
            False,
            {"meeting_type": "initial", "meeting_date": date(2027, 4, 2)},
            "meeting_date",
            "The date of the meeting cannot be in the future: record a meeting once it has happened.",
        ),
    ],
)
def test_panel_meeting_refusals(org, signed_first, kwargs, key, message):
    sentence = _referral_order(org)
    if signed_first:
        panel_meeting_record(
            by=org.officer,
            sentence=sentence,
            meeting_type="initial",
            meeting_date=date(2027, 3, 10),
            contract_signed=True,
        )
    meetings_before = ReferralPanelMeeting.objects.count()
    sentence.refresh_from_db()
    dates_before = (sentence.contract_signed_on, sentence.start_date, sentence.end_date)

    with pytest.raises(ValidationError) as caught:
        panel_meeting_record(by=org.officer, sentence=sentence, **kwargs)

    assert caught.value.message_dict[key] == [message]
    assert ReferralPanelMeeting.objects.count() == meetings_before
    sentence.refresh_from_db()
    assert (sentence.contract_signed_on, sentence.start_date, sentence.end_date) == dates_before


def test_panel_meetings_are_for_referral_orders_only(org):
    sentence = sentence_record(by=org.officer, case=_case(org), sentence_date=TODAY, **CO)

    with pytest.raises(ValidationError) as caught:
        panel_meeting_record(by=org.officer, sentence=sentence, meeting_type="initial", meeting_date=TODAY)

    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["Panel meetings are held only under a referral order."]
    assert not ReferralPanelMeeting.objects.exists()


# Requirements added by the court -----------------------------------------------------------------------------


def test_requirement_added_to_a_current_order(org):
    sentence = sentence_record(by=org.officer, case=_case(org), sentence_date=date(2027, 2, 1), **CO)

    requirement = requirement_add(
        by=org.manager, sentence=sentence, requirement_type="unpaid_work", hours=80, start_date=date(2027, 3, 1)
    )

    assert (requirement.requirement_type.code, requirement.hours, requirement.start_date) == (
        "unpaid_work",
        80,
        date(2027, 3, 1),
    )
    assert requirement.history.first().history_user == org.manager
    assert (
        requirement_add(
            by=org.manager, sentence=sentence, requirement_type="exclusion", details="Not to enter Piccadilly Gardens"
        ).start_date
        == TODAY
    )


@pytest.mark.parametrize(
    ("kwargs", "key", "message"),
    [
        (
            {"requirement_type": "rar", "maximum_days": 5},
            "requirement_type",
            "Each type of requirement can be added to an order only once: Rehabilitation activity requirement is "
            "already on it.",
        ),
        (
            {"requirement_type": "unpaid_work", "hours": 20},
            "hours",
            "Unpaid work for an adult is between 40 and 300 hours.",
        ),
        (
            {"requirement_type": "unpaid_work", "hours": 40, "start_date": date(2027, 1, 31)},
            "start_date",
            "A requirement cannot start before the order started (1 February 2027).",
        ),
        (
            {"requirement_type": "nonsense"},
            "requirement_type",
            "There is no requirement type with the code “nonsense”.",
        ),
    ],
)
def test_requirement_add_refusals(org, kwargs, key, message):
    sentence = sentence_record(by=org.officer, case=_case(org), sentence_date=date(2027, 2, 1), **CO)

    with pytest.raises(ValidationError) as caught:
        requirement_add(by=org.officer, sentence=sentence, **kwargs)

    assert caught.value.message_dict[key] == [message]
    assert sentence.requirements.count() == 1


def test_requirement_add_to_custody_is_refused(org):
    sentence = _custody(org)

    with pytest.raises(ValidationError) as caught:
        requirement_add(by=org.officer, sentence=sentence, requirement_type="curfew", details="7pm to 7am")

    assert caught.value.message_dict["requirement_type"] == [
        "Requirements can be added only to a community order, a suspended sentence order or a youth "
        "rehabilitation order, not to a custodial sentence."
    ]
    assert not Requirement.objects.exists()


def test_a_long_custodial_term_is_recorded_and_orders_in_the_community_stay_at_36_months(org):
    """Custodial terms run to years (the NPS holds the long-sentence cases); orders served in the community
    run at most 36 months. Both the service and the database hold this."""
    sentence = sentence_record(
        by=org.officer, case=_case(org), disposal=Disposal.CUSTODY, sentence_date=TODAY, length_months=96
    )
    assert sentence.licence_end_date == date(2035, 4, 1)
    assert sentence.post_sentence_supervision_end_date is None  # only for terms under 24 months

    with pytest.raises(ValidationError) as refused:
        sentence_record(
            by=org.officer, case=_case(org), disposal=Disposal.CUSTODY, sentence_date=TODAY, length_months=481
        )
    assert refused.value.message_dict["length_months"] == ["A custodial term is between 1 and 480 months."]

    order = factories.SentenceFactory.build(case=factories.CaseFactory(), length_months=37)
    with pytest.raises(IntegrityError), transaction.atomic():
        order.save()
