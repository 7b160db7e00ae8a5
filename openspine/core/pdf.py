"""Render HTML to PDF with WeasyPrint: offline, with a CJK font stack, for reports and certificates.

The PDF is built from the same HTML and SVG as the screen (issue 10, "Charts and reports with real
libraries"). Rendering never touches the network: the URL fetcher refuses ``http``/``https`` and
``file`` URLs and serves only ``data:`` URIs and the project's own static files (looked up through
the staticfiles finders, so it works before and after ``collectstatic``). Chinese needs the Noto CJK
fonts on the machine (``fonts-noto-cjk``; ``.ci/run`` installs them); :func:`embedded_fonts` lets a
test prove the glyphs were embedded rather than silently replaced by empty boxes.
"""

import logging
import mimetypes
import re
import zlib
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

# Relative URLs in the HTML ("/static/...") resolve against this origin; it is never contacted.
LOCAL_BASE_URL = "https://openspine.invalid/"

# Sans for running text and tables, serif kept for headings that want it; Latin falls back to the
# Noto/DejaVu faces that ship with the same packages.
CJK_SANS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans", "DejaVu Sans", sans-serif'
CJK_SERIF = '"Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Noto Serif", "DejaVu Serif", serif'

BASE_PRINT_CSS = f"""
@page {{
  size: A4;
  margin: 18mm 16mm 20mm 16mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }}
}}
html {{ font-family: {CJK_SANS}; font-size: 10pt; line-height: 1.45; color: #111; }}
h1, h2, h3 {{ font-family: {CJK_SERIF}; line-height: 1.25; break-after: avoid; }}
h1 {{ font-size: 18pt; margin: 0 0 6mm; }}
h2 {{ font-size: 13pt; margin: 7mm 0 2mm; }}
h3 {{ font-size: 11pt; margin: 5mm 0 2mm; }}
table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 8.5pt; }}
th, td {{ border: 0.5pt solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
tr {{ break-inside: avoid; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
svg, img {{ max-width: 100%; height: auto; }}
figure {{ margin: 2mm 0 4mm; break-inside: avoid; }}
.muted {{ color: #555; }}
"""


def _weasyprint():
    """Import WeasyPrint lazily: it loads pango through ffi, which pages that never print need not pay for."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    return weasyprint, URLFetcher, URLFetcherResponse


def _static_path(path: str) -> str | None:
    """Return the local file serving ``path`` under STATIC_URL, or None."""
    prefix = urlsplit(settings.STATIC_URL).path or "/static/"
    if not path.startswith(prefix):
        return None
    relative = unquote(path[len(prefix):])
    if not relative or ".." in relative.split("/"):
        return None
    found = finders.find(relative)
    if found:
        return found
    candidate = settings.STATIC_ROOT / relative if settings.STATIC_ROOT else None
    return str(candidate) if candidate and candidate.is_file() else None


def offline_fetcher():
    """Return a WeasyPrint URL fetcher that serves data: URIs and static files and refuses the network."""
    _, URLFetcher, URLFetcherResponse = _weasyprint()

    class OfflineFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme in ("http", "https"):
                parts = urlsplit(url)
                local = _static_path(parts.path) if f"{scheme}://{parts.netloc}/" == LOCAL_BASE_URL else None
                if local:
                    with open(local, "rb") as handle:
                        body = handle.read()
                    mime = mimetypes.guess_type(local)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": mime})
            logger.warning("PDF rendering refused to fetch a %s URL", scheme)
            raise ValueError(f"PDF rendering fetches no external resource ({scheme} URL refused)")

    return OfflineFetcher()


def render_pdf(html: str, *, base_url: str | None = None, stylesheets: list[str] | None = None) -> bytes:
    """Render ``html`` to PDF bytes with the base print stylesheet, fetching nothing from the network.

    ``base_url`` resolves relative links (default: the local static origin, so ``/static/...`` works);
    ``stylesheets`` are extra CSS strings applied after :data:`BASE_PRINT_CSS`.
    """
    weasyprint, _, _ = _weasyprint()
    fetcher = offline_fetcher()
    css = [BASE_PRINT_CSS, *(stylesheets or [])]
    sheets = [weasyprint.CSS(string=sheet, url_fetcher=fetcher) for sheet in css]
    document = weasyprint.HTML(string=html, base_url=base_url or LOCAL_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets)


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")


def embedded_fonts(pdf: bytes) -> set[str]:
    """Return the /BaseFont names in ``pdf``, looking inside compressed object streams too.

    Subset prefixes (``ABCDEF+``) are stripped, so a test can check for ``Noto-Sans-CJK-SC``.
    """
    chunks = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    names = {name.decode("latin-1") for chunk in chunks for name in _BASE_FONT.findall(chunk)}
    return {name.split("+", 1)[-1] for name in names}
