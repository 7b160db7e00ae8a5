"""The synthetic department's case mix: who comes with what, and what is done to them.

These are plausible proportions for a Chinese university spine department, written for demo data
only; they are not clinical reference values and nothing computes outcomes from them.
Each area: share of operations, age (mean, sd, min, max), share male, ICD-10 codes, candidate level
ranges, procedure recipes (weight, procedures, approach, technique), length of stay (min, max).
"""

from openspine.patients.choices import DiseaseArea as A

L = "lumbar"
CASE_MIX = {
    A.LUMBAR_DEGENERATIVE: {
        "share": 45,
        "age": (56, 13, 20, 88),
        "male": 0.5,
        "icd10": ["M51.2", "M48.0", "M43.1", "M51.1"],
        "levels": [("L4", "L5"), ("L5", "S1"), ("L4", "S1"), ("L3", "L4"), ("L3", "L5")],
        "recipes": [
            (35, ["fusion_tlif", "stabilisation_rigid"], "posterior", "open"),
            (10, ["fusion_plif", "stabilisation_rigid"], "posterior", "open"),
            (8, ["fusion_tlif", "stabilisation_rigid"], "posterior", "mis"),
            (20, ["discectomy_full_endoscopic"], "posterior", "endoscopic"),
            (8, ["discectomy_med"], "posterior", "endoscopic"),
            (5, ["discectomy_open"], "posterior", "open"),
            (9, ["decompression_laminotomy"], "posterior", "open"),
            (5, ["fusion_olif", "stabilisation_rigid"], "lateral", "mis"),
        ],
        "los": (4, 10),
    },
    A.CERVICAL_DEGENERATIVE: {
        "share": 20,
        "age": (57, 10, 30, 85),
        "male": 0.56,
        "icd10": ["M50.0", "M50.1", "M47.1", "M48.0"],
        "levels": [("C5", "C6"), ("C4", "C6"), ("C3", "C6"), ("C5", "C7"), ("C3", "C7")],
        "recipes": [
            (55, ["fusion_acdf"], "anterior", "open"),
            (10, ["fusion_accf", "decompression_corpectomy"], "anterior", "open"),
            (25, ["laminoplasty"], "posterior", "open"),
            (5, ["arthroplasty"], "anterior", "open"),
            (
                5,
                ["decompression_laminectomy", "fusion_posterolateral", "stabilisation_rigid"],
                "posterior",
                "open",
            ),
        ],
        "los": (4, 9),
    },
    A.THORACIC_DEGENERATIVE: {
        "share": 2,
        "age": (58, 10, 35, 82),
        "male": 0.55,
        "icd10": ["M48.0", "M51.0"],
        "levels": [("T9", "T11"), ("T10", "T12"), ("T11", "T12")],
        "recipes": [(100, ["decompression_laminectomy", "stabilisation_rigid"], "posterior", "open")],
        "los": (6, 12),
    },
    A.SPINAL_CORD_INJURY: {
        "share": 3,
        "age": (46, 15, 18, 85),
        "male": 0.78,
        "icd10": ["S14.1", "S24.1", "S34.1"],
        "levels": [("C4", "C6"), ("C5", "C7"), ("T11", "L1"), ("T12", "L2")],
        "recipes": [(100, ["decompression_laminectomy", "stabilisation_rigid"], "posterior", "open")],
        "los": (10, 28),
    },
    A.DEFORMITY: {
        "share": 6,
        "age": (30, 22, 11, 78),
        "male": 0.3,
        "icd10": ["M41.1", "M41.2", "M41.5", "M40.2"],
        "levels": [("T4", "L1"), ("T5", "L2"), ("T10", "S1"), ("T2", "L3")],
        "recipes": [
            (
                75,
                ["deformity_correction", "fusion_posterolateral", "stabilisation_rigid"],
                "posterior",
                "open",
            ),
            (15, ["osteotomy_spo", "deformity_correction", "stabilisation_rigid"], "posterior", "open"),
            (10, ["osteotomy_pso", "deformity_correction", "stabilisation_rigid"], "posterior", "open"),
        ],
        "los": (7, 16),
    },
    A.PRIMARY_TUMOUR: {
        "share": 1.5,
        "age": (45, 16, 15, 80),
        "male": 0.5,
        "icd10": ["D16.6", "C41.2", "D36.1"],
        "levels": [("T8", "T10"), ("L1", "L3"), ("C3", "C5")],
        "recipes": [
            (50, ["tumour_en_bloc", "stabilisation_rigid"], "combined", "open"),
            (50, ["tumour_piecemeal", "stabilisation_rigid"], "posterior", "open"),
        ],
        "los": (8, 20),
    },
    A.METASTATIC_TUMOUR: {
        "share": 4,
        "age": (61, 10, 30, 85),
        "male": 0.55,
        "icd10": ["C79.5"],
        "levels": [("T6", "T8"), ("T10", "T12"), ("L1", "L3"), ("T4", "T6")],
        "recipes": [
            (70, ["tumour_separation", "stabilisation_rigid"], "posterior", "open"),
            (30, ["vertebroplasty"], "posterior", "mis"),
        ],
        "los": (6, 16),
    },
    A.INFECTION: {
        "share": 3,
        "age": (48, 16, 16, 82),
        "male": 0.6,
        "icd10": ["A18.0", "M46.2", "M46.3"],
        "levels": [("T10", "T12"), ("L1", "L3"), ("L3", "L5"), ("T6", "T8")],
        "recipes": [
            (
                70,
                ["debridement_infection", "fusion_posterolateral", "stabilisation_rigid"],
                "combined",
                "open",
            ),
            (30, ["debridement_infection", "stabilisation_rigid"], "posterior", "open"),
        ],
        "los": (10, 25),
    },
    A.OSTEOPOROTIC_FRACTURE: {
        "share": 8,
        "age": (72, 8, 55, 95),
        "male": 0.25,
        "icd10": ["M80.0", "M80.8"],
        "levels": [("T12", "T12"), ("L1", "L1"), ("T11", "T11"), ("L2", "L2"), ("T12", "L1")],
        "recipes": [
            (60, ["kyphoplasty"], "posterior", "mis"),
            (30, ["vertebroplasty"], "posterior", "mis"),
            (10, ["stabilisation_rigid"], "posterior", "mis"),
        ],
        "los": (3, 8),
    },
    A.TRAUMA: {
        "share": 6.5,
        "age": (42, 14, 16, 85),
        "male": 0.7,
        "icd10": ["S32.0", "S22.0", "S12.2", "S32.1"],
        "levels": [("T11", "L1"), ("T12", "L2"), ("L1", "L3"), ("C5", "C7")],
        "recipes": [
            (70, ["stabilisation_rigid"], "posterior", "mis"),
            (
                30,
                ["decompression_laminectomy", "stabilisation_rigid", "fusion_posterolateral"],
                "posterior",
                "open",
            ),
        ],
        "los": (6, 15),
    },
    A.OTHER: {
        "share": 1,
        "age": (50, 15, 18, 85),
        "male": 0.5,
        "icd10": ["M53.2", "M96.1"],
        "levels": [("L4", "L5"), ("L5", "S1")],
        "recipes": [(100, ["decompression_laminotomy"], "posterior", "open")],
        "los": (4, 9),
    },
}

