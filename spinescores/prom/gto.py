"""Spine Tango global treatment outcome, 5-point (proms.md §14)."""

from dataclasses import dataclass

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference
from spinescores.prom._common import choice_item, labelled_options
from spinescores.prom._single import SingleItemResult, make_score

__all__ = ["INSTRUMENT", "GtoResult", "score"]

INSTRUMENT = Instrument(
    code="gto",
    name="Global treatment outcome (Spine Tango, 5-point)",
    name_zh="总体治疗效果（Spine Tango，5级）",
    version="gto@spinetango5",
    kind="prom",
    items=(
        choice_item("outcome", "How much the operation helped", "手术的帮助程度", labelled_options((
            (1, "helped a lot", "帮助很大"),
            (2, "helped", "有帮助"),
            (3, "helped only a little", "帮助很小"),
            (4, "did not help", "没有帮助"),
            (5, "made things worse", "使情况更糟"),
        ))),
    ),
    references=(Reference("Mannion AF", 2009, "Eur Spine J", "COMI Part 2: global outcome anchor"),),
    score_range=(1.0, 5.0),
    direction=HIGHER_IS_WORSE,
    licence="Licence not stated in proms.md; published as the Spine Tango outcome anchor.",
    confidence="V",
)


@dataclass(frozen=True)
class GtoResult(SingleItemResult):
    """The answer code of the GTO question and its group."""


score = make_score(INSTRUMENT, (1, 2), result_class=GtoResult, labels=("good_outcome", "not_good_outcome"))
score.__doc__ = """Score the Spine Tango global treatment outcome.

    One question; the answer code 1 (helped a lot) to 5 (made things worse) is ``value``.
    ``interpretation`` is ``good_outcome`` for codes 1–2, else ``not_good_outcome``. A blank
    answer gives ``value=None``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        ``{"outcome": 1..5}``.

    Returns
    -------
    GtoResult

    Examples
    --------
    >>> score({"outcome": 1}).interpretation
    'good_outcome'

    References
    ----------
    Mannion AF et al. Eur Spine J 2009;18(Suppl 3) (Part 2).
    """
