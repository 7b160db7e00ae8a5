"""Schedule the follow-ups of a bulk-written batch in memory, as the follow-up services would.

The steps of :mod:`openspine.proms.baseline` and :func:`openspine.proms.services.schedule_follow_ups`,
on unsaved rows: a stay's pre-operative baseline is opened with its diagnosis (a revision stay's at
admission with the earlier diagnosis, then re-pointed by its own), adopted into the series when the
operation is signed; a revision closes the earlier series and cancels its pending follow-ups. The
history is then played on the unsaved follow-ups (:func:`openspine.proms.demo.play_history`), so
each is written once, in its final state. Protocols and their timepoints are read once.
"""

from django.utils import timezone

from openspine.demo.events import BASELINE, BASELINE_AT_ADMISSION, CLOSED, SERIES
from openspine.proms import demo as history
from openspine.proms.baseline import ask_timepoint, baseline_closes_on, baseline_timepoint, new_baseline
from openspine.proms.choices import CancelReason, SeriesCloseReason
from openspine.proms.choices import FollowUpState as S
from openspine.proms.models import FollowUp, FollowUpSeries, FollowUpTransition
from openspine.proms.services import build_follow_up, protocol_for_procedures


class FollowUpScheduler:
    """Open baselines, schedule series and play the history of one batch after another."""

    def __init__(self, seeder, today, rng_for):
        self.seeder, self.today, self.rng_for = seeder, today, rng_for
        self.coordinator = history.coordinator()
        self._baselines, self._protocols, self._timepoints = {}, {}, {}

    def baseline_of(self, area):
        if area not in self._baselines:
            self._baselines[area] = baseline_timepoint(area)
        return self._baselines[area]

    def protocol_of(self, area, codes):
        key = (area, frozenset(codes))
        if key not in self._protocols:
            protocol = protocol_for_procedures(area, codes)
            version = protocol.current_version if protocol else None
            self._protocols[key] = (protocol, version)
            if version is not None and version.pk not in self._timepoints:
                self._timepoints[version.pk] = list(version.timepoints.all())
        return self._protocols[key]

    def open_baselines(self, stays, patients, admissions, diagnoses, events) -> dict:
        """Open each stay's pre-operative baseline as proms.baseline.schedule_baseline does.

        A first stay opens it with its diagnosis. A later stay opens it at admission with the
        patient's latest diagnosis (the earlier stay's), then its own diagnosis re-points it.
        """
        baselines = {}
        for plan, n, _stay in stays:
            admission = admissions[(plan.index, n)]
            opened_with = diagnoses[(plan.index, n - 1)] if n else diagnoses[(plan.index, n)]
            timepoint = self.baseline_of(opened_with.disease_area)
            if timepoint is None:
                continue
            follow_up = new_baseline(patients[plan.index], admission, opened_with, timepoint)
            after = {"timepoint": follow_up.timepoint, "window_closes_on": follow_up.window_closes_on}
            step = BASELINE_AT_ADMISSION if n else BASELINE
            events.add(
                plan,
                n,
                step,
                self.seeder,
                "proms.followup.scheduled",
                follow_up,
                after=after,
                patient=follow_up.patient,
            )
            own = diagnoses[(plan.index, n)]
            own_timepoint = self.baseline_of(own.disease_area)
            if n and own_timepoint is not None:
                follow_up.diagnosis = own
                ask_timepoint(follow_up, own_timepoint, own)
                after = {"diagnosis": str(own.public_id)}
                events.add(plan, n, BASELINE, self.seeder, "proms.followup.updated", follow_up, after=after)
            baselines[(plan.index, n)] = follow_up
        return baselines

    def play(self, follow_ups, operations):
        """Play the follow-up history in memory before the follow-ups are written (no update after).

        As seed_follow_up_history: draft stays' baselines first end on the operation day (what
        run_periodic's close_baseline_windows does), then every still scheduled follow-up is played
        in operation order.
        """
        operated_on = {op.admission_id: op.performed_on for op in operations.values()}
        for fu in follow_ups:
            if fu.is_baseline and fu.series is None and fu.state == S.SCHEDULED:
                fu.window_closes_on = baseline_closes_on(
                    fu.admission, operated_on=operated_on[fu.admission.pk]
                )
        scheduled = [fu for fu in follow_ups if fu.state == S.SCHEDULED]
        scheduled.sort(key=lambda fu: (fu.operation.pk if fu.operation else 0, fu.due_on))
        return history.play_history(self.rng_for, scheduled, today=self.today, coordinator=self.coordinator)

    def schedule(self, stays, operations, baselines, events) -> tuple[list, list, list]:
        """Create the series of each signed operation as schedule_follow_ups does, then write them."""
        series_rows, follow_ups, transitions = [], list(baselines.values()), []
        open_series = {}
        for plan, n, stay in stays:
            if not stay.signed:
                continue
            operation = operations[(plan.index, n)]
            actor = operation.primary_surgeon
            protocol, version = self.protocol_of(operation.diagnosis.disease_area, stay.procedures)
            if version is None:
                continue
            previous = open_series.pop(plan.index, None)
            if previous is not None:
                transitions += self._close(previous, operation, actor)
                events.add(
                    plan,
                    n,
                    CLOSED,
                    actor,
                    "proms.followupseries.closed",
                    previous,
                    after={"reason": "reoperation"},
                )
            series = FollowUpSeries(
                patient=operation.patient,
                operation=operation,
                protocol_version=version,
                contact_consent_at_start=operation.patient.contact_consent,
            )
            series.members = []
            adopted = None
            for timepoint in self._timepoints[version.pk]:
                baseline = baselines.get((plan.index, n))
                if timepoint.is_baseline and adopted is None and baseline is not None:
                    adopted = _adopt(baseline, series, operation, timepoint)
                    series.members.append(adopted)
                    continue
                follow_up = build_follow_up(series, timepoint, operation)
                series.members.append(follow_up)
                follow_ups.append(follow_up)
            after = {"protocol": str(protocol), "version": version.number}
            if adopted is not None:
                after["adopted_baseline"] = str(adopted.public_id)
            events.add(
                plan,
                n,
                SERIES,
                actor,
                "proms.followupseries.created",
                series,
                after=after,
                patient=operation.patient,
            )
            series_rows.append(series)
            open_series[plan.index] = series
        return series_rows, follow_ups, transitions

    def _close(self, series, operation, actor) -> list:
        """Close ``series`` for a reoperation and cancel its pending follow-ups (all still scheduled)."""
        now = timezone.now()
        series.closed_at, series.close_reason, series.closed_by_operation = (
            now,
            SeriesCloseReason.REOPERATION,
            operation,
        )
        transitions = []
        for follow_up in series.members:
            transitions.append(
                FollowUpTransition(
                    follow_up=follow_up,
                    from_state=follow_up.state,
                    to_state=S.CANCELLED,
                    at=now,
                    actor=actor,
                    reason=CancelReason.REOPERATION,
                )
            )
            follow_up.state, follow_up.state_changed_at = S.CANCELLED, now
            follow_up.cancel_reason = CancelReason.REOPERATION
        return transitions


def _adopt(follow_up: FollowUp, series, operation, timepoint) -> FollowUp:
    # As proms.baseline.adopt_baseline for a baseline nobody has answered yet (still scheduled).
    follow_up.series, follow_up.operation = series, operation
    follow_up.window_closes_on = max(follow_up.window_opens_on, operation.performed_on)
    ask_timepoint(follow_up, timepoint, operation)
    return follow_up
