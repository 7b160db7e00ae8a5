"""The spinescores command line (spinescores.cli)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from spinescores import cli
from spinescores.prom import odi

ODI_ITEMS = odi.INSTRUMENT.item_ids


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def odi_csv(tmp_path):
    return write_csv(
        tmp_path / "in.csv",
        ["patient", *ODI_ITEMS, "visit"],
        [
            ["p1", *["2"] * 10, "baseline"],
            ["p2", "2", "2", "2", "2", "2", "2", "2", "na", "2", "2", "12m"],
            ["p3", "9", *["1"] * 9, "12m"],
            ["p4", *[""] * 10, "3m"],
            ["p5", "x", *["1"] * 9, "3m"],
        ],
    )


def test_cli_scores_each_row_and_passes_other_columns_through(odi_csv, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert cli.main(["score", "odi", str(odi_csv), "-o", str(out)]) == 0
    rows = read_csv(out)
    assert [r["patient"] for r in rows] == ["p1", "p2", "p3", "p4", "p5"]
    assert [r["visit"] for r in rows] == ["baseline", "12m", "12m", "3m", "3m"]
    assert rows[0]["odi_value"] == "40.0" and rows[0]["odi_interpretation"] == "moderate"
    assert rows[0]["odi_version"] == "odi@2.1a" and rows[0]["odi_error"] == ""
    assert rows[1]["odi_not_applicable_items"] == "sex_life" and rows[1]["odi_flags"] == "prorated"
    assert "5 rows scored with odi, 2 with errors" in capsys.readouterr().err


def test_cli_bad_row_gets_an_error_column_not_a_crash(odi_csv, tmp_path):
    out = tmp_path / "out.csv"
    cli.main(["score", "odi", str(odi_csv), "-o", str(out)])
    rows = read_csv(out)
    assert rows[2]["odi_error"] == "pain_intensity: got 9; allowed: 0, 1, 2, 3, 4, 5"
    assert rows[2]["odi_value"] == ""
    assert "pain_intensity: got 'x'" in rows[4]["odi_error"]
    assert rows[3]["odi_missing_items"].split(";") == list(ODI_ITEMS) and rows[3]["odi_error"] == ""


def test_cli_writes_to_stdout_by_default(odi_csv, capsys):
    cli.main(["score", "odi", str(odi_csv)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("patient,pain_intensity") and lines[0].endswith("odi_error")
    assert len(lines) == 6


def test_cli_reads_stdin(monkeypatch, capsys):
    data = ",".join(ODI_ITEMS) + "\n" + ",".join(["1"] * 10) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(data))
    cli.main(["score", "odi", "-"])
    assert "20.0,minimal" in capsys.readouterr().out


def test_cli_options_are_passed_to_score(tmp_path):
    path = write_csv(tmp_path / "in.csv", ODI_ITEMS, [["1"] * 8 + ["", ""]])
    out = tmp_path / "out.csv"
    cli.main(["score", "odi", str(path), "-o", str(out), "--option", "min_answered=8"])
    assert read_csv(out)[0]["odi_value"] == "20.0"


def test_cli_subscore_columns_and_half_points(tmp_path):
    header = [
        "fingers",
        "shoulder_elbow",
        "lower_extremity",
        "sensory_upper",
        "sensory_lower",
        "sensory_trunk",
        "bladder",
    ]
    path = write_csv(tmp_path / "in.csv", header, [["4", "-0.5", "2.5", "1.5", "2", "2", "3"]])
    out = tmp_path / "out.csv"
    cli.main(["score", "joa_cervical_1994", str(path), "-o", str(out)])
    row = read_csv(out)[0]
    assert row["joa_cervical_1994_value"] == "14.5" and row["joa_cervical_1994_motor"] == "6.0"


def test_cli_booleans_text_and_option_values(tmp_path):
    header = ["preop_status", "returned", "surgery_date", "return_date"]
    path = write_csv(
        tmp_path / "in.csv",
        header,
        [
            ["working", "yes", "2026-01-01", "2026-01-31"],
            ["working", "no", "2026-01-01", ""],
            ["working", "maybe", "2026-01-01", ""],
        ],
    )
    out = tmp_path / "out.csv"
    cli.main(["score", "rtw", str(path), "-o", str(out)])
    rows = read_csv(out)
    assert rows[0]["rtw_value"] == "30.0" and rows[1]["rtw_interpretation"] == "not_returned"
    assert "returned: got 'maybe'" in rows[2]["rtw_error"]


def test_cli_option_value_types(tmp_path):
    header = [f"ss{n}" for n in range(1, 8)] + [f"pf{n}" for n in range(1, 6)]
    path = write_csv(tmp_path / "in.csv", header, [["3"] * 6 + ["5"] + ["2"] * 5])
    out = tmp_path / "out.csv"
    assert cli.main(["score", "zcq", str(path), "-o", str(out), "--option", "post_treatment=false"]) == 0
    row = read_csv(out)[0]
    assert row["zcq_physical_function"] == "2.0" and row["zcq_missing_items"] == ""


def test_cli_value_set_is_passed_when_the_instrument_has_one(tmp_path):
    pytest.importorskip("spinescores.prom.eq5d5l")
    header = ["mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression"]
    path = write_csv(tmp_path / "in.csv", header, [["1", "1", "1", "1", "1"]])
    out = tmp_path / "out.csv"
    assert cli.main(["score", "eq5d5l", str(path), "-o", str(out), "--value-set", "cn"]) == 0
    assert float(read_csv(out)[0]["eq5d5l_value"]) == 1.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "nope", "in.csv"], "unknown instrument code"),
        (["score", "odi", "in.csv", "--value-set", "cn"], "no option 'value_set'"),
        (["score", "odi", "in.csv", "--option", "min_answered=3"], "min_answered: got 3"),
        (["score", "odi", "in.csv", "--option", "nonsense"], "NAME=VALUE"),
        (["score", "odi", "missing.csv"], "cannot open"),
    ],
)
def test_cli_usage_errors_exit_2_with_a_message(odi_csv, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(odi_csv.parent)
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_to_overwrite_an_existing_result_column(tmp_path, capsys):
    path = write_csv(tmp_path / "in.csv", [*ODI_ITEMS, "odi_value"], [["1"] * 10 + ["old"]])
    assert cli.main(["score", "odi", str(path), "-o", str(tmp_path / "o.csv")]) == 2
    assert "--prefix" in capsys.readouterr().err
    assert cli.main(["score", "odi", str(path), "-o", str(tmp_path / "o.csv"), "--prefix", "odi2"]) == 0
    row = read_csv(tmp_path / "o.csv")[0]
    assert row["odi_value"] == "old" and row["odi2_value"] == "20.0"


def test_cli_unwritable_output_is_a_usage_error(odi_csv, tmp_path, capsys):
    assert cli.main(["score", "odi", str(odi_csv), "-o", str(tmp_path / "no" / "dir.csv")]) == 2


def test_cli_unexpected_errors_of_a_module_go_to_the_error_column():
    def broken(responses):
        raise RuntimeError("boom")

    columns = cli.score_row(odi.INSTRUMENT, broken, {}, {}, "odi")
    assert columns["odi_error"] == "unexpected RuntimeError: boom"


def test_cli_works_for_classification_codes(tmp_path):
    import spinescores

    code = next(i.code for i in spinescores.catalog() if i.kind == "classification")
    module = spinescores.get(code)
    path = write_csv(tmp_path / "in.csv", ["x"], [["1"]])
    out = tmp_path / "out.csv"
    assert cli.main(["score", code, str(path), "-o", str(out)]) == 0
    row = read_csv(out)[0]
    assert row["x"] == "1" and (row[f"{code}_error"] or row[f"{code}_version"] == module.INSTRUMENT.version)


def test_cli_progress_goes_to_stderr_only_on_a_terminal(odi_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    cli.main(["score", "odi", str(odi_csv), "-o", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert "\r2 rows" in err and "\r5 rows" in err


def test_cli_no_progress_when_stderr_is_not_a_terminal(odi_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "PROGRESS_EVERY", 2)
    cli.main(["score", "odi", str(odi_csv), "-o", str(tmp_path / "o.csv")])
    assert "\r" not in capsys.readouterr().err


def test_cli_list_prints_the_catalogue(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "odi" in out and "odi@2.1a" in out and "mjoa@Benzel1991" in out


@pytest.mark.parametrize(
    ("text", "value"), [("1", 1), ("0.5", 0.5), ("-1", -1), ("true", True), ("cn", "cn")]
)
def test_cli_option_values_are_typed(text, value):
    assert cli._option_value(text) == value


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "spinescores", "list"], capture_output=True, text=True, check=True
    )
    assert "nrs_back" in done.stdout


def test_cli_decimal_written_choice_values_are_read_as_numbers(tmp_path):
    path = write_csv(tmp_path / "in.csv", ODI_ITEMS, [["2.0"] + ["1"] * 9])
    out = tmp_path / "out.csv"
    cli.main(["score", "odi", str(path), "-o", str(out)])
    assert read_csv(out)[0]["odi_value"] == "22.0"


def test_cli_probe_ignores_errors_that_are_not_about_options():
    def fussy(responses, *, flavour="x"):
        raise RuntimeError("needs a full row")

    cli._probe(fussy, {"flavour": "y"})  # no UsageError: the rows will report their own errors


def test_python_dash_m_entry_point_in_process(monkeypatch, capsys):
    import runpy

    monkeypatch.setattr(sys, "argv", ["spinescores", "list"])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("spinescores", run_name="__main__")
    assert done.value.code == 0 and "odi" in capsys.readouterr().out


def test_cli_number_items_are_parsed_as_numbers():
    item = next(i for i in spinescores_get("joabpeq").INSTRUMENT.items if i.id == "vas_leg_pain")
    assert cli.parse_cell(item, "7.5") == 7.5
    assert cli.parse_cell(item, "seven") == "seven"


def spinescores_get(code):
    import spinescores

    return spinescores.get(code)


def test_cli_cells_are_trimmed_and_blank_cells_are_missing(tmp_path):
    path = write_csv(tmp_path / "in.csv", ODI_ITEMS, [[" 2 ", "   "] + ["2"] * 8])
    out = tmp_path / "out.csv"
    cli.main(["score", "odi", str(path), "-o", str(out)])
    row = read_csv(out)[0]
    assert row["odi_value"] == "40.0" and row["odi_missing_items"] == "personal_care"
