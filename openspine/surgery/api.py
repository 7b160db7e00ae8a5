"""Operations and complications over JSON: the same access functions and services as the pages.

Signing over the token API needs the signer's password in the body: a token alone proves the
client, not the person at the keyboard.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from openspine import audit
from openspine.accounts.choices import Role
from openspine.accounts.models import User
from openspine.core import levels
from openspine.patients.access import check_capability, get_patient_for
from openspine.surgery import services
from openspine.surgery.access import get_complication_for, get_operation_for
from openspine.surgery.models import Operation, OperationTeamMember
from openspine.surgery.schemas import (
    ComplicationIn,
    ComplicationOut,
    ComplicationPatch,
    OperationIn,
    OperationOut,
    OperationPatch,
    SignatureOut,
    SignIn,
)

router = Router(tags=["surgery"])
LIST_LIMIT = 200
LIST_DEFAULT = 50

# What an operation's answer shows of each related record: a public id or a username. Only that
# column is read, so a list never loads (or decrypts) a patient's name, ID or phone.
_SHOWN_OF_RELATED = {
    "patient": "public_id",
    "admission": "public_id",
    "diagnosis": "public_id",
    "revision_of": "public_id",
    "primary_surgeon": "username",
    "created_by": "username",
}


def _with_children(queryset):
    """The operations with what their answer shows, in small indexed queries.

    Only the patient is joined (a list filters on it anyway); the other related records come by
    prefetch. Joining all six made PostgreSQL spend 11 ms planning a query it ran in 0.5 ms.
    """
    own = [field.name for field in Operation._meta.concrete_fields]
    team = OperationTeamMember.objects.select_related("user").only("operation_id", "role", "user__username")
    related = [
        Prefetch(name, queryset=Operation._meta.get_field(name).related_model.objects.only(column))
        for name, column in _SHOWN_OF_RELATED.items()
        if name != "patient"
    ]
    return (
        queryset.select_related("patient")
        .only(*own, "patient__public_id")
        .prefetch_related("procedures", "implants", Prefetch("team", queryset=team), *related)
    )


def _reload(operation):
    return _with_children(Operation.objects.filter(pk=operation.pk)).get()


def _one(queryset, public_id, field: str, message):
    obj = queryset.filter(public_id=public_id).first()
    if obj is None:
        raise ValidationError({field: message})
    return obj


def _staff(patient, username: str, field: str, roles=None):
    users = User.objects.filter(department_id=patient.department_id, is_active=True)
    if roles:
        users = users.filter(role__in=roles)
    user = users.filter(username=username).first()
    if user is None:
        raise ValidationError(
            {field: _("%(name)s is not a staff member of this department.") % {"name": username}}
        )
    return user


def _resolve(patient, data: dict) -> dict:
    """Turn public ids, usernames and level labels from the payload into objects and indexes."""
    if data.get("admission"):
        data["admission"] = _one(
            patient.admissions, data["admission"], "admission", _("No such admission of this patient.")
        )
    if data.get("diagnosis"):
        data["diagnosis"] = _one(
            patient.diagnoses, data["diagnosis"], "diagnosis", _("No such diagnosis of this patient.")
        )
    if data.get("revision_of"):
        data["revision_of"] = _one(
            patient.operations, data["revision_of"], "revision_of", _("No such operation of this patient.")
        )
    if data.get("primary_surgeon"):
        data["primary_surgeon"] = _staff(
            patient, data["primary_surgeon"], "primary_surgeon", [Role.SURGEON, Role.DIRECTOR]
        )
    for name in ("level_from", "level_to"):
        if name in data:
            data[name] = levels.parse(data[name], name) if data[name] else None
    if data.get("team") is not None:
        data["team"] = [(_staff(patient, m["username"], "team"), m["role"]) for m in data["team"]]
    return data


@router.get("/operations", response=list[OperationOut])
def list_operations(
    request,
    response: HttpResponse,
    patient: UUID | None = None,
    limit: int = Query(LIST_DEFAULT, ge=1, le=LIST_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """List the operations of one patient, or the department's, newest first, one page at a time.

    ``limit`` operations (1-200, default 50) from ``offset``; when there are more, the ``Link``
    header names the next page (``rel="next"``). No total is counted.
    """
    if patient is not None:
        operations = get_patient_for(request.user, patient).operations.all()
    else:
        check_capability(request.user, "patient.view", target="api.operations")
        operations = Operation.objects.visible_to(request.user)
    newest_first = operations.order_by("-performed_on", "-started_at", "-pk")
    # One row more than asked tells whether a next page exists, without counting every operation.
    result = list(_with_children(newest_first)[offset : offset + limit + 1])
    if len(result) > limit:
        result = result[:limit]
        response["Link"] = f'<{_page_url(request, limit, offset + limit)}>; rel="next"'
    # The list links each operation to its patient, so reading it is audited like a search (T-35).
    audit.record(
        request.user,
        "surgery.operation.listed",
        None,
        after={"results": len(result), "patient": bool(patient)},
    )
    return result


def _page_url(request, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@router.post("/operations", response={201: OperationOut})
def create_operation(request, payload: OperationIn):
    """Record an operation (a draft; a resident's awaits an attending's co-signature)."""
    check_capability(request.user, "operation.edit", target="api.operations.create")
    patient = get_patient_for(request.user, payload.patient, action="edit")
    data = _resolve(patient, payload.dict(exclude={"patient"}))
    operation = services.create_operation(patient, actor=request.user, **data)
    return Status(201, _reload(operation))


@router.get("/operations/{public_id}", response=OperationOut)
def get_operation(request, public_id: UUID):
    return _reload(get_operation_for(request.user, public_id))


@router.patch("/operations/{public_id}", response=OperationOut)
def update_operation(request, public_id: UUID, payload: OperationPatch):
    """Change an operation; a signed one needs ``reason`` (it becomes an amendment)."""
    operation = get_operation_for(request.user, public_id, action="edit")
    data = _resolve(operation.patient, payload.dict(exclude_unset=True))
    version, reason = data.pop("version"), data.pop("reason", "")
    services.update_operation(operation, actor=request.user, expected_version=version, reason=reason, **data)
    return _reload(operation)


@router.post("/operations/{public_id}/sign", response=SignatureOut)
def sign_operation(request, public_id: UUID, payload: SignIn):
    """Sign the operation record; the body carries the signer's password and, when the signer has an
    authenticator (or MFA is required), a current TOTP ``code`` (re-authentication, T-42)."""
    operation = get_operation_for(request.user, public_id, action="sign")
    errors = services.confirm_signer(operation, request.user, password=payload.password, code=payload.code)
    if errors:
        raise ValidationError(errors)
    return services.sign_operation(operation, actor=request.user)


@router.get("/operations/{public_id}/complications", response=list[ComplicationOut])
def list_complications(request, public_id: UUID):
    operation = get_operation_for(request.user, public_id)
    return list(operation.complications.select_related("operation", "reoperation"))


@router.post("/operations/{public_id}/complications", response={201: ComplicationOut})
def create_complication(request, public_id: UUID, payload: ComplicationIn):
    operation = get_operation_for(request.user, public_id, action="complicate")
    data = payload.dict()
    if data["reoperation"]:
        data["reoperation"] = _one(
            operation.patient.operations,
            data["reoperation"],
            "reoperation",
            _("No such operation of this patient."),
        )
    return Status(201, services.add_complication(operation, actor=request.user, **data))


@router.get("/complications/{public_id}", response=ComplicationOut)
def get_complication(request, public_id: UUID):
    return get_complication_for(request.user, public_id)


@router.patch("/complications/{public_id}", response=ComplicationOut)
def update_complication(request, public_id: UUID, payload: ComplicationPatch):
    complication = get_complication_for(request.user, public_id, action="edit")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if data.get("reoperation"):
        data["reoperation"] = _one(
            complication.operation.patient.operations,
            data["reoperation"],
            "reoperation",
            _("No such operation of this patient."),
        )
    return services.update_complication(complication, actor=request.user, expected_version=version, **data)


__all__ = ["router"]
