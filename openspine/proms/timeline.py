"""The patient timeline entries of follow-ups: state, scores, change from baseline and MCID."""

from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

import spinescores
from openspine.patients import timeline
from openspine.proms.choices import FollowUpState
from openspine.proms.instruments import instrument_name
from openspine.proms.models import FollowUp
from spinescores import change as spinescores_change


def compare(code: str, baseline: float | None, follow_up: float | None) -> dict:
    """Return the change from baseline of one score and whether it reaches the MCID.

    ``{"delta": follow - baseline, "improvement": sign-normalised, "mcid": True/False/None,
    "threshold_set": id}``; ``mcid`` is None when no threshold set applies to ``code``.
    """
    if baseline is None or follow_up is None:
        return {}
    result = {"delta": follow_up - baseline, "improvement": None, "mcid": None, "threshold_set": ""}
    try:
        classified = spinescores_change.classify_change(code, baseline, follow_up)
    except spinescores.SpinescoresError:
        return result
    result.update(
        improvement=classified.improvement,
        mcid=classified.mcid_reached,
        threshold_set=classified.threshold_set,
        unvalidated="unvalidated" in classified.flags,
    )
    return result


def _scores(follow_up: FollowUp, baselines: dict) -> list[dict]:
    language = translation.get_language()
    rows = []
    for response in follow_up.responses.all():
        base = baselines.get((follow_up.series_id, response.instrument))
        rows.append(
            {
                "name": instrument_name(response.instrument, language),
                "value": response.value,
                "mode": response.get_mode_display(),
                "change": {} if follow_up.is_baseline else compare(response.instrument, base, response.value),
            }
        )
    return rows


@timeline.register
def follow_ups(patient) -> Iterable[timeline.Entry]:
    """Yield one entry per follow-up that has opened (future scheduled ones stay off the timeline)."""
    rows = list(
        FollowUp.objects.filter(patient=patient)
        .exclude(state=FollowUpState.SCHEDULED)
        .prefetch_related("responses")
        .order_by("due_on")
    )
    baselines = {
        (fu.series_id, r.instrument): r.value for fu in rows if fu.is_baseline for r in fu.responses.all()
    }
    for fu in rows:
        day = timezone.localtime(fu.completed_at).date() if fu.completed_at else fu.due_on
        yield timeline.Entry(
            day,
            "follow_up",
            _("Follow-up %(timepoint)s") % {"timepoint": fu.timepoint_label},
            "proms/partials/entry_follow_up.html",
            fu,
            {"scores": _scores(fu, baselines)},
        )
