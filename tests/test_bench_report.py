"""The scale benchmark's report: percentiles, ratios to /health/, verdicts and merging blocks by label."""

import math

import pytest

from bench import report
from bench.report import Row


def test_percentile_is_nearest_rank():
    values = list(range(1, 21))  # 1..20
    assert report.percentile(values, 95) == 19
    assert report.percentile(values, 50) == 10
    assert report.percentile(values, 100) == 20
    assert report.percentile([7.5], 95) == 7.5
    assert report.percentile(reversed(values), 95) == 19  # order of the samples does not matter


def test_percentile_of_nothing_is_nan_and_q_is_checked():
    assert math.isnan(report.percentile([], 95))
    with pytest.raises(ValueError, match="q must be in"):
        report.percentile([1], 0)


def test_ratio_and_verdict_against_five_times_health():
    assert report.ratio(10.0, 2.0) == 5.0
    assert report.verdict(5.0) == "PASS"
    assert report.verdict(5.01) == "FAIL"
    assert report.verdict(1.0, errors=1) == "FAIL"  # a wrong status is never a pass
    assert math.isnan(report.ratio(10.0, 0.0))
    assert report.verdict(report.ratio(10.0, math.nan)) == "FAIL"


def test_row_uses_its_own_interleaved_health_samples():
    row = Row("worklist", samples=tuple(range(1, 21)), health=(1.0,) * 19 + (4.0,))
    assert row.p95 == 19 and row.health_p95 == 1.0
    assert row.ratio == 19.0 and row.verdict == "FAIL"


def test_rows_table_shows_ms_ratio_and_verdict():
    rows = [
        Row("/health/", (2.0, 2.0), (2.0, 2.0)),
        Row("follow-up dashboard", (120.0, 1500.0), (3.0, 3.0), errors=2, first=2500.0),
    ]
    table = report.format_rows(rows).splitlines()
    assert table[2] == "| /health/ | 2 | – | 2.0 | 2.0 | 2.0 | 1.0x | PASS |"
    assert table[3] == "| follow-up dashboard | 2 | 2,500 | 120 | 1,500 | 3.0 | 500.0x | FAIL (2 errors) |"


def test_writes_table_gives_writes_per_second():
    table = report.format_writes({8: (1420, 10.0), 1: (560, 10.0)}).splitlines()
    assert table[2] == "| 1 | 560 | 10.0 | 56 |"
    assert table[3] == "| 8 | 1,420 | 10.0 | 142 |"


def test_section_counts_passes_and_lists_the_facts():
    rows = [Row("a", (1.0,), (1.0,)), Row("b", (9.0,), (1.0,))]
    section = report.format_section("After", {"Machine": "2 cores"}, rows, {1: (10, 1.0)})
    assert section.startswith("## Scale: After\n\n- Machine: 2 cores\n")
    assert "1 of 2 targets within 5x" in section


def test_merge_replaces_only_the_block_of_its_label():
    document = report.merge_section("", "scale Before", "## Scale: Before\n\nold")
    document = report.merge_section(document, "scale After", "## Scale: After\n\nfirst")
    document = report.merge_section(document, "scale Before", "## Scale: Before\n\nnew")
    assert document.startswith(report.HEADER)
    assert report.labels(document) == ["scale Before", "scale After"]
    assert "new" in document and "old" not in document and "first" in document
    assert report.merge_section(document, "scale Before", "## Scale: Before\n\nnew") == document


def test_merge_refuses_a_label_that_could_break_the_markers():
    with pytest.raises(ValueError, match="label"):
        report.merge_section("", "a -->", "body")


def test_a_file_written_before_the_markers_becomes_the_micro_block():
    legacy = "# Benchmarks\n\nMeasured 2026-11-27 on: AMD EPYC.\n\n## ISNCSCI\n\n| a |\n"
    adopted = report.adopt_legacy(legacy)
    assert report.labels(adopted) == ["micro"]
    assert adopted.count("# Benchmarks") == 1
    assert "Measured 2026-11-27 on: AMD EPYC." in adopted and "## ISNCSCI" in adopted
    assert report.adopt_legacy(adopted) == adopted


def test_the_header_is_rewritten_and_the_blocks_kept():
    document = report.merge_section("# Benchmarks\n\nold words\n", "micro", "figures")
    refreshed = report.refresh_header(document)
    assert refreshed.startswith(report.HEADER) and "old words" not in refreshed
    assert report.labels(refreshed) == ["micro"] and "figures" in refreshed
    assert report.refresh_header("") == report.HEADER
