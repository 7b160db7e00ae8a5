"""``Idempotency-Key`` on API creates: a request sent twice creates one record (T-73, T-75).

Every API operation that answers ``201 Created`` honours an optional ``Idempotency-Key`` header.
:class:`openspine.core.api.OpenSpineAPI` installs this on the whole API; endpoints hold no code
for it.

* Same key, user, endpoint and body within ``OPENSPINE_IDEMPOTENCY_HOURS``: the stored first answer
  (status and body) is sent again with ``Idempotent-Replayed: true``; nothing is created twice.
* Same key with another endpoint or body: 422 naming the header.
* A refused first request (any non-2xx) keeps nothing, so the client may correct it and reuse the key.

ninja authenticates inside the operation, so two wrappers share the work. :func:`hold_transaction`
wraps the whole operation: it opens the transaction and, after the answer is serialised, stores it.
:func:`claim_key` wraps the endpoint function (after authentication and validation): it replays a
stored answer or claims the key by inserting its row *before* the create. A twin sent at the same
moment then waits on the unique (user, key) index until the first commits, and replays its answer
(PostgreSQL); on SQLite the IMMEDIATE transaction queues the twin before it even looks.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from openspine.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII: safe to store, log-free and comparable
_KEY = re.compile(KEY_PATTERN)
_PENDING = "_openspine_idempotency"
_SALT = "openspine.core.idempotency.fingerprint"


@dataclass
class _Pending:
    key: str
    claim: IdempotencyKey | None = None


def applies_to(operation) -> bool:
    """Return True for the operations that create something: an authenticated POST that answers 201.

    Unauthenticated creates (the token grant) are left out: there is no user to key the claim on,
    and replaying a stored answer would hand out the secret it holds a second time.
    """
    authenticated = any(callback is not None for callback in operation.auth_callbacks)
    return authenticated and "POST" in operation.methods and 201 in operation.response_models


def lifetime() -> timedelta:
    """Return how long a key replays its first answer."""
    return timedelta(hours=settings.OPENSPINE_IDEMPOTENCY_HOURS)


def purge_expired(now=None) -> int:
    """Delete the keys older than their lifetime; return how many went."""
    cutoff = (now or timezone.now()) - lifetime()
    deleted, _per_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def hold_transaction(run):
    """Wrap one bound ninja operation: a keyed create runs, and stores its answer, in one transaction."""
    operation = getattr(run, "__self__", None)
    if operation is None or not applies_to(operation):
        return run

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, *args, **kwargs)
        pending = _Pending(key)
        with transaction.atomic():
            setattr(request, _PENDING, pending)
            response = run(request, *args, **kwargs)
            if pending.claim is not None:
                _finish(pending.claim, response)
        return response

    return wrapper


def claim_key(view_func):
    """Wrap an endpoint function: replay the stored answer for a known key, or claim a new key."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        pending = getattr(request, _PENDING, None)
        if pending is None:
            return view_func(request, *args, **kwargs)
        if not _KEY.match(pending.key):
            raise ValidationError({HEADER: _("Send 1 to 255 visible ASCII characters, e.g. a UUID.")})
        row, claimed = _claim(request.user, pending.key, f"{request.method} {request.path}", request.body)
        if not claimed:
            return _replay(row)
        pending.claim = row
        return view_func(request, *args, **kwargs)

    return wrapper


def _fingerprint(body: bytes) -> str:
    # Keyed, so the stored hash of a body holding a national ID cannot be tested against guesses.
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return salted_hmac(_SALT, canonical, algorithm="sha256").hexdigest()


def _claim(user, key: str, endpoint: str, body: bytes) -> tuple[IdempotencyKey, bool]:
    """Return ``(row, True)`` for a newly claimed key, or ``(earlier row, False)`` to replay."""
    fingerprint = _fingerprint(body)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=timezone.now() - lifetime()).delete()
    try:
        with transaction.atomic():
            claim = IdempotencyKey(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint)
            claim.save(force_insert=True)
            return claim, True
    except IntegrityError:
        # The key is taken; on PostgreSQL this insert waited until its first request committed.
        earlier = IdempotencyKey.objects.get(user=user, key=key)
    if earlier.endpoint != endpoint or earlier.fingerprint != fingerprint:
        raise ValidationError(
            {HEADER: _("This key was already used for a different request; send a new key.")}
        )
    return earlier, False


def _finish(claim: IdempotencyKey, response) -> None:
    if 200 <= response.status_code < 300:
        claim.status = response.status_code
        claim.response = response.content.decode("utf-8")
        claim.save(update_fields=["status", "response"])
    else:
        claim.delete()


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(row.response, status=row.status, content_type="application/json; charset=utf-8")
    response[REPLAYED_HEADER] = "true"
    return response
