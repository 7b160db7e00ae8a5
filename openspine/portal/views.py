"""The patient portal: a questionnaire link, the identity check, one question per screen, thanks.

No staff view or template is reused (pretix keeps ``presale`` apart from ``control``). Every view
is reachable without a login; what a visitor may see is decided by the questionnaire session.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine import audit
from openspine.core import context
from openspine.core.errors import DomainError
from openspine.portal import charts, csrf, followups, throttle, wording
from openspine.portal.forms import IdentityForm
from openspine.portal.session import PortalSession

NO_STORE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def portal_view(view):
    """Open ``view`` to anonymous patients, speak the session's language, forbid caching and referrers."""

    @login_not_required
    @csrf_exempt  # replaced by the session-bound token below (see openspine.portal.csrf)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        session = PortalSession(request)
        language = session.get("language") or settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            if request.method == "POST" and not csrf.is_valid(request, session.get("csrf")):
                response = _render(request, "portal/form_expired.html", status=403)
            else:
                response = view(request, *args, **kwargs)
        for header, value in NO_STORE_HEADERS.items():
            response[header] = value
        response["Content-Language"] = language
        # django.request logs every 4xx with its path, and the path of /q/<token>/ is the token
        # (T-26). Our own security events carry what is needed, never the path.
        if response.status_code >= 400:
            response._has_been_logged = True
        return response

    return wrapper


def _render(request, template: str, context_: dict | None = None, status: int = 200):
    session = PortalSession(request)
    context_ = {
        "portal_large": bool(session.get("large")),
        "portal_token": session.get("csrf", ""),
        **(context_ or {}),
    }
    return render(request, template, context_, status=status)


def _gone() -> HttpResponse:
    # Rendered without the request: no CSRF token, language or session may change a single byte,
    # so expired, used, revoked and unknown links are indistinguishable (T-28).
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("portal/link_gone.html", {"HOSPITAL_NAME": settings.HOSPITAL_NAME})
    return HttpResponse(body, status=410)


def _too_many() -> HttpResponse:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("portal/too_many.html", {"HOSPITAL_NAME": settings.HOSPITAL_NAME})
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(throttle.INVALID_TOKEN_WINDOW_SECONDS)
    return response


@portal_view
@require_GET
def link_open(request, token):
    """Trade the token in the link for a questionnaire session and drop it from the URL."""
    ip = context.current().ip
    if throttle.is_blocked(ip, token):
        throttle.log_security_event("portal.token.throttled")
        return _too_many()
    session = PortalSession(request)
    if session.get("verified") and followups.token_matches(followups.get_link(session.link_id), token):
        # The patient tapped the link in the message again: resume where they were.
        return redirect("portal:home")
    link = followups.resolve(token)
    if link is None:
        audit.record(None, "portal.link.refused")
        throttle.log_security_event("portal.token.invalid", count=throttle.count_invalid(ip, token))
        return _gone()
    language = followups.patient_of(link).preferred_language
    PortalSession.start(request, link.pk, language if language in wording.LANGUAGES else "zh-hans")
    audit.record(None, "portal.link.opened", link, patient=followups.patient_of(link))
    return redirect("portal:home")


def _session_link(request):
    """Return (session, link) for a usable, verified session, or (session, response) to send instead."""
    session = PortalSession(request)
    link = followups.get_link(session.link_id)
    if link is None:
        return session, _gone()
    if session.get("done"):
        if request.method == "POST":
            return session, _already_done(request)
        return session, redirect("portal:thanks")
    if not followups.is_open(link):
        return session, _gone()
    if not session.get("verified"):
        return session, redirect("portal:home")
    return session, link


def _already_done(request):
    # A second tap or a second tab after completion: nothing is recorded twice (T-32).
    return _render(request, "portal/response_done.html", status=410)


@portal_view
@require_http_methods(["GET", "POST"])
def home(request):
    """Ask who is answering before anything personal is shown, then go to the next open question."""
    session = PortalSession(request)
    link = followups.get_link(session.link_id)
    if link is None or (not session.get("done") and not followups.is_open(link)):
        return _gone()
    if session.get("done"):
        return redirect("portal:thanks")
    if not session.get("verified"):
        return _identity_check(request, session, link)
    return redirect(_next_url(session, _questions(link, session)))


def _locked(request, link):
    response = _render(request, "portal/identity_locked.html", {"minutes": _cooloff_minutes()}, status=429)
    response["Retry-After"] = str(max(1, followups.seconds_locked(link)))
    return response


