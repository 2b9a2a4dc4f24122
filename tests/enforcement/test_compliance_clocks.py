"""The enforcement clocks and their alerts.

LOCAL EN1: the decision on a failure to comply, due ENFORCEMENT_DECISION_WORKING_DAYS (2) working days after it.
LOCAL EN2: breach or recall action once the warnings allowed in 12 months are used up, due the day of the failure,
alerting the team's managers at once (not only when overdue). Both stop with the decision; a withdrawn failure
cancels both. Today is Wednesday 25 November 2026, 10:00 (tests/enforcement/setup.py).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from enforcement.models import ComplianceFailure
from enforcement.services import compliance as services
from interventions.services.unpaid_work import attendance_record
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import TODAY, failure
from tests.interventions import test_unpaid_work_setup as upw_setup
from tests.interventions.test_unpaid_work_setup import booking, outcome_fields, session, upw_requirement
from timeliness.models import Alert, Clock
from timeliness.services import alerts_raise

frozen = setup.frozen
compliance = setup.compliance
upw = upw_setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _due_soon(settings):
    settings.ALERT_DUE_SOON_WORKING_DAYS = 2


def clocks(made: ComplianceFailure) -> dict[str, tuple]:
    """{service level: (started, due, stopped, status, opened by, stopped by)} for the failure's clocks."""
    return {
        clock.service_level: (
            clock.started_on,
            clock.due_on,
            clock.stopped_on,
            clock.status,
            clock.opened_by,
            clock.stopped_by,
        )
        for clock in Clock.objects.filter(subject=f"failure:{made.pk}")
    }


def alerts(*, open_only: bool = True) -> set[tuple]:
    """(service level, recipient username, kind) of the open alerts (every alert with open_only=False)."""
    found = Alert.objects.select_related("clock", "recipient")
    if open_only:
        found = found.filter(closed_at__isnull=True)
    return {(alert.clock.service_level, alert.recipient.username, alert.kind) for alert in found}


def over_threshold(case, on: date, *, hour: int = 10) -> ComplianceFailure:
    """A warning given on 3 November 2026 for a failure on 2 November, then a failure on `on`."""
    first = failure(case, date(2026, 11, 2))
    services.failure_decide(by=case.responsible_officer, failure=first, decision="first_warning", on=date(2026, 11, 3))
    return failure(case, on, hour=hour)


# LOCAL EN1 -------------------------------------------------------------------------------------------------------


