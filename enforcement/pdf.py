"""Court documents as PDF (breach packs, recall documents), rendered by WeasyPrint from a Django template.

WeasyPrint needs Pango from Debian (libpango-1.0-0 and libpangoft2-1.0-0); `pdf_available` says whether it can run
here, so a page can say plainly that the PDF is not available on a machine without it instead of failing with a 500.
The documents use the templates in templates/enforcement/documents/, laid out as court documents: A4, a running
header with the case reference and page numbers ("Page 2 of 5") at the foot of every page.
"""

from functools import cache

from django.template.loader import render_to_string


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the Pango library it needs is missing on this machine."""


@cache
def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401  (importing loads Pango)
    except (ImportError, OSError):
        return False
    return True


def render_pdf(template: str, context: dict, *, title: str) -> bytes:
    """The template rendered to PDF bytes. Raises PdfUnavailable when WeasyPrint cannot run here."""
    if not pdf_available():
        raise PdfUnavailable("PDF documents need WeasyPrint and Debian's Pango (apt-get install libpango-1.0-0).")
    import weasyprint

    html = render_to_string(template, {**context, "document_title": title})
    return weasyprint.HTML(string=html).write_pdf()