ASA_WEIGHTS = [(1, 20), (2, 55), (3, 22), (4, 3)]

# Complications: category, weight, usual timing, Clavien-Dindo grades to draw from.
COMPLICATIONS = [
    ("dural_tear", 24, "intraoperative", ["I", "I", "II", "IIIb"]),
    ("ssi_superficial", 10, "within_30_days", ["I", "II"]),
    ("ssi_deep", 4, "within_90_days", ["IIIb"]),
    ("neuro_deficit", 8, "in_hospital", ["I", "II", "IIIb"]),
    ("epidural_haematoma", 3, "in_hospital", ["IIIb"]),
    ("implant_failure", 8, "later", ["II", "IIIb"]),
    ("csf_leak", 7, "in_hospital", ["I", "II", "IIIa"]),
    ("vte", 5, "in_hospital", ["II", "IVa"]),
    ("pneumonia", 8, "in_hospital", ["II", "IVa"]),
    ("uti", 10, "in_hospital", ["II"]),
    ("delirium", 11, "in_hospital", ["I", "II"]),
    ("death", 1, "within_30_days", ["V"]),
    ("other", 1, "within_30_days", ["I", "II"]),
]
COMPLICATION_RATE = 0.10
REVISION_RATE = 0.04
READMISSION_RATE = 0.02
WARDS = ["脊柱外科一病区", "脊柱外科二病区", "脊柱外科三病区"]
IMPLANTS_BY_PROCEDURE = {
    "stabilisation_rigid": ("pedicle_screw", "rod"),
    "fusion_tlif": ("cage",),
    "fusion_plif": ("cage",),
    "fusion_olif": ("cage",),
    "fusion_acdf": ("cage", "plate"),
    "fusion_accf": ("vertebral_body_replacement", "plate"),
    "arthroplasty": ("disc_prosthesis",),
    "kyphoplasty": ("cement",),
    "vertebroplasty": ("cement",),
}
