"""CSV exports that a spreadsheet opens safely: formula injection neutralised in every cell (T-58).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by
Excel, WPS and LibreOffice (``=HYPERLINK(...)`` in a patient's free-text answer is enough). Such a
cell gets a leading apostrophe, which spreadsheets show as text and do not evaluate (OWASP "CSV
injection"). Numbers are written as numbers, so a negative value stays ``-3``.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float | Decimal:
    """Return ``value`` ready for a CSV cell: numbers as they are, text defused if it looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(stream, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write ``header`` and ``rows`` to ``stream`` with every cell passed through :func:`safe_cell`."""
    writer = csv.writer(stream)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """Return the CSV text of ``header`` and ``rows`` (formula-safe)."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """Return a formula-safe CSV download; the BOM lets Excel read the Chinese text as UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    write_csv(response, header, rows)
    return response
