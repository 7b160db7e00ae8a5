"""Inter-reader agreement on films measured by two readers (imaging.md §1.3).

For each value, over the films with a primary and a second reading: the number of pairs, the mean
difference (second − primary) and the 95 % limits of agreement (mean ± 1.96 SD of the differences,
Bland-Altman). The published limits of §1.3 are shown beside them for comparison; nothing is
judged automatically.
"""

import math

from django.utils.translation import gettext_lazy as _

from openspine.imaging import display
from openspine.imaging.models import Measurement

# Published 95 % limits between observers, from imaging.md §1.3 (source named in the label).
PUBLISHED = {
    "mt_cobb": _("±7.2° (Morrissy 1990, manual, own end vertebrae)"),
    "pt_cobb": _("±7.2° (Morrissy 1990, manual, own end vertebrae)"),
    "tll_cobb": _("±7.2° (Morrissy 1990, manual, own end vertebrae)"),
    "pi": _("±14° (PubMed 31495478, ASD)"),
    "ss": _("±11° (PubMed 31495478, ASD)"),
    "pt": _("±5° (PubMed 31495478, ASD)"),
    "sva_mm": _("±7 mm (PubMed 31495478, ASD)"),
}


def pairs_for(user) -> list[tuple[Measurement, Measurement]]:
    """Return (primary, second) measurement pairs on films of the user's department."""
    readings = Measurement.objects.visible_to(user).select_related("film").order_by("film_id", "reader_role")
    by_film: dict[int, dict] = {}
    for reading in readings:
        by_film.setdefault(reading.film_id, {})[reading.reader_role] = reading
    return [(pair["primary"], pair["second"]) for pair in by_film.values() if len(pair) == 2]


def limits(differences: list[float]) -> dict:
    """Return n, mean difference and 95 % limits of agreement; SD needs two or more pairs."""
    n = len(differences)
    mean = sum(differences) / n
    if n < 2:
        return {"n": n, "mean": mean, "low": None, "high": None}
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
    return {"n": n, "mean": mean, "low": mean - 1.96 * sd, "high": mean + 1.96 * sd}


def report_for(user) -> list[dict]:
    """Return one row per value measured by both readers on at least one film."""
    pairs = pairs_for(user)
    rows = []
    for key, label, unit in display.CORONAL_VALUES + display.SAGITTAL_VALUES:
        differences = [
            second.values[key] - primary.values[key]
            for primary, second in pairs
            if primary.values.get(key) is not None and second.values.get(key) is not None
        ]
        if differences:
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "unit": unit,
                    **limits(differences),
                    "published": PUBLISHED.get(key, ""),
                }
            )
    return rows
