"""Default follow-up protocols, from proms.md §15 (registry schedules and suggested instrument sets).

Timepoints: pre-op baseline, then 3, 12 and 24 months, with the "suggested registry windows" of
§15 (a local design choice, no registry standard): 3 months = day 60–120, 12 months = month 10–14,
24 months = month 21–27. Months are converted to days with the mean Gregorian month (30.44 days),
rounded to whole days.

Instrument sets are §15's "suggested instrument sets by diagnosis". Left out of the defaults (an
admin adds them in a new protocol version): ZCQ (for stenosis only, which the disease area does not
tell) and return to work (needs the surgery and return dates, not a questionnaire screen).
``odi|ndi`` and ``nrs_back|nrs_neck`` resolve by the operated region ("ODI/NDI as applicable").
"""

MONTH_DAYS = 30.44


def _months(n: float) -> int:
    return round(n * MONTH_DAYS)


def _timepoints(instruments, *, follow_up_extra=(), clinician_tasks=()):
    """Return baseline + 3/12/24-month timepoints; satisfaction-type extras only after surgery."""
    follow = list(instruments) + list(follow_up_extra)
    return [
        {"label": "baseline", "is_baseline": True, "offset_days": 0, "window_start_days": 0,
         "window_end_days": 0, "instruments": list(instruments), "clinician_tasks": list(clinician_tasks)},
        {"label": "3m", "offset_days": 90, "window_start_days": 60, "window_end_days": 120,
         "instruments": follow, "clinician_tasks": list(clinician_tasks)},
        {"label": "12m", "offset_days": _months(12), "window_start_days": _months(10),
         "window_end_days": _months(14), "instruments": follow, "clinician_tasks": list(clinician_tasks)},
        {"label": "24m", "offset_days": _months(24), "window_start_days": _months(21),
         "window_end_days": _months(27), "instruments": follow, "clinician_tasks": list(clinician_tasks)},
    ]  # fmt: skip


LUMBAR = ["odi", "nrs_back", "nrs_leg", "eq5d5l", "eq_vas"]
CERVICAL = ["ndi", "nrs_neck", "nrs_arm", "eq5d5l", "eq_vas"]
# Myelopathy adds clinician-rated mJOA, JOA (1975 declared) and Nurick: coordinator tasks that do
# not block completion, skipped for radiculopathy.
MYELOPATHY_TASKS = ["mjoa", "joa_cervical_1975", "nurick"]
DEFORMITY = ["srs22r", "odi", "nrs_back", "nrs_leg", "eq5d5l", "eq_vas"]
GENERAL = ["eq5d5l", "eq_vas", "nrs_back|nrs_neck", "odi|ndi"]

# (disease area, procedure group, name, timepoints)
DEFAULT_PROTOCOLS = [
    ("lumbar_degenerative", "", "Lumbar degenerative", _timepoints(LUMBAR, follow_up_extra=["nass"])),
    (
        "cervical_degenerative",
        "",
        "Cervical degenerative (radiculopathy / myelopathy)",
        _timepoints(CERVICAL, clinician_tasks=MYELOPATHY_TASKS),
    ),
    ("deformity", "", "Deformity", _timepoints(DEFORMITY)),
    ("thoracic_degenerative", "", "Thoracic degenerative", _timepoints(GENERAL)),
    ("spinal_cord_injury", "", "Spinal cord injury", _timepoints(GENERAL)),
    ("primary_tumour", "", "Primary tumour", _timepoints(GENERAL)),
    ("metastatic_tumour", "", "Metastatic tumour", _timepoints(GENERAL)),
    ("infection", "", "Spinal tuberculosis / infection", _timepoints(GENERAL)),
    ("osteoporotic_fracture", "", "Osteoporotic fracture", _timepoints(GENERAL)),
    ("trauma", "", "Trauma", _timepoints(GENERAL)),
    ("other", "", "Other", _timepoints(GENERAL)),
]
