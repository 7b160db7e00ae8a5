"""The declared access matrix and every URL of the project with its parameters filled (T-18, T-21, T-59).

``all_routes()`` walks ``get_resolver()`` so a new view is found without anyone listing it.
Excluded on purpose, and only these:

* ``admin/``: Django's admin has its own login, CSRF and permission checks (``is_staff`` and model
  permissions), is reachable only from the admin network in production (T-67), and its hundreds of
  generated URLs would drown the matrix; the admin login shares the lockout counter (T-3, tested
  by the accounts tests).
* static files: served by WhiteNoise before any view runs; they hold no data.

``World`` builds one object of each kind in the spine department (patient, admission, diagnosis,
operation, complication, follow-up, a staff account, a session, a questionnaire link) and fills
each path parameter from it.
"""

import uuid
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

EXCLUDED_PREFIXES = ("admin/", "static/")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its dotted name, its route text and the names of its path parameters."""

    name: str
    route: str
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            params = tuple(pattern.pattern.regex.groupindex)
            yield Route(namespace + (pattern.name or ""), route, params)


def all_routes() -> list[Route]:
    """Return every routable pattern except the deliberate exclusions, one entry per route text."""
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(EXCLUDED_PREFIXES) or route.route in seen:
            continue
        seen.add(route.route)
        routes.append(route)
    return routes


def route_path(route: Route, values: dict) -> str:
    """Return the concrete path of ``route`` with ``values`` put into its parameters."""
    import re

    def replace(match):
        return str(values[match.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", replace, route.route)


@dataclass
class World:
    """One object of every kind a URL can point at, owned by the spine department."""

    patient: object
    admission: object
    diagnosis: object
    operation: object
    complication: object
    follow_up: object
    link_token: str
    staff: object
    session: object | None
    extra: dict = field(default_factory=dict)

    @classmethod
    def build(cls, surgeon, staff=None) -> "World":
        from openspine.accounts.models import UserSession
        from tests import builders
        from tests.openspine.test_portal_support import open_follow_up

        patient = builders.make_patient(actor=surgeon, name="王测试")
        follow_up, token = open_follow_up(patient, actor=surgeon)
        operation = follow_up.operation
        staff = staff or surgeon
        session = UserSession.objects.create(user=staff, session_key=uuid.uuid4().hex[:32])
        return cls(
            patient=patient,
            admission=operation.admission,
            diagnosis=operation.diagnosis,
            operation=operation,
            complication=builders.make_complication(operation, actor=surgeon),
            follow_up=follow_up,
            link_token=token,
            staff=staff,
            session=session,
        )

    def object_for(self, route: Route):
        """Return the object whose ``public_id`` the route's ``public_id`` parameter means."""
        text = route.route
        for marker, obj in (
            ("sessions/", self.session),
            ("complications/", self.complication),
            ("operations/<", self.operation),
            ("admissions/<", self.admission),
            ("diagnoses/<", self.diagnosis),
            ("followup/", self.follow_up),
        ):
            if marker in text and text.index(marker) < text.index("<"):
                return obj
        return self.patient

    def values_for(self, route: Route, *, missing: bool = False) -> dict:
        """Return the path parameters of ``route``; ``missing`` gives well-formed ids of nothing."""
        values = {}
        for name in route.params:
            if name == "public_id":
                values[name] = uuid.uuid4() if missing else self.object_for(route).public_id
            elif name == "user_id":
                values[name] = 999999 if missing else self.staff.pk
            elif name == "code":
                values[name] = "nosuch" if missing else self.follow_up.instruments[0]
            elif name == "number":
                values[name] = 1
            elif name == "token":
                values[name] = "x" * 43 if missing else self.link_token
            elif name == "uidb64":
                values[name] = "MQ"
            else:
                values[name] = "x"
        return values

    def path(self, route: Route, *, missing: bool = False) -> str:
        return route_path(route, self.values_for(route, missing=missing))
