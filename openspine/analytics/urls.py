from django.urls import path

from openspine.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.quality_dashboard, name="quality_dashboard"),
    path("models/", views.risk_models, name="risk_models"),
    path("models/refit/", views.risk_models_refit, name="risk_models_refit"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("cases/", views.case_list, name="case_list"),
    path("trends/", views.trend, name="trend"),
    path("mine/", views.my_outcomes, name="my_outcomes"),
]
