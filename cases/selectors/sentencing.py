"""Reads for sentences, requirements and referral order panels, scoped through cases.selectors.

Lists prefetch what their pages show, so a case's sentence tab runs the same number of queries whatever the
number of sentences, requirements and panel meetings.
"""

from django.db import models
from django.db.models import Prefetch, QuerySet, Value, When
from django.http import Http404

from accounts.models import User
from cases.models import Case, ReferralPanelMeeting, Requirement, RequirementType, Sentence
from cases.selectors.people import cases_visible_to

# Roles that may record sentences, requirements, releases and panel meetings on a case they can see.
WRITER_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)


def can_record_sentencing(user: User) -> bool:
    """Responsible officers and managers record sentences on the cases they can see; other roles only read."""
    return bool(user.is_authenticated and user.is_active and user.role in WRITER_ROLES)


def with_details(sentences: QuerySet[Sentence]) -> QuerySet[Sentence]:
    return sentences.select_related("court_appearance__court").prefetch_related(
        Prefetch(
            "requirements",
            queryset=Requirement.objects.select_related("requirement_type").order_by("pk"),
        ),
        Prefetch(
            "panel_meetings",
            queryset=ReferralPanelMeeting.objects.select_related("recorded_by").order_by("meeting_date", "pk"),
        ),
    )


def sentences_visible_to(user: User) -> QuerySet[Sentence]:
    """Every sentence on a case the user may see."""
    return Sentence.objects.filter(case__in=cases_visible_to(user).values("pk"))


def sentences_for_case(user: User, case: Case) -> list[Sentence]:
    """The case's sentences, the current one first then newest first, with requirements and panel meetings.

    Three queries whatever the numbers (sentences with their court, requirements with types, meetings).
    """
    sentences = (
        sentences_visible_to(user)
        .filter(case=case)
        .annotate(
            current_first=models.Case(
                When(status=Sentence.Status.CURRENT, then=Value(0)),
                default=Value(1),
                output_field=models.IntegerField(),
            )
        )
        .order_by("current_first", "-sentence_date", "-pk")
    )
    return list(with_details(sentences))


def sentence_get_for_user(user: User, pk: int) -> Sentence:
    """One sentence on a case the user may see (with its case, person and provider), else Http404."""
    sentence = (
        with_details(sentences_visible_to(user))
        .select_related("case__person", "case__provider", "case__team", "case__responsible_officer")
        .filter(pk=pk)
        .first()
    )
    if sentence is None:
        raise Http404("Not found")
    return sentence


def current_sentence(case: Case) -> Sentence | None:
    """The case's current sentence, if it has one (at most one: a database constraint)."""
    return Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()


def requirement_types_active() -> QuerySet[RequirementType]:
    """Requirement types that can be added to an order now, by name."""
    return RequirementType.objects.filter(active=True).order_by("name")
