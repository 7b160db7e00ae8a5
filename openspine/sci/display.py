"""Turn a classification (the interchange ``to_dict()`` output) into rows a clinician reads.

Every classification is a list of possible values; several values mean the exam leaves it open
(NT, or a ``*`` score whose SCI part is unknown), and an item ending in ``*`` was reached only
through a non-SCI instruction. Both are shown as such, never collapsed into one value.
"""

from django.utils.translation import gettext_lazy as _

# Words for the codes of reference section 3; AIS letters are shown as they are.
LEVEL_WORDS = {"INT": _("intact"), "NA": _("not applicable")}
COMPLETENESS_WORDS = {"C": _("complete"), "I": _("incomplete")}


def item_label(item: str, words: dict = LEVEL_WORDS) -> str:
    """Return one item for display: ``S4_5`` as ``S4-5``, codes in ``words`` spelt out, the flag kept."""
    flag = "*" if item.endswith("*") else ""
    core = item.rstrip("*")
    return f"{words.get(core, core.replace('_', '-'))}{flag}"


def values(items: list[str], words: dict = LEVEL_WORDS) -> dict:
    """Return ``{"text": ..., "open": bool, "flagged": bool}`` for one classification list."""
    return {
        "text": ", ".join(str(item_label(i, words)) for i in items) or "—",
        "open": len(items) > 1,
        "flagged": any(i.endswith("*") for i in items),
    }


def _total(value) -> str:
    return "ND" if value == "ND" else str(value)


def classification(result: dict) -> dict:
    """Return the per-side rows, the single-valued rows and the totals of a result."""
    zpp, totals = result["zpp"], result["totals"]
    sided = [
        (_("Sensory level"), result["sensoryLevel"]),
        (_("Motor level"), result["motorLevel"]),
        (_("Sensory ZPP"), zpp["sensory"]),
        (_("Motor ZPP"), zpp["motor"]),
    ]
    side_totals = [
        (_("UEMS"), "uems"),
        (_("LEMS"), "lems"),
        (_("Motor total"), "motor"),
        (_("Light touch"), "lightTouch"),
        (_("Pin prick"), "pinPrick"),
    ]
    both = {
        "uems": _total(totals["uems"]),
        "lems": _total(totals["lems"]),
        "motor": _motor_sum(totals),
        "lightTouch": _total(totals["lightTouch"]),
        "pinPrick": _total(totals["pinPrick"]),
    }
    rows = [(label, values(pair["right"]), values(pair["left"])) for label, pair in sided]
    all_items = [i for _l, pair in sided for side in pair.values() for i in side]
    all_items += result["ais"] + result["neurologicalLevelOfInjury"] + result["injuryComplete"]
    return {
        "sided": rows,
        "nli": values(result["neurologicalLevelOfInjury"]),
        "complete": values(result["injuryComplete"], COMPLETENESS_WORDS),
        "ais": values(result["ais"], {}),
        "totals": [
            (label, _total(totals["right"][key]), _total(totals["left"][key]), both[key])
            for label, key in side_totals
        ],
        "any_open": any(len(v) > 1 for v in [result["ais"], result["neurologicalLevelOfInjury"]])
        or any(r[1]["open"] or r[2]["open"] for r in rows),
        "any_flag": any(i.endswith("*") for i in all_items),
        "any_nd": "ND" in both.values(),
    }


def _motor_sum(totals: dict) -> str:
    right, left = totals["right"]["motor"], totals["left"]["motor"]
    return str(right + left) if isinstance(right, int) and isinstance(left, int) else "ND"
