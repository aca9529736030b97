"""The PDF report: HTML templates rendered by WeasyPrint, with the charts as SVG images."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from ..document import Document
from .charts import data_uri, render_svg


def _embedded_only_fetcher():
    """Everything the report shows is in its HTML (charts are data: URIs): never fetch from a
    network or read a file because some text in the data looks like an address."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint 68 and later
    except ImportError:  # pragma: no cover - older WeasyPrint takes a function
        from weasyprint.urls import default_url_fetcher

        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"The report loads nothing from {url!r}.")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def css_string(text: str) -> str:
    """A CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = "".join(
        f"\\{ord(character):x} " if character in '"\\\n\r' else character for character in str(text)
    )
    return f'"{escaped}"'


def render_pdf(document: Document, target: Path) -> None:
    from weasyprint import CSS, HTML  # heavy import: only in the processes that render

    with translation.override(document.language):
        for section in document.sections:
            for chart in section.charts:
                chart.uri = data_uri(render_svg(chart))
        context = {
            "doc": document,
            "running_title": css_string(document.subtitle),
            "page_word": css_string(_("Page")),
        }
        html = render_to_string("reporting/pdf/report.html", context)
        css = render_to_string("reporting/pdf/report.css", context)
    fetcher = _embedded_only_fetcher()
    HTML(string=html, url_fetcher=fetcher).write_pdf(
        target, stylesheets=[CSS(string=css, url_fetcher=fetcher)]
    )
