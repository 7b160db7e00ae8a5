"""isncsci modules of spinescores; each defines INSTRUMENT and one entry point.

The ISNCSCI classifier (2019 revision): :func:`classify` takes an exam in the interchange format
of the reference (section 2.5) and returns an :class:`IsncsciResult`; :mod:`.worksheet` reads and
writes the flat one-row-per-exam form, and ``python -m spinescores.isncsci classify`` classifies a
CSV file of exams.
"""

from spinescores.isncsci.classifier import INSTRUMENT, VERSION, classify, classify_exam
from spinescores.isncsci.exam import Exam, normal_exam, parse_exam
from spinescores.isncsci.result import ND, IsncsciResult, Pair, SideTotals, Totals
from spinescores.isncsci.worksheet import (
    COLUMNS,
    RESULT_COLUMNS,
    exam_from_row,
    row_from_exam,
    row_from_result,
)

__all__ = [
    "COLUMNS",
    "INSTRUMENT",
    "ND",
    "RESULT_COLUMNS",
    "VERSION",
    "Exam",
    "IsncsciResult",
    "Pair",
    "SideTotals",
    "Totals",
    "classify",
    "classify_exam",
    "exam_from_row",
    "normal_exam",
    "parse_exam",
    "row_from_exam",
    "row_from_result",
]
