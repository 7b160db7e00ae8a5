"""Record, correct and import ISNCSCI exams: validate, classify, store raw exam and result, audit.

The classification is never typed in: it is always the output of ``spinescores.isncsci`` for the
stored exam, saved with the classifier version that produced it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openspine import audit
from openspine.audit.services import diff, snapshot
from openspine.core.locking import save_with_version
from openspine.sci.choices import ExamContext
from openspine.sci.models import IsncsciExam
from spinescores import isncsci
from spinescores.errors import ScoreInputError

# Fields a caller may set besides the exam itself.
EXAM_FIELDS = frozenset({"examined_on", "context", "examiner", "admission", "operation", "comments"})
_SIDES = {"right": ("R", gettext_lazy("Right")), "left": ("L", gettext_lazy("Left"))}
_SCORES = {
    "motor": ("motor", gettext_lazy("motor")),
    "lightTouch": ("light_touch", gettext_lazy("light touch")),
    "pinPrick": ("pin_prick", gettext_lazy("pin prick")),
}


def input_error(error: ScoreInputError) -> ValidationError:
    """Return a ValidationError keyed by worksheet column that names the side, level and value."""
    parts = error.item.split()
    column, label = "exam", error.item
    if len(parts) == 3 and parts[0] in _SIDES and parts[1] in _SCORES:
        prefix, side_label = _SIDES[parts[0]]
        suffix, score_label = _SCORES[parts[1]]
        column = f"{prefix}_{parts[2]}_{suffix}"
        label = f"{side_label} {parts[2].replace('_', '-')} {score_label}"
    elif len(parts) == 2 and parts[0] in _SIDES and parts[1] == "lowestNonKeyMuscleWithMotorFunction":
        prefix, side_label = _SIDES[parts[0]]
        column = f"{prefix}_lowest_non_key_muscle"
        label = _("%(side)s lowest non-key muscle") % {"side": side_label}
    elif error.item in ("vac", "dap"):
        column = label = error.item.upper()
    value = "" if error.value == "<missing>" else error.value
    message = _("%(item)s: “%(value)s” is not allowed; allowed values: %(allowed)s.") % {
        "item": label,
        "value": value,
        "allowed": error.allowed.replace("'", ""),
    }
    return ValidationError({column: message})


def classify_exam(exam: dict) -> tuple[dict, dict]:
    """Return the canonical exam and its classification; raise ValidationError on bad input."""
    try:
        result = isncsci.classify(exam)
    except ScoreInputError as error:
        raise input_error(error) from None
    canonical = isncsci.exam_from_row(isncsci.row_from_exam(exam))
    return canonical, result.to_dict()


def _total(value):
    return value if isinstance(value, int) else None


def _motor_total(totals: dict):
    right, left = totals["right"]["motor"], totals["left"]["motor"]
    return right + left if isinstance(right, int) and isinstance(left, int) else None


def _apply(record: IsncsciExam, exam: dict) -> None:
    """Classify ``exam`` and copy it, its result and the listing columns onto ``record``."""
    record.exam, record.result = classify_exam(exam)
    record.classifier_version = isncsci.VERSION
    totals = record.result["totals"]
    record.ais = record.result["ais"]
    record.neurological_level = record.result["neurologicalLevelOfInjury"]
    record.uems = _total(totals["uems"])
    record.lems = _total(totals["lems"])
    record.motor_total = _motor_total(totals)
    record.light_touch_total = _total(totals["lightTouch"])
    record.pin_prick_total = _total(totals["pinPrick"])


def _refuse_unknown(fields: dict) -> None:
    unknown = sorted(set(fields) - EXAM_FIELDS)
    if unknown:
        allowed = ", ".join(sorted(EXAM_FIELDS))
        raise ValidationError(
            {
                name: _("This field cannot be set here; allowed fields: %(allowed)s.") % {"allowed": allowed}
                for name in unknown
            }
        )


def build_exam(patient, exam: dict, *, examined_on, context, examiner, **fields) -> IsncsciExam:
    """Return the classified, unsaved exam that :func:`record_exam` validates and saves."""
    _refuse_unknown(fields)
    record = IsncsciExam(
        patient=patient, examined_on=examined_on, context=context, examiner=examiner, **fields
    )
    _apply(record, exam)
    return record


def record_exam(patient, exam: dict, *, actor, examined_on, context, examiner=None, **fields) -> IsncsciExam:
    """Classify and save a new exam of ``patient``; the examiner defaults to the actor."""
    record = build_exam(
        patient, exam, examined_on=examined_on, context=context, examiner=examiner or actor, **fields
    )
    record.full_clean(exclude=["patient", "examiner", "admission", "operation", "public_id"])
    with transaction.atomic():
        record.save()
        audit.record(actor, "sci.exam.recorded", record, after=snapshot(record))
    return record


def update_exam(record: IsncsciExam, exam: dict, *, actor, expected_version: int, **fields) -> IsncsciExam:
    """Correct an exam and reclassify it; refuse if someone saved it since ``expected_version``."""
    _refuse_unknown(fields)
    before = snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    _apply(record, exam)
    record.full_clean(exclude=["patient", "examiner", "admission", "operation", "public_id"])
    with transaction.atomic():
        save_with_version(record, expected_version)
        old, new = diff(before, snapshot(record))
        audit.record(actor, "sci.exam.updated", record, before=old, after=new)
    return record


def _row_date(row: dict) -> datetime.date:
    value = (row.get("examined_on") or "").strip()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        message = _("examined_on: “%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
        raise ValidationError({"examined_on": message}) from None


def _row_context(row: dict) -> str:
    value = (row.get("context") or "").strip()
    if value not in ExamContext.values:
        message = _("context: “%(value)s” is not allowed; allowed values: %(allowed)s.") % {
            "value": value,
            "allowed": ", ".join(ExamContext.values),
        }
        raise ValidationError({"context": message})
    return value


def _import_row(patient, row: dict, *, actor) -> IsncsciExam:
    try:
        exam = isncsci.exam_from_row(row)
    except ScoreInputError as error:
        raise input_error(error) from None
    return record_exam(
        patient,
        exam,
        actor=actor,
        examined_on=_row_date(row),
        context=_row_context(row),
        comments=(row.get("comments") or "").strip(),
    )


def import_exams(patient, rows, *, actor) -> list[IsncsciExam]:
    """Record every exam of worksheet rows, or none: each error names the row, the cell and the value.

    ``rows`` are mappings of column to cell as read from a CSV file (row 1 being the header), with the
    worksheet columns plus ``examined_on`` and ``context``; other columns are ignored.
    """
    errors, records = [], []
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            try:
                records.append(_import_row(patient, row, actor=actor))
            except ValidationError as error:
                for message in error.messages:
                    errors.append(_("Row %(row)s: %(message)s") % {"row": number, "message": message})
        if errors:
            raise ValidationError(errors)
        audit.record(actor, "sci.exam.imported", patient, after={"count": len(records)})
    return records
