"""The guided click protocol: every landmark has a name, a step and an order (imaging.md §1.2).

The order is fixed so that each click has a name; the table in §1.2 is *our* protocol (Surgimap's
own order was not found). A step is all-or-nothing: a step that is started must be finished, and
its landmarks are named here once for the viewer, the API and the geometry.

Endplates are clicked anterior corner first, then posterior (sagittal), or as two points in any
order (coronal: the Cobb is independent of click order within a line, §2.4 step 4).
"""

from __future__ import annotations

from dataclasses import dataclass

SAGITTAL_VIEWS = ("standing_lateral",)
CORONAL_VIEWS = ("standing_pa", "bending_left", "bending_right")
VIEWS = CORONAL_VIEWS + SAGITTAL_VIEWS


@dataclass(frozen=True)
class Step:
    """One named step of the protocol and the landmarks it places, in click order."""

    code: str
    name_en: str
    name_zh: str
    landmarks: tuple[str, ...]
    optional: bool = True


def _corners(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{corner}" for corner in
                 ("anterosuperior", "posterosuperior", "posteroinferior", "anteroinferior"))


def _endplate(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}_anterior", f"{prefix}_posterior")


def _line(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}_1", f"{prefix}_2")


def _outline(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_outline_{n}" for n in (1, 2, 3))


# Each femoral head is either its centre (one click) or three points on its outline (circle fit,
# imaging.md §1.2, §2.5); the reader skips the form not used.
FEMORAL_HEADS = ("femoral_head_1", "femoral_head_2")

SAGITTAL = (
    Step("femoral_head_1", "Femoral head centre", "股骨头中心", ("femoral_head_1",)),
    Step("femoral_head_1_outline", "Femoral head outline, 3 points (instead of the centre)",
         "股骨头轮廓3点（代替中心点）", _outline("femoral_head_1")),
    Step("femoral_head_2", "Second femoral head centre (if not superimposed)",
         "另一侧股骨头中心（未重叠时）",
         ("femoral_head_2",)),
    Step("femoral_head_2_outline", "Second femoral head outline, 3 points (instead of its centre)",
         "另一侧股骨头轮廓3点（代替中心点）", _outline("femoral_head_2")),
    Step("s1", "S1 superior endplate", "S1上终板",
         _endplate("s1")),
    Step("l1", "L1 superior endplate", "L1上终板",
         _endplate("l1")),
    Step("tk_upper", "T4 (or T5) superior endplate",
         "T4（或T5）上终板",
         _endplate("tk_upper")),
    Step("t12", "T12 inferior endplate", "T12下终板",
         _endplate("t12")),
    Step("c7", "C7 body", "C7椎体", _corners("c7")),
    Step("t1", "T1 body", "T1椎体", _corners("t1")),
    Step("c2_inferior", "C2 inferior endplate", "C2下终板",
         _endplate("c2_inferior")),
    Step("c2_centroid", "C2 body centre", "C2椎体中心", ("c2_centroid",)),
    Step("t2", "T2 superior endplate (Lenke T2-T5)", "T2上终板（Lenke T2-T5）", _endplate("t2")),
    Step("t5_inferior", "T5 inferior endplate (Lenke T2-T5)",
         "T5下终板（Lenke T2-T5）", _endplate("t5_inferior")),
    Step("t10", "T10 superior endplate (Lenke T10-L2)", "T10上终板（Lenke T10-L2）", _endplate("t10")),
    Step("l2_inferior", "L2 inferior endplate (Lenke T10-L2)",
         "L2下终板（Lenke T10-L2）", _endplate("l2_inferior")),
)

CORONAL = (
    Step("pt_upper", "Proximal thoracic curve: upper end vertebra, superior endplate",
         "上胸弯：上端椎上终板",
         _line("pt_upper")),
    Step("pt_lower", "Proximal thoracic curve: lower end vertebra, inferior endplate",
         "上胸弯：下端椎下终板",
         _line("pt_lower")),
    Step("mt_upper", "Main thoracic curve: upper end vertebra, superior endplate",
         "主胸弯：上端椎上终板",
         _line("mt_upper")),
    Step("mt_lower", "Main thoracic curve: lower end vertebra, inferior endplate",
         "主胸弯：下端椎下终板",
         _line("mt_lower")),
    Step("tll_upper", "Thoracolumbar/lumbar curve: upper end vertebra, superior endplate",
         "胸腰/腰弯：上端椎上终板", _line("tll_upper")),
    Step("tll_lower", "Thoracolumbar/lumbar curve: lower end vertebra, inferior endplate",
         "胸腰/腰弯：下端椎下终板", _line("tll_lower")),
    Step("lumbar_apex", ("Lumbar apical vertebra: left body margin, left pedicle, right pedicle, "
          "right body margin"),
         "腰弯顶椎：左侧椎体缘、左椎弓根、右椎弓根、右侧椎体缘",
         ("apex_body_left", "apex_pedicle_left", "apex_pedicle_right", "apex_body_right")),
    Step("s1_centre", "S1 centre (for the CSVL)", "S1中心（用于骶骨中垂线）", ("s1_centre",)),
)

COMMON = (
    Step("vertical", "True vertical (optional) (plumb line)",
         "真垂线（可选）（铅垂线）",
         ("vertical_top", "vertical_bottom")),
    Step("calibration", "Calibration marker (only without usable spacing)",
         "校准标尺（仅无可用像素间距时）",
         ("calibration_start", "calibration_end")),
)


def steps_for(view: str) -> tuple[Step, ...]:
    """Return the protocol steps of a film view, in click order."""
    return (SAGITTAL if view in SAGITTAL_VIEWS else CORONAL) + COMMON


def landmark_names(view: str) -> tuple[str, ...]:
    """Return every landmark name of a view, in click order."""
    return tuple(name for step in steps_for(view) for name in step.landmarks)
