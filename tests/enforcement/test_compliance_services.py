"""enforcement.services.compliance: failures recorded from appointment outcomes, the officer's decision on each,
warning letters and the warnings threshold. Every refusal asserts its exact message and that nothing changed.

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py). The community order and the licence both date
from 2 March 2026.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.models import Contact, Sentence
from cases.services.contacts import appointment_record_outcome
from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.services import compliance as services
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import TODAY, community_case, failure
from timeliness.calendar import add_working_days
from timeliness.models import Clock

frozen = setup.frozen
compliance = setup.compliance

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = ComplianceFailure.Status

ONLY_OFFICER_OR_MANAGER = "Only the responsible officer or a manager of the case's team can decide this."
ACCEPTABLE_NEEDS_EVIDENCE = "Record the evidence that the failure was acceptable after all."
NO_FURTHER_ACTION_NEEDS_REASON = "Say why no further action is taken."
BREACH_ON_LICENCE = "Breach is for orders and for post-sentence supervision: someone on licence is recalled instead."
RECALL_ON_ORDER = "Recall is only for someone on licence: an order, or post-sentence supervision, is breached."


def appointment(case, on: date, *, hour: int = 10, **fields) -> Contact:
    """A booked office appointment on `on` at `hour`:00 (London), without an outcome."""
    return factories.ContactFactory(case=case, starts_at=datetime.combine(on, time(hour), LONDON), **fields)


def record_outcome(contact: Contact, code: str, *, by=None, **fields) -> Contact:
    return appointment_record_outcome(
        by=by or contact.case.responsible_officer, contact=contact, outcome=factories.contact_outcome(code), **fields
    )


def state():
    """Everything a refused decision must leave alone."""
    return (
        list(
            ComplianceFailure.objects.order_by("pk").values_list(
                "pk", "status", "decision", "decision_reason", "decided_on", "decided_by", "withdrawn_on"
            )
        ),
        ComplianceFailure.history.count(),
        list(WarningLetter.objects.order_by("pk").values_list("pk", "kind", "issued_on")),
        WarningLetter.history.count(),
        list(Clock.objects.order_by("pk").values_list("pk", "service_level", "status", "stopped_on")),
    )


def refused(**kwargs) -> ValidationError:
    """Call failure_decide expecting a refusal; assert nothing changed; return the error."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.failure_decide(**kwargs)
    assert state() == before
    return caught.value


def latest(record):
    """The record's latest history entry (time is frozen, so by id rather than date)."""
    return record.history.order_by("-history_id").first()


def warned(case, on: date, *, decision: str = "first_warning") -> ComplianceFailure:
    """A failure on `on` given a warning the same day by the case's officer."""
    earlier = failure(case, on)
    return services.failure_decide(by=case.responsible_officer, failure=earlier, decision=decision, on=on)


# Recording -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("unacceptable_absence", "Unacceptable absence"),
        ("attended_failed_to_comply", "Attended, failed to comply"),
        ("attended_sent_home", "Attended, sent home (behaviour)"),
    ],
)
def test_an_enforceable_appointment_outcome_records_one_failure(compliance, code, label):
    case = compliance.community
    contact = appointment(case, date(2026, 11, 24), hour=14, location="Stockport office")
    record_outcome(contact, code, notes="Did not answer the phone.")

    found = ComplianceFailure.objects.get()
    assert (
        found.case,
        found.sentence,
        found.source,
        found.contact,
        found.unpaid_work_attendance,
        found.failed_on,
        found.outcome,
        found.details,
        found.decision_due_on,
        found.status,
        found.decision,
        found.decided_on,
        found.withdrawn_on,
        found.recorded_by,
    ) == (
        case,
        case.sentences.get(),
        "appointment",
        contact,
        None,
        date(2026, 11, 24),
        label,
        "Office appointment at 14:00, Stockport office. Did not answer the phone.",
        date(2026, 11, 26),
        "awaiting_decision",
        "",
        None,
        None,
        compliance.org.officer,
    )
    entry = found.history.get()
    assert (entry.history_user, entry.history_change_reason) == (compliance.org.officer, "Failure to comply recorded")


