"""The case's Oversight tab: its management oversight notes, newest first (allocations of high risk of serious harm
cases, recall decisions, case reviews, quality audits), and for a manager of the case's provider a form to add a
case review (shared/DOMAIN.md sections 6 and 8).

Thin: parse, call a selector or service, render. The case is found through the scoped selector, so a case outside
the user's scope is "not found" (404); opening a person with an exclusion or restriction list writes an access
record. Anyone who may see the case reads the notes; someone who may not record oversight gets no form, and a post
from them is refused (400) changing nothing. Bad input re-renders the page with the error summary, status 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors, services
from cases.forms.oversight import OversightNoteForm, add_service_errors
from cases.models import ManagementOversightNote
from cases.selectors.oversight import oversight_notes_for_case
from cases.services.oversight import can_record_oversight, oversight_note_add
from cases.views.people import _page

BAD_REQUEST = 400
NOT_A_MANAGER = "Only a manager of the provider holding this case can record management oversight."


def _oversight_url(case) -> str:
    return reverse("cases:case_oversight", args=[case.pk])


@require_http_methods(["GET", "POST"])
def case_oversight(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    if case.has_access_limits:
        services.access_record_write(person=case.person, user=request.user, path=request.path)
    may_record = can_record_oversight(request.user, case)
    if request.method == "POST" and not may_record:
        return render(
            request,
            "includes/refused_page.html",
            {
                "case": case,
                "person": case.person,
                "caption": f"{case.person.full_name} ({case.person.crn}), case {case.pk}",
                "back_url": _oversight_url(case),
                "back_text": "Back to oversight",
                "title": "You cannot record management oversight",
                "message": NOT_A_MANAGER,
                "links": [("Go back to the case's oversight", _oversight_url(case))],
            },
            status=BAD_REQUEST,
        )
    form = None
    if may_record:
        form = OversightNoteForm(
            request.POST if request.method == "POST" else None, initial={"recorded_on": timezone.localdate()}
        )
    if request.method == "POST" and form.is_valid():
        try:
            oversight_note_add(
                by=request.user,
                case=case,
                note=form.cleaned_data["note"],
                kind=ManagementOversightNote.Kind.CASE_REVIEW,
                on=form.cleaned_data["recorded_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Management oversight note added.")
            return redirect(_oversight_url(case))
    return render(
        request,
        "cases/oversight.html",
        {
            "case": case,
            "person": case.person,
            "tab": "oversight",
            "page_obj": _page(request, oversight_notes_for_case(request.user, case)),
            "form": form,
        },
        status=BAD_REQUEST if form is not None and form.is_bound and form.errors else 200,
    )


urlpatterns = [
    path("cases/<int:pk>/oversight/", case_oversight, name="case_oversight"),
]
