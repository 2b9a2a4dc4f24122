"""enforcement.services.recall: the recall lifecycle from consideration (by hand, or a failure to comply decided as
recall action) through the manager's review, the senior manager's countersignature, public protection casework,
the return to custody and the recall documents; or no recall (a letter), or withdrawn. Every refusal asserts its
exact message and that nothing changed; the clocks CRC AF / NPS SL012 and NPS SL024 are pinned met, missed and
cancelled.

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py). The licence case (Lee Licence, held by Olivia
Okafor in Manchester North, NPS North West) is a 24-month custodial sentence passed on 2 March 2026, released on
licence on 1 June 2026, the licence ending on 1 March 2027.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Disposal
from enforcement.models import Recall
from enforcement.services import recall as services
from enforcement.services.compliance import failure_decide
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import TODAY, community_case, failure, licence_case
from timeliness.models import Clock

frozen = setup.frozen
compliance = setup.compliance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LONDON = ZoneInfo("Europe/London")
FRIDAY = date(2026, 11, 20)
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
REASONS = "Missed the curfew on two nights; the police report contact with the victim."
RATIONALE = "The risk to the victim cannot be managed in the community."
ALTERNATIVES = "Approved premises (no bed free), reporting daily, an added exclusion zone."
SUITABLE = (False, False, True)

ONLY_OFFICER_OR_MANAGER = "Only the responsible officer or a manager of the case's team can {}."
ONLY_MANAGER = "Only a manager of the case's team can review a recall."
ONLY_SENIOR = "Only a senior manager of the case's provider can countersign a recall."
ORDER_NOT_RECALLED = (
    "Recall is only for someone on licence: an order, or post-sentence supervision, is breached, not recalled."
)
DTO_NOT_RECALLED = (
    "A detention and training order is not recalled: a child who fails to comply with its supervision goes back to "
    "the youth court."
)

# Where each status is, and what comes next, as the refusals say it.
WHERE = {
    "considering": (
        "recall being considered",
        "the officer writes the reasons and sends the recall to a manager for review",
    ),
    "awaiting_review": (
        "waiting for a manager's review",
        "a manager of the case's team reviews it and makes the recommendation",
    ),
    "awaiting_countersignature": (
        "waiting for a senior manager's countersignature",
        "a senior manager countersigns the recommendation or declines to",
    ),
    "countersigned": ("countersigned", "the recall is sent to public protection casework"),
    "sent_to_ppcs": ("sent to public protection casework", "the return to custody is recorded"),
    "returned_to_custody": ("returned to custody", "the recall documents are supplied"),
    "documents_supplied": ("recall documents supplied", "nothing: the recall documents were supplied"),
    "not_recalled": ("decided not to recall", "nothing: it was decided not to recall and the letter was issued"),
    "withdrawn": ("withdrawn", "nothing: the recall was withdrawn"),
}


def where(status: str, action: str) -> str:
    label, next_step = WHERE[status]
    return f"You cannot {action}: the recall is at “{label}”. Next, {next_step}."


@pytest.fixture
def senior(compliance):
    """A senior manager in the licence case's team (NPS North West)."""
    return factories.ManagerFactory(
        username="sam", first_name="Sam", last_name="Senior", team=compliance.org.team_a, senior_manager=True
    )


# Building a recall through the services ------------------------------------------------------------------------------


def considered(case, *, on: date = MONDAY, by=None, reasons: str = REASONS) -> Recall:
    return services.recall_consider(by=by or case.responsible_officer, case=case, reasons=reasons, aware_on=on)


def submitted(recall: Recall, *, by=None) -> Recall:
    return services.recall_submit_for_review(
        by=by or recall.case.responsible_officer, recall=recall, reasons=recall.reasons
    )


def reviewed(recall: Recall, *, by, recommendation: str = "standard", answers=SUITABLE, on: date | None = None):
    return services.recall_review(
        by=by,
        recall=recall,
        recommendation=recommendation,
        rationale=RATIONALE,
        alternatives_considered=ALTERNATIVES,
        extended_or_specified_sentence=answers[0],
        charged_with_serious_offence=answers[1],
        risk_manageable_after_fixed_term=answers[2],
        on=on,
    )


def build(case, status: str, *, reviewer, senior, on: date = MONDAY) -> Recall:
    """A recall on `case` brought to `status` through the services: reviewed by `reviewer`, countersigned by
    `senior`, sent, returned and supplied today."""
    officer = case.responsible_officer
    recall = considered(case, on=on)
    if status == "withdrawn":
        return services.recall_withdraw(by=officer, recall=recall, reason="Arrested and remanded: not needed.")
    if status == "considering":
        return recall
    recall = submitted(recall)
    if status == "awaiting_review":
        return recall
    if status == "not_recalled":
        return reviewed(recall, by=reviewer, recommendation="no_recall", answers=(None, None, None))
    recall = reviewed(recall, by=reviewer)
    if status == "awaiting_countersignature":
        return recall
    recall = services.recall_countersign(by=senior, recall=recall)
    if status == "countersigned":
        return recall
    recall = services.recall_send_to_ppcs(by=officer, recall=recall)
    if status == "sent_to_ppcs":
        return recall
    today = timezone.localdate()
    recall = services.recall_record_return_to_custody(by=officer, recall=recall, on=today)
    if status == "returned_to_custody":
        return recall
    return services.recall_record_documents_supplied(by=officer, recall=recall, on=today)


RECALL_FIELDS = (
    "pk",
    "status",
    "aware_on",
    "reasons",
    "recommendation",
    "rationale",
    "alternatives_considered",
    "extended_or_specified_sentence",
    "charged_with_serious_offence",
    "risk_manageable_after_fixed_term",
    "reviewed_by",
    "reviewed_on",
    "countersigned_by",
    "countersigned_on",
    "countersignature_note",
    "sent_to_ppcs_on",
    "returned_to_custody_on",
    "documents_supplied_on",
    "withdrawn_reason",
    "no_recall_letter",
)