def test_the_failure_names_who_recorded_the_outcome(compliance):
    made = failure(compliance.community, date(2026, 11, 24), by=compliance.org.colleague)

    assert made.recorded_by == compliance.org.colleague
    assert made.history.get().history_user == compliance.org.colleague
    assert made.details == "Office appointment at 10:00, Probation office"


def test_the_same_appointment_never_makes_a_second_failure(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    assert services.failure_record_for_contact(by=compliance.org.officer, contact=made.contact) is None
    assert ComplianceFailure.objects.count() == 1
    assert made.history.count() == 1


def test_a_failure_on_a_friday_is_due_on_the_tuesday(compliance):
    friday = date(2026, 11, 20)
    assert friday.strftime("%A") == "Friday"

    made = failure(compliance.community, friday)

    assert made.decision_due_on == add_working_days(friday, 2) == date(2026, 11, 24)
    assert made.decision_due_on.strftime("%A") == "Tuesday"


def test_bank_holidays_do_not_count_towards_the_decision_date(compliance):
    """Thursday 24 December 2026: Christmas Day (Friday 25) and the Boxing Day substitute (Monday 28) are bank
    holidays, so the 1st working day after is Tuesday 29 and the 2nd is Wednesday 30 December."""
    christmas_eve = date(2026, 12, 24)
    with time_machine.travel(datetime(2026, 12, 24, 16, 0, tzinfo=LONDON), tick=False):
        made = failure(compliance.community, christmas_eve)

    assert add_working_days(christmas_eve, 1) == date(2026, 12, 29)
    assert made.decision_due_on == add_working_days(christmas_eve, 2) == date(2026, 12, 30)


def test_the_decision_date_follows_the_setting(compliance, settings):
    settings.ENFORCEMENT_DECISION_WORKING_DAYS = 5

    made = failure(compliance.community, date(2026, 11, 20))

    assert made.decision_due_on == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("code", "fields"),
    [
        ("attended_complied", {}),
        ("acceptable_absence", {"absence_reason": "medical"}),
        ("acceptable_absence", {"absence_reason": "other", "absence_reason_details": "Flooded house"}),
        ("rescheduled_by_service", {}),
        ("rescheduled_by_person", {}),
    ],
)
def test_an_outcome_that_is_not_enforceable_records_no_failure(compliance, code, fields):
    contact = appointment(compliance.community, date(2026, 11, 24))
    record_outcome(contact, code, **fields)

    assert Contact.objects.get(pk=contact.pk).outcome.code == code
    assert not ComplianceFailure.objects.exists()
    assert not Clock.objects.filter(service_level__startswith="LOCAL EN").exists()


def test_a_case_with_no_current_sentence_records_no_failure(compliance):
    no_order = factories.CaseFactory(responsible_officer=compliance.org.officer)
    finished = community_case(compliance.org.officer)
    finished.sentences.update(status=Sentence.Status.COMPLETED)

    for case in (no_order, finished):
        record_outcome(appointment(case, date(2026, 11, 24)), "unacceptable_absence")

    assert not ComplianceFailure.objects.exists()
    assert not Clock.objects.filter(service_level__startswith="LOCAL EN").exists()


def test_an_appointment_before_the_sentence_records_no_failure(compliance):
    case = compliance.community  # sentenced on 2 March 2026
    record_outcome(appointment(case, date(2026, 2, 27)), "unacceptable_absence")
    assert not ComplianceFailure.objects.exists()

    record_outcome(appointment(case, date(2026, 3, 2)), "unacceptable_absence")
    assert ComplianceFailure.objects.get().failed_on == date(2026, 3, 2)


def test_the_failure_is_against_the_current_order(compliance):
    case = community_case(compliance.org.officer)
    old = case.sentences.get()
    old.status = Sentence.Status.COMPLETED
    old.save()
    current = factories.SentenceFactory(case=case, sentence_date=date(2026, 10, 1))

    made = failure(case, date(2026, 11, 24))

    assert made.sentence == current


# Deciding: warnings and their letters -----------------------------------------------------------------------------


