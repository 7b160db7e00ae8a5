from django.urls import path

from openspine.proms import views

app_name = "proms"
urlpatterns = [
    path("", views.followup_list, name="followup_list"),
    path("dashboard/", views.followup_dashboard, name="followup_dashboard"),
    path("protocols/", views.protocol_list, name="protocol_list"),
    path("protocols/<uuid:public_id>/edit/", views.protocol_edit, name="protocol_edit"),
    path("<uuid:public_id>/", views.followup_detail, name="followup_detail"),
    path("<uuid:public_id>/resend/", views.followup_resend, name="followup_resend"),
    path("<uuid:public_id>/call/", views.followup_call, name="followup_call"),
    path("<uuid:public_id>/cancel/", views.followup_cancel, name="followup_cancel"),
    path("<uuid:public_id>/enter/<slug:code>/", views.response_enter, name="response_enter"),
]