def state():
    """Everything a refused step must leave alone."""
    return (
        list(Recall.objects.order_by("pk").values_list(*RECALL_FIELDS)),
        Recall.history.count(),
        list(Clock.objects.order_by("pk").values_list("pk", "service_level", "subject", "status", "stopped_on")),
    )


def refused(service, **kwargs) -> ValidationError:
    """Call `service` expecting a refusal; assert nothing changed; return the error."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    assert state() == before
    return caught.value


def clocks(recall: Recall) -> dict[str, tuple]:
    """{service level: (started, due, stopped, status)} of the recall's clocks."""
    return {
        clock.service_level: (clock.started_on, clock.due_on, clock.stopped_on, clock.status)
        for clock in Clock.objects.filter(subject=f"recall:{recall.pk}")
    }


def reasons_in_history(recall: Recall) -> list[str]:
    return [row.history_change_reason for row in recall.history.order_by("history_id")]


# Opening a recall from a failure to comply ---------------------------------------------------------------------------


def test_a_failure_decided_as_recall_action_opens_the_recall(compliance):
    org = compliance.org
    made = failure(compliance.licence, MONDAY)

    failure_decide(by=org.officer, failure=made, decision="recall", reason="Second absence in a month.")

    recall = Recall.objects.get()
    assert (
        recall.case,
        recall.sentence,
        recall.failure,
        recall.status,
        recall.aware_on,
        recall.initiated_by,
        recall.recommendation,
    ) == (compliance.licence, compliance.licence.sentences.get(), made, "considering", MONDAY, org.officer, "")
    assert recall.reasons == (
        "Failure to comply on 23 November 2026: unacceptable absence. Office appointment at 10:00, Probation office."
        "\n\nRecall action decided on 25 November 2026: Second absence in a month."
    )
    entry = recall.history.get()
    assert (entry.history_user, entry.history_change_reason) == (
        org.officer,
        "Recall action decided on a failure to comply",
    )
    # NPS SL012 runs from the day of the failure: the recommendation is due the next calendar day (overdue now).
    assert clocks(recall) == {"NPS SL012": (MONDAY, TUESDAY, None, "open")}


def test_a_recall_decision_without_a_reason_says_when_it_was_decided(compliance):
    failure_decide(by=compliance.org.officer, failure=failure(compliance.licence, MONDAY), decision="recall")

    assert Recall.objects.get().reasons.endswith("\n\nRecall action decided on 25 November 2026.")


def test_a_further_recall_decision_joins_the_recall_in_progress(compliance):
    org = compliance.org
    first = failure(compliance.licence, MONDAY)
    failure_decide(by=org.officer, failure=first, decision="recall")
    second = failure(compliance.licence, TUESDAY, code="attended_failed_to_comply")

    failure_decide(by=org.officer, failure=second, decision="recall", reason="Again.")

    recall = Recall.objects.get()
    assert recall.failure == first
    assert recall.reasons.endswith(
        "Failure to comply on 24 November 2026: attended, failed to comply. Office appointment at 10:00, Probation "
        "office.\n\nRecall action decided on 25 November 2026: Again."
    )
    assert reasons_in_history(recall) == [
        "Recall action decided on a failure to comply",
        "Further failure decided as recall action",
    ]
    assert Clock.objects.filter(service_level="NPS SL012").count() == 1


def test_a_recall_already_with_the_manager_is_not_changed_by_a_further_decision(compliance):
    org = compliance.org
    failure_decide(by=org.officer, failure=failure(compliance.licence, MONDAY), decision="recall")
    submitted(Recall.objects.get())
    before = state()[:2]  # the recalls and their history (the new failure has its own clock)

    failure_decide(by=org.officer, failure=failure(compliance.licence, TUESDAY), decision="recall")

    assert state()[:2] == before
    assert Recall.objects.get().status == "awaiting_review"


def test_opening_from_a_failure_twice_returns_the_same_recall(compliance):
    made = failure(compliance.licence, MONDAY)
    failure_decide(by=compliance.org.officer, failure=made, decision="recall")
    recall = Recall.objects.get()

    assert services.recall_open_from_failure(by=compliance.org.officer, failure=made) == recall
    assert Recall.objects.count() == 1 and recall.history.count() == 1


def test_only_a_recall_decision_on_a_licence_opens_a_recall(compliance):
    made = failure(compliance.licence, MONDAY)
    failure_decide(by=compliance.org.officer, failure=made, decision="first_warning")

    error = refused(services.recall_open_from_failure, by=compliance.org.officer, failure=made)

    assert error.messages == ["Only a failure decided as recall action on a licence starts a recall."]


# Considering recall by hand ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_officer_or_a_manager_considers_recall_by_hand(compliance, who):
    by = getattr(compliance.org, who)

    recall = considered(compliance.licence, by=by, on=MONDAY)

    assert (recall.status, recall.aware_on, recall.reasons, recall.failure, recall.initiated_by) == (
        "considering",
        MONDAY,
        REASONS,
        None,
        by,
    )
    assert reasons_in_history(recall) == ["Recall considered"]
    assert clocks(recall) == {"NPS SL012": (MONDAY, TUESDAY, None, "open")}


def test_awareness_is_today_when_not_given(compliance):
    recall = services.recall_consider(by=compliance.org.officer, case=compliance.licence, reasons=REASONS)

    assert recall.aware_on == TODAY


@pytest.mark.parametrize("who", ["colleague", "other_team_officer", "upw", "other_provider_manager"])
def test_only_the_officer_or_a_manager_of_the_team_considers_recall(compliance, who):
    error = refused(services.recall_consider, by=getattr(compliance.org, who), case=compliance.licence, reasons=REASONS)

    assert error.messages == [ONLY_OFFICER_OR_MANAGER.format("start a recall")]


