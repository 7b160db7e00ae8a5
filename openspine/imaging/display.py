"""What the pages show of a measurement: labelled values, units and the calibration label.

Labels live here, once, so the viewer, the film list and the QA page name values alike.
"""

from django.utils.translation import gettext_lazy as _

# (key, label, unit) in display order; "mm" values need a calibration (imaging.md §2.7).
SAGITTAL_VALUES = (
    ("pi", _("Pelvic incidence (PI)"), "°"),
    ("pt", _("Pelvic tilt (PT)"), "°"),
    ("ss", _("Sacral slope (SS)"), "°"),
    ("ll", _("Lumbar lordosis L1–S1 (LL)"), "°"),
    ("pi_ll", _("PI − LL"), "°"),
    ("tk", _("Thoracic kyphosis (TK)"), "°"),
    ("sva_mm", _("Sagittal vertical axis (SVA)"), "mm"),
    ("tpa", _("T1 pelvic angle (TPA)"), "°"),
    ("gt", _("Global tilt (GT)"), "°"),
    ("c2_c7", _("C2–C7 lordosis"), "°"),
    ("csva_mm", _("Cervical SVA (C2–C7)"), "mm"),
    ("t2_t5", _("T2–T5 (Lenke)"), "°"),
    ("t10_l2", _("T10–L2 (Lenke)"), "°"),
)
CORONAL_VALUES = (
    ("pt_cobb", _("Proximal thoracic Cobb"), "°"),
    ("mt_cobb", _("Main thoracic Cobb"), "°"),
    ("tll_cobb", _("Thoracolumbar/lumbar Cobb"), "°"),
    ("apical_translation_mm", _("Lumbar apical vertebral translation from the CSVL (our convention)"), "mm"),
)
# The key holding the side of a value that has one (convexity, translation).
SIDES = {
    "pt_cobb": "pt_convex",
    "mt_cobb": "mt_convex",
    "tll_cobb": "tll_convex",
    "apical_translation_mm": "apical_translation_side",
}
FLAG_TEXT = {
    "needs_review": _(
        "Check the clicks: PI differs from PT + SS by more than 1°, or an endplate is vertical."
    ),
    "orientation_unknown": _(
        "The film does not say which side is the patient's left: sides are shown as image sides. "
        "Choose the orientation below; it is never guessed from the pixels."
    ),
    "orientation_mismatch": _(
        "The film's orientation header says the patient faces the other way than the S1 corners do: "
        "the film may be flipped or the anterior and posterior corners swapped."
    ),
}
CONVEX = {
    "image_right": _("convex to image right"),
    "image_left": _("convex to image left"),
    "patient_right": _("convex to the right"),
    "patient_left": _("convex to the left"),
    "straight": _("straight"),
}
TRANSLATION = {
    "image_right": _("toward image right"),
    "image_left": _("toward image left"),
    "patient_right": _("to the right"),
    "patient_left": _("to the left"),
    "straight": _("on the CSVL"),
}
CALIBRATION_LABELS = {
    "manual": _("manual calibration"),
    "calibrated": _("calibrated spacing"),
    "magnification_corrected": _("magnification corrected"),
    "detector_plane": _("detector plane, not corrected for magnification"),
    "unknown": _("spacing of unknown kind"),
    "none": _("no calibration"),
}


def value_labels(view: str) -> list[dict]:
    """Return the labelled value rows of a view, for the viewer's values table."""
    rows = CORONAL_VALUES if view != "standing_lateral" else SAGITTAL_VALUES
    return [
        {"key": key, "label": str(label), "unit": unit, "side": SIDES.get(key)} for key, label, unit in rows
    ]


def rows_for(measurement) -> list[dict]:
    """Return the measured values of a saved measurement as labelled rows (skipping unmeasured)."""
    values = measurement.values
    rows = []
    for row in value_labels(measurement.film.view):
        value = values.get(row["key"])
        if value is None:
            continue
        convex = values.get(row["side"]) if row["side"] else None
        sides = CONVEX if row["key"].endswith("_cobb") else TRANSLATION
        label = (measurement.calibration or {}).get("label", "none")
        calibration = str(CALIBRATION_LABELS.get(label, label)) if row["unit"] == "mm" else ""
        rows.append(
            {
                **row,
                "value": value,
                "convex": str(sides.get(convex, "")) if convex else "",
                "calibration": calibration,
            }
        )
    return rows
