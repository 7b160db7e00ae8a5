"""The JSON API: one router per app, mounted here; OpenAPI at /api/docs.

Error answers, their documentation and ``Idempotency-Key`` on creates come from
:class:`openspine.core.api.OpenSpineAPI`, once for every router.
"""

from openspine.accounts.api import TokenAuth
from openspine.core.api import OpenSpineAPI

api = OpenSpineAPI(
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
api.add_router("/imaging", "openspine.imaging.api.router")
api.add_router("/research", "openspine.research.api.router")
api.add_router("/interop", "openspine.interop.api.router")
