"""Revised Tokuhashi score for spinal metastases, Tokuhashi 2005.

Six parameters sum to 0-15; higher means longer expected survival. 0-8: under 6 months,
9-11: 6 months or more, 12-15: 1 year or more, each with the authors' suggested strategy.
Several secondary sources print the survival column inverted; this module follows the original.
Every parameter is required (no proration).

>>> from spinescores.classification import tokuhashi
>>> tokuhashi.classify({"general_condition": "good", "extraspinal_bone_foci": 0, "vertebral_metastases": 1,
...     "visceral_metastases": "none", "primary_site": "breast", "palsy": "E"}).value
15
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import choice, number, read_inputs, read_options

CONDITION_POINTS = {"poor": 0, "moderate": 1, "good": 2}
VISCERAL_POINTS = {"unremovable": 0, "removable": 1, "none": 2}
PRIMARY_POINTS = {
    "lung": 0, "osteosarcoma": 0, "stomach": 0, "bladder": 0, "oesophagus": 0, "pancreas": 0,
    "liver": 1, "gallbladder": 1, "unidentified": 1,
    "other": 2,
    "kidney": 3, "uterus": 3,
    "rectum": 4,
    "thyroid": 5, "breast": 5, "prostate": 5, "carcinoid": 5,
}
PALSY_POINTS = {"A": 0, "B": 0, "C": 1, "D": 1, "E": 2}

_PRIMARY_ZH = {
    "lung": "肺", "osteosarcoma": "骨肉瘤", "stomach": "胃", "bladder": "膀胱", "oesophagus": "食管",
    "pancreas": "胰腺", "liver": "肝", "gallbladder": "胆囊", "unidentified": "原发灶不明", "other": "其他",
    "kidney": "肾", "uterus": "子宫", "rectum": "直肠", "thyroid": "甲状腺", "breast": "乳腺",
    "prostate": "前列腺", "carcinoid": "类癌",
}

INSTRUMENT = Instrument(
    code="tokuhashi",
    name="Revised Tokuhashi score",
    name_zh="改良Tokuhashi评分",
    version="tokuhashi@tokuhashi2005",
    kind="classification",
    items=(
        choice("general_condition", "General condition (Karnofsky performance status)", "一般状况（KPS）", (
            ("poor", "Poor (KPS 10-40%)", "差（KPS 10-40%）"),
            ("moderate", "Moderate (KPS 50-70%)", "中（KPS 50-70%）"),
            ("good", "Good (KPS 80-100%)", "好（KPS 80-100%）"),
        )),
        number("extraspinal_bone_foci", "Number of extraspinal bone metastatic foci", "脊柱外骨转移灶数目",
               0, None, "foci", integer=True),
        number("vertebral_metastases", "Number of metastases in vertebral bodies", "椎体转移数目",
               1, None, "vertebrae", integer=True),
        choice("visceral_metastases", "Metastases to major internal organs", "主要脏器转移", (
            ("unremovable", "Unremovable", "不可切除"),
            ("removable", "Removable", "可切除"),
            ("none", "None", "无"),
        )),
        choice("primary_site", "Primary site of the cancer", "原发肿瘤部位",
               tuple((site, site.capitalize(), _PRIMARY_ZH[site]) for site in PRIMARY_POINTS)),
        choice("palsy", "Spinal cord palsy (Frankel grade)", "脊髓瘫痪（Frankel分级）", (
            ("A", "Frankel A (complete)", "Frankel A（完全）"),
            ("B", "Frankel B (complete)", "Frankel B（完全）"),
            ("C", "Frankel C (incomplete)", "Frankel C（不完全）"),
            ("D", "Frankel D (incomplete)", "Frankel D（不完全）"),
            ("E", "Frankel E (none)", "Frankel E（无瘫痪）"),
        )),
    ),
    references=(
        Reference("Tokuhashi Y", 2005, "Spine"),
    ),
    score_range=(0, 15),
    direction=HIGHER_IS_BETTER,
    confidence="C",
)

STRATEGY = {
    "under_6_months": "conservative_or_palliative_surgery",
    "6_months_or_more": "palliative_surgery_or_excision_if_single_lesion_without_visceral_metastasis",
    "1_year_or_more": "excisional_surgery",
}


@dataclass(frozen=True)
class TokuhashiResult(Result):
    """Total (``value``), predicted-survival band (``category``), parameter points (``subscores``)."""


def classify(inputs: Any, **options: Any) -> TokuhashiResult:
    """Score the revised Tokuhashi prognosis of a patient with spinal metastases.

    Parameters
    ----------
    inputs : mapping
        ``general_condition``, ``extraspinal_bone_foci`` (count, 0 or more), ``vertebral_metastases``
        (count, 1 or more), ``visceral_metastases``, ``primary_site`` and ``palsy`` (Frankel A-E).

    Returns
    -------
    TokuhashiResult
        ``value`` 0-15; ``category`` ``under_6_months`` (0-8), ``6_months_or_more`` (9-11) or
        ``1_year_or_more`` (12-15); ``details["strategy"]`` the authors' suggested strategy.

    References
    ----------
    Tokuhashi Y, et al. Spine 2005;30(19):2186-2191.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    subscores = {
        "general_condition": CONDITION_POINTS[values["general_condition"]],
        "extraspinal_bone_foci": _extraspinal_points(values["extraspinal_bone_foci"]),
        "vertebral_metastases": _vertebral_points(values["vertebral_metastases"]),
        "visceral_metastases": VISCERAL_POINTS[values["visceral_metastases"]],
        "primary_site": PRIMARY_POINTS[values["primary_site"]],
        "palsy": PALSY_POINTS[values["palsy"]],
    }
    total = sum(subscores.values())
    band = band_of(total)
    return TokuhashiResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, category=band, interpretation=band,
        subscores=frozen_mapping(subscores), details=frozen_mapping({"strategy": STRATEGY[band]}),
    )


def _extraspinal_points(foci: int) -> int:
    if foci >= 3:
        return 0
    return 1 if foci >= 1 else 2


def _vertebral_points(vertebrae: int) -> int:
    if vertebrae >= 3:
        return 0
    return 1 if vertebrae == 2 else 2


def band_of(total: int) -> str:
    """Return the Tokuhashi 2005 survival band of a total."""
    if total <= 8:
        return "under_6_months"
    if total <= 11:
        return "6_months_or_more"
    return "1_year_or_more"
