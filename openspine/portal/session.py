"""The short questionnaire session: which link it belongs to, the identity check, the draft answers.

Everything lives under one key of the Django session, so a staff login in the same browser is
never mixed up with it. The raw token is never stored: only the link's database id.
"""

from django.conf import settings

from openspine.portal import csrf

SESSION_KEY = "openspine_portal"
# Long enough to answer slowly with breaks (the phone may sleep), short enough to be a session.
SESSION_SECONDS = getattr(settings, "PORTAL_SESSION_SECONDS", 2 * 3600)


class PortalSession:
    """A thin wrapper over ``request.session[SESSION_KEY]`` that saves on every change."""

    def __init__(self, request):
        self.request = request
        self.data = request.session.get(SESSION_KEY) or {}

    @classmethod
    def start(cls, request, link_id: int, language: str) -> "PortalSession":
        """Start a fresh session for ``link_id`` and rotate the session key (no fixation)."""
        request.session[SESSION_KEY] = {
            "link": link_id,
            "verified": False,
            "answers": {},
            "language": language,
            "large": False,
            "done": False,
            "csrf": csrf.new_token(),
        }
        request.session.cycle_key()
        request.session.set_expiry(SESSION_SECONDS)
        return cls(request)

    @property
    def link_id(self) -> int | None:
        return self.data.get("link")

    def get(self, name, default=None):
        return self.data.get(name, default)

    def set(self, name, value) -> None:
        self.data[name] = value
        self._save()

    @property
    def answers(self) -> dict:
        return self.data.setdefault("answers", {})

    def save_answer(self, key: str, value) -> None:
        self.answers[key] = value
        self._save()

    def _save(self) -> None:
        self.request.session[SESSION_KEY] = self.data
        self.request.session.modified = True
