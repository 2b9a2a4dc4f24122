"""The breach clocks (shared/DOMAIN.md section 2; timeliness.registry), opened and stopped by the breach's events.

- NPS SL014 (an NPS case): from the day the NPS became aware of the alleged breach (the failure's day) to the pack
  presented to court, 10 working days.
- CRC AE (a CRC's case): from the day the CRC became aware to the referral to the NPS, 8 working days.
- NPS SL015 (a CRC's case): from the NPS accepting the referral to the pack presented to court, 2 working days.
- A Youth Offending Team has no national breach measure. Withdrawing the breach cancels its open clocks; no clock
  opens twice for the same breach.

Today is Wednesday 25 November 2026, 10:00 London; the breach failure was on Monday 23 November 2026
(tests/enforcement/breach_setup.py).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.services.allocation import case_transfer
from enforcement.models import Breach
from enforcement.services import breach as services
from enforcement.services.compliance import failure_decide
from risk.models import RiskLevel
from tests import factories
from tests.enforcement import breach_setup
from tests.enforcement.breach_setup import BREACH_FAILURE_ON, advance, breach_for, refreshed, submit
from tests.enforcement.setup import TODAY, failure
from timeliness.calendar import add_working_days
from timeliness.models import Clock

frozen = breach_setup.frozen
breaching = breach_setup.breaching

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SL014_DUE = add_working_days(BREACH_FAILURE_ON, 10)
CRC_AE_DUE = add_working_days(BREACH_FAILURE_ON, 8)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON), tick=False)


def clocks(breach: Breach) -> dict[str, tuple]:
    """{service level: (started, due, stopped, status, opened by, stopped by)} for the breach's clocks."""
    found = {}
    for clock in Clock.objects.filter(subject=f"breach:{breach.pk}").select_related("opened_by", "stopped_by"):
        assert clock.service_level not in found, f"{clock.service_level} opened twice"
        found[clock.service_level] = (
            clock.started_on,
            clock.due_on,
            clock.stopped_on,
            clock.status,
            clock.opened_by.username if clock.opened_by_id else None,
            clock.stopped_by.username if clock.stopped_by_id else None,
        )
    return found


def breach_clock_count() -> int:
    return Clock.objects.filter(subject__startswith="breach:").count()


def test_the_due_dates():
    """Monday 23 November 2026 + 10 working days is Monday 7 December; + 8, Thursday 3 December."""
    assert add_working_days(BREACH_FAILURE_ON, 10) == date(2026, 12, 7)
    assert add_working_days(BREACH_FAILURE_ON, 8) == date(2026, 12, 3)
    assert add_working_days(date(2026, 11, 25), 2) == date(2026, 11, 27)


# NPS SL014 --------------------------------------------------------------------------------------------------------


def test_nps_sl014_opens_with_the_breach(breaching):
    breach = breach_for(breaching.nps_case)

    assert clocks(breach) == {"NPS SL014": (date(2026, 11, 23), SL014_DUE, None, "open", "olivia", None)}
    clock = Clock.objects.get(subject=f"breach:{breach.pk}")
    assert (clock.case, clock.provider_type) == (breaching.nps_case, "nps_division")


def test_nps_sl014_runs_through_sign_off(breaching):
    breach = advance(breach_for(breaching.nps_case), "signed_off")

    assert clocks(breach)["NPS SL014"][2:4] == (None, "open")


def test_nps_sl014_is_met_when_the_pack_is_sent_in_time(breaching):
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")

    assert clocks(breach) == {"NPS SL014": (date(2026, 11, 23), SL014_DUE, TODAY, "met", "olivia", "olivia")}


def test_nps_sl014_is_met_on_its_due_day(breaching):
    breach = breach_for(breaching.nps_case)

    with at(SL014_DUE, 16):
        advance(breach, "sent_to_court")

    assert clocks(breach)["NPS SL014"][2:4] == (date(2026, 12, 7), "met")


def test_nps_sl014_is_missed_when_the_pack_is_sent_late(breaching):
    breach = advance(breach_for(breaching.nps_case), "signed_off")

    with at(date(2026, 12, 8), 9):
        services.breach_send_to_court(by=breaching.org.manager, breach=breach)

    assert clocks(breach) == {
        "NPS SL014": (date(2026, 11, 23), SL014_DUE, date(2026, 12, 8), "missed", "olivia", "maya"),
    }


