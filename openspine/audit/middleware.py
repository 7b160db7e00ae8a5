"""Tell PostgreSQL who is acting, so the row-capture triggers can record the application user."""

from django.db import connection

from openspine.audit.services import set_database_actor


class DatabaseActorMiddleware:
    """Set ``openspine.actor`` on the connection for the request and clear it afterwards (PostgreSQL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        set_database_actor(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            set_database_actor(None)
