"""Charlson Comorbidity Index (CCI), unadjusted and age-adjusted.

======  ======================================================================================
Weight  Conditions
======  ======================================================================================
1       myocardial infarction; congestive heart failure; peripheral vascular disease;
        cerebrovascular disease (stroke/TIA); dementia; chronic pulmonary disease; connective
        tissue disease; peptic ulcer disease; mild liver disease; diabetes without end-organ damage
2       hemiplegia/paraplegia; moderate-severe renal disease; diabetes with end-organ damage; any
        non-metastatic solid tumour; leukaemia; lymphoma
3       moderate-severe liver disease
6       metastatic solid tumour; AIDS
======  ======================================================================================

Hierarchy: of each pair only the more severe counts (mild vs moderate-severe liver disease,
diabetes without vs with end-organ damage, solid tumour vs metastatic solid tumour).

Age points for the age-adjusted CCI: < 50 → 0; 50-59 → 1; 60-69 → 2; 70-79 → 3; ≥ 80 → 4, on age
in completed years. Every condition is required (True/False) so that "absent" is never assumed;
``age_years`` is optional and, when missing, the age-adjusted CCI is ``None`` and ``age_years`` is
listed in ``missing_items``.

References
----------
Charlson ME, Pompei P, Ales KL, MacKenzie CR. A new method of classifying prognostic comorbidity in
longitudinal studies: development and validation. J Chronic Dis 1987;40(5):373-383.
Charlson M, Szatrowski TP, Peterson J, Gold J. Validation of a combined comorbidity index.
J Clin Epidemiol 1994;47(11):1245-1251.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    Instrument,
    Item,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

# condition id → (weight, English topic, Chinese topic)
CONDITIONS = {
    "myocardial_infarction": (1, "Myocardial infarction", "心肌梗死"),
    "congestive_heart_failure": (1, "Congestive heart failure", "充血性心力衰竭"),
    "peripheral_vascular_disease": (1, "Peripheral vascular disease", "周围血管疾病"),
    "cerebrovascular_disease": (1, "Cerebrovascular disease (stroke or TIA)", "脑血管疾病（卒中或 TIA）"),
    "dementia": (1, "Dementia", "痴呆"),
    "chronic_pulmonary_disease": (1, "Chronic pulmonary disease", "慢性肺病"),
    "connective_tissue_disease": (1, "Connective tissue disease", "结缔组织病"),
    "peptic_ulcer_disease": (1, "Peptic ulcer disease", "消化性溃疡"),
    "mild_liver_disease": (1, "Mild liver disease", "轻度肝病"),
    "diabetes_uncomplicated": (1, "Diabetes without end-organ damage", "糖尿病（无靶器官损害）"),
    "hemiplegia": (2, "Hemiplegia or paraplegia", "偏瘫或截瘫"),
    "renal_disease_moderate_severe": (2, "Moderate or severe renal disease", "中重度肾病"),
    "diabetes_end_organ_damage": (2, "Diabetes with end-organ damage", "糖尿病（伴靶器官损害）"),
    "solid_tumour": (2, "Solid tumour, non-metastatic", "实体瘤（无转移）"),
    "leukaemia": (2, "Leukaemia", "白血病"),
    "lymphoma": (2, "Lymphoma", "淋巴瘤"),
    "liver_disease_moderate_severe": (3, "Moderate or severe liver disease", "中重度肝病"),
    "metastatic_solid_tumour": (6, "Metastatic solid tumour", "转移性实体瘤"),
    "aids": (6, "AIDS", "艾滋病"),
}
# milder condition → more severe condition of the same pair (only the more severe counts)
HIERARCHY = {
    "mild_liver_disease": "liver_disease_moderate_severe",
    "diabetes_uncomplicated": "diabetes_end_organ_damage",
    "solid_tumour": "metastatic_solid_tumour",
}
# lower age limit of each age-point band (completed years)
AGE_BANDS = ((80, 4), (70, 3), (60, 2), (50, 1))

INSTRUMENT = Instrument(
    code="charlson",
    name="Charlson Comorbidity Index",
    name_zh="Charlson 合并症指数",
    version="charlson@charlson1987+age1994",
    kind="clinician",
    items=(
        *(Item(key, en, zh, kind="boolean") for key, (_, en, zh) in CONDITIONS.items()),
        Item(
            "age_years",
            "Age in completed years",
            "年龄（周岁）",
            kind="integer",
            minimum=0,
            maximum=130,
            unit="years",
            required=False,
        ),
    ),
    references=(
        Reference(
            "Charlson ME",
            1987,
            "J Chronic Dis",
            "A new method of classifying prognostic comorbidity in longitudinal studies: development "
            "and validation",
            "10.1016/0021-9681(87)90171-8",
        ),
        Reference(
            "Charlson M",
            1994,
            "J Clin Epidemiol",
            "Validation of a combined comorbidity index",
            "10.1016/0895-4356(94)90129-5",
        ),
    ),
    score_range=(0, 33),
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="value = unadjusted CCI (0-33); subscores['age_adjusted_cci'] adds 0-4 age points (0-37).",
)


@dataclass(frozen=True)
class CharlsonResult(Result):
    """CCI: ``value`` the unadjusted index; ``subscores`` cci, age_points and age_adjusted_cci."""


def age_points(age_years: int) -> int:
    """Return the age points of the age-adjusted CCI (< 50 → 0 … ≥ 80 → 4)."""
    for lower, points in AGE_BANDS:
        if age_years >= lower:
            return points
    return 0


def score(responses: Mapping[str, Any], **options: Any) -> CharlsonResult:
    """Compute the unadjusted and the age-adjusted Charlson Comorbidity Index.

    Parameters
    ----------
    responses : mapping
        Every condition id (see :data:`CONDITIONS`) as True/False, optionally ``age_years``.

    Returns
    -------
    CharlsonResult
        ``value`` the unadjusted CCI, ``details["counted"]`` the conditions that scored.
    """
    data = require_mapping(responses, "responses")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="charlson takes no options")
    present = set()
    for key in CONDITIONS:
        if key not in data:
            raise ScoreInputError(key, None, "True or False", hint="required input is missing")
        if INSTRUMENT.item(key).validate(data[key]):
            present.add(key)
    counted = {key for key in present if HIERARCHY.get(key) not in present}
    cci = sum(CONDITIONS[key][0] for key in counted)
    subscores = {"cci": cci, "age_points": None, "age_adjusted_cci": None}
    if "age_years" in data:
        points = age_points(int(INSTRUMENT.item("age_years").validate(data["age_years"])))
        subscores.update(age_points=points, age_adjusted_cci=cci + points)
    return CharlsonResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=cci,
        subscores=subscores,
        missing_items=() if "age_years" in data else ("age_years",),
        details={"counted": tuple(key for key in CONDITIONS if key in counted)},
    )


classify = score
