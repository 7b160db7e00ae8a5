"""Lenke classification of a visit from the primary readings of its films (classifications.md §3.3).

A visit is the films of a patient taken on one day. Inputs come from:

* standing PA: ``pt_cobb``, ``mt_cobb``, ``tll_cobb`` and the lumbar apex positions with the CSVL;
* left and right side-bending: the residual Cobb of each region "on the side-bending film that
  reduces that curve" (§3.3). We read that as the smaller of the signed residuals, where a bending
  curve convex to the other side than standing counts negative (over-corrected);
* standing lateral: ``t2_t5``, ``t10_l2``, and ``t5_t12`` = TK only when its upper level is T5.

A region not measured is missing, never zero: ``spinescores.classification.lenke`` then names what
is missing and gives no class.
"""

from spinescores.classification import lenke
from spinescores.errors import ScoreInputError

REGIONS = ("pt", "mt", "tll")
APEX = ("csvl_x", "body_left_x", "pedicle_left_x", "pedicle_right_x", "body_right_x")


def _primary(film):
    return next((m for m in film.measurements.all() if m.reader_role == "primary"), None)


def visit_inputs(films) -> dict:
    """Return the Lenke inputs found in the primary readings of one visit's films."""
    readings = {}
    for film in films:
        reading = _primary(film)
        if reading is not None:
            readings.setdefault(film.view, reading.values | {"_tk_level": reading.tk_upper_level})
    inputs = {}
    standing = readings.get("standing_pa", {})
    for region in REGIONS:
        if standing.get(f"{region}_cobb") is not None:
            inputs[f"{region}_cobb"] = standing[f"{region}_cobb"]
        residuals = [
            _residual(readings[view], standing, region)
            for view in ("bending_left", "bending_right")
            if view in readings and readings[view].get(f"{region}_cobb") is not None
        ]
        if residuals:
            inputs[f"{region}_bending"] = min(residuals)
    if all(standing.get(key) is not None for key in APEX):
        inputs.update({key: standing[key] for key in APEX})
    lateral = readings.get("standing_lateral", {})
    for key in ("t2_t5", "t10_l2"):
        if lateral.get(key) is not None:
            inputs[key] = lateral[key]
    if lateral.get("tk") is not None and lateral.get("_tk_level") == "T5":
        inputs["t5_t12"] = lateral["tk"]
    return inputs


def _residual(bending: dict, standing: dict, region: str) -> float:
    value = bending[f"{region}_cobb"]
    side, standing_side = bending.get(f"{region}_convex"), standing.get(f"{region}_convex")
    flipped = side and standing_side and "straight" not in (side, standing_side) and side != standing_side
    return -value if flipped else value


def classify_visit(films) -> dict:
    """Return ``{"category", "missing", "reasons", "inputs"}`` for one visit's films."""
    inputs = visit_inputs(films)
    missing = [f"{region}_cobb" for region in REGIONS if f"{region}_cobb" not in inputs]
    if missing:
        return {"category": None, "missing": missing, "reasons": [], "inputs": inputs}
    try:
        result = lenke.classify(inputs)
    except ScoreInputError as error:
        return {"category": None, "missing": [], "reasons": [str(error)], "inputs": inputs}
    return {
        "category": result.category,
        "missing": list(result.missing_items),
        "reasons": list(result.details["review_reasons"]),
        "inputs": inputs,
    }


def visits_of(films) -> list[dict]:
    """Return one Lenke row per visit day that has a measured standing PA film, newest first."""
    days: dict = {}
    for film in films:
        days.setdefault(film.taken_on, []).append(film)
    rows = []
    for day in sorted(days, reverse=True):
        group = days[day]
        if any(film.view == "standing_pa" and _primary(film) for film in group):
            rows.append({"on": day, **classify_visit(group)})
    return rows