def test_an_order_is_breached_not_recalled(compliance):
    error = refused(services.recall_consider, by=compliance.org.officer, case=compliance.community, reasons=REASONS)

    assert error.messages == [ORDER_NOT_RECALLED]


def test_a_detention_and_training_order_goes_back_to_the_youth_court(compliance):
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)
    factories.SentenceFactory(
        case=case,
        disposal=Disposal.DETENTION_AND_TRAINING_ORDER,
        sentence_date=date(2026, 3, 2),
        length_months=8,
        released_on=date(2026, 7, 1),
    )

    error = refused(services.recall_consider, by=compliance.org.officer, case=case, reasons=REASONS)

    assert error.messages == [DTO_NOT_RECALLED]


def test_custody_before_release_has_no_licence_to_recall(compliance):
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)
    factories.SentenceFactory(case=case, disposal=Disposal.CUSTODY, sentence_date=date(2026, 3, 2), length_months=24)

    error = refused(services.recall_consider, by=compliance.org.officer, case=case, reasons=REASONS)

    assert error.messages == ["Recall is only for someone on licence: this person has not been released from custody."]


def test_a_case_without_a_current_sentence_cannot_be_recalled(compliance):
    case = factories.CaseFactory(responsible_officer=compliance.org.officer)

    error = refused(services.recall_consider, by=compliance.org.officer, case=case, reasons=REASONS)

    assert error.messages == [
        "This case has no current sentence: recall is only for a licence or post-sentence supervision."
    ]


def test_a_licence_has_one_recall_in_progress_at_a_time(compliance):
    considered(compliance.licence, on=FRIDAY)

    error = refused(services.recall_consider, by=compliance.org.officer, case=compliance.licence, reasons=REASONS)

    assert error.messages == [
        "This licence already has a recall in progress (considered on 20 November 2026): continue with that one."
    ]


def test_a_closed_recall_leaves_room_for_a_new_one(compliance):
    first = considered(compliance.licence, on=FRIDAY)
    services.recall_withdraw(by=compliance.org.officer, recall=first, reason="Misunderstanding about the curfew.")

    second = considered(compliance.licence, on=MONDAY)

    assert (second.status, Recall.objects.count()) == ("considering", 2)


@pytest.mark.parametrize(
    ("reasons", "aware_on", "errors"),
    [
        (
            "  ",
            MONDAY,
            {"reasons": ["Say why recall is being considered: the breach of the licence or the rise in risk."]},
        ),
        ("x" * 10_001, MONDAY, {"reasons": ["The reasons must be 10,000 characters or fewer."]}),
        (REASONS, date(2026, 11, 26), {"aware_on": ["The date you became aware cannot be in the future."]}),
        (
            REASONS,
            date(2026, 5, 31),
            {"aware_on": ["The date you became aware cannot be before the release on licence (1 June 2026)."]},
        ),
        (
            "",
            date(2026, 11, 26),
            {
                "reasons": ["Say why recall is being considered: the breach of the licence or the rise in risk."],
                "aware_on": ["The date you became aware cannot be in the future."],
            },
        ),
    ],
)
def test_considering_needs_the_reasons_and_a_possible_day(compliance, reasons, aware_on, errors):
    error = refused(
        services.recall_consider, by=compliance.org.officer, case=compliance.licence, reasons=reasons, aware_on=aware_on
    )

    assert error.message_dict == errors


def test_the_day_of_release_is_a_possible_day(compliance):
    assert considered(compliance.licence, on=date(2026, 6, 1)).aware_on == date(2026, 6, 1)


# The whole way through -----------------------------------------------------------------------------------------------


def test_the_whole_lifecycle(compliance, senior):
    org = compliance.org
    recall = considered(compliance.licence, on=MONDAY)

    recall = services.recall_submit_for_review(by=org.officer, recall=recall, reasons="Updated: " + REASONS)
    assert (recall.status, recall.reasons) == ("awaiting_review", "Updated: " + REASONS)

    recall = reviewed(recall, by=org.manager, recommendation="fixed_term", on=TUESDAY)
    assert (
        recall.status,
        recall.recommendation,
        recall.rationale,
        recall.alternatives_considered,
        recall.extended_or_specified_sentence,
        recall.charged_with_serious_offence,
        recall.risk_manageable_after_fixed_term,
        recall.reviewed_by,
        recall.reviewed_on,
        recall.fixed_term_suitable,
    ) == (
        "awaiting_countersignature",
        "fixed_term",
        RATIONALE,
        ALTERNATIVES,
        False,
        False,
        True,
        org.manager,
        TUESDAY,
        True,
    )

    recall = services.recall_countersign(by=senior, recall=recall, note="Agreed: 28 days.")
    assert (recall.status, recall.countersigned_by, recall.countersigned_on, recall.countersignature_note) == (
        "countersigned",
        senior,
        TODAY,
        "Agreed: 28 days.",
    )

    recall = services.recall_send_to_ppcs(by=org.officer, recall=recall)
    assert (recall.status, recall.sent_to_ppcs_on) == ("sent_to_ppcs", TODAY)

    recall = services.recall_record_return_to_custody(by=org.manager, recall=recall, on=TODAY)
    assert (recall.status, recall.returned_to_custody_on, recall.is_open) == ("returned_to_custody", TODAY, True)

    recall = services.recall_record_documents_supplied(by=org.officer, recall=recall, on=TODAY)
    assert (recall.status, recall.documents_supplied_on, recall.is_open) == ("documents_supplied", TODAY, False)

    assert reasons_in_history(recall) == [
        "Recall considered",
        "Sent for a manager's review",
        "Recommended: fixed-term recall",
        "Countersigned",
        "Sent to public protection casework",
        "Return to custody recorded",
        "Recall documents supplied",
    ]
    users = [row.history_user for row in recall.history.order_by("history_id")]
    assert users == [org.officer, org.officer, org.manager, senior, org.officer, org.manager, org.officer]
    assert clocks(recall) == {
        "NPS SL012": (MONDAY, TUESDAY, TUESDAY, "met"),
        "NPS SL024": (TODAY, date(2026, 12, 9), TODAY, "met"),
    }


