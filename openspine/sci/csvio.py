"""The patient's exams as one CSV: metadata, the flat worksheet columns, the stored classification.

Researchers read it with the same column names as ``python -m spinescores.isncsci classify``.
"""

import csv

from spinescores.isncsci import COLUMNS, RESULT_COLUMNS, row_from_exam

META_COLUMNS = ("exam_id", "examined_on", "context", "classifier_version")


def result_row(result: dict) -> dict[str, str]:
    """Return the worksheet result columns of a stored classification (lists joined by commas)."""

    def joined(items) -> str:
        return ",".join(items)

    zpp, totals = result["zpp"], result["totals"]
    row = {
        "R_sensory_level": joined(result["sensoryLevel"]["right"]),
        "L_sensory_level": joined(result["sensoryLevel"]["left"]),
        "R_motor_level": joined(result["motorLevel"]["right"]),
        "L_motor_level": joined(result["motorLevel"]["left"]),
        "NLI": joined(result["neurologicalLevelOfInjury"]),
        "injury_complete": joined(result["injuryComplete"]),
        "AIS": joined(result["ais"]),
        "R_sensory_zpp": joined(zpp["sensory"]["right"]),
        "L_sensory_zpp": joined(zpp["sensory"]["left"]),
        "R_motor_zpp": joined(zpp["motor"]["right"]),
        "L_motor_zpp": joined(zpp["motor"]["left"]),
    }
    keys = {
        "uems": "uems",
        "lems": "lems",
        "motor": "motor",
        "light_touch": "lightTouch",
        "pin_prick": "pinPrick",
    }
    for prefix, side in (("R", "right"), ("L", "left")):
        for column, key in keys.items():
            row[f"{prefix}_{column}"] = str(totals[side][key])
    for column in ("uems", "lems", "light_touch", "pin_prick"):
        row[column] = str(totals[keys[column]])
    return row


def write_exams(stream, exams) -> int:
    """Write the header and one row per exam to ``stream``; return the number of exams."""
    writer = csv.writer(stream)
    writer.writerow([*META_COLUMNS, *COLUMNS, *RESULT_COLUMNS])
    count = 0
    for exam in exams:
        cells, result = row_from_exam(exam.exam), result_row(exam.result)
        meta = [str(exam.public_id), exam.examined_on.isoformat(), exam.context, exam.classifier_version]
        writer.writerow([*meta, *(cells[c] for c in COLUMNS), *(result[c] for c in RESULT_COLUMNS)])
        count += 1
    return count
