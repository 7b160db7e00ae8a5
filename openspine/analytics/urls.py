from django.urls import path

from openspine.analytics import report_views, views

app_name = "analytics"
urlpatterns = [
    path("", views.quality_dashboard, name="quality_dashboard"),
    path("models/", views.risk_models, name="risk_models"),
    path("models/refit/", views.risk_models_refit, name="risk_models_refit"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("cases/", views.case_list, name="case_list"),
    path("trends/", views.trend, name="trend"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<uuid:public_id>/status/", report_views.report_status, name="report_status"),
    path("reports/<uuid:public_id>/download/", report_views.report_download, name="report_download"),
    path("reports/<uuid:public_id>/sign/", report_views.report_sign, name="report_sign"),
    path("mine/", views.my_outcomes, name="my_outcomes"),
]
