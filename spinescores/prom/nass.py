"""NASS patient satisfaction index (one question, four statements), proms.md §13."""

from dataclasses import dataclass

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference
from spinescores.prom._common import choice_item, labelled_options
from spinescores.prom._single import SingleItemResult, make_score

__all__ = ["INSTRUMENT", "NassResult", "score"]

INSTRUMENT = Instrument(
    code="nass",
    name="NASS patient satisfaction index",
    name_zh="北美脊柱学会（NASS）患者满意度指数",
    version="nass@daltroy1996",
    kind="prom",
    items=(
        choice_item("satisfaction", "Satisfaction with the treatment result", "对治疗效果的满意程度",
                    labelled_options((
                        (1, "met expectations", "达到预期"),
                        (2, "less than hoped, would repeat", "未达期望但愿意再次接受"),
                        (3, "less than hoped, would not repeat", "未达期望且不愿再次接受"),
                        (4, "same or worse", "无变化或更差"),
                    ))),
    ),
    references=(Reference("Daltroy LH", 1996, "Spine", "NASS lumbar spine outcome assessment instrument"),),
    score_range=(1.0, 4.0),
    direction=HIGHER_IS_WORSE,
    licence="Public domain [M].",
    confidence="M",
    notes="Satisfied = statement 1 or 2 [M]; results are flagged unvalidated.",
)


@dataclass(frozen=True)
class NassResult(SingleItemResult):
    """The answer code of the NASS question and its group."""


score = make_score(
    INSTRUMENT, (1, 2), result_class=NassResult, labels=("satisfied", "not_satisfied"), unvalidated=True
)
score.__doc__ = """Score the NASS satisfaction index.

    One question; the answer code 1–4 is ``value`` (higher is worse) and ``category`` its label.
    ``interpretation`` is ``satisfied`` for 1 or 2, else ``not_satisfied``. The statements and
    the cut-off are tagged [M] in the reference, so every scored result is flagged
    ``unvalidated``. A blank answer gives ``value=None`` with the item in ``missing_items``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        ``{"satisfaction": 1..4}``.

    Returns
    -------
    NassResult

    Examples
    --------
    >>> score({"satisfaction": 2}).interpretation
    'satisfied'

    References
    ----------
    Daltroy LH et al. Spine 1996;21:741–749.
    """
