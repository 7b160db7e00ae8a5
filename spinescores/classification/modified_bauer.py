"""Modified Bauer score for spinal metastases, Leithner 2008.

One point each for: no visceral metastases; primary tumour not lung cancer; primary tumour breast,
kidney, lymphoma or multiple myeloma; solitary skeletal metastasis. Total 0-4. Original strategy
bands: 0-1 supportive care, 2 short-term palliation, 3-4 middle-term local control.

>>> from spinescores.classification import modified_bauer
>>> inputs = {"visceral_metastases": False, "primary": "breast", "solitary_skeletal": True}
>>> modified_bauer.classify(inputs).value
4
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, read_inputs, read_options

FAVOURABLE_PRIMARIES = ("breast", "kidney", "lymphoma", "myeloma")

INSTRUMENT = Instrument(
    code="modified_bauer",
    name="Modified Bauer score",
    name_zh="改良Bauer评分",
    version="modified_bauer@leithner2008",
    kind="classification",
    items=(
        boolean("visceral_metastases", "Visceral metastases present", "存在内脏转移"),
        choice("primary", "Primary tumour", "原发肿瘤", (
            ("lung", "Lung cancer", "肺癌"),
            ("breast", "Breast cancer", "乳腺癌"),
            ("kidney", "Kidney cancer", "肾癌"),
            ("lymphoma", "Lymphoma", "淋巴瘤"),
            ("myeloma", "Multiple myeloma", "多发性骨髓瘤"),
            ("other", "Other primary", "其他原发肿瘤"),
        )),
        boolean("solitary_skeletal", "Solitary skeletal metastasis", "单发骨转移"),
    ),
    references=(
        Reference("Leithner A", 2008, "Eur Spine J"),
    ),
    score_range=(0, 4),
    direction=HIGHER_IS_BETTER,
    confidence="C",
)


@dataclass(frozen=True)
class ModifiedBauerResult(Result):
    """Total (``value``), strategy band (``category``) and the four points (``subscores``)."""


def classify(inputs: Any, **options: Any) -> ModifiedBauerResult:
    """Score the modified Bauer prognosis.

    Parameters
    ----------
    inputs : mapping
        ``visceral_metastases`` (bool), ``primary`` (lung/breast/kidney/lymphoma/myeloma/other),
        ``solitary_skeletal`` (bool).

    Returns
    -------
    ModifiedBauerResult
        ``value`` 0-4; ``category`` ``supportive_care`` (0-1), ``short_term_palliation`` (2) or
        ``middle_term_local_control`` (3-4).

    References
    ----------
    Leithner A, et al. Eur Spine J 2008;17(11):1488-1495.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    subscores = {
        "no_visceral_metastases": int(not values["visceral_metastases"]),
        "primary_not_lung": int(values["primary"] != "lung"),
        "favourable_primary": int(values["primary"] in FAVOURABLE_PRIMARIES),
        "solitary_skeletal": int(values["solitary_skeletal"]),
    }
    total = sum(subscores.values())
    band = band_of(total)
    return ModifiedBauerResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, category=band, interpretation=band,
        subscores=frozen_mapping(subscores),
    )


def band_of(total: int) -> str:
    """Return the original modified Bauer strategy band of a total."""
    if total <= 1:
        return "supportive_care"
    if total == 2:
        return "short_term_palliation"
    return "middle_term_local_control"