def _identity_check(request, session, link):
    if followups.is_locked(link):
        return _locked(request, link)
    patient = followups.patient_of(link)
    form = IdentityForm(request.POST or None, patient=patient)
    if request.method == "POST":
        if form.is_valid():
            followups.record_check_success(link)
            session.set("verified", True)
            request.session.cycle_key()
            return redirect("portal:home")
        if form.failed_check and followups.record_check_failure(link):
            return _locked(request, link)
    context_ = {
        "form": form,
        "lockout_limit": settings.LOCKOUT_FAILURE_LIMIT,
        "lockout_minutes": _cooloff_minutes(),
    }
    return _render(request, "portal/identity_check.html", context_)


def _cooloff_minutes() -> int:
    return max(1, settings.LOCKOUT_COOLOFF_SECONDS // 60)


def _questions(link, session):
    return wording.questions(followups.instrument_codes(link), session.get("language"))


def _next_url(session, questions) -> str:
    for number, question in enumerate(questions, start=1):
        if question.key not in session.answers:
            return reverse("portal:question", args=[number])
    return reverse("portal:review")


@portal_view
@require_http_methods(["GET", "POST"])
def question(request, number):
    """Show one question; save the answer at once so it survives the phone going to sleep."""
    session, link = _session_link(request)
    if isinstance(link, HttpResponse):
        return link
    questions = _questions(link, session)
    if not 1 <= number <= len(questions):
        return redirect(_next_url(session, questions))
    current = questions[number - 1]
    error = ""
    if request.method == "POST":
        try:
            session.save_answer(current.key, wording.parse_answer(current, request.POST.get("answer", "")))
        except ValueError:
            error = _answer_error(current)
        else:
            return redirect(_next_url(session, questions))
    previous = session.answers.get(current.key)
    context_ = {
        "question": current,
        "number": number,
        "total": len(questions),
        "first_of_instrument": number == 1 or questions[number - 2].code != current.code,
        "selected": wording.answer_key(previous) if previous is not None else "",
        "error": error,
    }
    return _render(request, "portal/question_form.html", context_, status=400 if error else 200)


def _answer_error(question) -> str:
    if question.kind == "text":
        return _("Please write your answer in at most %(count)d characters.") % {
            "count": wording.TEXT_MAX_LENGTH
        }
    if question.kind not in ("integer", "number"):
        return _("Please choose one answer.")
    return _("Please enter a whole number from %(low)s to %(high)s.") % {
        "low": f"{question.minimum:g}",
        "high": f"{question.maximum:g}",
    }


@portal_view
@require_http_methods(["GET", "POST"])
def review(request):
    """List the answers for a last look, then record them (one response per instrument)."""
    session, link = _session_link(request)
    if isinstance(link, HttpResponse):
        return link
    questions = _questions(link, session)
    missing = [n for n, q in enumerate(questions, start=1) if q.key not in session.answers]
    if request.method == "POST" and not missing:
        try:
            followups.submit(link, _by_instrument(questions, session.answers), session.get("language"))
        except (DomainError, ValidationError):
            return _already_done(request)
        session.set("done", True)
        return redirect("portal:thanks")
    rows = [(n, q, _answer_label(q, session.answers.get(q.key))) for n, q in enumerate(questions, start=1)]
    context_ = {"rows": rows, "missing": missing, "total": len(questions)}
    return _render(
        request, "portal/answer_review.html", context_, status=400 if request.method == "POST" else 200
    )


def _by_instrument(questions, answers) -> dict:
    grouped: dict[str, dict] = {}
    for item in questions:
        grouped.setdefault(item.code, {})[item.item_id] = answers[item.key]
    return grouped


def _answer_label(question, value) -> str:
    if value is None:
        return ""
    key = wording.answer_key(value)
    for choice in question.choices:
        if choice.key == key:
            return choice.label
    return key


@portal_view
@require_GET
def thanks(request):
    """Thank the patient and show their own recovery so far, in their language."""
    session = PortalSession(request)
    link = followups.get_link(session.link_id)
    if link is None or not session.get("verified"):
        return _gone()
    if not session.get("done"):
        return redirect("portal:home")
    series = followups.recovery(followups.patient_of(link))
    panels = charts.panels(series)
    return _render(
        request, "portal/response_thanks.html", {"panels": panels, "series": charts.as_json(panels)}
    )


@portal_view
@require_POST
def language_switch(request):
    """Switch the questionnaire between Chinese and English and come back to the same screen."""
    session = PortalSession(request)
    language = request.POST.get("language", "")
    if session.link_id is not None and language in wording.LANGUAGES:
        session.set("language", language)
    return redirect(_safe_next(request))


@portal_view
@require_POST
def text_size(request):
    """Toggle large text for patients who read small print with difficulty."""
    session = PortalSession(request)
    if session.link_id is not None:
        session.set("large", not session.get("large"))
    return redirect(_safe_next(request))


def _safe_next(request) -> str:
    # Only portal pages: the switch must never become an open redirect.
    target = request.POST.get("next", "")
    home_url = reverse("portal:home")
    if target.startswith(home_url) and "//" not in target and "\\" not in target:
        return target
    return home_url