# Every step from a status that does not allow it ---------------------------------------------------------------------


STEP_CALLS = {
    "submit_for_review": ("send the recall for review", lambda by, recall: submitted(recall, by=by)),
    "review": ("review the recall", lambda by, recall: reviewed(recall, by=by)),
    "countersign": ("countersign the recall", lambda by, recall: services.recall_countersign(by=by, recall=recall)),
    "decline_countersignature": (
        "decline to countersign the recall",
        lambda by, recall: services.recall_decline_countersignature(by=by, recall=recall, note="Not persuaded."),
    ),
    "send_to_ppcs": (
        "send the recall to public protection casework",
        lambda by, recall: services.recall_send_to_ppcs(by=by, recall=recall),
    ),
    "record_return_to_custody": (
        "record the return to custody",
        lambda by, recall: services.recall_record_return_to_custody(by=by, recall=recall, on=TODAY),
    ),
    "record_documents_supplied": (
        "record the recall documents as supplied",
        lambda by, recall: services.recall_record_documents_supplied(by=by, recall=recall, on=TODAY),
    ),
    "withdraw": ("withdraw the recall", lambda by, recall: services.recall_withdraw(by=by, recall=recall, reason="X")),
}
ALLOWED_FROM = {
    "submit_for_review": {"considering"},
    "review": {"awaiting_review"},
    "countersign": {"awaiting_countersignature"},
    "decline_countersignature": {"awaiting_countersignature"},
    "send_to_ppcs": {"countersigned"},
    "record_return_to_custody": {"sent_to_ppcs"},
    "record_documents_supplied": {"returned_to_custody"},
    "withdraw": {"considering", "awaiting_review", "awaiting_countersignature", "countersigned", "sent_to_ppcs"},
}


@pytest.mark.parametrize("status", list(WHERE))
def test_a_step_the_status_does_not_allow_says_where_the_recall_is(compliance, senior, status):
    """The senior manager may take every step (a manager of the team, and senior): only the status refuses."""
    recall = build(compliance.licence, status, reviewer=compliance.org.manager, senior=senior)
    refusals = 0
    for step, (action, call) in STEP_CALLS.items():
        if status in ALLOWED_FROM[step]:
            continue
        error = refused(call, by=senior, recall=recall)
        assert error.messages == [where(status, action)], step
        refusals += 1
    assert refusals == len([step for step in ALLOWED_FROM if status not in ALLOWED_FROM[step]])


def test_the_refusal_of_a_withdrawal_after_the_return_to_custody(compliance, senior):
    recall = build(compliance.licence, "returned_to_custody", reviewer=compliance.org.manager, senior=senior)

    error = refused(services.recall_withdraw, by=compliance.org.officer, recall=recall, reason="Released again.")

    assert error.messages == [
        "You cannot withdraw the recall: the recall is at “returned to custody”. Next, the recall documents are "
        "supplied."
    ]


# Sending for review --------------------------------------------------------------------------------------------------


def test_sending_for_review_needs_the_reasons(compliance):
    recall = considered(compliance.licence)

    error = refused(services.recall_submit_for_review, by=compliance.org.officer, recall=recall, reasons="  ")

    assert error.message_dict == {"reasons": ["Write the reasons for recall before sending it for review."]}


@pytest.mark.parametrize("who", ["colleague", "other_team_officer"])
def test_only_the_officer_or_a_manager_sends_for_review(compliance, who):
    recall = considered(compliance.licence)

    error = refused(services.recall_submit_for_review, by=getattr(compliance.org, who), recall=recall, reasons=REASONS)

    assert error.messages == [ONLY_OFFICER_OR_MANAGER.format("send the recall for review")]


# The manager's review ------------------------------------------------------------------------------------------------


def _review_kwargs(recall, by, **changes) -> dict:
    kwargs = {
        "by": by,
        "recall": recall,
        "recommendation": "standard",
        "rationale": RATIONALE,
        "alternatives_considered": ALTERNATIVES,
        "extended_or_specified_sentence": False,
        "charged_with_serious_offence": False,
        "risk_manageable_after_fixed_term": True,
        "on": None,
    }
    kwargs.update(changes)
    return kwargs


@pytest.mark.parametrize("who", ["officer", "colleague", "other_provider_manager"])
def test_only_a_manager_of_the_team_reviews(compliance, who):
    recall = submitted(considered(compliance.licence))

    error = refused(services.recall_review, **_review_kwargs(recall, getattr(compliance.org, who)))

    assert error.messages == [ONLY_MANAGER]


def test_a_manager_of_another_team_cannot_review(compliance):
    other = factories.ManagerFactory(team=compliance.org.team_a2)
    recall = submitted(considered(compliance.licence))

    assert refused(services.recall_review, **_review_kwargs(recall, other)).messages == [ONLY_MANAGER]


def test_the_rationale_and_the_alternatives_are_required(compliance):
    recall = submitted(considered(compliance.licence))

    error = refused(
        services.recall_review,
        **_review_kwargs(recall, compliance.org.manager, recommendation="", rationale=" ", alternatives_considered=""),
    )

    assert error.message_dict == {
        "recommendation": ["Choose a recommendation: standard recall, fixed-term recall or no recall."],
        "rationale": ["Give the reasons for your recommendation."],
        "alternatives_considered": ["Say what alternatives to recall were considered."],
    }


