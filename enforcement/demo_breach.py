"""Demo data for breach (issue 6): the breaches the enforcement demo's breach decisions opened, taken through their
lifecycle as staff would, so every stage shows somewhere.

Called by enforcement.demo.build_enforcement after the decisions. Every write goes through
enforcement.services.breach with a named member of staff and the day the step happened (steps recorded late), so
the clocks (CRC AE, NPS SL014, NPS SL015) are met or missed from real dates. How far a breach has gone depends on
how long ago the failure was: old breaches have their court outcome, recent ones are still being prepared.

- The officer writes the statement and proposal and submits the pack 1 to 4 working days after the failure;
  the team's manager signs it off the next working day (one in ten is sent back first, and resubmitted).
- An NPS or YOT case's pack is sent to court 1 to 3 working days later (NPS SL014: 10 working days). A CRC refers it
  to the NPS (CRC AE: 8 working days); the NPS (the demo `manager`) accepts it a working day later, or one in eight
  times asks for more first, and presents it 1 to 3 working days after accepting (NPS SL015: 2 working days).
- The court user of the court acknowledges most packs still waiting for their hearing; about one in eight gets a
  request for more information instead (CRC SL016), which the officer has to answer with a corrected version.
- The hearing is 2 to 4 weeks after the pack went to court; its outcome is recorded (order continues, amended,
  revoked and re-sentenced, fine...). About one breach in twelve is withdrawn (evidence arrived later).

Deterministic: its own random.Random derived from the seed; breaches in the order they were opened.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

from accounts.models import Court, Provider, User
from cases.demo_journey import _weighted, _working_days_after
from cases.models import Case
from enforcement.models import Breach, BreachStatus, BreachStep, HearingOutcome
from enforcement.services import breach as services

if TYPE_CHECKING:
    from cases.demo import DemoBuilder

Status = BreachStatus

STATEMENTS = (
    "{name} was warned in writing after the first failure and told that a further failure within 12 months would "
    "be returned to court. Since then they have missed another appointment without an acceptable reason. I rang "
    "and wrote to them the same day; they have not given a reason that I can accept. Apart from these failures they "
    "have kept most appointments and have engaged with the work on the order.",
    "{name} has not complied with the order despite a warning letter. Appointments were offered at times that fit "
    "around their work, and a reminder was sent each time. They say they forgot. The order still has work to do and "
    "I believe they can complete it with a firmer structure.",
    "{name} failed to comply again after a warning letter and did not contact the office. Their progress on the "
    "order has stalled and the warnings have not changed their behaviour.",
)
PROPOSALS = (
    "That the order continues, with 10 more rehabilitation activity days to address the reasons for missed "
    "appointments.",
    "That the order continues with a curfew requirement for 8 weeks, which {name} has agreed to and can keep.",
    "That the order is amended to extend the supervision period by 3 months so the requirements can be completed.",
    "That the order is revoked and {name} is re-sentenced: the order is no longer workable.",
)
OUTCOME_WEIGHTS = {
    HearingOutcome.ORDER_CONTINUES: 30,
    HearingOutcome.ORDER_AMENDED: 30,
    HearingOutcome.FINE: 15,
    HearingOutcome.REVOKED_AND_RESENTENCED: 15,
    HearingOutcome.NO_ACTION: 5,
    HearingOutcome.WITHDRAWN: 5,
}
AMENDMENTS = (
    "10 more rehabilitation activity days added.",
    "Curfew requirement added, 19:00 to 07:00 for 8 weeks.",
    "Unpaid work hours increased by 20.",
)
RETURN_NOTE = "Add the dates of the appointments offered since the warning, and say what support was offered."
NPS_MORE = "The statement does not say whether the warning letter was received: add how and when it was given."
COURT_MORE = "Please provide a copy of the warning letter and confirm the person's current address."
WITHDRAW_REASON = (
    "The hospital confirmed after the decision that they were admitted that day: the absence is acceptable."
)
# The stages the latest breaches of the demo sign-ins' teams stop at (BreachDemo._targets).
NPS_EXAMPLES = ("draft", "awaiting_sign_off", "returned", "signed_off", "sent", "court_more")
CRC_EXAMPLES = ("signed_off", "referred", "nps_more", "accepted")
RETURNED_SHARE = 0.1
NPS_MORE_SHARE = 0.125
COURT_MORE_SHARE = 0.125
ACKNOWLEDGED_SHARE = 0.8
WITHDRAWN_SHARE = 0.08


class BreachDemo:
    def __init__(self, builder: DemoBuilder, *, seed: int, today: date):
        self.rng = random.Random(f"breach demo {seed}")
        self.builder = builder
        self.today = today
        self.staff = builder.staff
        self.nps_staff = builder.staff["manager"]  # presents the CRCs' breaches to court
        region_id = next(iter(builder.providers.values())).region_id
        courts = {court.code: court for court in Court.objects.filter(region_id=region_id)}
        # The magistrates' (or youth) court of each provider's area, when the order has no sentencing court recorded.
        self.local_court = {
            "N01": courts.get("MNMC"),
            "C04": courts.get("MNMC"),
            "C05": courts.get("PRMC"),
            "Y01": courts.get("MSYC"),
        }
        self.court_users: dict[int, User] = {}
        for user in User.objects.filter(role=User.Role.COURT_USER, is_active=True).prefetch_related("courts"):
            for court in user.courts.all():
                self.court_users.setdefault(court.pk, user)
        self.stages: Counter = Counter()

    def _after(self, day: date, low: int, high: int) -> date:
        return _working_days_after(day, self.rng.randint(low, high))

    def _fits(self, day: date) -> bool:
        return day <= self.today

    def build(self) -> Counter:
        breaches = list(
            Breach.objects.filter(status=Status.DRAFT, case__status=Case.Status.ACTIVE)
            .select_related("case__person", "case__provider", "case__team", "case__responsible_officer", "sentence")
            .order_by("aware_on", "pk")
        )
        targets = self._targets(breaches)
        for breach in breaches:
            self._advance(breach, stop_at=targets.get(breach.pk))
        self.stages.update(Breach.objects.values_list("status", flat=True))
        return self.stages

    def _targets(self, breaches: list[Breach]) -> dict[int, str]:
        """The most recent breaches of the demo sign-ins' teams (else any team) stop at one stage each, so every
        stage shows: `officer` and `manager` (Manchester North) have NPS packs at each step, `crc.officer`'s team
        (Manchester Central) the CRC steps."""
        targets: dict[int, str] = {}
        for team_code, stages, crc in (("N01MN", NPS_EXAMPLES, False), ("C04MC", CRC_EXAMPLES, True)):
            team_id = self.builder.teams[team_code].pk
            candidates = [
                breach
                for breach in breaches
                if (breach.case.provider.provider_type == Provider.ProviderType.CRC) == crc
            ]
            candidates.sort(key=lambda breach: (breach.case.team_id != team_id, -breach.aware_on.toordinal()))
            for breach, stage in zip(candidates, stages, strict=False):
                targets[breach.pk] = stage
        return targets

    def _advance(self, breach: Breach, *, stop_at: str | None = None) -> None:
        """Take the breach as far as its dates allow (each step on the day it happened, never after today), or to
        `stop_at` (one of NPS_EXAMPLES / CRC_EXAMPLES) whatever the dates."""
        rng = self.rng
        case = breach.case
        officer = case.responsible_officer
        manager = self.builder.manager_by_team.get(case.team_id)
        if officer is None or manager is None:
            return
        name = case.person.first_name
        court = breach.court or self.local_court.get(case.provider.code)
        services.breach_update_draft(
            by=officer,
            breach=breach,
            statement=rng.choice(STATEMENTS).format(name=name),
            proposal=rng.choice(PROPOSALS).format(name=name),
            court=court,
        )
        # From the breach action decision (further failures decided as breach action later join the breach).
        initiated = breach.steps.filter(step=BreachStep.Step.INITIATED).values_list("on", flat=True).first()
        day = min(self._after(initiated or breach.aware_on, 1, 4), self.today)
        if stop_at == "draft" or not self._fits(day):
            return  # still being prepared
        services.breach_submit(by=officer, breach=breach, on=day)
        day = self._after(day, 1, 1)
        if stop_at == "awaiting_sign_off" or not self._fits(day):
            return  # waiting for sign-off
        if stop_at == "returned" or (stop_at is None and rng.random() < RETURNED_SHARE):
            # Sent back today (the return takes no date): the officer has corrections to make.
            services.breach_return(by=manager, breach=breach, note=RETURN_NOTE)
            return
        services.breach_sign_off(by=manager, breach=breach, on=day)
        crc = case.provider.provider_type == Provider.ProviderType.CRC
        day = self._after(day, 1, 3)
        if stop_at == "signed_off" or not self._fits(day):
            return  # signed off, to be referred or sent
        if crc:
            services.breach_refer_to_nps(by=officer, breach=breach, on=day)
            day = self._after(day, 1, 1)
            if stop_at == "referred" or not self._fits(day):
                return  # waiting for the NPS
            if stop_at == "nps_more" or (stop_at is None and rng.random() < NPS_MORE_SHARE):
                services.breach_nps_request_more(by=self.nps_staff, breach=breach, message=NPS_MORE)
                return
            services.breach_nps_accept(by=self.nps_staff, breach=breach, on=day)
            day = self._after(day, 1, 3) if rng.random() < 0.8 else self._after(day, 3, 5)
            if stop_at == "accepted" or not self._fits(day):
                return  # accepted, to be presented
            sender = self.nps_staff
        else:
            sender = officer
        if stop_at is None and rng.random() < WITHDRAWN_SHARE:
            services.breach_withdraw(by=officer, breach=breach, reason=WITHDRAW_REASON, on=day)
            return
        pack = services.breach_send_to_court(by=sender, breach=breach, on=day)
        court_user = self.court_users.get(pack.court_id)
        hearing = day + timedelta(days=rng.randint(14, 28))
        if stop_at in ("sent", "court_more") or not self._fits(hearing):
            # Waiting for the hearing: the court has acknowledged the pack, or asked for more (the officer has a
            # correction to make). Both happen today: the court's replies take no date.
            if court_user is None:
                return
            if stop_at == "court_more" or (stop_at is None and rng.random() < COURT_MORE_SHARE):
                services.court_request_information(by=court_user, pack=pack, message=COURT_MORE)
            elif stop_at == "sent" or rng.random() < ACKNOWLEDGED_SHARE:
                services.court_acknowledge(by=court_user, pack=pack)
            return
        outcome = _weighted(rng, OUTCOME_WEIGHTS)
        services.breach_record_outcome(
            by=sender,
            breach=breach,
            hearing_on=hearing,
            outcome=outcome,
            details=rng.choice(AMENDMENTS) if outcome == HearingOutcome.ORDER_AMENDED else "",
        )


def build_breaches(builder: DemoBuilder, *, seed: int, today: date) -> Counter:
    """Take the demo's draft breaches through their lifecycle (see the module docstring); returns the count of
    breaches at each status."""
    return BreachDemo(builder, seed=seed, today=today).build()
