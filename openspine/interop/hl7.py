"""HL7 v2 ADT in: decode, stage (idempotent on MSH-3 + MSH-10), acknowledge, apply (interop.md 4).

A message is first staged in its own transaction, so a resent message (same sending application
and control id) is acknowledged again and never applied twice. It is then applied through the
patients services in a second transaction; a message that cannot be applied stays staged as a
dead letter with a readable error, which an administrator can reprocess. The reply is an ACK:
``AA`` applied (or a duplicate of a message already received), ``AE`` staged but not applied (the
dead-letter list has it), ``AR`` rejected before staging (no readable MSH).

Handled trigger events: A01 admit, A02 transfer, A03 discharge, A08 update patient, A11 cancel
admit, A13 cancel discharge, A40 merge (MRG-1 into PID-3, undoable, see :mod:`openspine.interop.merge`).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine import audit
from openspine.accounts.models import Department, User
from openspine.audit.services import snapshot
from openspine.core.errors import DomainError
from openspine.interop.choices import MessageStatus
from openspine.interop.models import HL7Message
from openspine.patients import services as patients
from openspine.patients.models import Admission, Patient

HANDLED_EVENTS = ("A01", "A02", "A03", "A08", "A11", "A13", "A40")
SEX_CODES = {"M": "male", "F": "female"}
# MSH-18 character sets we decode (interop.md 4.3); anything else uses the interface's setting.
CHARSETS = {
    "UNICODE UTF-8": "utf-8",
    "UTF-8": "utf-8",
    "GB 18030-2000": "gb18030",
    "GB18030": "gb18030",
    "GBK": "gb18030",
}
INTERFACE_USERNAME = "hl7-interface"
logger = logging.getLogger(__name__)


class MessageError(Exception):
    """The message cannot be applied; the text says which field and what was expected."""


@dataclass(frozen=True)
class Header:
    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    message_type: str
    trigger: str
    control_id: str
    version: str


# --- transport-level: decode, header, acknowledgement -------------------------------------------


def decode(raw: bytes) -> str:
    """Decode by MSH-18, else by ``OPENSPINE_HL7_ENCODING``; never guessed per message (interop.md 4.3)."""
    first = raw.split(b"\r", 1)[0].split(b"\n", 1)[0]
    fields = first.split(b"|")
    charset = fields[17].split(b"^")[0].decode("ascii", "replace").strip() if len(fields) > 17 else ""
    encoding = CHARSETS.get(charset.upper(), getattr(settings, "OPENSPINE_HL7_ENCODING", "utf-8"))
    return raw.decode(encoding, errors="strict").replace("\r\n", "\r").replace("\n", "\r").strip("\r")


def read_header(text: str) -> Header:
    """Read MSH by position (MSH-1 is the field separator itself); refuse a message without MSH-10."""
    if not text.startswith("MSH") or len(text) < 8:
        raise MessageError(_("The message does not start with an MSH segment."))
    separator = text[3]
    component = text[4]
    fields = text.split("\r", 1)[0].split(separator)
    fields.insert(1, separator)  # MSH-1 is the separator: field n is fields[n] from here on

    def field(n):
        return fields[n] if len(fields) > n else ""

    kind = field(9).split(component)
    header = Header(
        sending_application=field(3).split(component)[0][:100],
        sending_facility=field(4).split(component)[0],
        receiving_application=field(5).split(component)[0],
        receiving_facility=field(6).split(component)[0],
        message_type=kind[0],
        trigger=kind[1] if len(kind) > 1 else "",
        control_id=field(10)[:100],
        version=field(12) or "2.5",
    )
    if not header.control_id:
        raise MessageError(_("MSH-10 (message control id) is empty."))
    return header


def build_ack(header: Header | None, code: str, text: str = "") -> str:
    """Return an ACK for ``header``: MSA-1 ``AA``/``AE``/``AR``, MSA-2 the control id, MSA-3 the text."""
    now = timezone.now().strftime("%Y%m%d%H%M%S")
    safe = text.replace("|", "/").replace("^", " ").replace("~", " ").replace("\\", "/").replace("&", "+")
    if header is None:
        header = Header("", "", "OPENSPINE", "", "ACK", "", "", "2.5")
    msh = "|".join(
        [
            "MSH",
            "^~\\&",
            "OPENSPINE",
            header.receiving_facility,
            header.sending_application,
            header.sending_facility,
            now,
            "",
            f"ACK^{header.trigger}^ACK" if header.trigger else "ACK",
            uuid.uuid4().hex[:20],
            "P",
            header.version,
        ]
    )
    return "\r".join([msh, f"MSA|{code}|{header.control_id}|{safe[:200]}"]) + "\r"


def receive_message(raw: bytes) -> str:
    """Stage one message, apply it if it is new, and return the ACK to send back."""
    try:
        text = decode(raw)
        header = read_header(text)
    except (UnicodeDecodeError, MessageError) as error:
        return build_ack(None, "AR", str(error))
    message, created = _stage(header, text)
    if not created:
        return build_ack(header, "AA", _("Duplicate of a message already received."))
    message = apply_message(message)
    if message.status == MessageStatus.APPLIED:
        return build_ack(header, "AA")
    return build_ack(header, "AE", message.error)


def _stage(header: Header, text: str) -> tuple[HL7Message, bool]:
    key = {"sending_application": header.sending_application, "control_id": header.control_id}
    try:
        with transaction.atomic():
            message = HL7Message.objects.create(
                **key, message_type=f"{header.message_type}^{header.trigger}"[:30], raw=text
            )
            audit.record(None, "interop.hl7message.received", message, after={"type": message.message_type})
            return message, True
    except IntegrityError:
        return HL7Message.objects.get(**key), False


def apply_message(message: HL7Message, *, actor=None) -> HL7Message:
    """Apply a staged message in one transaction; on failure keep it as a dead letter with the error."""
    message.attempts += 1
    try:
        with transaction.atomic():
            _apply(message.raw, actor=actor or interface_user())
            message.status, message.error, message.applied_at = MessageStatus.APPLIED, "", timezone.now()
            message.save(update_fields=["status", "error", "applied_at", "attempts"])
            audit.record(actor, "interop.hl7message.applied", message, after={"type": message.message_type})
    except (MessageError, models.ProtectedError) as error:
        message.status, message.error = MessageStatus.DEAD, str(error)
        message.save(update_fields=["status", "error", "attempts"])
    except Exception as error:  # a validation error of the registry: name it, keep the message
        logger.warning("HL7 message %s not applied: %s", message.pk, type(error).__name__)
        message.status, message.error = MessageStatus.DEAD, _readable(error)
        message.save(update_fields=["status", "error", "attempts"])
    return message


def reprocess_message(message: HL7Message, *, actor) -> HL7Message:
    """Apply a dead letter again on an administrator's request (audited)."""
    audit.record(actor, "interop.hl7message.reprocessed", message, after={"attempt": message.attempts + 1})
    if message.status == MessageStatus.APPLIED:
        return message
    return apply_message(message)


