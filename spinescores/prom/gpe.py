"""Global perceived effect, 7-point scale as used by NORspine (proms.md §14)."""

from dataclasses import dataclass

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference
from spinescores.prom._common import choice_item, labelled_options
from spinescores.prom._single import SingleItemResult, make_score

__all__ = ["INSTRUMENT", "GpeResult", "score"]

INSTRUMENT = Instrument(
    code="gpe",
    name="Global perceived effect (7-point)",
    name_zh="整体疗效感知（7级）",
    version="gpe@norspine7",
    kind="prom",
    items=(
        choice_item("gpe", "Change since treatment", "治疗后的总体变化", labelled_options((
            (1, "completely recovered", "完全康复"),
            (2, "much improved", "明显好转"),
            (3, "slightly improved", "稍有好转"),
            (4, "unchanged", "无变化"),
            (5, "slightly worse", "稍有加重"),
            (6, "much worse", "明显加重"),
            (7, "worse than ever", "比以往任何时候都差"),
        ))),
    ),
    references=(Reference("Austevoll IM", 2019, "BMC Musculoskelet Disord", "GPE anchor in NORspine"),),
    score_range=(1.0, 7.0),
    direction=HIGHER_IS_WORSE,
    licence="Public domain.",
    confidence="V",
)


@dataclass(frozen=True)
class GpeResult(SingleItemResult):
    """The answer code of the GPE question and its group."""


score = make_score(INSTRUMENT, (1, 2), result_class=GpeResult, labels=("improved", "not_improved"))
score.__doc__ = """Score the 7-point global perceived effect.

    One question; the answer code 1 (completely recovered) to 7 (worse than ever) is ``value``.
    ``interpretation`` is ``improved`` (clinically important improvement: completely recovered or
    much improved, codes 1–2) or ``not_improved``. A blank answer gives ``value=None``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        ``{"gpe": 1..7}``.

    Returns
    -------
    GpeResult

    Examples
    --------
    >>> score({"gpe": 2}).interpretation, score({"gpe": 3}).interpretation
    ('improved', 'not_improved')

    References
    ----------
    Austevoll IM et al. BMC Musculoskelet Disord 2019;20:31.
    """