@pytest.mark.parametrize("recommendation", ["standard", "fixed_term"])
def test_a_recall_recommendation_needs_the_three_suitability_answers(compliance, recommendation):
    recall = submitted(considered(compliance.licence))

    error = refused(
        services.recall_review,
        **_review_kwargs(
            recall,
            compliance.org.manager,
            recommendation=recommendation,
            extended_or_specified_sentence=None,
            charged_with_serious_offence=None,
            risk_manageable_after_fixed_term=None,
        ),
    )

    assert error.message_dict == {
        "extended_or_specified_sentence": [
            "Say whether they are serving an extended sentence or one for a specified serious offence."
        ],
        "charged_with_serious_offence": ["Say whether they are charged with a further serious offence."],
        "risk_manageable_after_fixed_term": [
            "Say whether their risk of serious harm could be managed on release after a fixed term."
        ],
    }


EXTENDED = (
    "Fixed-term recall is not open to someone serving an extended sentence or one for a specified serious offence: "
    "recommend a standard recall."
)
CHARGED = (
    "Fixed-term recall is not open to someone charged with a further serious offence: recommend a standard recall."
)
UNMANAGEABLE = (
    "Fixed-term recall is only for someone whose risk of serious harm could be managed on release after the fixed "
    "term: recommend a standard recall."
)


@pytest.mark.parametrize(
    ("answers", "messages"),
    [
        ((True, False, True), [EXTENDED]),
        ((False, True, True), [CHARGED]),
        ((False, False, False), [UNMANAGEABLE]),
        ((True, True, False), [EXTENDED, CHARGED, UNMANAGEABLE]),
    ],
)
def test_fixed_term_is_refused_unless_no_no_yes(compliance, answers, messages):
    recall = submitted(considered(compliance.licence))

    error = refused(
        services.recall_review,
        **_review_kwargs(
            recall,
            compliance.org.manager,
            recommendation="fixed_term",
            extended_or_specified_sentence=answers[0],
            charged_with_serious_offence=answers[1],
            risk_manageable_after_fixed_term=answers[2],
        ),
    )

    assert error.message_dict == {"recommendation": messages}


@pytest.mark.parametrize("answers", [(True, False, True), (False, True, False), (True, True, False)])
def test_a_standard_recall_whatever_the_answers(compliance, answers):
    recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager, answers=answers)

    assert (recall.status, recall.recommendation, recall.fixed_term_suitable) == (
        "awaiting_countersignature",
        "standard",
        False,
    )


@pytest.mark.parametrize(
    ("on", "errors"),
    [
        (date(2026, 11, 26), {"on": ["The date of the review cannot be in the future."]}),
        (
            FRIDAY,
            {"on": ["The date of the review cannot be before recall was started (23 November 2026)."]},
        ),
    ],
)
def test_the_review_is_dated_between_awareness_and_today(compliance, on, errors):
    recall = submitted(considered(compliance.licence, on=MONDAY))

    assert (
        refused(services.recall_review, **_review_kwargs(recall, compliance.org.manager, on=on)).message_dict == errors
    )


LETTER = (
    "Lee Licence\n\n"
    "25 November 2026\n\n"
    "Dear Lee Licence,\n\n"
    "You are on licence from the custodial sentence passed on 2 March 2026, since your release on 1 June 2026.\n\n"
    "{considered}\n\n"
    "The decision is that you will not be recalled to prison at this time.\n\n"
    "You must keep to all the conditions of your licence until it ends on 1 March 2027: keep every appointment with "
    "your probation officer, tell them at once of any change of address, and be of good behaviour.\n\n"
    "If you fail to comply with your licence again, or the risk you present increases, you may be recalled to "
    "prison.\n\n"
    "Yours sincerely,\n\n"
    "Maya Mensah, NPS North West"
)


def test_no_recall_issues_the_letter_and_stops_the_clock(compliance):
    recall = submitted(considered(compliance.licence, on=MONDAY))

    recall = reviewed(recall, by=compliance.org.manager, recommendation="no_recall", answers=(None, None, None))

    assert (recall.status, recall.recommendation, recall.is_open) == ("not_recalled", "no_recall", False)
    assert recall.no_recall_letter == LETTER.format(
        considered="We considered whether you should be recalled to prison because of concerns that came to light on "
        "23 November 2026 about how you are keeping to your licence."
    )
    assert reasons_in_history(recall)[-1] == "Decided not to recall: letter issued"
    # Reviewed today, two days after awareness: the recommendation was due on Tuesday.
    assert clocks(recall) == {"NPS SL012": (MONDAY, TUESDAY, TODAY, "missed")}


def test_the_letter_after_a_failure_names_it_and_the_address(compliance):
    case = compliance.licence
    factories.AddressFactory(person=case.person, line_1="4 Mill Lane", line_2="", town="Stockport", postcode="SK1 2AB")
    failure_decide(by=compliance.org.officer, failure=failure(case, MONDAY), decision="recall")
    recall = submitted(Recall.objects.get())

    recall = reviewed(recall, by=compliance.org.manager, recommendation="no_recall", answers=(None, None, None))

    assert recall.no_recall_letter.startswith("Lee Licence\n4 Mill Lane\nStockport\nSK1 2AB\n\n25 November 2026\n\n")
    assert (
        "We considered whether you should be recalled to prison after you failed to comply with your licence on 23 "
        "November 2026 (unacceptable absence)." in recall.no_recall_letter
    )


def test_the_letter_keeps_its_words(compliance):
    recall = reviewed(
        submitted(considered(compliance.licence)),
        by=compliance.org.manager,
        recommendation="no_recall",
        answers=(None, None, None),
    )
    issued = recall.no_recall_letter
    compliance.licence.person.first_name = "Leigh"
    compliance.licence.person.save()

    recall.refresh_from_db()
    assert recall.no_recall_letter == issued


# The manager's decision as a management oversight note on the case -------------------------------------------------


def _oversight_notes():
    from cases.models import ManagementOversightNote

    return list(
        ManagementOversightNote.objects.order_by("pk").values_list(
            "case", "kind", "note", "recorded_on", "recorded_by", "subject"
        )
    )