def test_a_first_warning_issues_its_letter(compliance):
    case = compliance.community
    factories.AddressFactory(
        person=case.person, status="previous", line_1="9 Old Road", postcode="M2 2BB", end_date=date(2025, 1, 1)
    )
    factories.AddressFactory(
        person=case.person, line_1="12 Acacia Avenue", line_2="Flat 3", town="Stockport", postcode="SK1 3AB"
    )
    made = failure(case, date(2026, 11, 24))

    decided = services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    assert (decided.status, decided.decision, decided.decision_reason, decided.decided_on, decided.decided_by) == (
        "decided",
        "first_warning",
        "",
        TODAY,
        compliance.org.officer,
    )
    made.refresh_from_db()
    assert made.status == "decided"
    entry = latest(made)
    assert (entry.history_user, entry.history_change_reason) == (
        compliance.org.officer,
        "Decision: First warning letter",
    )

    letter = WarningLetter.objects.get()
    assert (
        letter.failure,
        letter.case,
        letter.kind,
        letter.issued_on,
        letter.issued_by,
        letter.recipient_name,
        letter.recipient_address,
        letter.signatory,
    ) == (
        made,
        case,
        "first",
        TODAY,
        compliance.org.officer,
        "Casey Order",
        "12 Acacia Avenue\nFlat 3\nStockport\nSK1 3AB",
        "Olivia Okafor, NPS North West",
    )
    assert letter.body.split("\n\n") == [
        "Dear Casey Order,",
        "You are under supervision on a community order made on 2 March 2026.",
        "On 24 November 2026 you failed to comply: unacceptable absence. Office appointment at 10:00, Probation "
        "office.",
        "This is a formal warning.",
        "If you fail to comply again in the next 12 months, you will be returned to court for breach. If you cannot "
        "keep an appointment, contact me beforehand and be ready to show evidence of the reason.",
        "Yours sincerely,",
    ]
    letter_entry = letter.history.get()
    assert (letter_entry.history_user, letter_entry.history_change_reason) == (
        compliance.org.officer,
        "Warning letter issued",
    )


def test_the_letter_is_dated_the_day_of_the_decision(compliance):
    made = failure(compliance.community, date(2026, 11, 16))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning", on=date(2026, 11, 17))

    letter = WarningLetter.objects.get()
    assert letter.issued_on == date(2026, 11, 17)
    assert "On 16 November 2026 you failed to comply" in letter.body


