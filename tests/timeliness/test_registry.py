"""The declared service levels: which events start them, for whom, and their due dates."""

from datetime import date

import pytest

from cases import events
from timeliness import registry

ALL_CODES = [
    "NPS SL001",
    "NPS SL002",
    "NPS SL003R",
    "CRC SL001",
    "NPS SL004R",
    "CRC SL002",
    "NPS SL005R",
    "NPS SL006R",
    "CRC SL003",
    "CRC SL004",
    "CRC SL013",
    "NPS SL007",
    "CRC SL005",
    "CRC SL006",
    "LOCAL EN1",
    "LOCAL EN2",
    "CRC AE",
    "NPS SL015",
    "NPS SL014",
    "CRC AF",
    "NPS SL012",
    "NPS SL024",
]


ATTENDED = events.APPOINTMENT_ATTENDED


def _event(name, on, **kwargs):
    return events.CaseEvent(name=name, case=None, subject="sentence:1", on=on, by=None, **kwargs)


def test_the_registry_holds_the_service_levels_of_issues_4_to_6():
    assert [level.code for level in registry.SERVICE_LEVELS] == ALL_CODES
    assert registry.service_level("NPS SL002").target_percent == 95
    assert registry.service_level("CRC SL013").target_percent == 95
    assert registry.service_level("NPS SL003R").target_percent == 97
    assert registry.service_level("CRC SL006").target_percent == 75
    assert registry.service_level("CRC SL005").calendar_label == "calendar days"
    # Enforcement's own measures are not national ones; the breach action clock alerts managers at once.
    assert [level.code for level in registry.SERVICE_LEVELS if not level.national] == ["LOCAL EN1", "LOCAL EN2"]
    assert [level.code for level in registry.SERVICE_LEVELS if level.alert_managers_at_once] == ["LOCAL EN2"]
    assert registry.service_level("LOCAL EN1").limit == 2
    assert registry.service_level("LOCAL EN2").due_from(date(2026, 12, 24)) == date(2026, 12, 24)
    # Breach and recall (shared/DOMAIN.md section 2): working days but "24 hours", which is one calendar day.
    assert [
        (registry.service_level(code).limit, registry.service_level(code).calendar_label) for code in ALL_CODES[16:]
    ] == [
        (8, "working days"),
        (2, "working days"),
        (10, "working days"),
        (1, "calendar days"),
        (1, "calendar days"),
        (10, "working days"),
    ]
    assert registry.service_level("NPS SL024").target_percent == 90
    # CRC AE ("referred to court") stops at the referral to the NPS, or when the breach reaches court without one.
    assert registry.stopping_on(events.BREACH_PRESENTED_TO_COURT) == ["CRC AE", "NPS SL015", "NPS SL014"]
    assert registry.service_level("CRC AF").due_from(date(2026, 12, 24)) == date(2026, 12, 25)