def test_the_outcome_changes_no_clock(breaching):
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")
    before = clocks(breach)

    advance(refreshed(breach), "outcome_recorded")

    assert clocks(breach) == before


# CRC AE and NPS SL015 ---------------------------------------------------------------------------------------------


def test_crc_ae_opens_with_a_crc_breach(breaching):
    breach = breach_for(breaching.crc_case)

    assert clocks(breach) == {"CRC AE": (date(2026, 11, 23), CRC_AE_DUE, None, "open", "bethan", None)}
    assert Clock.objects.get(subject=f"breach:{breach.pk}").provider_type == "crc"


def test_crc_ae_is_met_by_a_referral_in_time(breaching):
    breach = advance(breach_for(breaching.crc_case), "referred_to_nps")

    assert clocks(breach) == {"CRC AE": (date(2026, 11, 23), CRC_AE_DUE, TODAY, "met", "bethan", "bethan")}


def test_crc_ae_is_missed_by_a_late_referral(breaching):
    breach = advance(breach_for(breaching.crc_case), "signed_off")

    with at(date(2026, 12, 4)):
        services.breach_refer_to_nps(by=breaching.org.other_provider_manager, breach=breach)

    assert clocks(breach) == {
        "CRC AE": (date(2026, 11, 23), CRC_AE_DUE, date(2026, 12, 4), "missed", "bethan", "huw"),
    }


def test_crc_ae_runs_through_sign_off(breaching):
    breach = advance(breach_for(breaching.crc_case), "signed_off")

    assert clocks(breach)["CRC AE"][2:4] == (None, "open")


def test_nps_sl015_opens_when_the_nps_accepts(breaching):
    breach = advance(breach_for(breaching.crc_case), "referred_to_nps")
    assert "NPS SL015" not in clocks(breach)

    services.breach_nps_accept(by=breaching.org.colleague, breach=breach)

    assert clocks(breach)["NPS SL015"] == (TODAY, date(2026, 11, 27), None, "open", "colin", None)
    assert Clock.objects.get(service_level="NPS SL015").provider_type == "crc"


def test_nps_sl015_is_met_when_the_nps_presents_it_in_time(breaching):
    breach = advance(breach_for(breaching.crc_case), "sent_to_court")

    assert clocks(breach) == {
        "CRC AE": (date(2026, 11, 23), CRC_AE_DUE, TODAY, "met", "bethan", "bethan"),
        "NPS SL015": (TODAY, date(2026, 11, 27), TODAY, "met", "olivia", "olivia"),
    }


def test_nps_sl015_counts_working_days_from_the_acceptance(breaching):
    """Accepted on Friday 27 November: due on Tuesday 1 December; presented on Wednesday 2 December, missed."""
    breach = advance(breach_for(breaching.crc_case), "referred_to_nps")
    with at(date(2026, 11, 27)):
        services.breach_nps_accept(by=breaching.org.officer, breach=breach)
    assert clocks(breach)["NPS SL015"][:2] == (date(2026, 11, 27), date(2026, 12, 1))

    with at(date(2026, 12, 2)):
        services.breach_send_to_court(by=breaching.org.manager, breach=breach)

    assert clocks(breach)["NPS SL015"] == (
        date(2026, 11, 27),
        date(2026, 12, 1),
        date(2026, 12, 2),
        "missed",
        "olivia",
        "maya",
    )


def test_nps_sl015_skips_the_christmas_bank_holidays(breaching):
    """Accepted on Thursday 24 December 2026: Christmas Day and the Boxing Day substitute (Monday 28) do not
    count, so it is due on Wednesday 30 December."""
    breach = advance(breach_for(breaching.crc_case), "signed_off")
    with at(date(2026, 12, 24)):
        services.breach_refer_to_nps(by=breaching.org.other_provider_officer, breach=breach)
        services.breach_nps_accept(by=breaching.org.officer, breach=breach)
    with at(date(2026, 12, 30), 16):
        services.breach_send_to_court(by=breaching.org.officer, breach=breach)

    assert clocks(breach) == {
        "CRC AE": (date(2026, 11, 23), CRC_AE_DUE, date(2026, 12, 24), "missed", "bethan", "bethan"),
        "NPS SL015": (date(2026, 12, 24), date(2026, 12, 30), date(2026, 12, 30), "met", "olivia", "olivia"),
    }


def test_a_crc_case_has_no_nps_sl014(breaching):
    advance(breach_for(breaching.crc_case), "sent_to_court")

    assert not Clock.objects.filter(service_level="NPS SL014").exists()


