"""Merge a duplicate patient record into a survivor, and undo it exactly (security.md T-76).

Every row that points at the duplicate (admissions, diagnoses, operations, follow-ups, exams, and
whatever patient-bearing model is added later) is moved to the survivor, each move audited; the
ids are kept in a :class:`PatientMerge`, so an undo moves exactly those rows back. Two things are
never moved: the name search tokens (derived from the duplicate's own name) and the consent
records (a decision belongs to the record it was given on; the survivor's consents stand).

A signed operation names its patient inside the signed content: moving it would void the
signature without anyone re-reading the record, so a merge (or an undo) that would move one is
refused, naming it, until the operation is amended and signed again.
"""

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine import audit
from openspine.audit.services import record_many
from openspine.core.errors import DomainError
from openspine.interop.models import PatientMerge
from openspine.patients.models import ConsentRecord, Patient, PatientNameToken

NOT_MOVED = (PatientNameToken, ConsentRecord)
SIGNED_STATES = ("signed",)


def _relations():
    """(model, field name) of every one-to-many relation to Patient that a merge moves."""
    return [
        (relation.related_model, relation.field.name)
        for relation in Patient._meta.related_objects
        if relation.one_to_many and relation.related_model not in NOT_MOVED
    ]


def _refuse_signed(model, ids: list[int]) -> None:
    if model._meta.label != "surgery.Operation" or not ids:
        return
    signed = model.objects.filter(pk__in=ids, status__in=SIGNED_STATES).order_by("performed_on")
    if signed.exists():
        days = ", ".join(op.performed_on.isoformat() for op in signed)
        raise DomainError(
            _("Signed operations (%(days)s) name the patient in their signature; amend them first.")
            % {"days": days}
        )


@transaction.atomic
def merge_patients(survivor: Patient, duplicate: Patient, *, actor, reason: str) -> PatientMerge:
    """Move everything of ``duplicate`` to ``survivor``; return the merge record that can undo it."""
    if survivor.pk == duplicate.pk:
        raise DomainError(_("A patient cannot be merged into itself."))
    if survivor.department_id != duplicate.department_id:
        raise DomainError(_("Both records must belong to the same department."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the merge."))
    survivor, duplicate = (Patient.objects.select_for_update().get(pk=p.pk) for p in (survivor, duplicate))
    plan = {}
    for model, field in _relations():
        ids = list(model.objects.filter(**{field: duplicate}).order_by("pk").values_list("pk", flat=True))
        _refuse_signed(model, ids)
        if ids:
            plan[model._meta.label] = (model, field, ids)
    merge = PatientMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        moved={label: {"field": field, "ids": ids} for label, (_m, field, ids) in plan.items()},
        reason=reason.strip()[:200],
        merged_by=actor,
    )
    _move(plan, source=duplicate, target=survivor, actor=actor, merge=merge, verb="moved")
    audit.record(
        actor,
        "interop.patientmerge.merged",
        merge,
        patient=survivor,
        after={"duplicate": str(duplicate.public_id), "rows": _count(merge)},
        reason=merge.reason,
    )
    return merge


@transaction.atomic
def undo_merge(merge: PatientMerge, *, actor) -> PatientMerge:
    """Move the rows the merge moved back to the duplicate; rows added since stay with the survivor."""
    merge = PatientMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise DomainError(_("This merge was already undone."))
    plan = {}
    for label, entry in merge.moved.items():
        model = apps.get_model(label)
        ids = list(
            model.objects.filter(pk__in=entry["ids"], **{entry["field"]: merge.survivor}).values_list(
                "pk", flat=True
            )
        )
        _refuse_signed(model, ids)
        plan[label] = (model, entry["field"], ids)
    _move(plan, source=merge.survivor, target=merge.duplicate, actor=actor, merge=merge, verb="moved_back")
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit.record(
        actor,
        "interop.patientmerge.undone",
        merge,
        patient=merge.duplicate,
        after={"survivor": str(merge.survivor.public_id), "rows": _count(merge)},
    )
    return merge


def _move(plan: dict, *, source, target, actor, merge, verb: str) -> None:
    events = []
    for model, field, ids in plan.values():
        # A plain column update: the moved records' contents do not change, so their versions
        # (and anybody's open edit form on them) stay valid; each move is audited below.
        model.objects.filter(pk__in=ids, **{field: source}).update(**{field: target})
        for row in model.objects.filter(pk__in=ids):
            events.append(
                {
                    "actor": actor,
                    "action": f"{model._meta.app_label}.{model._meta.model_name}.{verb}",
                    "obj": row,
                    "before": {"patient": str(source.public_id)},
                    "after": {"patient": str(target.public_id), "merge": str(merge.public_id)},
                    "patient": target,
                }
            )
    record_many(events)


def _count(merge: PatientMerge) -> int:
    return sum(len(entry["ids"]) for entry in merge.moved.values())
