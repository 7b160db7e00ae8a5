"""Every change to operations and complications: one transaction, one audit event each.

An operation is written as a whole (fields, procedures, team, implants) so that a failing row leaves
nothing behind. Signing stores a SHA-256 of the record's canonical content and a keyed seal over it
(``signing.py``); a change to a signed record is an amendment with a reason, which voids the
signature until the record is signed again.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from openspine import audit
from openspine.accounts import lockout, mfa
from openspine.accounts.choices import Role
from openspine.accounts.models import TotpDevice
from openspine.accounts.roles import can
from openspine.audit.services import diff, jsonable, snapshot
from openspine.core.errors import DomainError
from openspine.core.locking import save_with_version
from openspine.surgery import signing
from openspine.surgery.choices import (
    ImplantKind,
    OperationStatus,
    Portion,
    Procedure,
    SignatureMeaning,
    TeamRole,
)
from openspine.surgery.models import (
    Amendment,
    Complication,
    Implant,
    Operation,
    OperationProcedure,
    OperationTeamMember,
    Signature,
)
from openspine.surgery.signals import operation_signed

# Fields a caller may set on an operation; status, version and authorship are the services' business.
OPERATION_FIELDS = frozenset(
    {
        "admission",
        "diagnosis",
        "performed_on",
        "started_at",
        "ended_at",
        "kind",
        "revision_of",
        "primary_surgeon",
        "asa_grade",
        "asa_emergency",
        "level_from",
        "level_to",
        "approach",
        "technique",
        "navigation",
        "robot",
        "neuromonitoring",
        "blood_loss_ml",
        "transfusion_units",
        "note",
    }
)
COMPLICATION_FIELDS = frozenset(
    {
        "category",
        "timing",
        "onset_on",
        "clavien_dindo",
        "present_at_discharge",
        "reoperation",
        "caused_readmission",
        "resolved",
        "reported_by",
        "note",
    }
)
# Content covered by a signature: the clinical fields, never bookkeeping (status, version, times saved).
_HASHED_FIELDS = ("patient", *sorted(OPERATION_FIELDS))
_IMPLANT_KEYS = ("kind", "count", "manufacturer", "lot_number")
_CHECKED_FKS = ("patient", "admission", "diagnosis", "primary_surgeon", "revision_of", "created_by")


def _refuse_unknown(fields: dict, allowed: frozenset) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(
            {
                name: _("This field cannot be set here; allowed fields: %(allowed)s.")
                % {"allowed": ", ".join(sorted(allowed))}
                for name in unknown
            }
        )


def _clean_operation(operation: Operation) -> None:
    # Foreign keys arrive as loaded objects and clean() repeats the check constraints, so skipping
    # Django's per-field existence and constraint queries keeps the seed's 9,000 saves lean.
    operation.full_clean(exclude=[*_CHECKED_FKS, "public_id"], validate_constraints=False)


def _clean_procedures(codes) -> list[str]:
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise ValidationError({"procedures": _("Choose at least one procedure.")})
    allowed = set(Procedure.values)
    for code in codes:
        if code not in allowed:
            raise ValidationError(
                {
                    "procedures": _("%(code)s is not in the procedure catalogue; allowed: %(allowed)s.")
                    % {"code": code, "allowed": ", ".join(Procedure.values)}
                }
            )
    return codes


def _clean_team(team, patient) -> list[tuple]:
    """Return the team as (user, role, portion) triples; a member may come as (user, role) too."""
    members = []
    for member in team:
        user, role, portion = (*member, [])[:3]
        if role not in TeamRole.values:
            raise ValidationError(
                {
                    "team": _("%(role)s is not a team role; allowed: %(allowed)s.")
                    % {"role": role, "allowed": ", ".join(TeamRole.values)}
                }
            )
        if user.department_id != patient.department_id or not user.is_active:
            raise ValidationError(
                {"team": _("%(user)s is not an active staff member of this department.") % {"user": user}}
            )
        if (user.pk, role) not in {(m.pk, r) for m, r, _p in members}:
            members.append((user, role, _clean_portion(portion)))
    if sum(1 for _u, role, _p in members if role == TeamRole.PRIMARY_SURGEON) > 1:
        raise ValidationError(
            {"team": _("Only one trainee can be recorded as operating surgeon (术者) of an operation.")}
        )
    return members


def _clean_portion(portion) -> list[str]:
    codes = list(dict.fromkeys(portion or ()))
    for code in codes:
        if code not in Portion.values:
            raise ValidationError(
                {
                    "portion": _("%(code)s is not a portion of an operation; allowed: %(allowed)s.")
                    % {"code": code, "allowed": ", ".join(Portion.values)}
                }
            )
    return [code for code in Portion.values if code in codes]


def _stage_resolver():
    """Return the function giving a trainee's stage on a date (a higher layer, named in settings)."""
    path = getattr(settings, "OPENSPINE_TRAINEE_STAGE", "")
    return import_string(path) if path else (lambda user, day: "")