def test_the_decision_clock_opens_with_the_failure(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    assert clocks(made) == {
        "LOCAL EN1": (date(2026, 11, 24), date(2026, 11, 26), None, "open", compliance.org.officer, None),
    }
    clock = Clock.objects.get()
    assert (clock.case, clock.provider_type) == (compliance.community, "nps_division")


def test_the_decision_clock_is_due_on_the_decision_date(compliance):
    made = failure(compliance.licence, date(2026, 11, 20))  # a Friday: due on the Tuesday

    assert clocks(made)["LOCAL EN1"][:2] == (date(2026, 11, 20), date(2026, 11, 24))
    assert Clock.objects.get().due_on == made.decision_due_on


def test_a_decision_on_time_meets_the_clock(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.manager, failure=made, decision="first_warning")

    assert clocks(made) == {
        "LOCAL EN1": (
            date(2026, 11, 24),
            date(2026, 11, 26),
            TODAY,
            "met",
            compliance.org.officer,
            compliance.org.manager,
        ),
    }


def test_a_decision_dated_on_the_due_day_meets_the_clock(compliance):
    made = failure(compliance.community, date(2026, 11, 16))  # due Wednesday 18 November

    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning", on=date(2026, 11, 18))

    assert clocks(made)["LOCAL EN1"][2:4] == (date(2026, 11, 18), "met")


def test_a_late_decision_misses_the_clock(compliance):
    with time_machine.travel(datetime(2026, 11, 16, 12, 0, tzinfo=LONDON), tick=False):
        made = failure(compliance.community, date(2026, 11, 16))
    assert clocks(made)["LOCAL EN1"][:4] == (date(2026, 11, 16), date(2026, 11, 18), None, "open")

    with time_machine.travel(datetime(2026, 11, 19, 9, 0, tzinfo=LONDON), tick=False):
        services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    assert clocks(made)["LOCAL EN1"] == (
        date(2026, 11, 16),
        date(2026, 11, 18),
        date(2026, 11, 19),
        "missed",
        compliance.org.officer,
        compliance.org.officer,
    )


def test_a_decision_dated_after_the_due_day_misses_the_clock(compliance):
    made = failure(compliance.community, date(2026, 11, 16))

    services.failure_decide(
        by=compliance.org.officer, failure=made, decision="acceptable", reason="GP letter.", on=date(2026, 11, 19)
    )

    assert clocks(made)["LOCAL EN1"][2:4] == (date(2026, 11, 19), "missed")


def test_deciding_one_failure_stops_only_its_own_clock(compliance):
    first = failure(compliance.community, date(2026, 11, 23))
    second = failure(compliance.community, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=second, decision="first_warning")

    assert clocks(first)["LOCAL EN1"][3] == "open"
    assert clocks(second)["LOCAL EN1"][3] == "met"


def test_a_refused_decision_leaves_the_clock_running(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    with pytest.raises(ValidationError):  # the message is pinned in test_compliance_services
        services.failure_decide(by=compliance.org.officer, failure=made, decision="recall")

    assert clocks(made)["LOCAL EN1"][2:4] == (None, "open")


# LOCAL EN2 -------------------------------------------------------------------------------------------------------


def test_no_breach_clock_below_the_threshold(compliance):
    made = failure(compliance.community, date(2026, 11, 2))
    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning", on=date(2026, 11, 3))

    assert set(clocks(made)) == {"LOCAL EN1"}
    assert not Clock.objects.filter(service_level="LOCAL EN2").exists()


@pytest.mark.parametrize("case", ["community", "licence"])
def test_the_breach_clock_opens_when_the_threshold_is_crossed(compliance, case):
    made = over_threshold(getattr(compliance, case), date(2026, 11, 23))

    assert clocks(made) == {
        "LOCAL EN1": (date(2026, 11, 23), date(2026, 11, 25), None, "open", compliance.org.officer, None),
        "LOCAL EN2": (date(2026, 11, 23), date(2026, 11, 23), None, "open", compliance.org.officer, None),
    }


def test_an_undecided_earlier_failure_opens_no_breach_clock(compliance):
    failure(compliance.community, date(2026, 11, 2))
    later = failure(compliance.community, date(2026, 11, 23))

    assert set(clocks(later)) == {"LOCAL EN1"}


def test_a_warning_that_uses_up_the_allowance_starts_the_breach_clock_of_a_failure_still_waiting(compliance):
    earlier = failure(compliance.community, date(2026, 11, 2))
    later = failure(compliance.community, date(2026, 11, 23))

    services.failure_decide(by=compliance.org.officer, failure=earlier, decision="first_warning")

    assert clocks(later)["LOCAL EN2"][:4] == (TODAY, TODAY, None, "open")
    with pytest.raises(ValidationError) as refused:
        services.failure_decide(by=compliance.org.officer, failure=later, decision="final_warning")
    assert "take breach action" in refused.value.messages[0]


def test_a_decision_dated_before_the_breach_clock_started_still_stops_it(compliance):
    earlier = failure(compliance.community, date(2026, 11, 16))
    later = failure(compliance.community, date(2026, 11, 20))
    services.failure_decide(by=compliance.org.officer, failure=earlier, decision="first_warning")  # today

    services.failure_decide(by=compliance.org.officer, failure=later, decision="breach", on=date(2026, 11, 24))

    found = clocks(later)
    assert found["LOCAL EN2"][:4] == (TODAY, TODAY, TODAY, "met")
    assert found["LOCAL EN1"][1:4] == (date(2026, 11, 24), date(2026, 11, 24), "met")  # due Tuesday 24 November
    assert not Alert.objects.filter(clock__subject=f"failure:{later.pk}", closed_at__isnull=True).exists()


def test_a_warning_on_a_later_failure_counts_for_an_earlier_one_decided_after_it(compliance):
    earlier = failure(compliance.community, date(2026, 11, 2))
    later = failure(compliance.community, date(2026, 11, 23))
    services.failure_decide(by=compliance.org.officer, failure=later, decision="first_warning")

    with pytest.raises(ValidationError) as refused:
        services.failure_decide(by=compliance.org.officer, failure=earlier, decision="first_warning")

    assert refused.value.message_dict == {
        "decision": [
            "1 warning already given within 12 months of this failure (25 November 2026), the most allowed: take "
            "breach action, or record it as acceptable after all with the evidence."
        ]
    }
    assert set(clocks(earlier)) == {"LOCAL EN1", "LOCAL EN2"}


def test_a_warning_more_than_12_months_before_opens_no_breach_clock(compliance):
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)
    factories.SentenceFactory(case=case, sentence_date=date(2025, 6, 2), length_months=24, end_date=date(2027, 6, 2))
    old = failure(case, date(2025, 11, 23))
    services.failure_decide(by=compliance.org.officer, failure=old, decision="first_warning", on=date(2025, 11, 24))

    later = failure(case, date(2026, 11, 23))

    assert set(clocks(later)) == {"LOCAL EN1"}


def test_with_two_warnings_allowed_the_breach_clock_opens_after_the_second(compliance, settings):
    settings.ENFORCEMENT_WARNINGS_ALLOWED = 2
    case = compliance.community
    second = over_threshold(case, date(2026, 11, 9))
    assert set(clocks(second)) == {"LOCAL EN1"}
    services.failure_decide(by=compliance.org.officer, failure=second, decision="final_warning", on=date(2026, 11, 9))

    third = failure(case, date(2026, 11, 23))

    assert set(clocks(third)) == {"LOCAL EN1", "LOCAL EN2"}


def test_breach_on_the_day_meets_both_clocks(compliance):
    made = over_threshold(compliance.community, date(2026, 11, 23))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="breach", on=date(2026, 11, 23))

    assert {code: values[2:4] for code, values in clocks(made).items()} == {
        "LOCAL EN1": (date(2026, 11, 23), "met"),
        "LOCAL EN2": (date(2026, 11, 23), "met"),
    }


