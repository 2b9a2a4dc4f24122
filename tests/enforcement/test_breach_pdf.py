"""The breach pack as a PDF court document (WeasyPrint): what it says, for staff and for the court user it was sent
to, and what happens on a machine that cannot make PDFs (503 with a plain message; the pack's page says so).

PDF tests need WeasyPrint and Debian's Pango: on a developer's machine without them they are skipped, in CI they
fail (conftest.service_required). Today is Wednesday 25 November 2026, 10:00 London; the NPS breach is made as the
product makes it (tests/enforcement/breach_setup.py): a failure on 2 November given a first warning on 3 November,
then a failure on Monday 23 November decided as breach action today.
"""

import html as html_lib
import io

import pypdf
import pytest
from django.urls import reverse

from conftest import service_required
from enforcement.pdf import pdf_available
from enforcement.services import breach as services
from tests.enforcement import breach_setup
from tests.enforcement.breach_setup import PROPOSAL, STATEMENT, advance, breach_for, refreshed, state

frozen = breach_setup.frozen
breaching = breach_setup.breaching

pytestmark = pytest.mark.django_db

NO_PDF = (
    "PDF documents need WeasyPrint and Debian's Pango (apt-get install libpango-1.0-0). Open the pack's page instead."
)


def _needs_pdf() -> None:
    service_required(pdf_available(), "WeasyPrint and Debian's Pango are needed for PDFs")


def _text(response) -> str:
    """The PDF's text, every page, with runs of white space made single spaces (lines wrap where the page ends)."""
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _pages(response) -> int:
    return len(pypdf.PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def at_court(breaching):
    """The NPS breach sent to Stockport Magistrates' Court, signed off by Maya Mensah: its version 1."""
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")
    return services.current_pack(breach)


def _pdf_url(pack) -> str:
    return reverse("enforcement:breach_pack_pdf", args=[pack.pk])


def _court_pdf_url(pack) -> str:
    return reverse("enforcement:court_pack_pdf", args=[pack.pk])


def test_the_pack_as_a_pdf(breaching, at_court, client_for):
    _needs_pdf()

    response = client_for(breaching.org.officer).get(_pdf_url(at_court))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="breach-pack-{at_court.breach_id}-v1.pdf"'
    text = _text(response)
    assert "Breach of community order" in text
    assert "To Stockport Magistrates' Court. Casey Order, CRN X123456." in text
    assert "Casey Order" in text and "X123456" in text and "17 May 1990" in text
    assert "Community order of 12 months, made on 2 March 2026 at Stockport Magistrates' Court" in text
    # Each failure: its date and outcome, oldest first.
    first, second = text.index("2 November 2026 Unacceptable absence"), text.index("23 November 2026 Unacceptable")
    assert first < second
    assert "Breach action on 25 November 2026 by Olivia Okafor No explanation given for the absence." in text
    # The warning given.
    assert "First warning letter issued on 3 November 2026 by Olivia Okafor" in text
    # The officer's words.
    assert STATEMENT in text
    assert PROPOSAL in text
    # Who prepared and signed it off.
    assert "Prepared by Olivia Okafor on 25 November 2026." in text
    assert "Signed off by Maya Mensah, manager, on 25 November 2026." in text
    assert "Version 1, assembled from the case record on 25 November 2026." in text
    # The running header and the page numbers on every page.
    assert "Breach pack – Casey Order" in text
    assert f"X123456 · breach {at_court.breach_id} · version 1" in text
    pages = _pages(response)
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text
    assert "Page 1 of" in text


def test_the_court_users_pdf_says_the_same(breaching, at_court, client_for):
    _needs_pdf()
    staff = client_for(breaching.org.manager).get(_pdf_url(at_court))

    response = client_for(breaching.court_user).get(_court_pdf_url(at_court))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _text(response) == _text(staff)
    assert "Casey Order" in _text(response) and "Maya Mensah" in _text(response) and "Page 1 of" in _text(response)


def test_a_replaced_version_says_so_in_its_pdf(breaching, at_court, client_for):
    _needs_pdf()
    breach = refreshed(at_court.breach)
    services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason="The appointments offered.")
    advance(refreshed(breach), "sent_to_court")

    first = _text(client_for(breaching.court_user).get(_court_pdf_url(at_court)))
    second = _text(client_for(breaching.court_user).get(_court_pdf_url(services.current_pack(breach))))

    assert "This version was replaced by a later one on 25 November 2026." in first
    assert "replaced by a later one" not in second
    assert f"breach {breach.pk} · version 2" in second


