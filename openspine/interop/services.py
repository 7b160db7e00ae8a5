"""Reconcile staged records with the registry: dry run, then commit a whole batch or nothing.

interop.md 0.2-0.3 and security.md T-73: the keys are (hospital, 病案号, 住院次数) for the encounter
and 病案号 for the patient; the same file imported twice changes nothing; every write goes through
the patients services (which audit each change) inside one transaction with the batch's own audit
event, and the batch is marked committed in that same transaction.
"""

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine import audit
from openspine.core.errors import DomainError
from openspine.core.validators import normalise_mrn, validate_icd10
from openspine.interop.adapters import frontpage
from openspine.interop.choices import BatchStatus, RowOutcome
from openspine.interop.models import ColumnMapping, ImportBatch, ImportLedger, StagedRecord
from openspine.patients import services as patients
from openspine.patients.models import Admission, Diagnosis, Patient

PATIENT_FIELDS = ("name", "sex", "birth_date", "national_id", "phone")
ADMISSION_FIELDS = ("admission_number", "admitted_on", "discharged_on", "ward", "discharge_destination")
# A diagnosis written by an import has no disease area in the front page; the clinician sets it.
IMPORTED_DISEASE_AREA = "other"
PROGRESS_EVERY = 50
# Rows looked up together (one query per kind for the chunk); below SQLite's parameter limit.
LOOKUP_CHUNK = 500


def mapping_for(hospital: str) -> ColumnMapping:
    """Return the hospital's saved column mapping, or the 病案首页 defaults (unsaved)."""
    return ColumnMapping.objects.filter(hospital=hospital).first() or ColumnMapping(hospital=hospital)


@transaction.atomic
def save_mapping(
    hospital: str, *, columns: dict, mrn_width: int, default_edition: str, actor
) -> ColumnMapping:
    """Save the hospital's column mapping (audited, with what changed)."""
    mapping = mapping_for(hospital)
    before = {
        "columns": mapping.columns,
        "mrn_width": mapping.mrn_width,
        "default_edition": mapping.default_edition,
    }
    mapping.columns, mapping.mrn_width, mapping.default_edition = columns, mrn_width, default_edition
    mapping.full_clean()
    mapping.save()
    after = {"columns": columns, "mrn_width": mrn_width, "default_edition": default_edition}
    audit.record(actor, "interop.columnmapping.saved", mapping, before=before, after=after)
    return mapping


# --- dry run ------------------------------------------------------------------------------------