def test_an_nps_case_has_no_crc_clocks(breaching):
    advance(breach_for(breaching.nps_case), "sent_to_court")

    assert not Clock.objects.filter(service_level__in=["CRC AE", "NPS SL015"]).exists()


# Youth Offending Teams ----------------------------------------------------------------------------------------------


def test_a_yot_breach_opens_no_breach_clock(breaching):
    yot = breaching.yot
    case = breach_setup.youth_case(yot.officer, first_name="Jordan", last_name="Young")
    breach = breach_for(case)
    assert clocks(breach) == {}

    breach_setup.prepare(breach, court=breaching.court)
    advance(refreshed(breach), "sent_to_court")

    assert clocks(breach) == {}
    assert breach_clock_count() == 0
    assert set(Clock.objects.filter(case=case).values_list("service_level", flat=True)) == {"LOCAL EN1", "LOCAL EN2"}


# Withdrawn -------------------------------------------------------------------------------------------------------


def test_withdrawing_an_nps_breach_cancels_nps_sl014(breaching):
    breach = advance(breach_for(breaching.nps_case), "signed_off")
    waiting = failure(breaching.nps_case, date(2026, 11, 24))  # another failure, waiting for a decision

    with at(date(2026, 11, 26)):
        services.breach_withdraw(by=breaching.org.manager, breach=breach, reason="Admitted to hospital.")

    assert clocks(breach) == {
        "NPS SL014": (date(2026, 11, 23), SL014_DUE, date(2026, 11, 26), "cancelled", "olivia", "maya"),
    }
    # The failure's own clocks are not the breach's.
    assert set(Clock.objects.filter(subject=f"failure:{waiting.pk}").values_list("service_level", "status")) == {
        ("LOCAL EN1", "open"),
        ("LOCAL EN2", "open"),
    }


def test_withdrawing_a_crc_breach_cancels_only_its_open_clock(breaching):
    breach = advance(breach_for(breaching.crc_case), "accepted_by_nps")

    services.breach_withdraw(by=breaching.org.other_provider_officer, breach=breach, reason="Order revoked.")

    assert clocks(breach) == {
        "CRC AE": (date(2026, 11, 23), CRC_AE_DUE, TODAY, "met", "bethan", "bethan"),
        "NPS SL015": (TODAY, date(2026, 11, 27), TODAY, "cancelled", "olivia", "bethan"),
    }


def test_withdrawing_one_breach_leaves_anothers_clock(breaching):
    withdrawn = breach_for(breaching.nps_case)
    other = breach_for(breaching.crc_case)

    services.breach_withdraw(by=breaching.org.officer, breach=withdrawn, reason="Gone abroad.")

    assert clocks(withdrawn)["NPS SL014"][3] == "cancelled"
    assert clocks(other)["CRC AE"][3] == "open"


def test_a_breach_withdrawn_at_court_keeps_its_stopped_clock(breaching):
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")

    services.breach_withdraw(by=breaching.org.officer, breach=breach, reason="Withdrawn by the prosecutor.")

    assert clocks(breach)["NPS SL014"][2:4] == (TODAY, "met")


# Once per breach -------------------------------------------------------------------------------------------------


def test_a_second_referral_opens_no_second_crc_ae(breaching):
    org = breaching.org
    breach = advance(breach_for(breaching.crc_case), "referred_to_nps")
    services.breach_nps_request_more(by=org.officer, breach=breach, message="The warning letter is missing.")

    with at(date(2026, 12, 4)):
        submit(breach)
        services.breach_sign_off(by=org.other_provider_manager, breach=breach)
        services.breach_refer_to_nps(by=org.other_provider_officer, breach=breach)
        services.breach_nps_accept(by=org.officer, breach=breach)

    assert Clock.objects.filter(service_level="CRC AE").count() == 1
    assert clocks(breach) == {
        "CRC AE": (date(2026, 11, 23), CRC_AE_DUE, TODAY, "met", "bethan", "bethan"),
        "NPS SL015": (date(2026, 12, 4), date(2026, 12, 8), None, "open", "olivia", None),
    }


def test_a_correction_at_court_opens_and_stops_nothing_again(breaching):
    org = breaching.org
    breach = advance(breach_for(breaching.crc_case), "sent_to_court")
    before = clocks(breach)

    with at(date(2026, 12, 9)):
        services.breach_start_new_version(by=org.other_provider_officer, breach=breach, reason="Add the letters.")
        advance(refreshed(breach), "sent_to_court")

    assert services.current_pack(breach).version == 2
    assert clocks(breach) == before
    assert breach_clock_count() == 2