@pytest.mark.parametrize(
    ("recommendation", "answers", "label"),
    [
        ("standard", SUITABLE, "Standard recall"),
        ("fixed_term", SUITABLE, "Fixed-term recall"),
        ("no_recall", (None, None, None), "No recall"),
    ],
)
def test_the_review_writes_the_managers_oversight_note(compliance, recommendation, answers, label):
    from cases.models import ManagementOversightNote

    recall = submitted(considered(compliance.licence, on=MONDAY))

    reviewed(recall, by=compliance.org.manager, recommendation=recommendation, answers=answers, on=TUESDAY)

    assert _oversight_notes() == [
        (
            compliance.licence.pk,
            "recall_decision",
            f"{label}. {RATIONALE}\n\nAlternatives considered: {ALTERNATIVES}",
            TUESDAY,
            compliance.org.manager.pk,
            f"recall:{recall.pk}",
        )
    ]
    note = ManagementOversightNote.objects.get()
    assert [(row.history_user_id, row.history_change_reason) for row in note.history.all()] == [
        (compliance.org.manager.pk, "Management oversight: recall decision")
    ]


def test_a_review_refused_for_its_fields_writes_no_oversight_note(compliance):
    recall = submitted(considered(compliance.licence))

    error = refused(services.recall_review, **_review_kwargs(recall, compliance.org.manager, rationale=""))

    assert error.message_dict == {"rationale": ["Give the reasons for your recommendation."]}
    assert _oversight_notes() == []


def test_a_review_by_someone_who_may_not_writes_no_oversight_note(compliance):
    recall = submitted(considered(compliance.licence))

    error = refused(services.recall_review, **_review_kwargs(recall, compliance.org.officer))

    assert error.messages == [ONLY_MANAGER]
    assert _oversight_notes() == []


def test_a_review_declined_and_made_again_writes_a_note_each_time(compliance, senior):
    recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager)
    recall = services.recall_decline_countersignature(by=senior, recall=recall, note="Look at the alternatives.")

    reviewed(recall, by=compliance.org.manager, recommendation="no_recall", answers=(None, None, None))

    assert [(kind, note.split(".")[0]) for _case, kind, note, *_rest in _oversight_notes()] == [
        ("recall_decision", "Standard recall"),
        ("recall_decision", "No recall"),
    ]


# Countersignature ----------------------------------------------------------------------------------------------------


def test_a_senior_manager_of_another_team_in_the_provider_countersigns(compliance):
    other_team_senior = factories.ManagerFactory(team=compliance.org.team_a2, senior_manager=True)
    recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager)

    recall = services.recall_countersign(by=other_team_senior, recall=recall)

    assert (recall.status, recall.countersigned_by, recall.countersignature_note) == (
        "countersigned",
        other_team_senior,
        "",
    )


@pytest.mark.parametrize("who", ["officer", "manager", "colleague"])
def test_only_a_senior_manager_countersigns(compliance, who):
    recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager)

    for service in (services.recall_countersign, services.recall_decline_countersignature):
        error = refused(service, by=getattr(compliance.org, who), recall=recall, note="Fine.")
        assert error.messages == [ONLY_SENIOR]


def test_a_senior_manager_of_another_provider_cannot_countersign(compliance):
    elsewhere = factories.ManagerFactory(team=compliance.org.team_b, senior_manager=True)
    recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager)

    assert refused(services.recall_countersign, by=elsewhere, recall=recall).messages == [ONLY_SENIOR]


def test_the_senior_manager_who_reviewed_it_cannot_countersign_it(compliance, senior):
    recall = reviewed(submitted(considered(compliance.licence)), by=senior)

    assert refused(services.recall_countersign, by=senior, recall=recall).messages == [
        "You made this recommendation: another senior manager must countersign it."
    ]
    assert refused(services.recall_decline_countersignature, by=senior, recall=recall, note="No.").messages == [
        "You made this recommendation: another senior manager must decide whether to countersign it."
    ]
    other = factories.ManagerFactory(team=compliance.org.team_a, senior_manager=True)
    assert services.recall_countersign(by=other, recall=recall).status == "countersigned"


def test_declining_sends_it_back_for_a_new_review(compliance, senior):
    org = compliance.org
    recall = reviewed(submitted(considered(compliance.licence, on=MONDAY)), by=org.manager, on=MONDAY)

    recall = services.recall_decline_countersignature(
        by=senior, recall=recall, note="Approved premises were not tried."
    )

    assert (
        recall.status,
        recall.recommendation,
        recall.rationale,
        recall.alternatives_considered,
        recall.extended_or_specified_sentence,
        recall.charged_with_serious_offence,
        recall.risk_manageable_after_fixed_term,
        recall.reviewed_by,
        recall.reviewed_on,
        recall.countersigned_by,
        recall.countersignature_note,
    ) == ("awaiting_review", "", "", "", None, None, None, None, None, None, "Approved premises were not tried.")
    declined = recall.history.filter(status="awaiting_countersignature").get()
    assert (declined.recommendation, declined.rationale, declined.reviewed_by) == ("standard", RATIONALE, org.manager)
    # The manager reviews again; the clock stopped with the first recommendation stays as it was.
    recall = reviewed(recall, by=org.manager, recommendation="standard")
    assert recall.status == "awaiting_countersignature"
    assert clocks(recall)["NPS SL012"] == (MONDAY, TUESDAY, MONDAY, "met")


def test_declining_needs_a_note(compliance, senior):
    recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager)

    error = refused(services.recall_decline_countersignature, by=senior, recall=recall, note=" ")

    assert error.message_dict == {"note": ["Say why you are not countersigning, so the manager can review it again."]}


# Public protection casework, custody and documents -------------------------------------------------------------------