def _clean_implants(rows) -> list[Implant]:
    implants = []
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(_IMPLANT_KEYS)
        if unknown:
            raise ValidationError(
                {"implants": _("Row %(n)s: unknown keys %(keys)s.") % {"n": number, "keys": sorted(unknown)}}
            )
        implant = Implant(**row)
        try:
            implant.full_clean(exclude=["operation"], validate_constraints=False)
            if implant.count < 1:
                raise ValidationError({"count": _("The count must be at least 1.")})
        except ValidationError as error:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise ValidationError(
                {
                    "implants": _("Row %(n)s: %(errors)s (kinds: %(allowed)s)")
                    % {"n": number, "errors": messages, "allowed": ", ".join(ImplantKind.values)}
                }
            ) from error
        implants.append(implant)
    return implants


def _write_children(operation, procedures=None, team=None, implants=None, *, replace=True) -> None:
    """Write the given child rows (None leaves that kind alone); ``replace`` deletes the old ones first."""
    if procedures is not None:
        if replace:
            OperationProcedure.objects.filter(operation=operation).delete()
        OperationProcedure.objects.bulk_create(
            [OperationProcedure(operation=operation, code=code) for code in procedures]
        )
    if team is not None:
        if replace:
            OperationTeamMember.objects.filter(operation=operation).delete()
        if team:
            stage_on = _stage_resolver()
            OperationTeamMember.objects.bulk_create(
                [
                    OperationTeamMember(
                        operation=operation,
                        user=user,
                        role=role,
                        portion=portion,
                        trainee_stage=stage_on(user, operation.performed_on),
                    )
                    for user, role, portion in team
                ]
            )
    if implants is not None:
        if replace:
            Implant.objects.filter(operation=operation).delete()
        for implant in implants:
            implant.operation = operation
        if implants:
            Implant.objects.bulk_create(implants)


def _canonical(fields: dict, procedures, team, implants) -> dict:
    return {
        **{name: jsonable(fields[name]) for name in _HASHED_FIELDS},
        "procedures": sorted(procedures),
        # The portion joins a member's entry only when recorded, so records signed before it existed
        # keep their hash.
        "team": sorted([user_id, role, *([portion] if portion else [])] for user_id, role, portion in team),
        "implants": sorted([str(row[key]) for key in _IMPLANT_KEYS] for row in implants),
    }


def record_content(operation: Operation) -> dict:
    """Return the canonical content of ``operation`` as stored: fields, procedures, team and implants.

    Read fresh from the database so that in-memory values (an unsaved Decimal, a datetime in another
    time zone) never change the hash.
    """
    attnames = [Operation._meta.get_field(name).attname for name in _HASHED_FIELDS]
    row = Operation.objects.filter(pk=operation.pk).values(*attnames).get()
    fields = {name: row[Operation._meta.get_field(name).attname] for name in _HASHED_FIELDS}
    for name in ("started_at", "ended_at"):
        fields[name] = fields[name].astimezone(datetime.UTC) if fields[name] else None
    procedures = OperationProcedure.objects.filter(operation=operation).values_list("code", flat=True)
    team = OperationTeamMember.objects.filter(operation=operation).values_list("user_id", "role", "portion")
    implants = Implant.objects.filter(operation=operation).values(*_IMPLANT_KEYS)
    return _canonical(fields, list(procedures), list(team), list(implants))


def content_hash(operation: Operation) -> str:
    """Return the SHA-256 (hex) of the record's canonical content as sorted JSON."""
    return _hash_content(record_content(operation))