def test_an_nps_correction_at_court_keeps_nps_sl014_as_it_was(breaching):
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")

    with at(date(2026, 12, 9)):
        services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason="Add the letters.")
        advance(refreshed(breach), "sent_to_court")

    assert clocks(breach) == {"NPS SL014": (date(2026, 11, 23), SL014_DUE, TODAY, "met", "olivia", "olivia")}


def test_a_failure_joining_the_breach_opens_no_clock(breaching):
    breach = breach_for(breaching.nps_case)
    later = failure(breaching.nps_case, date(2026, 11, 24))

    failure_decide(by=breaching.org.officer, failure=later, decision="breach")

    assert breach_clock_count() == 1
    assert clocks(breach)["NPS SL014"][:4] == (date(2026, 11, 23), SL014_DUE, None, "open")


def test_a_new_breach_after_the_first_ends_has_its_own_clock(breaching):
    first = advance(breach_for(breaching.nps_case), "outcome_recorded")
    later = failure(breaching.nps_case, date(2026, 11, 24))

    failure_decide(by=breaching.org.officer, failure=later, decision="breach")

    second = Breach.objects.exclude(pk=first.pk).get()
    assert clocks(first)["NPS SL014"][3] == "met"
    assert clocks(second) == {
        "NPS SL014": (date(2026, 11, 24), add_working_days(date(2026, 11, 24), 10), None, "open", "olivia", None),
    }


# Steps recorded late ---------------------------------------------------------------------------------------------


def test_a_referral_recorded_late_counts_from_its_day(breaching):
    """Referred on Thursday 3 December (the due day) but recorded on Tuesday 8 December: met."""
    org = breaching.org
    breach = advance(breach_for(breaching.crc_case), "signed_off")

    with at(date(2026, 12, 8)):
        services.breach_refer_to_nps(by=org.other_provider_officer, breach=breach, on=CRC_AE_DUE)
        services.breach_nps_accept(by=org.officer, breach=breach, on=date(2026, 12, 4))

    assert clocks(breach) == {
        "CRC AE": (date(2026, 11, 23), CRC_AE_DUE, CRC_AE_DUE, "met", "bethan", "bethan"),
        "NPS SL015": (date(2026, 12, 4), date(2026, 12, 8), None, "open", "olivia", None),
    }


def test_a_presentation_recorded_late_counts_from_its_day(breaching):
    breach = advance(breach_for(breaching.nps_case), "signed_off")

    with at(date(2026, 12, 10)):
        services.breach_send_to_court(by=breaching.org.officer, breach=breach, on=date(2026, 12, 7))

    assert clocks(breach)["NPS SL014"][2:4] == (date(2026, 12, 7), "met")


def test_a_withdrawal_recorded_late_cancels_from_its_day(breaching):
    breach = breach_for(breaching.nps_case)

    with at(date(2026, 12, 1)):
        services.breach_withdraw(by=breaching.org.officer, breach=breach, reason="Died.", on=date(2026, 11, 27))

    assert clocks(breach)["NPS SL014"][2:4] == (date(2026, 11, 27), "cancelled")


# Transfer -------------------------------------------------------------------------------------------------------


def test_a_crc_breach_transferred_to_the_nps_leaves_no_clock_open_once_at_court(breaching):
    """The person's risk rose to high while the CRC prepared the pack: the case moves to the NPS, which presents the
    breach itself (no referral: it is the NPS's own case now)."""
    org = breaching.org
    case = breaching.crc_case
    breach = breach_for(case)
    factories.RoshAssessmentFactory(
        person=case.person,
        risk_to_public=RiskLevel.HIGH,
        assessment_date=date(2026, 11, 24),
        created_by=org.other_provider_officer,
    )
    case_transfer(
        by=org.other_provider_manager,
        case=case,
        team=org.team_a,
        responsible_officer=org.officer,
        reason="risk_increased",
    )
    assert clocks(breach)["CRC AE"][3] == "open"

    advance(breach, "sent_to_court")

    assert refreshed(breach).status == "sent_to_court"
    # CRC AE ("referred to court") stops when the NPS, now holding the case, presents the breach itself.
    assert not Clock.objects.filter(subject=f"breach:{breach.pk}", status="open").exists()