def test_sending_is_not_before_the_countersignature_nor_in_the_future(compliance, senior):
    recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)

    assert refused(services.recall_send_to_ppcs, by=compliance.org.officer, recall=recall, on=TUESDAY).message_dict == {
        "on": ["The date it was sent cannot be before the countersignature (25 November 2026)."]
    }
    assert refused(
        services.recall_send_to_ppcs, by=compliance.org.officer, recall=recall, on=date(2026, 11, 26)
    ).message_dict == {"on": ["The date it was sent cannot be in the future."]}


@pytest.mark.parametrize(
    ("on", "errors"),
    [
        (None, {"on": ["Enter the date of the return to custody."]}),
        (date(2026, 11, 26), {"on": ["The date of the return to custody cannot be in the future."]}),
        (
            TUESDAY,
            {
                "on": [
                    "The date of the return to custody cannot be before the recall was sent to public protection "
                    "casework (25 November 2026)."
                ]
            },
        ),
    ],
)
def test_the_return_to_custody_date(compliance, senior, on, errors):
    recall = build(compliance.licence, "sent_to_ppcs", reviewer=compliance.org.manager, senior=senior)

    error = refused(services.recall_record_return_to_custody, by=compliance.org.officer, recall=recall, on=on)

    assert error.message_dict == errors


@pytest.mark.parametrize(
    ("on", "errors"),
    [
        (None, {"on": ["Enter the date the documents were supplied."]}),
        (date(2026, 11, 26), {"on": ["The date the documents were supplied cannot be in the future."]}),
        (
            TUESDAY,
            {"on": ["The date the documents were supplied cannot be before the return to custody (25 November 2026)."]},
        ),
    ],
)
def test_the_documents_date(compliance, senior, on, errors):
    recall = build(compliance.licence, "returned_to_custody", reviewer=compliance.org.manager, senior=senior)

    error = refused(services.recall_record_documents_supplied, by=compliance.org.officer, recall=recall, on=on)

    assert error.message_dict == errors


@pytest.mark.parametrize(
    ("service", "kwargs", "action"),
    [
        (services.recall_send_to_ppcs, {}, "send the recall to public protection casework"),
        (services.recall_withdraw, {"reason": "No."}, "withdraw the recall"),
    ],
)
def test_someone_off_the_case_takes_no_step(compliance, senior, service, kwargs, action):
    recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)

    error = refused(service, by=compliance.org.colleague, recall=recall, **kwargs)

    assert error.messages == [ONLY_OFFICER_OR_MANAGER.format(action)]


# Withdrawing ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", ["considering", "awaiting_review", "awaiting_countersignature", "countersigned", "sent_to_ppcs"]
)
def test_withdrawing_before_the_return_to_custody(compliance, senior, status):
    recall = build(compliance.licence, status, reviewer=compliance.org.manager, senior=senior)

    recall = services.recall_withdraw(by=compliance.org.officer, recall=recall, reason="Charged and remanded.")

    assert (recall.status, recall.withdrawn_reason, recall.is_open) == ("withdrawn", "Charged and remanded.", False)
    assert reasons_in_history(recall)[-1] == "Withdrawn"


def test_withdrawing_needs_a_reason(compliance):
    recall = considered(compliance.licence)

    error = refused(services.recall_withdraw, by=compliance.org.officer, recall=recall, reason="")

    assert error.message_dict == {"reason": ["Say why the recall is withdrawn."]}


def test_withdrawing_cancels_the_clock(compliance):
    recall = considered(compliance.licence, on=MONDAY)

    services.recall_withdraw(by=compliance.org.officer, recall=recall, reason="Arrested and remanded.")

    assert clocks(recall) == {"NPS SL012": (MONDAY, TUESDAY, TODAY, "cancelled")}


# Who may take which step ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "considering",
            {
                "officer": ["submit_for_review", "withdraw"],
                "manager": ["submit_for_review", "withdraw"],
                "senior": ["submit_for_review", "withdraw"],
                "colleague": [],
            },
        ),
        (
            "awaiting_review",
            {
                "officer": ["withdraw"],
                "manager": ["review", "withdraw"],
                "senior": ["review", "withdraw"],
                "colleague": [],
            },
        ),
        (
            "awaiting_countersignature",
            {
                "officer": ["withdraw"],
                "manager": ["withdraw"],
                "senior": ["countersign", "decline_countersignature", "withdraw"],
                "colleague": [],
            },
        ),
        (
            "countersigned",
            {
                "officer": ["send_to_ppcs", "withdraw"],
                "manager": ["send_to_ppcs", "withdraw"],
                "senior": ["send_to_ppcs", "withdraw"],
                "colleague": [],
            },
        ),
        (
            "sent_to_ppcs",
            {
                "officer": ["record_return_to_custody", "withdraw"],
                "manager": ["record_return_to_custody", "withdraw"],
                "senior": ["record_return_to_custody", "withdraw"],
                "colleague": [],
            },
        ),
        (
            "returned_to_custody",
            {
                "officer": ["record_documents_supplied"],
                "manager": ["record_documents_supplied"],
                "senior": ["record_documents_supplied"],
                "colleague": [],
            },
        ),
        ("documents_supplied", {"officer": [], "manager": [], "senior": [], "colleague": []}),
        ("not_recalled", {"officer": [], "manager": [], "senior": [], "colleague": []}),
        ("withdrawn", {"officer": [], "manager": [], "senior": [], "colleague": []}),
    ],
)
def test_steps_allowed(compliance, senior, status, expected):
    recall = build(compliance.licence, status, reviewer=compliance.org.manager, senior=senior)
    people = {"officer": compliance.org.officer, "manager": compliance.org.manager, "senior": senior}
    people["colleague"] = compliance.org.colleague

    assert {who: services.steps_allowed(user, recall) for who, user in people.items()} == expected