def test_a_letter_has_no_address_without_a_current_main_one(compliance):
    case = compliance.community
    factories.AddressFactory(person=case.person, status="secondary", line_1="4 Side Street")
    factories.AddressFactory(person=case.person, line_1="1 Gone Road", end_date=date(2026, 1, 31))
    made = failure(case, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    assert WarningLetter.objects.get().recipient_address == ""


def test_a_letter_to_someone_of_no_fixed_abode_has_no_address(compliance):
    case = compliance.community
    factories.AddressFactory(person=case.person, no_fixed_abode=True, line_1="", postcode="")
    made = failure(case, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    assert WarningLetter.objects.get().recipient_address == ""


def test_a_warning_on_a_licence_warns_of_recall(compliance):
    made = failure(compliance.licence, date(2026, 11, 24), "attended_failed_to_comply")

    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    letter = WarningLetter.objects.get()
    assert (letter.kind, letter.recipient_name) == ("first", "Lee Licence")
    paragraphs = letter.body.split("\n\n")
    assert paragraphs[2] == (
        "On 24 November 2026 you failed to comply: attended, failed to comply. Office appointment at 10:00, "
        "Probation office."
    )
    assert paragraphs[4] == (
        "If you fail to comply again in the next 12 months, you may be recalled to prison. If you cannot keep an "
        "appointment, contact me beforehand and be ready to show evidence of the reason."
    )
    assert "returned to court" not in letter.body


def test_a_licence_letter_says_the_person_is_on_licence(compliance):
    made = failure(compliance.licence, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    body = WarningLetter.objects.get().body
    assert "on a custody" not in body
    assert "licence" in body.split("\n\n")[1]


def test_a_final_warning_issues_a_final_letter(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=made, decision="final_warning")

    letter = WarningLetter.objects.get()
    assert letter.kind == "final"
    assert letter.body.split("\n\n")[3] == "This is a final warning."
    assert latest(made).history_change_reason == "Decision: Final warning letter"


def test_a_manager_of_the_team_may_decide(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.manager, failure=made, decision="first_warning")

    made.refresh_from_db()
    assert (made.status, made.decided_by) == ("decided", compliance.org.manager)
    letter = WarningLetter.objects.get()
    assert (letter.issued_by, letter.signatory) == (compliance.org.manager, "Maya Mensah, NPS North West")
    assert latest(made).history_user == compliance.org.manager


# Deciding: the other decisions --------------------------------------------------------------------------------


def test_acceptable_after_all_with_the_evidence(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    services.failure_decide(
        by=compliance.org.officer, failure=made, decision="acceptable", reason="  Hospital letter seen.  "
    )

    made.refresh_from_db()
    assert (made.status, made.decision, made.decision_reason) == ("decided", "acceptable", "Hospital letter seen.")
    assert not WarningLetter.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_acceptable_needs_the_evidence(compliance, reason):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="acceptable", reason=reason)

    assert error.message_dict == {"reason": [ACCEPTABLE_NEEDS_EVIDENCE]}


def test_no_further_action_with_its_reason(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    services.failure_decide(
        by=compliance.org.officer, failure=made, decision="no_further_action", reason="Arrived 20 minutes late."
    )

    made.refresh_from_db()
    assert (made.status, made.decision, made.decision_reason) == (
        "decided",
        "no_further_action",
        "Arrived 20 minutes late.",
    )
    assert not WarningLetter.objects.exists()


def test_no_further_action_needs_a_reason(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="no_further_action")

    assert error.message_dict == {"reason": [NO_FURTHER_ACTION_NEEDS_REASON]}


def test_a_reason_has_a_length_limit(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="no_further_action", reason="x" * 4001)

    assert error.message_dict == {"reason": ["The reason must be 4,000 characters or fewer."]}
    services.failure_decide(by=compliance.org.officer, failure=made, decision="no_further_action", reason="x" * 4000)


def test_breach_on_a_community_order_and_recall_on_a_licence(compliance):
    on_order = failure(compliance.community, date(2026, 11, 24))
    on_licence = failure(compliance.licence, date(2026, 11, 24))

    services.failure_decide(by=compliance.org.officer, failure=on_order, decision="breach")
    services.failure_decide(by=compliance.org.officer, failure=on_licence, decision="recall")

    assert sorted(ComplianceFailure.objects.values_list("decision", "status")) == [
        ("breach", "decided"),
        ("recall", "decided"),
    ]
    assert not WarningLetter.objects.exists()


def test_breach_is_refused_on_a_licence(compliance):
    made = failure(compliance.licence, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="breach")

    assert error.message_dict == {"decision": [BREACH_ON_LICENCE]}


def test_recall_is_refused_on_a_community_order(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="recall")

    assert error.message_dict == {"decision": [RECALL_ON_ORDER]}


def test_a_custodial_sentence_before_release_can_be_neither_breached_nor_recalled(compliance):
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)
    factories.SentenceFactory(
        case=case, disposal="custody", sentence_date=date(2026, 10, 1), length_months=24, end_date=date(2028, 10, 1)
    )
    made = failure(case, date(2026, 11, 24))

    assert refused(by=compliance.org.officer, failure=made, decision="breach").message_dict == {
        "decision": ["This sentence cannot be breached."]
    }
    assert refused(by=compliance.org.officer, failure=made, decision="recall").message_dict == {
        "decision": [RECALL_ON_ORDER]
    }


@pytest.mark.parametrize("decision", ["", "  ", "warning", "revoke"])
def test_an_unknown_decision_is_refused(compliance, decision):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision=decision)

    assert error.message_dict == {
        "decision": ["Choose a decision: a warning letter, acceptable, no further action, breach or recall."]
    }


def test_a_decision_cannot_be_dated_in_the_future(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="first_warning", on=date(2026, 11, 26))

    assert error.message_dict == {"on": ["The date of the decision cannot be in the future."]}


def test_a_decision_cannot_be_dated_before_the_failure(compliance):
    made = failure(compliance.community, date(2026, 11, 20))

    error = refused(by=compliance.org.officer, failure=made, decision="first_warning", on=date(2026, 11, 19))

    assert error.message_dict == {"on": ["The date of the decision cannot be before the failure (20 November 2026)."]}
    services.failure_decide(by=compliance.org.officer, failure=made, decision="first_warning", on=date(2026, 11, 20))
    assert WarningLetter.objects.get().issued_on == date(2026, 11, 20)


def test_every_problem_is_reported_at_once(compliance):
    made = failure(compliance.licence, date(2026, 11, 24))

    error = refused(by=compliance.org.officer, failure=made, decision="acceptable", on=date(2026, 11, 30))

    assert error.message_dict == {
        "on": ["The date of the decision cannot be in the future."],
        "reason": [ACCEPTABLE_NEEDS_EVIDENCE],
    }


@pytest.mark.parametrize(
    ("decision", "reason", "label"),
    [
        ("first_warning", "", "first warning letter"),
        ("acceptable", "Hospital letter seen.", "acceptable after all"),
        ("breach", "", "breach action"),
    ],
)
def test_a_decided_failure_cannot_be_decided_again(compliance, decision, reason, label):
    made = failure(compliance.community, date(2026, 11, 16))
    services.failure_decide(
        by=compliance.org.officer, failure=made, decision=decision, reason=reason, on=date(2026, 11, 17)
    )

    for again in ("final_warning", "breach", decision):
        error = refused(by=compliance.org.manager, failure=made, decision=again, reason="Changed my mind.")
        assert error.messages == [
            f"This failure was decided on 17 November 2026 ({label}). A decision cannot be changed."
        ]


@pytest.mark.parametrize(
    "who", ["colleague", "other_team_officer", "other_provider_manager", "court_user", "administrator", "upw"]
)
def test_only_the_officer_or_a_manager_of_the_team_may_decide(compliance, who):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=getattr(compliance.org, who), failure=made, decision="first_warning")

    assert error.messages == [ONLY_OFFICER_OR_MANAGER]


def test_a_manager_of_another_team_or_an_inactive_officer_may_not_decide(compliance):
    made = failure(compliance.community, date(2026, 11, 24))
    other_manager = factories.ManagerFactory(team=compliance.org.team_a2)

    assert refused(by=other_manager, failure=made, decision="first_warning").messages == [ONLY_OFFICER_OR_MANAGER]
    compliance.org.officer.is_active = False
    compliance.org.officer.save()
    assert refused(by=compliance.org.officer, failure=made, decision="first_warning").messages == [
        ONLY_OFFICER_OR_MANAGER
    ]


def test_who_may_decide_is_checked_before_anything_else(compliance):
    made = failure(compliance.community, date(2026, 11, 24))

    error = refused(by=compliance.org.colleague, failure=made, decision="recall", on=date(2027, 1, 1))

    assert error.messages == [ONLY_OFFICER_OR_MANAGER]


# The warnings threshold -------------------------------------------------------------------------------------------

THRESHOLD_ON_ORDER = (
    "1 warning already given within 12 months of this failure (3 November 2026), the most allowed: take "
    "breach action, or record it as acceptable after all with the evidence."
)
THRESHOLD_ON_LICENCE = (
    "1 warning already given within 12 months of this failure (3 November 2026), the most allowed: take "
    "recall action, or record it as acceptable after all with the evidence."
)


@pytest.mark.parametrize("earlier", ["first_warning", "final_warning"])
@pytest.mark.parametrize("decision", ["first_warning", "final_warning", "no_further_action"])
def test_after_a_warning_another_warning_or_no_action_is_refused(compliance, earlier, decision):
    case = compliance.community
    first = failure(case, date(2026, 11, 2))
    services.failure_decide(by=compliance.org.officer, failure=first, decision=earlier, on=date(2026, 11, 3))
    second = failure(case, date(2026, 11, 23))

    assert services.warnings_before(second) == [first]
    assert services.threshold_reached(second)
    error = refused(by=compliance.org.officer, failure=second, decision=decision, reason="Said they forgot.")

    assert error.message_dict == {"decision": [THRESHOLD_ON_ORDER]}


@pytest.mark.parametrize(
    ("decision", "reason"), [("breach", ""), ("acceptable", "Was in hospital: discharge letter seen.")]
)
def test_after_a_warning_breach_or_acceptable_is_accepted(compliance, decision, reason):
    case = compliance.community
    first = failure(case, date(2026, 11, 2))
    services.failure_decide(by=compliance.org.officer, failure=first, decision="first_warning", on=date(2026, 11, 3))
    second = failure(case, date(2026, 11, 23))

    services.failure_decide(by=compliance.org.officer, failure=second, decision=decision, reason=reason)

    second.refresh_from_db()
    assert (second.status, second.decision, second.decision_reason) == ("decided", decision, reason)
    assert WarningLetter.objects.count() == 1


@pytest.mark.parametrize("decision", ["first_warning", "final_warning", "no_further_action"])
def test_after_a_warning_on_licence_only_recall_or_acceptable(compliance, decision):
    case = compliance.licence
    first = failure(case, date(2026, 11, 2))
    services.failure_decide(by=compliance.org.officer, failure=first, decision="first_warning", on=date(2026, 11, 3))
    second = failure(case, date(2026, 11, 23))

    error = refused(by=compliance.org.officer, failure=second, decision=decision, reason="Said they forgot.")
    assert error.message_dict == {"decision": [THRESHOLD_ON_LICENCE]}
    assert refused(by=compliance.org.officer, failure=second, decision="breach").message_dict == {
        "decision": [BREACH_ON_LICENCE]
    }

    services.failure_decide(by=compliance.org.officer, failure=second, decision="recall")
    second.refresh_from_db()
    assert (second.status, second.decision) == ("decided", "recall")


def test_acceptable_and_no_further_action_are_not_warnings(compliance):
    case = compliance.community
    for day, decision in ((date(2026, 11, 2), "acceptable"), (date(2026, 11, 9), "no_further_action")):
        earlier = failure(case, day)
        services.failure_decide(by=compliance.org.officer, failure=earlier, decision=decision, reason="Explained.")
    later = failure(case, date(2026, 11, 23))

    assert services.warnings_before(later) == []
    services.failure_decide(by=compliance.org.officer, failure=later, decision="first_warning")
    assert WarningLetter.objects.get().failure == later


def test_warnings_on_another_case_or_an_earlier_order_do_not_count(compliance):
    warned(compliance.licence, date(2026, 11, 2))
    case = community_case(compliance.org.officer)
    warned(case, date(2026, 3, 9))
    case.sentences.update(status=Sentence.Status.COMPLETED)
    factories.SentenceFactory(case=case, sentence_date=date(2026, 10, 1))

    for on_case in (compliance.community, case):
        later = failure(on_case, date(2026, 11, 23))
        assert services.warnings_before(later) == []
        services.failure_decide(by=compliance.org.officer, failure=later, decision="first_warning")


def test_an_undecided_earlier_failure_is_not_a_warning(compliance):
    failure(compliance.community, date(2026, 11, 2))
    later = failure(compliance.community, date(2026, 11, 23))

    assert not services.threshold_reached(later)
    services.failure_decide(by=compliance.org.officer, failure=later, decision="first_warning")


@pytest.mark.parametrize(
    ("earlier_on", "counts"),
    [
        (date(2025, 11, 23), False),  # exactly 12 months before the failure: outside
        (date(2025, 11, 24), True),  # 12 months less a day
        (date(2025, 6, 2), False),
    ],
)
def test_only_warnings_in_the_12_months_before_the_failure_count(compliance, earlier_on, counts):
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)
    factories.SentenceFactory(case=case, sentence_date=date(2025, 6, 2), length_months=24, end_date=date(2027, 6, 2))
    first = warned(case, earlier_on)
    later = failure(case, date(2026, 11, 23))

    assert services.warnings_before(later) == ([first] if counts else [])
    if counts:
        error = refused(by=compliance.org.officer, failure=later, decision="first_warning")
        assert error.message_dict == {
            "decision": [
                f"1 warning already given within 12 months of this failure ({earlier_on:%-d %B %Y}), the most "
                "allowed: take breach action, or record it as acceptable after all with the evidence."
            ]
        }
    else:
        services.failure_decide(by=compliance.org.officer, failure=later, decision="first_warning")
        assert WarningLetter.objects.get(failure=later).kind == "first"


