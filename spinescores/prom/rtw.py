"""Return to work: pre-operative employment and the date work was resumed (proms.md §14)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from spinescores.base import Instrument, Item, Reference, Result, frozen_mapping, require_mapping
from spinescores.errors import ScoreInputError
from spinescores.prom._common import choice_item, collect, labelled_options

__all__ = ["EMPLOYED", "INSTRUMENT", "RtwResult", "score"]

# QOD counts time to return to work among patients employed before surgery [V, Asher 2017].
EMPLOYED = ("working", "sick_leave")

_DATE_ITEMS = ("surgery_date", "return_date")

INSTRUMENT = Instrument(
    code="rtw",
    name="Return to work",
    name_zh="重返工作",
    version="rtw@qod",
    kind="prom",
    items=(
        choice_item("preop_status", "Employment status before surgery", "术前就业状况", labelled_options((
            ("working", "working", "在职工作"),
            ("sick_leave", "employed but on sick leave", "在职但病休"),
            ("not_employed", "not employed", "无工作"),
            ("retired", "retired", "退休"),
            ("student", "student", "学生"),
        ))),
        Item("returned", "Returned to work since surgery", "术后是否已重返工作", kind="boolean"),
        Item("surgery_date", "Date of surgery (YYYY-MM-DD)", "手术日期（年-月-日）", kind="text"),
        Item("return_date", "Date work was resumed (YYYY-MM-DD)", "重返工作日期（年-月-日）", kind="text",
             required=False),
    ),
    references=(Reference("Asher AL", 2017, "J Neurosurg Spine", "Return to work (QOD)"),),
    score_range=None,
    direction=None,
    licence="Public: registry questions written by us.",
    confidence="V",
    notes="Store the return date, not only a flag. value = days from surgery to return to work.",
)


@dataclass(frozen=True)
class RtwResult(Result):
    """Days from surgery to return to work among patients employed before surgery."""

    surgery_date: dt.date | None = None
    return_date: dt.date | None = None


def score(responses: Any) -> RtwResult:
    """Derive return to work from the follow-up answers.

    Patients employed before surgery (``working`` or ``sick_leave``) are eligible. For them
    ``value`` is the number of days from ``surgery_date`` to ``return_date`` when ``returned`` is
    true, as in the QOD definition of time to return to work. Dates are ``datetime.date`` or ISO
    strings ``YYYY-MM-DD``.

    Missing answers: ``preop_status`` and ``returned`` are required; an eligible patient who
    returned needs both dates. A missing required answer gives ``value=None`` with the item in
    ``missing_items``. A return date before surgery, or a return date while ``returned`` is
    false, raises ``ScoreInputError``.

    Parameters
    ----------
    responses : Mapping[str, Any]
        ``preop_status`` (working, sick_leave, not_employed, retired, student), ``returned``
        (bool), ``surgery_date``, ``return_date``.

    Returns
    -------
    RtwResult
        ``interpretation`` ``returned``, ``not_returned`` or ``not_applicable`` (not employed
        before surgery); ``value`` days to return (or ``None``).

    Examples
    --------
    >>> score({"preop_status": "working", "returned": True,
    ...        "surgery_date": "2026-01-05", "return_date": "2026-03-02"}).value
    56.0

    References
    ----------
    Asher AL et al. J Neurosurg Spine 2017;27:370–381.
    """
    responses = dict(require_mapping(responses))
    dates = {item: _as_date(item, responses.get(item)) for item in _DATE_ITEMS}
    for item, date in dates.items():
        if date is not None:
            responses[item] = date.isoformat()
    collected = collect(INSTRUMENT, responses)
    answers = collected.answers
    common = {"code": INSTRUMENT.code, "version": INSTRUMENT.version, **dates}
    if answers.get("returned") is False and dates["return_date"] is not None:
        raise ScoreInputError("return_date", responses["return_date"], "no date when returned is False")
    status = answers.get("preop_status")
    if status is not None and status not in EMPLOYED:
        details = frozen_mapping({"preop_status": status})
        return RtwResult(interpretation="not_applicable", details=details, **common)
    needed = ["preop_status", "returned"]
    if answers.get("returned"):
        needed += list(_DATE_ITEMS)
    missing = tuple(item for item in needed if item not in answers)
    if missing:
        return RtwResult(missing_items=missing, **common)
    if not answers["returned"]:
        return RtwResult(interpretation="not_returned", **common)
    days = (dates["return_date"] - dates["surgery_date"]).days
    if days < 0:
        raise ScoreInputError("return_date", responses["return_date"], "a date on or after surgery_date")
    return RtwResult(value=float(days), interpretation="returned", **common)


def _as_date(item: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ScoreInputError(item, value, "a date (datetime.date or 'YYYY-MM-DD')")