def test_a_pdf_of_a_long_record_runs_over_pages(breaching, client_for):
    _needs_pdf()
    breach = breach_for(breaching.nps_case)
    long_statement = "\n".join(f"Paragraph {number}: " + "He did not attend. " * 20 for number in range(1, 25))
    breach_setup.prepare(breach, statement=long_statement)
    pack = services.breach_submit(by=breaching.org.officer, breach=breach)

    response = client_for(breaching.org.officer).get(_pdf_url(pack))

    assert response.status_code == 200
    pages = _pages(response)
    assert pages > 1
    text = _text(response)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Paragraph 24:" in text
    assert "Not signed off yet." in text


def test_the_pack_page_links_to_the_pdf(breaching, at_court, client_for):
    _needs_pdf()

    staff = html_lib.unescape(
        client_for(breaching.org.officer).get(reverse("enforcement:breach_pack", args=[at_court.pk])).content.decode()
    )
    court = html_lib.unescape(
        client_for(breaching.court_user).get(reverse("enforcement:court_pack", args=[at_court.pk])).content.decode()
    )

    assert f'href="{_pdf_url(at_court)}" data-testid="pack-pdf-link"' in staff
    assert "A PDF cannot be made on this machine." not in staff
    assert f'href="{_court_pdf_url(at_court)}" data-testid="court-pack-pdf"' in court


# Out of scope: the PDF address is not found ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_provider_officer", "other_team_officer", "court_user"])
def test_the_staff_pdf_is_not_found_outside_the_scope(breaching, at_court, client_for, who):
    user = breaching.court_user if who == "court_user" else getattr(breaching.org, who)

    assert client_for(user).get(_pdf_url(at_court)).status_code == 404


def test_the_court_pdf_is_not_found_for_another_court(breaching, at_court, client_for):
    assert client_for(breaching.other_court_user).get(_court_pdf_url(at_court)).status_code == 404


def test_the_court_pdf_of_a_version_not_sent_is_not_found(breaching, client_for):
    pack = services.current_pack(advance(breach_for(breaching.nps_case), "signed_off"))

    assert client_for(breaching.court_user).get(_court_pdf_url(pack)).status_code == 404


# A machine that cannot make PDFs ------------------------------------------------------------------------------------


@pytest.fixture
def no_pdf(monkeypatch):
    """WeasyPrint cannot run here: render_pdf refuses and the pages know it."""
    monkeypatch.setattr("enforcement.pdf.pdf_available", lambda: False)
    monkeypatch.setattr("enforcement.views.breach.pdf_available", lambda: False)
    monkeypatch.setattr("enforcement.views.court_portal.pdf_available", lambda: False)


@pytest.mark.parametrize("who", ["staff", "court"])
def test_without_pdfs_the_pdf_address_answers_503_plainly(breaching, at_court, client_for, no_pdf, who):
    before = state()
    if who == "staff":
        response = client_for(breaching.org.officer).get(_pdf_url(at_court))
    else:
        response = client_for(breaching.court_user).get(_court_pdf_url(at_court))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert not response.content.startswith(b"%PDF")
    body = response.content.decode()
    assert "<title>PDF not available</title>" in body
    assert f"<p>{NO_PDF}</p>" in body
    assert state() == before


def test_without_pdfs_the_pack_page_says_a_pdf_cannot_be_made(breaching, at_court, client_for, no_pdf):
    staff = html_lib.unescape(
        client_for(breaching.org.officer).get(reverse("enforcement:breach_pack", args=[at_court.pk])).content.decode()
    )
    court = html_lib.unescape(
        client_for(breaching.court_user).get(reverse("enforcement:court_pack", args=[at_court.pk])).content.decode()
    )

    assert "A PDF cannot be made on this machine." in staff
    assert 'data-testid="pack-pdf-link"' not in staff
    assert STATEMENT in staff  # the page still has everything the PDF would
    assert 'data-testid="court-pack-pdf"' not in court
    assert STATEMENT in court


def test_without_pdfs_out_of_scope_is_still_not_found(breaching, at_court, client_for, no_pdf):
    assert client_for(breaching.org.other_provider_officer).get(_pdf_url(at_court)).status_code == 404
    assert client_for(breaching.other_court_user).get(_court_pdf_url(at_court)).status_code == 404


def test_render_pdf_refuses_when_weasyprint_cannot_run(monkeypatch):
    from enforcement import pdf

    monkeypatch.setattr(pdf, "pdf_available", lambda: False)

    with pytest.raises(pdf.PdfUnavailable, match="WeasyPrint and Debian's Pango"):
        pdf.render_pdf("enforcement/documents/breach_pack.html", {}, title="A pack")