def test_the_reviewer_is_not_offered_the_countersignature(compliance, senior):
    recall = reviewed(submitted(considered(compliance.licence)), by=senior)

    assert services.steps_allowed(senior, recall) == ["withdraw"]


# Fixed-term length ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "months", "days", "words"),
    [
        (date(1990, 5, 5), 24, 28, "28 days"),
        (date(1990, 5, 5), 12, 28, "28 days"),
        (date(1990, 5, 5), 11, 14, "14 days"),
        (date(1990, 5, 5), None, None, "Not known: the custodial term is not recorded"),
        (date(2009, 11, 26), 24, 14, "14 days"),  # 16 on the day of the review
        (date(2008, 11, 26), 24, 14, "14 days"),  # 18 the day after the review
        (date(2008, 11, 25), 24, 28, "28 days"),  # 18 on the day of the review
    ],
)
def test_the_fixed_term_length(compliance, born, months, days, words):
    case = licence_case(compliance.org.officer, date_of_birth=born)
    case.sentences.update(length_months=months)
    recall = reviewed(submitted(considered(case)), by=compliance.org.manager, recommendation="fixed_term")

    assert (recall.reviewed_on, recall.fixed_term_days(), recall.fixed_term_length) == (TODAY, days, words)


def test_before_the_review_the_length_is_as_of_today(compliance):
    case = licence_case(compliance.org.officer, date_of_birth=date(2008, 11, 26))
    recall = considered(case)

    assert recall.fixed_term_days() == 14
    assert recall.fixed_term_days(on=date(2026, 11, 26)) == 28


def test_a_child_can_be_recalled_for_a_fixed_term(compliance):
    """Fixed-term recall is open to children (for 14 days): only a detention and training order is not recalled."""
    case = licence_case(compliance.org.officer, date_of_birth=date(2010, 1, 1))

    recall = reviewed(submitted(considered(case)), by=compliance.org.manager, recommendation="fixed_term")

    assert (recall.status, recall.recommendation, recall.fixed_term_length) == (
        "awaiting_countersignature",
        "fixed_term",
        "14 days",
    )


# Clocks --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviewed_on", "status"),
    [(FRIDAY, "met"), (date(2026, 11, 21), "met"), (date(2026, 11, 22), "missed"), (MONDAY, "missed")],
)
def test_nps_sl012_for_an_nps_case(compliance, reviewed_on, status):
    recall = submitted(considered(compliance.licence, on=FRIDAY))

    reviewed(recall, by=compliance.org.manager, on=reviewed_on)

    assert clocks(recall) == {"NPS SL012": (FRIDAY, date(2026, 11, 21), reviewed_on, status)}


@pytest.mark.parametrize(("reviewed_on", "status"), [(date(2026, 11, 21), "met"), (MONDAY, "missed")])
def test_crc_af_for_a_crc_case(compliance, reviewed_on, status):
    org = compliance.org
    case = licence_case(org.other_provider_officer)
    recall = submitted(considered(case, on=FRIDAY))

    reviewed(
        recall, by=org.other_provider_manager, recommendation="no_recall", answers=(None, None, None), on=reviewed_on
    )

    assert clocks(recall) == {"CRC AF": (FRIDAY, date(2026, 11, 21), reviewed_on, status)}


def test_a_youth_offending_team_case_has_no_recall_clock(compliance):
    yot = factories.ProviderFactory(yot=True, region=compliance.org.region)
    officer = factories.OfficerFactory(team=factories.TeamFactory(provider=yot))
    case = licence_case(officer, date_of_birth=date(2010, 1, 1))

    recall = considered(case)

    assert clocks(recall) == {}


def _returned_on_monday_2_november(case, *, reviewer, senior) -> Recall:
    """The whole way to the return to custody, all on Monday 2 November 2026."""
    monday = date(2026, 11, 2)
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=LONDON), tick=False):
        recall = build(case, "returned_to_custody", reviewer=reviewer, senior=senior, on=monday)
    assert (recall.countersigned_on, recall.sent_to_ppcs_on, recall.returned_to_custody_on) == (monday,) * 3
    return recall


@pytest.mark.parametrize(
    ("supplied_on", "status"),
    [(date(2026, 11, 2), "met"), (date(2026, 11, 16), "met"), (date(2026, 11, 17), "missed"), (TODAY, "missed")],
)
def test_nps_sl024_documents_within_10_working_days(compliance, senior, supplied_on, status):
    recall = _returned_on_monday_2_november(compliance.licence, reviewer=compliance.org.manager, senior=senior)
    assert clocks(recall)["NPS SL024"] == (date(2026, 11, 2), date(2026, 11, 16), None, "open")

    services.recall_record_documents_supplied(by=compliance.org.officer, recall=recall, on=supplied_on)

    assert clocks(recall)["NPS SL024"] == (date(2026, 11, 2), date(2026, 11, 16), supplied_on, status)


def test_nps_sl024_applies_to_a_crc_case_too(compliance):
    org = compliance.org
    crc_senior = factories.ManagerFactory(team=org.team_b, senior_manager=True)
    case = licence_case(org.other_provider_officer)

    recall = _returned_on_monday_2_november(case, reviewer=org.other_provider_manager, senior=crc_senior)

    assert set(clocks(recall)) == {"CRC AF", "NPS SL024"}
    assert clocks(recall)["CRC AF"][3] == "met"


def test_a_refused_step_leaves_the_clocks_running(compliance):
    recall = submitted(considered(compliance.licence))

    refused(services.recall_review, **_review_kwargs(recall, compliance.org.manager, rationale=""))

    assert clocks(recall)["NPS SL012"][3] == "open"


def test_a_community_case_has_no_recall_at_all(compliance):
    """A breach decision on an order never opens a recall (enforcement.services.breach deals with it)."""
    community = community_case(compliance.org.officer)
    assert services.not_recallable(community.sentences.get()) == ORDER_NOT_RECALLED
    assert not Recall.objects.exists()
