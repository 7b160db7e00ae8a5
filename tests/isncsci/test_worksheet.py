"""The flat worksheet form and the command line (python -m spinescores.isncsci classify)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from spinescores.errors import ScoreInputError
from spinescores.isncsci import COLUMNS, RESULT_COLUMNS, classify, exam_from_row, normal_exam, row_from_result
from spinescores.isncsci.cli import ERROR_COLUMN, classify_file, main
from spinescores.isncsci.worksheet import row_from_exam
from tests.isncsci.builders import paraplegia, sensory

ROOT = Path(__file__).resolve().parents[2]


def test_worksheet_has_one_column_per_cell():
    assert len(COLUMNS) == len(set(COLUMNS)) == 136
    assert COLUMNS[0] == "R_C5_motor"
    assert "L_T4_pin_prick" in COLUMNS and "L_T4_light_touch" in COLUMNS
    assert "R_S4_5_light_touch" in COLUMNS and "R_lowest_non_key_muscle" in COLUMNS
    assert COLUMNS[-2:] == ("VAC", "DAP")
    assert "AIS" in RESULT_COLUMNS and "NLI" in RESULT_COLUMNS


def test_row_round_trip_gives_the_same_exam():
    exam = paraplegia("T9", dap="NT")
    exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = "L3"
    row = row_from_exam(exam)
    assert set(row) == set(COLUMNS)
    assert exam_from_row(row) == exam


def test_row_cells_are_stripped_and_empty_non_key_muscle_is_none():
    row = row_from_exam(normal_exam())
    row["R_C5_motor"] = " 4 "
    exam = exam_from_row(row)
    assert exam["right"]["motor"]["C5"] == "4"
    assert exam["right"]["lowestNonKeyMuscleWithMotorFunction"] is None


def test_missing_column_is_refused():
    row = row_from_exam(normal_exam())
    del row["L_S1_motor"]
    with pytest.raises(ScoreInputError, match="L_S1_motor"):
        exam_from_row(row)


def test_non_text_cell_is_refused():
    row = row_from_exam(normal_exam())
    row["VAC"] = 1
    with pytest.raises(ScoreInputError, match="VAC"):
        exam_from_row(row)


def test_empty_score_cell_is_refused_by_classify_naming_side_and_level():
    row = row_from_exam(normal_exam())
    row["L_T4_light_touch"] = ""
    with pytest.raises(ScoreInputError, match="left lightTouch T4: got ''"):
        classify(exam_from_row(row))


def test_row_from_result_joins_lists_and_writes_totals():
    exam = paraplegia("T9")
    sensory(exam, "T4-T6", "NT", sides=("right",))
    row = row_from_result(classify(exam))
    assert set(row) == set(RESULT_COLUMNS)
    assert row["R_sensory_level"] == "T3,T4,T5,T8"
    assert row["AIS"] == "A"
    assert row["R_light_touch"] == "ND"
    assert row["uems"] == "50"


def write_csv(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["exam_id", *COLUMNS])
        writer.writeheader()
        writer.writerows(rows)


def sample_rows():
    good = {"exam_id": "1", **row_from_exam(paraplegia("T9"))}
    bad = {"exam_id": "2", **row_from_exam(normal_exam())}
    bad["R_C6_motor"] = "5*"
    intact = {"exam_id": "3", **row_from_exam(normal_exam())}
    return [good, bad, intact]


def test_classify_file_streams_rows_and_reports_bad_ones():
    source = io.StringIO()
    writer = csv.DictWriter(source, ["exam_id", *COLUMNS])
    writer.writeheader()
    writer.writerows(sample_rows())
    source.seek(0)
    target = io.StringIO()
    assert classify_file(source, target) == (3, 1)
    target.seek(0)
    rows = list(csv.DictReader(target))
    assert [r["exam_id"] for r in rows] == ["1", "2", "3"]
    assert [r["AIS"] for r in rows] == ["A", "", "E"]
    assert rows[1][ERROR_COLUMN].startswith("right motor C6: got '5*'")
    assert rows[0][ERROR_COLUMN] == ""


def test_command_line_writes_results_and_exit_status(tmp_path, capsys):
    source, target = tmp_path / "exams.csv", tmp_path / "results.csv"
    write_csv(source, sample_rows())
    assert main(["classify", str(source), "-o", str(target)]) == 1
    assert "classified 2 of 3 exams; 1 with errors" in capsys.readouterr().err
    rows = list(csv.DictReader(target.open()))
    assert rows[2]["NLI"] == "INT"
    write_csv(source, sample_rows()[:1])
    assert main(["classify", str(source), "-o", str(target)]) == 0


def test_command_line_accepts_legacy_levels_with_a_warning(tmp_path):
    row = {"exam_id": "9", **row_from_exam(paraplegia("T9"))}
    row["L_lowest_non_key_muscle"] = "T5"
    source, target = tmp_path / "exams.csv", tmp_path / "results.csv"
    write_csv(source, [row])
    assert main(["classify", str(source), "-o", str(target)]) == 1
    assert main(["classify", str(source), "-o", str(target), "--legacy-non-key-muscle"]) == 0
    result = next(csv.DictReader(target.open()))
    assert result["AIS"] == "A" and "legacy level T5" in result[ERROR_COLUMN]


def test_command_line_reports_a_missing_file(tmp_path, capsys):
    assert main(["classify", str(tmp_path / "nope.csv")]) == 2
    assert "cannot open" in capsys.readouterr().err


def test_module_runs_with_standard_streams(tmp_path):
    source = tmp_path / "exams.csv"
    write_csv(source, sample_rows()[:1])
    done = subprocess.run([sys.executable, "-m", "spinescores.isncsci", "classify", "-"],
                          stdin=source.open(), capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows[0]["AIS"] == "A" and rows[0]["exam_id"] == "1"


def test_module_entry_point_runs_main(tmp_path, monkeypatch):
    import runpy

    source = tmp_path / "exams.csv"
    write_csv(source, sample_rows()[:1])
    monkeypatch.delitem(sys.modules, "spinescores.isncsci.__main__", raising=False)
    monkeypatch.setattr(sys, "argv", ["isncsci", "classify", str(source), "-o", str(tmp_path / "out.csv")])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("spinescores.isncsci", run_name="__main__")
    assert done.value.code == 0