@transaction.atomic
def preview_batch(content: bytes, filename: str, *, hospital: str, actor) -> ImportBatch:
    """Parse an upload and stage every row with the outcome a commit would have; write no patient.

    A file that cannot be read, or lacks required columns, is kept as a refused batch naming why.
    """
    mapping = mapping_for(hospital)
    batch = ImportBatch.objects.create(
        hospital=hospital,
        department=actor.department,
        filename=filename[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor,
    )
    try:
        rows = frontpage.read_rows(content, filename)
        parsed = frontpage.parse_rows(
            rows, mapping.columns, default_edition=mapping.default_edition, mrn_width=mapping.mrn_width
        )
    except frontpage.FileRefused as refusal:
        batch.status, batch.refusal = BatchStatus.REFUSED, str(refusal)
        batch.save(update_fields=["status", "refusal"])
        audit.record(actor, "interop.importbatch.refused", batch, after={"refusal": batch.refusal})
        return batch
    StagedRecord.objects.bulk_create(_stage(batch, parsed), batch_size=500)
    _count(batch)
    audit.record(
        actor,
        "interop.importbatch.previewed",
        batch,
        after={"counts": batch.counts, "file": batch.file_sha256},
    )
    return batch


def _stage(batch: ImportBatch, parsed: list) -> list[StagedRecord]:
    staged, seen_keys, seen_births = [], {}, {}
    for start in range(0, len(parsed), LOOKUP_CHUNK):
        chunk = parsed[start : start + LOOKUP_CHUNK]
        for row in chunk:
            key = _record_key(row.values)
            if not row.errors:
                _check_duplicates(row, key, seen_keys, seen_births)
            if not row.errors:
                _check_against_model(row, batch)
        lookup = Lookup(batch, [row.values for row in chunk if not row.errors])
        for row in chunk:
            values = row.values
            record = StagedRecord(
                batch=batch,
                row_number=row.number,
                record_key=_record_key(values)[:80],
                values_json=_dumps(values),
            )
            if row.errors:
                record.outcome, record.errors = RowOutcome.REJECTED, row.errors
            else:
                result = reconcile(values, batch, lookup)
                record.outcome, record.changes, record.errors = _numbered(result, row.number)
            staged.append(record)
    return staged


def _record_key(values: dict) -> str:
    return f"{values.get('mrn', '')}/{values.get('sequence', '')}"


def _numbered(result: tuple, number: int) -> tuple:
    outcome, changes, errors = result
    return outcome, changes, [{**error, "row": number} for error in errors]


def _check_duplicates(row, key: str, seen_keys: dict, seen_births: dict) -> None:
    """Reject a second row of the same encounter, and a 病案号 given two birth dates in one file."""
    mrn, birth = normalise_mrn(row.values["mrn"]), row.values["birth_date"]
    if key in seen_keys:
        row.reject(
            "sequence", _("This 病案号 and 住院次数 are already on row %(row)s.") % {"row": seen_keys[key]}
        )
    elif mrn in seen_births and seen_births[mrn][0] != birth:
        row.reject(
            "birth_date",
            _("Row %(row)s gives this 病案号 another birth date (%(day)s).")
            % {"row": seen_births[mrn][1], "day": seen_births[mrn][0].isoformat()},
        )
    seen_keys.setdefault(key, row.number)
    seen_births.setdefault(mrn, (birth, row.number))


def _check_against_model(row, batch: ImportBatch) -> None:
    """Run the registry's own field checks (ID number against birth date and sex, lengths, ...)."""
    target = target_values(row.values)
    checks = (
        (Patient(department=batch.department, mrn=row.values["mrn"], **target["patient"]), ["department"]),
        (Admission(**target["admission"]), ["patient"]),
    )
    for obj, exclude in checks:
        try:
            obj.clean_fields(exclude=exclude)
            # Patient.clean would also look the 病案号 up: an existing patient is reconciled instead.
            obj.clean_values() if isinstance(obj, Patient) else obj.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = _field_label(obj, name)
                row.errors.extend({"row": row.number, "field": label, "message": m} for m in messages)


def _field_label(obj, name: str) -> str:
    try:
        return str(obj._meta.get_field(name).verbose_name)
    except Exception:  # NON_FIELD_ERRORS and the like
        return name


def target_values(values: dict) -> dict:
    """The registry values a row stands for: patient fields, admission fields, diagnosis codes."""
    admission_number = values.get("visit_number") or f"{values['mrn']}-{values['sequence']}"
    return {
        "patient": {name: values.get(name) or "" for name in PATIENT_FIELDS}
        | {"birth_date": values.get("birth_date")},
        "admission": {
            "admission_number": admission_number[:32],
            "admitted_on": values.get("admitted_on"),
            "discharged_on": values.get("discharged_on"),
            "ward": values.get("ward", ""),
            "discharge_destination": values.get("disposition", "") if values.get("discharged_on") else "",
        },
        "diagnoses": [d["code"] for d in values.get("diagnoses", []) if _registry_code(d["code"])],
    }


def _registry_code(code: str) -> bool:
    # The registry's diagnosis field takes WHO-shaped codes (M51.202); longer national-edition codes
    # (U07.100x002) and morphology codes stay in the import ledger with their edition.
    try:
        validate_icd10(code)
    except ValidationError:
        return False
    return len(code) <= Diagnosis._meta.get_field("icd10").max_length


class Lookup:
    """The registry as it is now for a chunk of rows, read with one query per kind (set-based).

    Patients by their normalised 病案号 key (``mrn_key``, as the patients app finds them), ledger
    entries by (hospital, 病案号), stays by admission number, the latest ledger entry of each
    patient and the diagnosis codes of each stay: five queries for a chunk instead of five per row.
    Rows of one chunk are looked up against the registry as it was when the chunk was read, so a
    chunk is used either read-only (dry run, check pass) or for one row (the write pass).
    """

    def __init__(self, batch: ImportBatch, rows: list[dict]):
        keys = {normalise_mrn(values["mrn"]) for values in rows}
        self.patients = {p.mrn_key: p for p in Patient.objects.filter(mrn_key__in=keys)} if keys else {}
        mrns = {values["mrn"] for values in rows}
        ledgers = ImportLedger.objects.filter(hospital=batch.hospital, mrn__in=mrns).select_related(
            "admission"
        )
        self.ledgers = {(entry.mrn, entry.sequence): entry for entry in ledgers} if mrns else {}
        numbers = {target_values(values)["admission"]["admission_number"] for values in rows}
        self.stays = (
            {a.admission_number: a for a in Admission.objects.filter(admission_number__in=numbers)}
            if numbers
            else {}
        )
        self.earlier = {}
        patient_ids = [patient.pk for patient in self.patients.values()]
        # Ascending, so the last one seen (the newest) stays: as order_by("-updated_at").first().
        for entry in ImportLedger.objects.filter(patient_id__in=patient_ids).order_by("updated_at", "pk"):
            self.earlier[entry.patient_id] = entry
        admission_ids = {entry.admission_id for entry in self.ledgers.values()}
        admission_ids |= {admission.pk for admission in self.stays.values()}
        self.codes = {}
        for admission_id, code in Diagnosis.objects.filter(admission_id__in=admission_ids).values_list(
            "admission_id", "icd10"
        ):
            self.codes.setdefault(admission_id, []).append(code)

    def patient(self, values: dict):
        return self.patients.get(normalise_mrn(values["mrn"]))

    def known_stay(self, values: dict, target: dict):
        """The row's ledger entry and the stay it imported before, else the stay with its number."""
        ledger = self.ledgers.get((values["mrn"], values["sequence"]))
        if ledger:
            return ledger, ledger.admission
        return None, self.stays.get(target["admission"]["admission_number"])

    def earlier_entry(self, patient):
        return self.earlier.get(patient.pk)

    def diagnoses(self, admission) -> list:
        return self.codes.get(admission.pk, [])


def reconcile(values: dict, batch: ImportBatch, lookup: Lookup | None = None) -> tuple[str, list, list]:
    """Return (outcome, changed fields, errors) of one valid row against the registry as it is now.

    A field is a conflict when the registry holds a different, non-empty value that the last import
    did not write (a clinician's edit, or data entered by hand before any import). ``lookup`` holds
    the registry's rows for a chunk of rows (:class:`Lookup`); without it they are read for this row.
    """
    lookup = lookup or Lookup(batch, [values])
    target = target_values(values)
    patient = lookup.patient(values)
    error = _identity_error(patient, values, batch)
    if error:
        return RowOutcome.REJECTED, [], [{"row": 0, "field": error[0], "message": error[1]}]
    ledger, admission = lookup.known_stay(values, target)
    if admission and patient and admission.patient_id != patient.pk:
        return (
            RowOutcome.REJECTED,
            [],
            [
                {
                    "row": 0,
                    "field": str(frontpage.FIELDS["visit_number"][0]),
                    "message": _("This 住院号 belongs to another patient."),
                }
            ],
        )
    if patient is None and admission is None:
        return RowOutcome.NEW, [], []
    last = json.loads(ledger.imported_json) if ledger else {}
    if patient is not None and not ledger:
        # The patient's details as the last import of any of their stays wrote them.
        earlier = lookup.earlier_entry(patient)
        last = {"patient": earlier.imported.get("patient", {})} if earlier else {}
    current = current_values(patient, admission, lookup.diagnoses(admission) if admission else [])
    changes, conflicts = [], []
    for section in ("patient", "admission"):
        for name, wanted in target[section].items():
            have = current[section].get(name) if current[section] is not None else None
            if section == "admission" and current["admission"] is None:
                continue
            if _same(have, wanted):
                continue
            changes.append(name)
            if have not in (None, "") and not _same(have, last.get(section, {}).get(name)):
                conflicts.append(name)
    if current["admission"] is None:
        changes.append("admission")
    missing = [code for code in target["diagnoses"] if code not in current["diagnoses"]]
    if missing:
        changes.append("diagnoses")
    if conflicts:
        return (
            RowOutcome.CONFLICT,
            changes,
            [
                {
                    "row": 0,
                    "field": ", ".join(conflicts),
                    "message": _("Changed in OpenSpine since the last import; edit it by hand."),
                }
            ],
        )
    return (RowOutcome.CHANGED if changes else RowOutcome.UNCHANGED), changes, []


def _known_stay(batch, values, target):
    """One row's :meth:`Lookup.known_stay` in at most two queries (the write pass, row by row)."""
    ledger = ImportLedger.objects.filter(
        hospital=batch.hospital, mrn=values["mrn"], sequence=values["sequence"]
    ).first()
    if ledger:
        return ledger, ledger.admission
    return None, Admission.objects.filter(admission_number=target["admission"]["admission_number"]).first()


def _identity_error(patient, values: dict, batch: ImportBatch):
    if patient is None:
        return None
    if patient.department_id != batch.department_id:
        return str(frontpage.FIELDS["mrn"][0]), _("This 病案号 is registered in another department.")
    if patient.birth_date != values["birth_date"]:
        return str(frontpage.FIELDS["birth_date"][0]), _("This 病案号 is registered with another birth date.")
    return None


def current_values(patient, admission, diagnoses=None) -> dict:
    """The registry's present values in the shape of :func:`target_values`."""
    if diagnoses is None:
        diagnoses = list(admission.diagnoses.values_list("icd10", flat=True)) if admission else []
    return {
        "patient": {name: getattr(patient, name) for name in PATIENT_FIELDS} if patient else None,
        "admission": {name: getattr(admission, name) for name in ADMISSION_FIELDS} if admission else None,
        "diagnoses": diagnoses,
    }


def _same(a, b) -> bool:
    return _jsonable(a) == _jsonable(b)


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    return value if value not in (None,) else ""


def _dumps(values: dict) -> str:
    return json.dumps(values, default=_jsonable, ensure_ascii=False, sort_keys=True)


def _loads(text: str) -> dict:
    values = json.loads(text)
    for key in ("birth_date", "admitted_on", "discharged_on"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return values


def _count(batch: ImportBatch) -> None:
    counts = {outcome: 0 for outcome in RowOutcome.values}
    for outcome in batch.records.values_list("outcome", flat=True):
        counts[outcome] += 1
    batch.counts, batch.progress_total = counts, sum(counts.values())
    batch.save(update_fields=["counts", "progress_total"])


# --- commit -------------------------------------------------------------------------------------


def check_committable(batch: ImportBatch, *, accept_partial: bool) -> None:
    """Refuse a batch that is refused, already committed, or has rejections the user did not accept."""
    # RUNNING is allowed: a worker killed mid-batch committed nothing, so the batch may run again.
    if batch.status not in (
        BatchStatus.PREVIEWED,
        BatchStatus.QUEUED,
        BatchStatus.RUNNING,
        BatchStatus.FAILED,
    ):
        raise DomainError(
            _("This batch cannot be committed: it is %(status)s.") % {"status": batch.get_status_display()}
        )
    held = batch.counts.get(RowOutcome.REJECTED, 0) + batch.counts.get(RowOutcome.CONFLICT, 0)
    if held and not accept_partial:
        raise DomainError(
            _(
                "%(count)s rows are rejected or in conflict. "
                "Tick “commit accepted rows only” to leave them out."
            )
            % {"count": held}
        )


@transaction.atomic
def queue_commit(batch: ImportBatch, *, actor, accept_partial: bool = False) -> ImportBatch:
    """Check that ``batch`` may be committed and hand it to the ``imports`` worker after this commit."""
    from openspine.interop.tasks import commit_batch_job

    check_committable(batch, accept_partial=accept_partial)
    batch.status, batch.progress_done = BatchStatus.QUEUED, 0
    batch.save(update_fields=["status", "progress_done"])
    audit.record(actor, "interop.importbatch.queued", batch, after={"accept_partial": accept_partial})
    args = (batch.pk, actor.pk, accept_partial)
    transaction.on_commit(lambda: commit_batch_job.enqueue(*args))
    return batch


def commit_batch(batch: ImportBatch, *, actor, accept_partial: bool = False, progress=None) -> ImportBatch:
    """Write every accepted row of ``batch`` in one transaction, or nothing (T-73, T-74).

    A check pass first reconciles each row against the registry as it is now, reporting progress
    (outside any transaction, so the page can show it); then one transaction reconciles again and
    writes. A file committed twice, or a row another batch already wrote, comes out unchanged. Any
    error rolls the whole batch back; the batch is then marked failed, naming the row.
    """
    check_committable(batch, accept_partial=accept_partial)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    if progress:
        _check_pass(batch, progress)
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            check_committable(locked, accept_partial=accept_partial)
            log = _apply_rows(locked, actor=actor)
            locked.status, locked.committed_at = BatchStatus.COMMITTED, timezone.now()
            locked.accept_partial, locked.log = accept_partial, log
            locked.save(update_fields=["status", "committed_at", "accept_partial", "log", "progress_done"])
            _count(locked)
            audit.record(
                actor,
                "interop.importbatch.committed",
                locked,
                after={"counts": locked.counts, "left_out": len(log)},
                reason=str(locked.public_id),
            )
    except _RowFailed as failure:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, log=[failure.entry])
        batch.refresh_from_db()
        raise DomainError(
            _("Row %(row)s could not be written, so nothing was imported: %(error)s") % failure.entry
        )
    batch.refresh_from_db()
    return batch


def _check_pass(batch: ImportBatch, progress) -> None:
    records = list(batch.records.exclude(outcome=RowOutcome.REJECTED).only("pk", "values_json"))
    for start in range(0, len(records), LOOKUP_CHUNK):
        rows = [_loads(record.values_json) for record in records[start : start + LOOKUP_CHUNK]]
        lookup = Lookup(batch, rows)
        for done, values in enumerate(rows, start=start + 1):
            reconcile(values, batch, lookup)
            if done % PROGRESS_EVERY == 0 or done == len(records):
                progress(batch, done, len(records))


class _RowFailed(Exception):
    def __init__(self, entry):
        super().__init__(entry)
        self.entry = entry


def _apply_rows(batch: ImportBatch, *, actor) -> list:
    log = []
    records = list(batch.records.all())
    for done, record in enumerate(records, start=1):
        if record.outcome not in (RowOutcome.REJECTED,):
            values = _loads(record.values_json)
            outcome, changes, errors = _numbered(reconcile(values, batch), record.row_number)
            record.outcome, record.changes, record.errors = outcome, changes, errors
            if outcome in (RowOutcome.NEW, RowOutcome.CHANGED):
                try:
                    with transaction.atomic():
                        _apply(values, batch, outcome, changes, actor=actor)
                except ValidationError as error:
                    raise _RowFailed({"row": record.row_number, "error": "; ".join(error.messages)})
            record.save(update_fields=["outcome", "changes", "errors"])
        if record.outcome in (RowOutcome.REJECTED, RowOutcome.CONFLICT):
            log.append({"row": record.row_number, "outcome": record.outcome, "left_out": True})
        batch.progress_done = done
    return log


def _apply(values: dict, batch: ImportBatch, outcome: str, changes: list, *, actor) -> None:
    target = target_values(values)
    patient = Patient.objects.filter(mrn_key=normalise_mrn(values["mrn"])).first()
    if patient is None:
        patient = patients.create_patient(
            actor=actor, department=batch.department, mrn=values["mrn"], **target["patient"]
        )
    else:
        updates = {k: v for k, v in target["patient"].items() if k in changes}
        if updates:
            patient = patients.update_patient(patient, actor=actor, **updates)
    _ledger, admission = _known_stay(batch, values, target)
    if admission is None:
        admission = patients.add_admission(patient, actor=actor, **target["admission"])
    else:
        updates = {k: v for k, v in target["admission"].items() if k in changes}
        if updates:
            admission = patients.update_admission(admission, actor=actor, **updates)
    have = set(admission.diagnoses.values_list("icd10", flat=True))
    for code in target["diagnoses"]:
        if code not in have:
            patients.add_diagnosis(
                patient,
                actor=actor,
                admission=admission,
                icd10=code,
                disease_area=IMPORTED_DISEASE_AREA,
                diagnosed_on=admission.admitted_on,
                note=_note(values, code),
            )
    ImportLedger.objects.update_or_create(
        hospital=batch.hospital,
        mrn=values["mrn"],
        sequence=values["sequence"],
        defaults={
            "patient": patient,
            "admission": admission,
            "batch": batch,
            "imported_json": _dumps(target),
        },
    )
    audit.record(
        actor,
        "interop.stagedrecord.applied",
        admission,
        patient=patient,
        after={"batch": str(batch.public_id), "outcome": outcome, "fields": changes},
        reason=str(batch.public_id),
    )


def _note(values: dict, code: str) -> str:
    raw = next((d["raw"] for d in values.get("diagnoses", []) if d["code"] == code), code)
    return _("Imported from the 病案首页 (%(edition)s; as written: %(raw)s).") % {
        "edition": values.get("edition", ""),
        "raw": raw,
    }
