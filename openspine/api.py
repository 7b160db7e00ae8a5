"""The JSON API: one router per app, mounted here; OpenAPI at /api/docs."""

from ninja import NinjaAPI

from openspine.accounts.api import TokenAuth
from openspine.core.api import install_error_handlers

api = NinjaAPI(
    title="OpenSpine API",
    version="1",
    auth=TokenAuth(),
    urls_namespace="api",
    description="Spine registry API. Authenticate with `Authorization: Bearer <token>`.",
)
api.add_router("/accounts", "openspine.accounts.api.router")
api.add_router("/patients", "openspine.patients.api.router")
api.add_router("/surgery", "openspine.surgery.api.router")
api.add_router("/sci", "openspine.sci.api.router")
install_error_handlers(api)