def content_hash_before_save(operation: Operation, procedures, team, implants) -> str:
    """Return what :func:`content_hash` will give once ``operation`` and its children are stored.

    For the bulk demo seeder, which signs rows it writes itself: the values are taken from the
    instance (foreign keys as ids, times in UTC) as :func:`record_content` reads them back.
    ``team`` holds (user, role, portion) triples and ``implants`` Implant instances, as validated.
    """
    fields = {name: getattr(operation, Operation._meta.get_field(name).attname) for name in _HASHED_FIELDS}
    for name in ("started_at", "ended_at"):
        fields[name] = fields[name].astimezone(datetime.UTC) if fields[name] else None
    members = [(user.pk, role, portion) for user, role, portion in team]
    rows = [{key: getattr(implant, key) for key in _IMPLANT_KEYS} for implant in implants]
    return _hash_content(_canonical(fields, list(procedures), members, rows))


def _hash_content(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _seal_values(signature: Signature) -> dict:
    return {
        "operation_id": signature.operation.public_id,
        "signer_id": signature.signer_id,
        "signer_name": signature.signer_name,
        "meaning": signature.meaning,
        "signed_at": signature.signed_at,
        "content_hash": signature.content_hash,
    }


def verify_signature(signature: Signature) -> bool:
    """Return True if the record still has the signed content and the signature its keyed seal.

    The seal catches what the plain hash cannot: a record edited by SQL whose ``content_hash`` was
    recomputed, or a signature altered or copied from another record.
    """
    sealed = signing.is_sealed(key_id=signature.key_id, mac=signature.mac, **_seal_values(signature))
    return sealed and content_hash(signature.operation) == signature.content_hash


def _voided_without_amendment(signature: Signature) -> bool:
    # The amendment service voids signatures at the amendment's own time; a void with no amendment
    # at that time was set behind the application, e.g. to hide an edit from this check.
    return not Amendment.objects.filter(
        operation_id=signature.operation_id, amended_at=signature.invalidated_at
    ).exists()


def tampered_operations() -> list[Operation]:
    """Return the operations changed behind the application since their signature (T-43).

    Recomputes the hash and checks the seal of every active (not invalidated) signature, and checks
    that every voided signature was voided by an amendment. A change that went through the services
    invalidates the signature with an amendment first, so a mismatch means the record was changed
    behind the application (raw SQL, a restore, a bulk update). Each one is audited.
    """
    signatures = Signature.objects.select_related("operation").order_by("pk")
    tampered: dict[int, Operation] = {}
    for signature in signatures.iterator():
        if signature.invalidated_at is None:
            intact = verify_signature(signature)
        else:
            intact = not _voided_without_amendment(signature)
        if signature.operation_id not in tampered and not intact:
            tampered[signature.operation_id] = signature.operation
            audit.record(
                None,
                "surgery.operation.tamper_detected",
                signature.operation,
                after={"signature_id": signature.pk, "content_hash": signature.content_hash},
            )
    return list(tampered.values())


def operation_summary(operation, procedures, team, implants) -> dict:
    """Return the audit record of a created operation: its fields and children, identifiers masked."""
    data = snapshot(operation)
    data["procedures"] = list(procedures)
    data["team"] = [[user.username, role, *([portion] if portion else [])] for user, role, portion in team]
    data["implants"] = [{key: getattr(i, key) for key in _IMPLANT_KEYS} for i in implants]
    return data


def validate_operation(operation: Operation, procedures, team, implants) -> tuple[list, list, list]:
    """Check an unsaved operation and its children as :func:`create_operation` does; no query.

    Returns the procedure codes, the (user, role) team and the Implant instances to write; raises
    ValidationError naming the field (the bulk demo seeder calls it for every row it inserts).
    """
    _clean_operation(operation)
    return _clean_procedures(procedures), _clean_team(team, operation.patient), _clean_implants(implants)


@transaction.atomic
def create_operation(
    patient,
    *,
    actor,
    admission,
    diagnosis,
    performed_on,
    started_at,
    ended_at,
    primary_surgeon,
    asa_grade,
    approach,
    technique,
    procedures: list[str],
    team=(),
    implants=(),
    **fields,
) -> Operation:
    """Record an operation of ``patient`` as a draft, with its procedures, team and implants.

    A resident's record starts as awaiting an attending's co-signature. Everything is validated
    before anything is written; a bad implant row leaves no operation behind.
    """
    _refuse_unknown(fields, OPERATION_FIELDS)
    operation = Operation(
        patient=patient,
        admission=admission,
        diagnosis=diagnosis,
        performed_on=performed_on,
        started_at=started_at,
        ended_at=ended_at,
        primary_surgeon=primary_surgeon,
        asa_grade=asa_grade,
        approach=approach,
        technique=technique,
        created_by=actor,
        **fields,
    )
    if getattr(actor, "role", None) == Role.RESIDENT:
        operation.status = OperationStatus.AWAITING_COSIGN
    codes, members, rows = validate_operation(operation, procedures, team, implants)
    operation.save()
    _write_children(operation, codes, members, rows, replace=False)
    audit.record(
        actor,
        "surgery.operation.created",
        operation,
        after=operation_summary(operation, codes, members, rows),
    )
    return operation


def _apply_changes(operation, changes, procedures, team, implants):
    for name, value in changes.items():
        setattr(operation, name, value)
    _clean_operation(operation)
    codes = None if procedures is None else _clean_procedures(procedures)
    members = None if team is None else _clean_team(team, operation.patient)
    rows = None if implants is None else _clean_implants(implants)
    return codes, members, rows


@transaction.atomic
def update_operation(
    operation: Operation,
    *,
    actor,
    expected_version: int,
    reason: str = "",
    procedures=None,
    team=None,
    implants=None,
    **changes,
) -> Operation:
    """Change an operation; a signed record changes only as an amendment with a reason.

    The amendment keeps what changed (before and after) and voids the signature, so the record must
    be signed again. A stale ``expected_version`` raises ConflictError and writes nothing.
    """
    _refuse_unknown(changes, OPERATION_FIELDS)
    reason = (reason or "").strip()
    amending = operation.was_signed
    if amending and not reason:
        raise ValidationError({"reason": _("This record is signed: give the reason for the amendment.")})
    before = record_content(operation)
    codes, members, rows = _apply_changes(operation, changes, procedures, team, implants)
    if amending:
        operation.status = OperationStatus.AMENDED
    save_with_version(operation, expected_version)
    _write_children(operation, codes, members, rows)
    old, new = diff(before, record_content(operation))
    if amending:
        now = timezone.now()
        Signature.objects.filter(operation=operation, invalidated_at__isnull=True).update(invalidated_at=now)
        Amendment.objects.create(
            operation=operation, actor=actor, amended_at=now, reason=reason, before=old, after=new
        )
    action = "surgery.operation.amended" if amending else "surgery.operation.updated"
    audit.record(actor, action, operation, before=old, after=new, reason=reason)
    return operation


def signing_meaning(operation: Operation, actor, meaning: str) -> str:
    """Return the meaning ``actor``'s signature of ``operation`` takes; DomainError if they may not sign."""
    if not can(actor, "operation.sign"):
        raise DomainError(_("Only an attending surgeon or the director can sign an operation record."))
    if operation.status == OperationStatus.SIGNED:
        raise DomainError(_("This record is already signed."))
    author = operation.created_by
    if author is not None and author.role == Role.RESIDENT:
        # The resident wrote it, so the attending's signature is a co-signature whatever was asked.
        return SignatureMeaning.COSIGN
    if meaning != SignatureMeaning.AUTHOR:
        raise DomainError(_("Only a record written by a resident is co-signed; sign it as its author."))
    if actor.pk != operation.primary_surgeon_id and actor.role != Role.DIRECTOR:
        raise DomainError(_("Only the primary surgeon or the director can sign this record."))
    return SignatureMeaning.AUTHOR


def signing_needs_code(user) -> bool:
    """Return True if signing needs a current authenticator code besides the password (T-42).

    That is when the signer has an authenticator or MFA is required for everyone. Without either
    (development, demo), the password alone confirms the signer, as before.
    """
    return mfa.required() or TotpDevice.objects.filter(user=user).exists()


@transaction.atomic
def _use_signing_code(user, code: str) -> bool:
    """Accept a current TOTP code once (a code already used, also to sign in, is refused)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False
    step = mfa.matching_step(device.secret, code, after_step=device.last_used_step)
    if step is None:
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


def confirm_signer(operation: Operation, user, *, password: str, code: str = "") -> dict[str, str]:
    """Re-authenticate ``user`` before signing; return errors by field (empty when confirmed).

    Every component is checked even inside a verified session (Part 11 11.200(a)(1)(i)): the password
    and, when :func:`signing_needs_code`, a current TOTP code. A wrong password or code is audited as
    ``surgery.operation.sign_failed`` and counts toward the account's shared lockout; a locked account
    cannot sign. Not atomic on purpose: the failure must stay recorded.
    """
    has_device = TotpDevice.objects.filter(user=user).exists()
    needs_code = has_device or mfa.required()
    if lockout.is_locked(user):
        reason, field = "locked", "password"
        message = _("This account is locked after too many failed attempts; try again later.")
    elif not user.check_password(password or ""):
        reason, field = "password", "password"
        message = _("The password is not correct; the record was not signed.")
    elif needs_code and not has_device:
        reason, field = "no_authenticator", "code"
        message = _("Set up an authenticator app on your account before signing.")
    elif needs_code and not _use_signing_code(user, code):
        reason, field = "code", "code"
        message = _("The code is not correct or was already used; the record was not signed.")
    else:
        return {}
    if reason in ("password", "code"):
        lockout.register_failure(user, path="sign")
    audit.record(user, "surgery.operation.sign_failed", operation, after={"reason": reason})
    return {field: message}


@transaction.atomic
def sign_operation(operation: Operation, *, actor, meaning: str = SignatureMeaning.AUTHOR) -> Signature:
    """Sign ``operation`` over the hash of its content; the caller has re-authenticated the actor.

    Runs the :func:`sign_off_steps` (deriving the case log) and sends ``operation_signed`` inside
    the transaction: a failing step or receiver (follow-up scheduling) undoes the signature too.
    """
    meaning = signing_meaning(operation, actor, meaning)
    signature = Signature(
        operation=operation,
        signer=actor,
        signer_name=str(actor),
        meaning=meaning,
        signed_at=timezone.now(),
        content_hash=content_hash(operation),
    )
    signature.key_id, signature.mac = signing.seal(**_seal_values(signature))
    signature.save(force_insert=True)
    before_status = operation.status
    operation.status = OperationStatus.SIGNED
    save_with_version(operation, operation.version)
    audit.record(
        actor,
        "surgery.operation.signed",
        operation,
        before={"status": before_status},
        after={"status": operation.status, "meaning": meaning, "content_hash": signature.content_hash},
    )
    for step in sign_off_steps():
        step(operation, actor=actor)
    operation_signed.send(sender=Operation, operation=operation, actor=actor)
    return signature


def sign_off_steps() -> list:
    """Return the services of higher layers that run inside the sign-off (teaching's case log).

    Called explicitly, not through a signal, so the order is plain and a refusal (a second surgeon
    credit) rolls the signature back. Named in ``settings.OPENSPINE_SIGN_OFF_STEPS``.
    """
    return [import_string(path) for path in getattr(settings, "OPENSPINE_SIGN_OFF_STEPS", ())]


@transaction.atomic
def add_complication(
    operation: Operation, *, actor, category, timing, onset_on, clavien_dindo, reported_by, **fields
) -> Complication:
    """Record an adverse event of ``operation``."""
    _refuse_unknown(fields, COMPLICATION_FIELDS)
    complication = Complication(
        operation=operation,
        category=category,
        timing=timing,
        onset_on=onset_on,
        clavien_dindo=clavien_dindo,
        reported_by=reported_by,
        **fields,
    )
    complication.full_clean(exclude=["operation", "reoperation", "public_id"], validate_constraints=False)
    complication.save()
    audit.record(actor, "surgery.complication.added", complication, after=snapshot(complication))
    return complication


@transaction.atomic
def update_complication(
    complication: Complication, *, actor, expected_version: int, **changes
) -> Complication:
    """Change a complication (typically mark it resolved); a stale version raises ConflictError."""
    _refuse_unknown(changes, COMPLICATION_FIELDS)
    before = snapshot(complication)
    for name, value in changes.items():
        setattr(complication, name, value)
    complication.full_clean(exclude=["operation", "reoperation", "public_id"], validate_constraints=False)
    save_with_version(complication, expected_version)
    old, new = diff(before, snapshot(complication))
    audit.record(actor, "surgery.complication.updated", complication, before=old, after=new)
    return complication