# (code, event, started on, due on) with the default calendars (working days) and SENTENCE_PLAN_DAYS=10.
DUE_DATES = [
    # The court's own date for a report, whatever the calendar.
    ("NPS SL001", _event(events.REPORT_REQUESTED, date(2026, 4, 2), due_on=date(2026, 4, 4)), date(2026, 4, 4)),
    # End of the second full business day after sentence: over Easter 2026.
    ("NPS SL002", _event(events.SENTENCED, date(2026, 4, 2), disposal="community_order"), date(2026, 4, 8)),
    # 5 working days from allocation on Friday 22 May 2026 (Monday 25 May is the Spring bank holiday).
    ("NPS SL003R", _event(events.ALLOCATED, date(2026, 5, 22), disposal="community_order"), date(2026, 6, 1)),
    ("CRC SL001", _event(events.ALLOCATED, date(2026, 5, 22), disposal="community_order"), date(2026, 6, 1)),
    # 1 working day from release on Christmas Eve 2026 (Boxing Day's substitute Monday 28 December).
    ("NPS SL004R", _event(events.RELEASED, date(2026, 12, 24), disposal="custody"), date(2026, 12, 29)),
    ("CRC SL002", _event(events.RELEASED, date(2026, 12, 24), disposal="custody"), date(2026, 12, 29)),
    # 10 working days from first contact on Friday 28 August 2026 (Monday 31 August is a bank holiday).
    (
        "NPS SL005R",
        _event(events.APPOINTMENT_ATTENDED, date(2026, 8, 28), disposal="community_order"),
        date(2026, 9, 14),
    ),
    (
        "CRC SL003",
        _event(events.APPOINTMENT_ATTENDED, date(2026, 8, 28), disposal="community_order"),
        date(2026, 9, 14),
    ),
    ("NPS SL006R", _event(events.APPOINTMENT_ATTENDED, date(2026, 8, 28), disposal="custody"), date(2026, 9, 14)),
    ("CRC SL004", _event(events.APPOINTMENT_ATTENDED, date(2026, 8, 28), disposal="custody"), date(2026, 9, 14)),
    # 5 working days from screening on Christmas Eve 2027 (substitutes Monday 27 and Tuesday 28 December, and
    # Monday 3 January 2028 for New Year's Day on a Saturday).
    ("CRC SL013", _event(events.CUSTODY_SCREENING_COMPLETED, date(2027, 12, 24)), date(2028, 1, 5)),
    # Unpaid work: 5 working days from allocation to the NPS on Thursday 24 December 2026 (Christmas, Boxing Day's
    # substitute Monday 28 December and New Year's Day skipped); the CRC's 28 and 7 calendar days run through them.
    (
        "NPS SL007",
        _event(events.UNPAID_WORK_REQUIREMENT_ALLOCATED, date(2026, 12, 24), disposal="community_order"),
        date(2027, 1, 5),
    ),
    ("CRC SL005", _event(events.UNPAID_WORK_WITH_CRC, date(2026, 12, 24)), date(2027, 1, 21)),
    ("CRC SL006", _event(events.UNPAID_WORK_WITH_CRC, date(2026, 12, 24)), date(2026, 12, 31)),
    # Enforcement: the decision 2 working days after a failure on Christmas Eve 2026 (25 and 28 December are bank
    # holidays); breach action the same day.
    ("LOCAL EN1", _event(events.COMPLIANCE_FAILURE_RECORDED, date(2026, 12, 24)), date(2026, 12, 30)),
    ("LOCAL EN2", _event(events.BREACH_THRESHOLD_CROSSED, date(2026, 12, 24)), date(2026, 12, 24)),
    # Breach from Christmas Eve 2026: working days skip Christmas, Boxing Day's substitute and New Year's Day.
    ("CRC AE", _event(events.BREACH_INITIATED, date(2026, 12, 24)), date(2027, 1, 8)),
    ("NPS SL015", _event(events.BREACH_REFERRAL_ACCEPTED, date(2026, 12, 24)), date(2026, 12, 30)),
    ("NPS SL014", _event(events.BREACH_INITIATED, date(2026, 12, 24)), date(2027, 1, 12)),
    # Recall: "24 hours" is the next calendar day, Christmas Day included; the documents 10 working days on.
    ("CRC AF", _event(events.RECALL_CONSIDERED, date(2026, 12, 24)), date(2026, 12, 25)),
    ("NPS SL012", _event(events.RECALL_CONSIDERED, date(2026, 12, 24)), date(2026, 12, 25)),
    ("NPS SL024", _event(events.RETURNED_TO_CUSTODY, date(2026, 12, 24)), date(2027, 1, 12)),
]


@pytest.mark.parametrize(("code", "event", "due"), DUE_DATES, ids=[row[0] for row in DUE_DATES])
def test_due_dates(code, event, due):
    assert registry.service_level(code).due_on(event) == due


def test_every_service_level_has_a_due_date_test():
    assert sorted(row[0] for row in DUE_DATES) == sorted(ALL_CODES)


