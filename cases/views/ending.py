"""The "End this case" page: record the date a case ended and how (its termination outcome). Thin: parse, call
cases.services.case_end, render.

A case outside the user's scope is 404, as everywhere. Within scope, only the case's responsible officer or a
manager (or an administrator with a team) of the provider holding it may end it (cases.rules.can_end_case):
anyone else gets 403, as on the allocation and transfer pages. An ended case is refused plainly (status 400).
Bad input re-renders the form with the error summary, status 400, and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import rules, services
from cases.forms.ending import CaseEndForm
from cases.models import Case
from cases.selectors import case_get_for_user
from risk.forms import add_service_errors

BAD_REQUEST = 400


def _case_for_request(request, pk: int) -> Case:
    """The case if the user may see it (else 404), writing an access record for a person with access lists."""
    case = case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        services.access_record_write(person=case.person, user=request.user, path=request.path)
    return case


def _page_frame(case: Case) -> dict:
    person = case.person
    return {
        "case": case,
        "person": person,
        "back_url": reverse("cases:case", args=[case.pk]),
        "back_text": "Back to the case",
        "caption": f"{person.full_name}, CRN: {person.crn}",
    }


def ended_summary(case: Case) -> str:
    """ "Ended on 3 March 2026: Completed positively" (the case page and the refusal say the same)."""
    outcome = case.get_termination_outcome_display() or "how it ended was not recorded"
    return f"Ended on {case.end_date:%-d %B %Y}: {outcome}"


@require_http_methods(["GET", "POST"])
def case_end(request, pk: int):
    case = _case_for_request(request, pk)
    if not rules.can_end_case(request.user, case):
        raise PermissionDenied("Only the responsible officer or a manager of the provider holding the case can end it.")
    if case.status == Case.Status.ENDED:
        return render(
            request,
            "includes/refused_page.html",
            {
                **_page_frame(case),
                "title": "This case has already ended",
                "message": f"{ended_summary(case)}. An ended case cannot be ended again.",
                "links": [("Go back to the case", reverse("cases:case", args=[case.pk]))],
            },
            status=BAD_REQUEST,
        )
    form = CaseEndForm(request.POST if request.method == "POST" else None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = services.case_end(
                by=request.user, case=case, end_date=data["end_date"], outcome=data["outcome"], notes=data["notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case ended: {ended.get_termination_outcome_display().lower()}")
            return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/case_end.html",
        {
            **_page_frame(case),
            "form": form,
            "heading": "End this case",
            "button": "End case",
            "intro": "Record the date supervision ended and how. The case's open service-level clocks are "
            "cancelled and its officer assignment closes. An ended case cannot be reopened.",
        },
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


urlpatterns = [
    path("cases/<int:pk>/end/", case_end, name="case_end"),
]