def test_an_older_warning_recorded_in_the_past_does_not_count(compliance):
    """Recorded at the time (time_machine), a year and more before today's failure."""
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)
    factories.SentenceFactory(case=case, sentence_date=date(2025, 9, 1), length_months=24, end_date=date(2027, 9, 1))
    with time_machine.travel(datetime(2025, 10, 6, 15, 0, tzinfo=LONDON), tick=False):
        old = failure(case, date(2025, 10, 6))
        services.failure_decide(by=compliance.org.officer, failure=old, decision="final_warning")
    later = failure(case, date(2026, 11, 24))

    assert WarningLetter.objects.get().issued_on == date(2025, 10, 6)
    assert not services.threshold_reached(later)
    services.failure_decide(by=compliance.org.officer, failure=later, decision="first_warning")


def test_two_warnings_allowed(compliance, settings):
    settings.ENFORCEMENT_WARNINGS_ALLOWED = 2
    case = compliance.community
    first = warned(case, date(2026, 11, 2))
    second = failure(case, date(2026, 11, 9))

    assert not services.threshold_reached(second)
    error = refused(by=compliance.org.officer, failure=second, decision="first_warning")
    assert error.message_dict == {
        "decision": [
            "A warning was already given on 2 November 2026, within 12 months of this failure: this one is a "
            "final warning."
        ]
    }
    services.failure_decide(by=compliance.org.officer, failure=second, decision="final_warning", on=date(2026, 11, 10))
    assert list(WarningLetter.objects.order_by("issued_on").values_list("failure", "kind")) == [
        (first.pk, "first"),
        (second.pk, "final"),
    ]

    third = failure(case, date(2026, 11, 23))
    assert services.threshold_reached(third)
    for decision in ("first_warning", "final_warning", "no_further_action"):
        error = refused(by=compliance.org.officer, failure=third, decision=decision, reason="Said they forgot.")
        assert error.message_dict == {
            "decision": [
                "2 warnings already given within 12 months of this failure (2 November 2026, 10 November 2026), "
                "the most allowed: take breach action, or record it as acceptable after all with the evidence."
            ]
        }
    services.failure_decide(by=compliance.org.officer, failure=third, decision="breach")


