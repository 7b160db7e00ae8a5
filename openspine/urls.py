"""Top-level URLs. Every URL needs a login except the explicit allow-list (login, health, portal)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from openspine.api import api

handler400 = "openspine.core.views.bad_request"
handler500 = "openspine.core.views.server_error"

urlpatterns = [
    path("", include("openspine.core.urls")),
    path("accounts/", include("openspine.accounts.urls")),
    path("patients/", include("openspine.patients.urls")),
    path("surgery/", include("openspine.surgery.urls")),
    path("followup/", include("openspine.proms.urls")),
    path("sci/", include("openspine.sci.urls")),
    path("imaging/", include("openspine.imaging.urls")),
    path("quality/", include("openspine.analytics.urls")),
    path("teaching/", include("openspine.teaching.urls")),
    path("research/", include("openspine.research.urls")),
    path("q/", include("openspine.portal.urls")),
    path("interop/", include("openspine.interop.urls")),
    # Anyone may switch language, including on the login page and the patient portal.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