def test_action_after_the_failure_day_misses_the_breach_clock(compliance):
    made = over_threshold(compliance.licence, date(2026, 11, 23))

    services.failure_decide(by=compliance.org.manager, failure=made, decision="recall")

    assert clocks(made) == {
        "LOCAL EN1": (
            date(2026, 11, 23),
            date(2026, 11, 25),
            TODAY,
            "met",
            compliance.org.officer,
            compliance.org.manager,
        ),
        "LOCAL EN2": (
            date(2026, 11, 23),
            date(2026, 11, 23),
            TODAY,
            "missed",
            compliance.org.officer,
            compliance.org.manager,
        ),
    }


def test_acceptable_after_all_also_stops_the_breach_clock(compliance):
    made = over_threshold(compliance.community, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="acceptable", reason="Hospital letter.")

    assert {code: values[3] for code, values in clocks(made).items()} == {"LOCAL EN1": "met", "LOCAL EN2": "missed"}


# Withdrawal ------------------------------------------------------------------------------------------------------


def test_a_withdrawn_failure_cancels_both_clocks(org, upw):
    requirement = upw_requirement(upw.officer)
    case = requirement.sentence.case
    first = failure(case, date(2026, 11, 2))
    services.failure_decide(by=upw.officer, failure=first, decision="first_warning", on=date(2026, 11, 2))
    attendance = booking(requirement, session(upw.project, on=date(2026, 11, 23), supervisor=upw.supervisor))
    attendance_record(by=upw.supervisor, attendance=attendance, **outcome_fields("unacceptable_absence"))
    made = ComplianceFailure.objects.get(unpaid_work_attendance=attendance)
    assert {code: values[3] for code, values in clocks(made).items()} == {"LOCAL EN1": "open", "LOCAL EN2": "open"}
    alerts_raise(today=TODAY)
    assert alerts() == {
        ("LOCAL EN2", "bethan", "overdue"),
        ("LOCAL EN2", "huw", "overdue"),
        ("LOCAL EN1", "bethan", "due_soon"),
    }

    attendance_record(by=upw.manager, attendance=attendance, **outcome_fields("acceptable_absence"))

    assert clocks(made) == {
        "LOCAL EN1": (date(2026, 11, 23), date(2026, 11, 25), TODAY, "cancelled", upw.supervisor, upw.manager),
        "LOCAL EN2": (date(2026, 11, 23), date(2026, 11, 23), TODAY, "cancelled", upw.supervisor, upw.manager),
    }
    assert clocks(first)["LOCAL EN1"][3] == "met"
    assert alerts() == set()