def test_sentence_plan_limit_is_a_setting(settings):
    settings.SENTENCE_PLAN_DAYS = 15
    attended = _event(events.APPOINTMENT_ATTENDED, date(2026, 8, 28), disposal="community_order")

    for code in ("NPS SL005R", "NPS SL006R", "CRC SL003", "CRC SL004"):
        assert registry.service_level(code).limit == 15
    # 15 working days after Friday 28 August 2026, skipping Monday 31 August.
    assert registry.service_level("NPS SL005R").due_on(attended) == date(2026, 9, 21)


def test_calendar_days_override(settings):
    settings.SERVICE_LEVEL_CALENDARS = {"NPS SL003R": "calendar"}
    allocated = _event(events.ALLOCATED, date(2026, 5, 22), disposal="community_order")

    assert registry.service_level("NPS SL003R").calendar_label == "calendar days"
    assert registry.service_level("NPS SL003R").due_on(allocated) == date(2026, 5, 27)
    # Only the named service level changes.
    assert registry.service_level("CRC SL001").due_on(allocated) == date(2026, 6, 1)
    assert registry.service_level("CRC SL001").calendar_label == "working days"


def test_working_days_override_for_a_calendar_level(settings):
    settings.SERVICE_LEVEL_CALENDARS = {"CRC SL013": "calendar"}
    screened = _event(events.CUSTODY_SCREENING_COMPLETED, date(2027, 12, 24))

    assert registry.service_level("CRC SL013").due_on(screened) == date(2027, 12, 29)


def test_a_report_request_without_a_court_date_is_an_error():
    with pytest.raises(ValueError, match="takes its due date from the event"):
        registry.service_level("NPS SL001").due_on(_event(events.REPORT_REQUESTED, date(2026, 4, 2)))


@pytest.mark.parametrize(
    ("event", "provider_type", "codes"),
    [
        (_event(events.REPORT_REQUESTED, date(2026, 6, 1), due_on=date(2026, 6, 8)), "nps_division", ["NPS SL001"]),
        (_event(events.SENTENCED, date(2026, 6, 1), disposal="custody"), "nps_division", ["NPS SL002"]),
        (_event(events.ALLOCATED, date(2026, 6, 1), disposal="community_order"), "crc", ["CRC SL001"]),
        # Custody: no first-appointment clock on allocation (the release clock applies instead).
        (_event(events.ALLOCATED, date(2026, 6, 1), disposal="custody"), "nps_division", []),
        (_event(events.RELEASED, date(2026, 6, 1), disposal="custody"), "nps_division", ["NPS SL004R"]),
        (_event(events.APPOINTMENT_ATTENDED, date(2026, 6, 1), disposal="community_order"), "crc", ["CRC SL003"]),
        (_event(events.APPOINTMENT_ATTENDED, date(2026, 6, 1), disposal="custody"), "crc", ["CRC SL004"]),
        # Still in custody: no plan clock from a prison visit.
        (_event(events.APPOINTMENT_ATTENDED, date(2026, 6, 1), disposal="custody", in_custody=True), "crc", []),
        (_event(events.CUSTODY_SCREENING_COMPLETED, date(2026, 6, 1)), "crc", ["CRC SL013"]),
        (_event(events.CUSTODY_SCREENING_COMPLETED, date(2026, 6, 1)), "nps_division", []),
        # Youth Offending Teams have none of these national probation service levels.
        (_event(events.SENTENCED, date(2026, 6, 1), disposal="referral_order"), "yot", []),
        (_event(events.ALLOCATED, date(2026, 6, 1), disposal="referral_order"), "yot", []),
    ],
)
def test_which_clocks_an_event_starts(event, provider_type, codes):
    assert [level.code for level in registry.starting_on(event, provider_type)] == codes


def test_which_clocks_an_event_stops():
    assert registry.stopping_on(events.APPOINTMENT_ATTENDED) == [
        "NPS SL003R",
        "CRC SL001",
        "NPS SL004R",
        "CRC SL002",
    ]
    assert registry.stopping_on(events.CASE_ENDED) == []