def test_with_two_warnings_allowed_no_further_action_is_still_possible_after_one(compliance, settings):
    settings.ENFORCEMENT_WARNINGS_ALLOWED = 2
    warned(compliance.community, date(2026, 11, 2))
    second = failure(compliance.community, date(2026, 11, 9))

    services.failure_decide(
        by=compliance.org.officer, failure=second, decision="no_further_action", reason="Train cancelled."
    )

    second.refresh_from_db()
    assert second.decision == "no_further_action"


def test_is_licence_and_is_breachable(compliance):
    order = compliance.community.sentences.get()
    licence = compliance.licence.sentences.get()

    assert (services.is_breachable(order), services.is_licence(order)) == (True, False)
    assert (services.is_breachable(licence), services.is_licence(licence)) == (False, True)
    assert (services.is_breachable(None), services.is_licence(None)) == (False, False)


def test_order_on(compliance):
    case = compliance.community

    assert services.order_on(case, date(2026, 3, 1)) is None
    assert services.order_on(case, date(2026, 3, 2)) == case.sentences.get()
    assert services.order_on(factories.CaseFactory(), TODAY) is None


def test_a_provider_manager_sees_the_decisions_due_on_cases_with_no_team(compliance):
    from enforcement.selectors.compliance import decisions_due

    made = failure(compliance.community, date(2026, 11, 24))
    # The case loses its team and officer (as when awaiting allocation after a transfer).
    case = compliance.community
    type(case).objects.filter(pk=case.pk).update(team=None, responsible_officer=None, status="awaiting_allocation")

    assert list(decisions_due(user=compliance.org.manager)) == [made]
    assert list(decisions_due(user=compliance.org.other_provider_manager)) == []