# Alerts ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def bystanders(compliance):
    """People the scan must never alert about the team's cases: another team's manager (and the org's others)."""
    return factories.ManagerFactory(username="mo", team=compliance.org.team_a2)


def test_a_breach_clock_due_today_alerts_the_officer_and_the_managers_at_once(compliance, bystanders):
    over_threshold(compliance.community, TODAY, hour=9)

    assert alerts_raise(today=TODAY) == {"due_soon": 3, "overdue": 0}

    assert alerts() == {
        ("LOCAL EN1", "olivia", "due_soon"),
        ("LOCAL EN2", "olivia", "due_soon"),
        ("LOCAL EN2", "maya", "due_soon"),
    }


def test_a_decision_clock_due_soon_alerts_only_the_officer(compliance, bystanders):
    failure(compliance.community, date(2026, 11, 24))  # due Thursday 26 November

    assert alerts_raise(today=TODAY) == {"due_soon": 1, "overdue": 0}

    assert alerts() == {("LOCAL EN1", "olivia", "due_soon")}


def test_an_overdue_decision_clock_alerts_the_officer_and_the_managers(compliance, bystanders):
    failure(compliance.community, date(2026, 11, 24))  # due Thursday 26 November
    alerts_raise(today=TODAY)

    with time_machine.travel(datetime(2026, 11, 27, 7, 0, tzinfo=LONDON), tick=False):
        assert alerts_raise(today=date(2026, 11, 27)) == {"due_soon": 0, "overdue": 2}

    assert alerts() == {("LOCAL EN1", "olivia", "overdue"), ("LOCAL EN1", "maya", "overdue")}
    assert alerts(open_only=False) == {
        ("LOCAL EN1", "olivia", "due_soon"),
        ("LOCAL EN1", "olivia", "overdue"),
        ("LOCAL EN1", "maya", "overdue"),
    }


def test_an_overdue_breach_clock_alerts_both_as_overdue(compliance, bystanders):
    over_threshold(compliance.community, TODAY, hour=9)
    alerts_raise(today=TODAY)

    with time_machine.travel(datetime(2026, 11, 26, 7, 0, tzinfo=LONDON), tick=False):
        assert alerts_raise(today=date(2026, 11, 26)) == {"due_soon": 0, "overdue": 2}

    assert alerts() == {
        ("LOCAL EN1", "olivia", "due_soon"),
        ("LOCAL EN2", "olivia", "overdue"),
        ("LOCAL EN2", "maya", "overdue"),
    }


def test_a_breach_clock_alerts_the_managers_of_the_case_team_only(compliance, bystanders):
    """The case of a colleague in the same team: the officer holding it and the team's manager; nobody else."""
    case = setup.community_case(compliance.org.colleague)
    over_threshold(case, TODAY, hour=9)

    alerts_raise(today=TODAY)

    recipients = {username for _, username, _ in alerts()}
    assert recipients == {"colin", "maya"}


def test_the_decision_closes_the_alerts(compliance):
    made = over_threshold(compliance.community, TODAY, hour=9)
    alerts_raise(today=TODAY)
    assert len(alerts()) == 3

    services.failure_decide(by=compliance.org.officer, failure=made, decision="breach")

    assert alerts() == set()
    assert alerts(open_only=False) == {
        ("LOCAL EN1", "olivia", "due_soon"),
        ("LOCAL EN2", "olivia", "due_soon"),
        ("LOCAL EN2", "maya", "due_soon"),
    }
    assert alerts_raise(today=TODAY) == {"due_soon": 0, "overdue": 0}
