"""Progress and autonomy trajectory (teaching.md 5), and the command that loads signed-off tables."""

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from openspine.teaching import progress
from openspine.teaching.choices import Zwisch
from openspine.teaching.models import RequirementSet
from tests.teaching.test_confirm_and_tables import DATA


class _Ratings(list):
    def all(self):
        return self


def entry(day, level, state="confirmed", categories=("decompression",), credit="surgeon"):
    ratings = _Ratings([SimpleNamespace(rater_role="attending", value=level)] if level else [])
    return SimpleNamespace(
        performed_on=day,
        state=state,
        categories=list(categories),
        credit_role=credit,
        ratings=ratings,
        operation=SimpleNamespace(status="signed"),
    )


def test_trajectory_is_the_median_of_the_last_five_and_the_first_supervision_only():
    start = date(2026, 1, 1)
    levels = [
        "show_and_tell",
        "supervision_only",
        "active_help",
        "passive_help",
        "passive_help",
        "passive_help",
    ]
    entries = [entry(start + timedelta(days=n), level) for n, level in enumerate(levels)]
    (row,) = progress.category_counts(entries)
    # The last five: supervision_only, active_help, passive_help x3 -> ordered median passive_help.
    assert row.median_zwisch == "passive_help" and row.first_supervision_only == start + timedelta(days=1)
    assert (row.confirmed, row.pending) == (6, 0)


def test_pending_and_unrated_cases_do_not_move_the_trajectory():
    entries = [entry(date(2026, 1, 1), "", state="pending_confirmation"), entry(date(2026, 1, 2), "")]
    (row,) = progress.category_counts(entries)
    assert (row.confirmed, row.pending, row.median_zwisch, row.first_supervision_only) == (1, 1, "", None)


@given(st.lists(st.sampled_from(list(Zwisch.values)), min_size=1, max_size=12))
def test_median_is_always_one_of_the_last_five_levels(levels):
    entries = [entry(date(2026, 1, 1) + timedelta(days=n), level) for n, level in enumerate(levels)]
    median, _first = progress.autonomy(entries)
    assert median in levels[-5:]


@given(st.integers(0, 40), st.integers(0, 40), st.integers(1, 30))
def test_bars_never_exceed_the_whole(confirmed, pending, minimum):
    bar = progress.Progress("x", minimum, confirmed, pending, ("surgeon",))
    assert 0 <= bar.percent <= 100 and 0 <= bar.pending_percent and bar.percent + bar.pending_percent <= 100


def test_an_entry_counts_once_toward_a_requirement_spanning_its_categories(db):
    call_command("load_teaching_table", str(DATA / "requirements_acgme_example.json"))
    requirement_set = RequirementSet.objects.get()
    both = entry(
        date(2026, 1, 1), "active_help", categories=("decompression", "thoracolumbar_posterior_fusion")
    )
    assisting = entry(date(2026, 1, 2), "active_help", credit="assistant")
    (row,) = progress.requirement_progress([both, assisting], requirement_set)
    assert (row.confirmed, row.pending, row.minimum) == (1, 0, 15)


def test_the_command_refuses_a_file_of_neither_kind(tmp_path, db):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"code": "x"}))
    with pytest.raises(CommandError):
        call_command("load_teaching_table", str(path))
    path.write_text(
        json.dumps({**json.loads((DATA / "requirements_acgme_example.json").read_text()), "programme": "x"})
    )
    with pytest.raises(CommandError) as error:
        call_command("load_teaching_table", str(path))
    assert "programme" in str(error.value)
    with pytest.raises(CommandError):
        call_command("load_teaching_table", str(tmp_path / "missing.json"))


def test_the_command_loads_the_shipped_category_map_again_without_change(db):
    call_command("load_teaching_table", str(DATA / "category_map_2026.1.json"))


def _rules():
    from openspine.teaching.models import CategoryMap

    return list(CategoryMap.objects.get(version="2026.1").rules.all())


def test_mapping_flags_icd9_code_disagreeing_with_structured_fields(db):
    from openspine.teaching.categories import icd9_disagreements

    # 81.07 (posterior lumbar fusion) recorded, but the structured fields show a decompression only.
    assert icd9_disagreements(["decompression"], ["03.09", "81.07"], _rules()) == [
        ("81.07", "code_without_category")
    ]
    # A fusion ticked with only a decompression code: the fusion lacks its code.
    assert ("thoracolumbar_posterior_fusion", "category_without_code") in icd9_disagreements(
        ["decompression", "thoracolumbar_posterior_fusion"], ["03.09"], _rules()
    )
    assert (
        icd9_disagreements(
            ["thoracolumbar_posterior_fusion", "instrumentation"], ["81.07", "84.82"], _rules()
        )
        == []
    )
    # No codes from the HIS: nothing to compare; a category without a specific code is never flagged.
    assert icd9_disagreements(["deformity", "decompression"], [], _rules()) == []