def _readable(error: Exception) -> str:
    messages = getattr(error, "message_dict", None)
    if messages:
        return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in messages.items())
    return str(error)[:500]


def interface_user():
    """The account the interface acts as in the audit trail: no password, cannot sign in."""
    department = _interface_department()
    user, created = User.objects.get_or_create(
        username=INTERFACE_USERNAME,
        defaults={"role": "coordinator", "department": department, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _interface_department():
    code = getattr(settings, "OPENSPINE_HL7_DEPARTMENT", "spine")
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise MessageError(_("The interface department “%(code)s” does not exist.") % {"code": code})
    return department


# --- application-level: the ADT events ----------------------------------------------------------


def _parse(text: str):
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    try:
        return parse_message(text, find_groups=False, validation_level=VALIDATION_LEVEL.TOLERANT)
    except Exception as error:  # hl7apy raises a family of parse errors
        raise MessageError(_("The message cannot be parsed: %(error)s") % {"error": error})


def _apply(text: str, *, actor) -> None:
    header = read_header(text)
    if header.message_type != "ADT" or header.trigger not in HANDLED_EVENTS:
        raise MessageError(
            _("%(type)s is not applied; handled: ADT^%(events)s.")
            % {"type": f"{header.message_type}^{header.trigger}", "events": ", ADT^".join(HANDLED_EVENTS)}
        )
    message = _parse(text)
    handler = {
        "A01": _admit,
        "A02": _transfer,
        "A03": _discharge,
        "A08": _update_patient,
        "A11": _cancel_admit,
        "A13": _cancel_discharge,
        "A40": _merge,
    }[header.trigger]
    handler(message, actor=actor)


def _value(segment, name: str) -> str:
    try:
        return getattr(segment, name).to_er7().strip()
    except Exception:  # an absent field or segment
        return ""


def _segment(message, name: str):
    found = [child for child in message.children if child.name == name]
    if not found:
        raise MessageError(_("The message has no %(segment)s segment.") % {"segment": name})
    return found[0]


def mrn_of(pid, field: str = "pid_3") -> str:
    """Pick the 病案号 from PID-3 (or MRG-1) by identifier type (and authority if set), never by position."""
    wanted_type = getattr(settings, "OPENSPINE_HL7_MRN_TYPE", "MR")
    wanted_authority = getattr(settings, "OPENSPINE_HL7_MRN_AUTHORITY", "")
    for repetition in getattr(pid, field):
        kind = _value(repetition, "cx_5")
        authority = _value(repetition, "cx_4").split("&")[0].split("^")[0]
        if kind == wanted_type and (not wanted_authority or authority == wanted_authority):
            return _value(repetition, "cx_1")
    raise MessageError(
        _("%(field)s has no identifier of type %(type)s%(authority)s.")
        % {
            "field": field.upper().replace("_", "-"),
            "type": wanted_type,
            "authority": f" ({wanted_authority})" if wanted_authority else "",
        }
    )


def _hl7_date(value: str, field: str) -> date | None:
    digits = value[:8]
    if not digits:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise MessageError(_("%(field)s is not a date: “%(value)s”.") % {"field": field, "value": value})


def _demographics(pid) -> dict:
    family = _value(pid.pid_5, "xpn_1").split("^")[0]
    given = _value(pid.pid_5, "xpn_2")
    # Chinese names are family name then given name with no space; Latin ones "given family".
    if (family + given).isascii():
        name = " ".join(part for part in (given, family) if part)
    else:
        name = family + given
    sex = _value(pid, "pid_8")
    if sex not in SEX_CODES:
        raise MessageError(_("PID-8 “%(value)s” is not allowed; allowed: M, F.") % {"value": sex})
    birth = _hl7_date(_value(pid, "pid_7"), "PID-7")
    if not name or birth is None:
        raise MessageError(_("PID-5 (name) and PID-7 (birth date) are required."))
    return {"name": name, "sex": SEX_CODES[sex], "birth_date": birth}


def _patient(message, *, actor, create: bool) -> Patient:
    pid = _segment(message, "PID")
    mrn = mrn_of(pid)
    patient = Patient.objects.filter(mrn=mrn).first()
    values = _demographics(pid)
    if patient is None:
        if not create:
            raise MessageError(_("No patient with this 病案号 is registered yet."))
        department = _interface_department()
        return patients.create_patient(actor=actor, department=department, mrn=mrn, **values)
    if patient.birth_date != values["birth_date"]:
        raise MessageError(_("The 病案号 is registered with another birth date; check the identity by hand."))
    return patient


def _visit(message) -> dict:
    pv1 = _segment(message, "PV1")
    number = _value(pv1, "pv1_19").split("^")[0]
    if not number:
        raise MessageError(_("PV1-19 (visit number, 住院号) is required."))
    return {
        "admission_number": number[:32],
        "ward": _value(pv1, "pv1_3").split("^")[0][:40],
        "admitted_on": _hl7_date(_value(pv1, "pv1_44"), "PV1-44"),
        "discharged_on": _hl7_date(_value(pv1, "pv1_45"), "PV1-45"),
    }


def _admission(visit: dict) -> Admission:
    admission = Admission.objects.filter(admission_number=visit["admission_number"]).first()
    if admission is None:
        raise MessageError(_("No admission with this visit number (PV1-19) is registered."))
    return admission


def _changed(obj, values: dict) -> dict:
    return {name: value for name, value in values.items() if getattr(obj, name) != value}


def _admit(message, *, actor) -> None:
    patient = _patient(message, actor=actor, create=True)
    visit = _visit(message)
    if visit["admitted_on"] is None:
        raise MessageError(_("PV1-44 (admit date/time) is required for A01."))
    fields = {"admitted_on": visit["admitted_on"], "ward": visit["ward"]}
    admission = Admission.objects.filter(admission_number=visit["admission_number"]).first()
    if admission is None:
        patients.add_admission(patient, actor=actor, admission_number=visit["admission_number"], **fields)
    elif admission.patient_id != patient.pk:
        raise MessageError(_("This visit number (PV1-19) belongs to another patient."))
    elif changes := _changed(admission, fields):
        patients.update_admission(admission, actor=actor, **changes)


def _transfer(message, *, actor) -> None:
    visit = _visit(message)
    admission = _admission(visit)
    if visit["ward"] and visit["ward"] != admission.ward:
        patients.update_admission(admission, actor=actor, ward=visit["ward"])


def _discharge(message, *, actor) -> None:
    visit = _visit(message)
    admission = _admission(visit)
    if visit["discharged_on"] is None:
        raise MessageError(_("PV1-45 (discharge date/time) is required for A03."))
    if admission.discharged_on != visit["discharged_on"]:
        patients.update_admission(admission, actor=actor, discharged_on=visit["discharged_on"])


def _update_patient(message, *, actor) -> None:
    pid = _segment(message, "PID")
    patient = Patient.objects.filter(mrn=mrn_of(pid)).first()
    if patient is None:
        _patient(message, actor=actor, create=True)
        return
    values = _demographics(pid)
    if changes := _changed(patient, values):
        patients.update_patient(patient, actor=actor, **changes)


def _cancel_admit(message, *, actor) -> None:
    """Undo an A01: remove the stay, unless something clinical hangs off it (then by hand)."""
    admission = _admission(_visit(message))
    before = snapshot(admission)
    patient = admission.patient
    try:
        with transaction.atomic():
            admission.delete()
    except models.ProtectedError:
        raise MessageError(_("The admission already has diagnoses or operations; cancel it by hand."))
    audit.record(actor, "interop.admission.cancelled", None, before=before, patient=patient)


def _cancel_discharge(message, *, actor) -> None:
    admission = _admission(_visit(message))
    if admission.discharged_on is not None:
        patients.update_admission(admission, actor=actor, discharged_on=None, discharge_destination="")


def _merge(message, *, actor) -> None:
    """A40: merge the patient of MRG-1 (prior 病案号) into the patient of PID-3."""
    from openspine.interop.merge import merge_patients

    survivor = Patient.objects.filter(mrn=mrn_of(_segment(message, "PID"))).first()
    duplicate = Patient.objects.filter(mrn=mrn_of(_segment(message, "MRG"), "mrg_1")).first()
    if survivor is None or duplicate is None:
        raise MessageError(_("Both the PID-3 and the MRG-1 patient must be registered to merge."))
    try:
        merge_patients(survivor, duplicate, actor=actor, reason="HL7 ADT^A40")
    except DomainError as error:
        raise MessageError(str(error))
