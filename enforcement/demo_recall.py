"""Demo data for recall (issue 6): the recalls the enforcement demo's recall decisions opened, taken through their
lifecycle as staff would, so every stage shows somewhere.

Called by enforcement.demo.build_enforcement after the breaches. Every write goes through
enforcement.services.recall with a named member of staff and the day each step happened, so CRC AF / NPS SL012
(the recommendation within 24 hours) and NPS SL024 (documents within 10 working days of the return to custody) are
met or missed from real dates:

- the officer sends the reasons for review; the team's manager reviews the same day mostly (else the next day or
  two), recording the rationale and the alternatives considered: a standard recall, a fixed-term recall (where the
  suitability answers allow it) or no recall, which writes the letter to the person;
- the provider's senior manager (`nps.head`, `cgm.head`, `cl.head`, `yot.head`) countersigns the same or next day;
- the recall goes to public protection casework that day; the person is back in custody within 1 to 10 days; the
  documents are supplied within 10 working days mostly, a few late;
- about 1 in 15 recalls sent to public protection casework (the first of each provider's, then every 15th) draw a
  request for more information before the return to custody (CRC SL017), most answered within days, a few still
  waiting. Their days come from a random.Random of their own, so the other recalls' days do not depend on them.

Officers also start recall by hand on some licence cases (a rise in risk: an arrest, a lost address), one every nine
days back from today, so there are recalls whatever the failures gave. The most recent recalls stop at one stage
each (RECALL_EXAMPLES), preferring `officer`'s team, so every stage shows (those past the review are standard
recalls, but for the one decided not to recall). Deterministic: its own random.Random derived from the seed;
recalls in the order they were opened.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, Q

from cases.demo_journey import _weighted, _working_days_after
from cases.models import Case, Disposal, Sentence
from enforcement.models import Recall, RecallInformationRequest, RecallRecommendation, RecallStatus
from enforcement.services import recall as services

if TYPE_CHECKING:
    from cases.demo import DemoBuilder

Status = RecallStatus
Recommendation = RecallRecommendation

SENIOR_MANAGERS = {"N01": "nps.head", "C04": "cgm.head", "C05": "cl.head", "Y01": "yot.head"}
RECALL_EXAMPLES = (
    "considering",
    "awaiting_review",
    "awaiting_countersignature",
    "countersigned",
    "sent_to_ppcs",
    "returned_to_custody",
    "not_recalled",
)
# Recalls the officers start by hand (a rise in risk), one every HAND_STARTED_EVERY days back from today.
# Every REQUEST_EVERY-th recall a provider sends to public protection casework (from its first) is asked for more.
REQUEST_EVERY = 15
REQUEST_ANSWERED = 0.75
INFORMATION_REQUESTS = (
    (
        RecallInformationRequest.Source.PPCS,
        "The licence copy sent is unsigned and the reasons do not say which condition was breached: please send the "
        "signed licence and the condition.",
        "Signed licence sent; the condition breached is the exclusion zone (condition 7).",
    ),
    (
        RecallInformationRequest.Source.PPCS,
        "Please confirm the address the person was last known to live at and the police force to contact.",
        "Last address and the Greater Manchester Police contact sent by secure email.",
    ),
    (
        RecallInformationRequest.Source.COURT,
        "The court asks for the previous convictions and the pre-sentence report to go with the recall.",
        "Previous convictions and the pre-sentence report sent to the court office.",
    ),
)
HAND_STARTED = 14
HAND_STARTED_EVERY = 9
RISE_IN_RISK = (
    "{name} was arrested on suspicion of assault on their partner; police domestic abuse call-out confirmed.",
    "{name} left the approved address and has not been seen there for three nights; whereabouts unknown.",
    "{name} contacted the victim, against the exclusion condition of the licence.",
    "{name} tested positive for heroin twice and missed the drug service; risk to their children has risen.",
)
RECOMMENDATION_WEIGHTS = {Recommendation.STANDARD: 55, Recommendation.FIXED_TERM: 30, Recommendation.NO_RECALL: 15}
RATIONALE = {
    Recommendation.STANDARD: "Repeated failures after a final warning and rising risk to a known adult: the risk can "
    "no longer be managed in the community.",
    Recommendation.FIXED_TERM: "The failures are a pattern of disengagement rather than rising risk: a short return "
    "to custody with a release plan is proportionate.",
    Recommendation.NO_RECALL: "The risk has not risen and the person re-engaged the next day: recall is not "
    "proportionate. Contact increased to twice a week.",
}
ALTERNATIVES = (
    "Increased reporting, a curfew licence condition, a place at approved premises (none free), and a final warning.",
    "More frequent contact, a referral to the drug service, an electronic monitoring condition.",
)


class RecallDemo:
    def __init__(self, builder: DemoBuilder, *, seed: int, today: date):
        self.rng = random.Random(f"recall demo {seed}")
        self.request_rng = random.Random(f"recall information requests {seed}")
        self.sent_by_provider: Counter = Counter()
        self.builder = builder
        self.today = today
        self.staff = builder.staff
        self.stages: Counter = Counter()

    def start_by_hand(self) -> None:
        """Recall considered by the officer on licence cases where the risk rose (an arrest, a lost address), so the
        demo has recalls whatever the compliance failures gave: every `HAND_STARTED_EVERY` days back from today,
        on `officer`'s team's licences first."""
        team_id = self.builder.teams["N01MN"].pk
        cases = (
            Case.objects.filter(
                status=Case.Status.ACTIVE,
                responsible_officer__isnull=False,
                sentences__status=Sentence.Status.CURRENT,
                sentences__disposal=Disposal.CUSTODY,
                sentences__released_on__isnull=False,
            )
            # On licence on the demo's day (after it, post-sentence supervision is breached, not recalled).
            .filter(Q(sentences__licence_end_date__isnull=True) | Q(sentences__licence_end_date__gte=self.today))
            .exclude(recalls__isnull=False)
            .select_related("responsible_officer", "person")
            .annotate(released_on=F("sentences__released_on"))
            .order_by("pk")
        )
        chosen = sorted(cases, key=lambda case: case.team_id != team_id)[:HAND_STARTED]
        for index, case in enumerate(chosen):
            aware_on = max(self.today - timedelta(days=index * HAND_STARTED_EVERY), case.released_on)
            services.recall_consider(
                by=case.responsible_officer,
                case=case,
                reasons=RISE_IN_RISK[index % len(RISE_IN_RISK)].format(name=case.person.first_name),
                aware_on=aware_on,
            )

    def build(self) -> Counter:
        self.start_by_hand()
        recalls = list(
            Recall.objects.filter(status=Status.CONSIDERING, case__status=Case.Status.ACTIVE)
            .select_related("case__person", "case__provider", "case__team", "case__responsible_officer", "sentence")
            .order_by("aware_on", "pk")
        )
        targets = self._targets(recalls)
        for recall in recalls:
            self._advance(recall, stop_at=targets.get(recall.pk))
        self.stages.update(Recall.objects.values_list("status", flat=True))
        return self.stages

    def _targets(self, recalls: list[Recall]) -> dict[int, str]:
        team_id = self.builder.teams["N01MN"].pk
        latest = sorted(recalls, key=lambda recall: (recall.case.team_id != team_id, -recall.aware_on.toordinal()))
        return {recall.pk: stage for recall, stage in zip(latest, RECALL_EXAMPLES, strict=False)}

    def _advance(self, recall: Recall, *, stop_at: str | None) -> None:
        rng = self.rng
        case = recall.case
        officer = case.responsible_officer
        manager = self.builder.manager_by_team.get(case.team_id)
        senior = self.staff.get(SENIOR_MANAGERS.get(case.provider.code, ""))
        if officer is None or manager is None or senior is None or stop_at == "considering":
            return
        services.recall_submit_for_review(by=officer, recall=recall, reasons=recall.reasons)
        started = services.recall_started_on(recall)
        day = started if rng.random() < 0.85 else started + timedelta(days=rng.randint(1, 2))
        if stop_at == "awaiting_review" or day > self.today:
            return
        recommendation = _weighted(rng, RECOMMENDATION_WEIGHTS)
        if stop_at == "not_recalled":
            recommendation = Recommendation.NO_RECALL
        elif stop_at is not None:
            recommendation = Recommendation.STANDARD  # an example of a step after the countersignature
        fixed_term = recommendation == Recommendation.FIXED_TERM
        services.recall_review(
            by=manager,
            recall=recall,
            recommendation=recommendation,
            rationale=RATIONALE[recommendation],
            alternatives_considered=rng.choice(ALTERNATIVES),
            extended_or_specified_sentence=False if fixed_term else rng.random() < 0.3,
            charged_with_serious_offence=False if fixed_term else rng.random() < 0.2,
            risk_manageable_after_fixed_term=True if fixed_term else rng.random() < 0.4,
            on=day,
        )
        if recommendation == Recommendation.NO_RECALL:
            return
        day += timedelta(days=rng.randint(0, 1))
        if stop_at == "awaiting_countersignature" or day > self.today:
            return
        services.recall_countersign(by=senior, recall=recall, on=day)
        if stop_at == "countersigned":
            return
        services.recall_send_to_ppcs(by=officer, recall=recall, on=day)
        custody = day + timedelta(days=rng.randint(1, 10))
        self._maybe_ask_for_more(recall, sent_on=day, custody=custody)
        if stop_at == "sent_to_ppcs" or custody > self.today:
            return
        services.recall_record_return_to_custody(by=officer, recall=recall, on=custody)
        supplied = _working_days_after(custody, rng.randint(2, 9) if rng.random() < 0.85 else rng.randint(11, 15))
        if stop_at == "returned_to_custody" or supplied > self.today:
            return
        services.recall_record_documents_supplied(by=officer, recall=recall, on=supplied)

    def _maybe_ask_for_more(self, recall: Recall, *, sent_on: date, custody: date) -> None:
        """The first and every REQUEST_EVERY-th recall a provider sends is asked for more information, before the
        return to custody (never after today); most requests are answered before it too."""
        code = recall.case.provider.code
        self.sent_by_provider[code] += 1
        if self.sent_by_provider[code] % REQUEST_EVERY != 1:
            return
        rng = self.request_rng
        last = min(custody - timedelta(days=1), self.today)
        requested_on = sent_on + timedelta(days=rng.randint(0, max((last - sent_on).days, 0)))
        source, message, answer = INFORMATION_REQUESTS[rng.randrange(len(INFORMATION_REQUESTS))]
        officer = recall.case.responsible_officer
        request = services.recall_record_information_request(
            by=officer, recall=recall, requested_on=requested_on, source=source, message=message
        )
        answered_on = requested_on + timedelta(days=rng.randint(0, max((last - requested_on).days, 0)))
        if rng.random() < REQUEST_ANSWERED and answered_on <= self.today:
            services.recall_answer_information_request(
                by=officer, request=request, answered_on=answered_on, answer=answer
            )


def build_recalls(builder: DemoBuilder, *, seed: int, today: date) -> Counter:
    """Take the demo's recalls through their lifecycle (see the module docstring); returns the count of recalls at
    each status."""
    return RecallDemo(builder, seed=seed, today=today).build()
