"""The completion measures (oversight.measures), each on hand-built rows: what counts, what is met, what is left
out, and how a missed row reads on the list of cases that missed.

The period is July to September 2026; today is Wednesday 2 December 2026 unless a test says otherwise. CRC cases
are held by Bethan Barker (Stockport CRC, team Stockport); NPS cases by Olivia Okafor (Manchester North).
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from cases.models import Disposal, Requirement
from oversight.measures import MEASURES_BY_CODE, NOT_MEASURED, OUTCOME_MEASURES
from oversight.scopes import Scope
from oversight.selectors.compliance import compliance, missed_cases
from tests import factories
from tests.oversight.figures_setup import (
    LONDON,
    Q3,
    TODAY,
    breach,
    custody_case,
    ended_case,
    recall,
    resettlement_plan,
    sentence,
)


def crc_team(org):
    return Scope("team", team=org.team_b)


def nps_team(org):
    return Scope("team", team=org.team_a)


def figures(scope, code, today=TODAY):
    (row,) = [row for row in compliance(scope=scope, period=Q3, today=today).rows if row.code == code]
    return row.met, row.missed, row.total, row.percent


def missed(user, scope, code, today=TODAY):
    result = missed_cases(user=user, scope=scope, period=Q3, code=code, today=today)
    return [(row.case.person.last_name, row.on, row.detail) for row in result.rows]


def test_the_measures_declared(org):
    assert [measure.code for measure in OUTCOME_MEASURES] == [
        "CRC SL007",
        "CRC SL008",
        "NPS SL018",
        "CRC SL009a",
        "NPS SL019",
        "CRC SL010",
        "CRC SL016",
        "CRC SL017",
        "CRC AC",
    ]
    assert {code: (m.target_percent, m.performance_2017) for code, m in MEASURES_BY_CODE.items()} == {
        "CRC SL007": (Decimal("99"), Decimal("89.2")),
        "CRC SL008": (Decimal("75"), Decimal("78.5")),
        "NPS SL018": (Decimal("75"), Decimal("73.1")),
        "CRC SL009a": (Decimal("65"), Decimal("77.2")),
        "NPS SL019": (Decimal("65"), Decimal("59.7")),
        "CRC SL010": (Decimal("90"), Decimal("89.5")),
        "CRC SL016": (Decimal("90"), Decimal("89.1")),
        "CRC SL017": (Decimal("90"), Decimal("94.8")),
        "CRC AC": (Decimal("90"), Decimal("67.2")),
    }
    assert all(measure.national for measure in OUTCOME_MEASURES)
    assert [code for code, _, _ in NOT_MEASURED] == ["CRC AB / NPS SL017"]


# CRC SL007: sentence completion recorded ---------------------------------------------------------------------------


def crc_sentence(org, last_name, *, sentence_end, ended_on=None, outcome="completed_positively"):
    officer = org.other_provider_officer
    if ended_on:
        case = ended_case(officer, ended_on=ended_on, outcome=outcome, last_name=last_name)
    else:
        case = factories.CaseFactory(responsible_officer=officer, person__last_name=last_name)
    sentence(
        case,
        sentence_date=sentence_end.replace(year=sentence_end.year - 1),
        end=sentence_end,
        status="completed" if ended_on else "current",
    )
    return case


@override_settings(TERMINATION_RECORDING_DAYS=7)
def test_crc_sl007_sentence_completion_recorded(org):
    crc_sentence(org, "Ontime", sentence_end=date(2026, 8, 10), ended_on=date(2026, 8, 15))
    crc_sentence(org, "Boundary", sentence_end=date(2026, 8, 10), ended_on=date(2026, 8, 17), outcome="revoked")
    crc_sentence(org, "Late", sentence_end=date(2026, 8, 10), ended_on=date(2026, 8, 18))
    crc_sentence(org, "Open", sentence_end=date(2026, 8, 12))
    crc_sentence(org, "Nooutcome", sentence_end=date(2026, 8, 20), ended_on=date(2026, 8, 21), outcome="")
    crc_sentence(org, "Early", sentence_end=date(2026, 8, 25), ended_on=date(2026, 8, 1), outcome="revoked")
    crc_sentence(org, "Died", sentence_end=date(2026, 8, 10), ended_on=date(2026, 8, 11), outcome="died")
    # Outside the period.
    crc_sentence(org, "June", sentence_end=date(2026, 6, 30))
    crc_sentence(org, "October", sentence_end=date(2026, 10, 1))
    # A later sentence on the case: the earlier one's end is not the end of supervision.
    resentenced = factories.CaseFactory(responsible_officer=org.other_provider_officer, person__last_name="Again")
    sentence(resentenced, sentence_date=date(2025, 8, 15), end=date(2026, 8, 15), status="completed")
    sentence(resentenced, sentence_date=date(2026, 8, 14), end=date(2027, 8, 14))
    # An NPS case is not measured.
    nps = factories.CaseFactory(responsible_officer=org.officer)
    sentence(nps, sentence_date=date(2025, 8, 10), end=date(2026, 8, 10))

    assert figures(crc_team(org), "CRC SL007") == (4, 3, 7, Decimal("57.1"))
    assert figures(Scope("region", region=org.region), "CRC SL007") == (4, 3, 7, Decimal("57.1"))
    assert missed(org.other_provider_manager, crc_team(org), "CRC SL007") == [
        (
            "Late",
            date(2026, 8, 10),
            "The sentence ended on 10 August 2026; the case was ended on 18 August 2026, late.",
        ),
        ("Open", date(2026, 8, 12), "The sentence ended on 12 August 2026 and the case is still open."),
        (
            "Nooutcome",
            date(2026, 8, 20),
            "The sentence ended on 20 August 2026; the case was ended without its outcome.",
        ),
    ]
    assert "CRC SL007" not in [row.code for row in compliance(scope=nps_team(org), period=Q3, today=TODAY).rows]


@override_settings(TERMINATION_RECORDING_DAYS=7)
def test_crc_sl007_leaves_out_sentences_that_ended_too_recently_to_judge(org):
    crc_sentence(org, "Recorded", sentence_end=date(2026, 9, 24), ended_on=date(2026, 9, 25))
    crc_sentence(org, "Waiting", sentence_end=date(2026, 9, 25))
    crc_sentence(org, "Recent", sentence_end=date(2026, 9, 28))
    # On 1 October only sentences that ended by 24 September can be judged.
    assert figures(crc_team(org), "CRC SL007", today=date(2026, 10, 1)) == (1, 0, 1, Decimal("100.0"))
    # A day later the one that ended on 25 September and is still open has missed.
    assert figures(crc_team(org), "CRC SL007", today=date(2026, 10, 2)) == (1, 1, 2, Decimal("50.0"))
    assert figures(crc_team(org), "CRC SL007", today=date(2026, 10, 5)) == (1, 2, 3, Decimal("33.3"))


@override_settings(TERMINATION_RECORDING_DAYS=3)
def test_crc_sl007_follows_the_recording_days_setting(org):
    crc_sentence(org, "Five", sentence_end=date(2026, 8, 10), ended_on=date(2026, 8, 15))
    crc_sentence(org, "Three", sentence_end=date(2026, 8, 10), ended_on=date(2026, 8, 13))
    assert figures(crc_team(org), "CRC SL007") == (1, 1, 2, Decimal("50.0"))


# Completed positively: CRC SL008 / NPS SL018 (community), CRC SL009a / NPS SL019 (licence) --------------------------


def ended_on_sentences(officer, last_name, ended_on, outcome, *disposals, released=True):
    """A case ended on `ended_on` with `outcome`, with one sentence per disposal, oldest first."""
    case = ended_case(officer, ended_on=ended_on, outcome=outcome, last_name=last_name)
    for number, disposal in enumerate(disposals):
        day = date(2024 + number, 3, 1)
        custodial = disposal == Disposal.CUSTODY
        sentence(
            case,
            disposal=disposal,
            sentence_date=day,
            end=day.replace(year=day.year + 2),
            status="completed",
            released_on=day.replace(month=9) if custodial and released else None,
        )
    return case


@pytest.fixture
def endings(org):
    nps, crc = org.officer, org.other_provider_officer
    community, suspended, custody = Disposal.COMMUNITY_ORDER, Disposal.SUSPENDED_SENTENCE_ORDER, Disposal.CUSTODY
    ended_on_sentences(nps, "Positive", date(2026, 8, 5), "completed_positively", community)
    ended_on_sentences(nps, "Suspended", date(2026, 8, 6), "revoked", suspended)
    ended_on_sentences(nps, "Resentenced", date(2026, 8, 7), "breached_and_resentenced", community)
    ended_on_sentences(nps, "Died", date(2026, 8, 8), "died", community)
    ended_on_sentences(nps, "Moved", date(2026, 8, 9), "transferred_out", community)
    ended_on_sentences(nps, "Unrecorded", date(2026, 8, 10), "", community)
    ended_on_sentences(nps, "Licence", date(2026, 8, 11), "completed_positively", custody)
    ended_on_sentences(nps, "Recalled", date(2026, 8, 12), "revoked", custody)
    ended_on_sentences(nps, "Inside", date(2026, 8, 13), "completed_positively", custody, released=False)
    # The latest sentence decides: custody then a community order is a community sentence, and the other way round.
    ended_on_sentences(nps, "Switched", date(2026, 8, 14), "completed_positively", custody, community)
    ended_on_sentences(nps, "Reverse", date(2026, 8, 15), "breached_and_resentenced", community, custody)
    # Outside the period, or not ended.
    ended_on_sentences(nps, "June", date(2026, 6, 30), "completed_positively", community)
    ended_on_sentences(nps, "October", date(2026, 10, 1), "revoked", community)
    sentence(factories.CaseFactory(responsible_officer=nps, person__last_name="Active"))
    # The CRC's own cases.
    ended_on_sentences(crc, "Crcgood", date(2026, 8, 5), "completed_positively", community)
    ended_on_sentences(crc, "Crcrevoked", date(2026, 8, 6), "revoked", community)
    ended_on_sentences(crc, "Crclicence", date(2026, 8, 7), "completed_positively", custody)
    ended_on_sentences(crc, "Crcdied", date(2026, 8, 8), "died", custody)
    return org


def test_nps_sl018_community_sentences_completed_positively(endings):
    org = endings
    assert figures(nps_team(org), "NPS SL018") == (2, 2, 4, Decimal("50.0"))
    assert missed(org.manager, nps_team(org), "NPS SL018") == [
        ("Suspended", date(2026, 8, 6), "Ended on 6 August 2026: revoked by the court."),
        ("Resentenced", date(2026, 8, 7), "Ended on 7 August 2026: breached and re-sentenced."),
    ]


def test_nps_sl019_licences_completed_positively(endings):
    org = endings
    assert figures(nps_team(org), "NPS SL019") == (1, 2, 3, Decimal("33.3"))
    assert missed(org.manager, nps_team(org), "NPS SL019") == [
        ("Recalled", date(2026, 8, 12), "Ended on 12 August 2026: revoked by the court."),
        ("Reverse", date(2026, 8, 15), "Ended on 15 August 2026: breached and re-sentenced."),
    ]


def test_crc_sl008_and_sl009a_count_only_the_crcs_cases(endings):
    org = endings
    assert figures(crc_team(org), "CRC SL008") == (1, 1, 2, Decimal("50.0"))
    assert figures(crc_team(org), "CRC SL009a") == (1, 0, 1, Decimal("100.0"))
    assert missed(org.other_provider_manager, crc_team(org), "CRC SL008") == [
        ("Crcrevoked", date(2026, 8, 6), "Ended on 6 August 2026: revoked by the court.")
    ]
    region = Scope("region", region=org.region)
    assert figures(region, "CRC SL008") == (1, 1, 2, Decimal("50.0"))
    assert figures(region, "NPS SL018") == (2, 2, 4, Decimal("50.0"))
    assert figures(region, "NPS SL019") == (1, 2, 3, Decimal("33.3"))
    # The NPS manager sees their own provider's missed cases; the CRC's are counted as hidden.
    region_missed = missed_cases(user=org.manager, scope=region, period=Q3, code="CRC SL008", today=TODAY)
    assert (region_missed.rows, region_missed.hidden) == ([], 1)


def test_completed_positively_counts_the_team_holding_the_case(endings):
    org = endings
    ended_on_sentences(org.other_team_officer, "Southern", date(2026, 8, 5), "revoked", Disposal.COMMUNITY_ORDER)
    assert figures(nps_team(org), "NPS SL018") == (2, 2, 4, Decimal("50.0"))
    assert figures(Scope("provider", provider=org.nps), "NPS SL018") == (2, 3, 5, Decimal("40.0"))


# CRC SL010: unpaid work requirements completed positively ----------------------------------------------------------


def unpaid_work(officer, last_name, *, ended_on=None, reason="", hours=100, **kwargs):
    case = factories.CaseFactory(responsible_officer=officer, person__last_name=last_name)
    order = sentence(case)
    if ended_on is None:
        status, positive = Requirement.Status.ACTIVE, None
    elif reason:
        status, positive = Requirement.Status.TERMINATED, False
    else:
        status, positive = Requirement.Status.COMPLETED, True
    return factories.RequirementFactory(
        sentence=order,
        requirement_type=factories.requirement_type(kwargs.pop("code", "unpaid_work")),
        hours=hours,
        status=status,
        ended_on=ended_on,
        completed_positively=positive,
        termination_reason=reason,
        unpaid_work_minutes_credited=hours * 60 if positive and hours else 0,
        **kwargs,
    )


def test_crc_sl010_unpaid_work_requirements_completed_positively(org):
    nps = org.officer
    unpaid_work(nps, "Done", ended_on=date(2026, 8, 5))
    unpaid_work(nps, "Breached", ended_on=date(2026, 8, 6), reason="breached")
    unpaid_work(nps, "Expired", ended_on=date(2026, 8, 7), reason="time_expired", hours=120)
    unpaid_work(nps, "Died", ended_on=date(2026, 8, 8), reason="died")
    unpaid_work(nps, "June", ended_on=date(2026, 6, 30))
    unpaid_work(nps, "October", ended_on=date(2026, 10, 1), reason="breached")
    unpaid_work(nps, "Working")
    # A rehabilitation activity requirement is not unpaid work.
    unpaid_work(nps, "Rar", ended_on=date(2026, 8, 9), reason="revoked", hours=None, code="rar", maximum_days=20)
    unpaid_work(org.other_team_officer, "Southern", ended_on=date(2026, 8, 10), reason="revoked")
    unpaid_work(org.other_provider_officer, "Crc", ended_on=date(2026, 8, 11))

    assert figures(nps_team(org), "CRC SL010") == (1, 2, 3, Decimal("33.3"))
    assert figures(Scope("provider", provider=org.nps), "CRC SL010") == (1, 3, 4, Decimal("25.0"))
    assert figures(crc_team(org), "CRC SL010") == (1, 0, 1, Decimal("100.0"))
    assert figures(Scope("region", region=org.region), "CRC SL010") == (2, 3, 5, Decimal("40.0"))
    assert missed(org.manager, nps_team(org), "CRC SL010") == [
        ("Breached", date(2026, 8, 6), "100 hours of unpaid work ended on 6 August 2026: breached and re-sentenced."),
        (
            "Expired",
            date(2026, 8, 7),
            "120 hours of unpaid work ended on 7 August 2026: order ended before it was completed.",
        ),
    ]
    result = missed_cases(user=org.manager, scope=nps_team(org), period=Q3, code="CRC SL010", today=TODAY)
    assert (result.kind, result.row_label, result.hidden) == ("outcome", "Requirement ended", 0)
    assert result.name == "Unpaid work requirement completed positively"


# CRC SL016: breach packs usable as sent ----------------------------------------------------------------------------


def crc_order_case(officer, last_name):
    case = factories.CaseFactory(responsible_officer=officer, person__last_name=last_name)
    sentence(case)
    return case


def test_crc_sl016_breach_packs_the_court_could_use(org):
    court = factories.CourtFactory(region=org.region, name="Stockport Magistrates' Court", code="B06SP")
    crc = org.other_provider_officer

    def breach_on(last_name, *packs, **kwargs):
        return breach(crc_order_case(crc, last_name), court=court, packs=packs, **kwargs)

    breach_on("Clean", (date(2026, 8, 10), False))
    # Asked about the first version: missed, even though a corrected version went later.
    breach_on("Asked", (date(2026, 8, 12), True), (date(2026, 8, 20), False))
    # Asked about a later version only: missed too, counted on the day the first version went.
    breach_on("Second", (date(2026, 8, 1), False), (date(2026, 9, 9), True))
    # The first version went in June: not this period's, whatever came later.
    breach_on("June", (date(2026, 6, 29), False), (date(2026, 7, 5), True))
    breach_on("Unsent", (None, False), status="awaiting_sign_off")
    # London days: 00:30 on 1 July is in the period (23:30 on 30 June in UTC); 00:30 on 1 October is not.
    breach_on("Midnight", (datetime(2026, 7, 1, 0, 30, tzinfo=LONDON), False))
    breach_on("Lastday", (datetime(2026, 9, 30, 23, 30, tzinfo=LONDON), False))
    breach_on("Nextday", (datetime(2026, 10, 1, 0, 30, tzinfo=LONDON), True))
    nps = crc_order_case(org.officer, "Npscase")
    breach(nps, court=court, packs=[(date(2026, 8, 10), True)])

    assert figures(crc_team(org), "CRC SL016") == (3, 2, 5, Decimal("60.0"))
    assert missed(org.other_provider_manager, crc_team(org), "CRC SL016") == [
        (
            "Second",
            date(2026, 8, 1),
            "Breach pack sent to Stockport Magistrates' Court on 1 August 2026: the court asked for more information.",
        ),
        (
            "Asked",
            date(2026, 8, 12),
            "Breach pack sent to Stockport Magistrates' Court on 12 August 2026: the court asked for more information.",
        ),
    ]
    assert "CRC SL016" not in [row.code for row in compliance(scope=nps_team(org), period=Q3, today=TODAY).rows]
    region = missed_cases(
        user=org.manager, scope=Scope("region", region=org.region), period=Q3, code="CRC SL016", today=TODAY
    )
    assert (region.rows, region.hidden) == ([], 2)


# CRC SL017: recalls made without being asked for more ---------------------------------------------------------------


def test_crc_sl017_recalls_without_a_request_for_more(org):
    crc = org.other_provider_officer
    recall(custody_case(crc, released_on=date(2026, 3, 1), person__last_name="Clean"), sent_on=date(2026, 8, 10))
    recall(
        custody_case(crc, released_on=date(2026, 3, 1), person__last_name="Asked"),
        sent_on=date(2026, 8, 12),
        asked=True,
    )
    recall(
        custody_case(crc, released_on=date(2026, 3, 1), person__last_name="Lastday"),
        sent_on=date(2026, 9, 30),
        status="returned_to_custody",
    )
    recall(custody_case(crc, released_on=date(2026, 3, 1), person__last_name="June"), sent_on=date(2026, 6, 30))
    recall(
        custody_case(crc, released_on=date(2026, 3, 1), person__last_name="October"),
        sent_on=date(2026, 10, 1),
        asked=True,
    )
    recall(custody_case(crc, released_on=date(2026, 3, 1), person__last_name="Considering"), sent_on=None)
    recall(
        custody_case(org.officer, released_on=date(2026, 3, 1), person__last_name="Npscase"),
        sent_on=date(2026, 8, 10),
        asked=True,
    )

    assert figures(crc_team(org), "CRC SL017") == (2, 1, 3, Decimal("66.7"))
    assert missed(org.other_provider_manager, crc_team(org), "CRC SL017") == [
        (
            "Asked",
            date(2026, 8, 12),
            "Recall sent to public protection casework on 12 August 2026: more information was asked for.",
        )
    ]
    result = missed_cases(user=org.other_provider_manager, scope=crc_team(org), period=Q3, code="CRC SL017")
    assert result.row_label == "Recall sent"


# CRC AC: released with settled accommodation -----------------------------------------------------------------------


def test_crc_ac_released_from_custody_with_settled_accommodation(org):
    crc = org.other_provider_officer

    def released(last_name, on, accommodation="no plan", officer=crc):
        case = custody_case(officer, released_on=on, person__last_name=last_name)
        if accommodation != "no plan":
            resettlement_plan(case, accommodation=accommodation)
        return case

    released("Settled", date(2026, 8, 10), "settled")
    released("Temporary", date(2026, 8, 12), "temporary")
    released("Premises", date(2026, 8, 13), "approved_premises")
    released("Screened", date(2026, 8, 15), None)
    released("Noplan", date(2026, 8, 20))
    released("Nowhere", date(2026, 8, 25), "none")
    released("June", date(2026, 6, 30), "temporary")
    released("October", date(2026, 10, 1), "temporary")
    released("Inside", None, None)
    released("Npscase", date(2026, 8, 10), "temporary", officer=org.officer)

    assert figures(crc_team(org), "CRC AC") == (1, 5, 6, Decimal("16.7"))
    assert missed(org.other_provider_manager, crc_team(org), "CRC AC") == [
        ("Temporary", date(2026, 8, 12), "Released on 12 August 2026: temporary accommodation."),
        ("Premises", date(2026, 8, 13), "Released on 13 August 2026: approved premises."),
        ("Screened", date(2026, 8, 15), "Released on 15 August 2026 with no completed resettlement plan."),
        ("Noplan", date(2026, 8, 20), "Released on 20 August 2026 with no completed resettlement plan."),
        ("Nowhere", date(2026, 8, 25), "Released on 25 August 2026: nowhere to stay yet."),
    ]
    assert "CRC AC" not in [row.code for row in compliance(scope=nps_team(org), period=Q3, today=TODAY).rows]


def test_a_measure_with_nothing_in_the_period_has_no_percentage(org):
    result = compliance(scope=crc_team(org), period=Q3, today=TODAY)
    outcome_rows = [row for row in result.rows if row.kind == "outcome"]
    assert [(row.code, row.met, row.total, row.percent) for row in outcome_rows] == [
        ("CRC SL007", 0, 0, None),
        ("CRC SL008", 0, 0, None),
        ("CRC SL009a", 0, 0, None),
        ("CRC SL010", 0, 0, None),
        ("CRC SL016", 0, 0, None),
        ("CRC SL017", 0, 0, None),
        ("CRC AC", 0, 0, None),
    ]
    assert result.measured_rows == []
