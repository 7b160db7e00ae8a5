from django.urls import path

from openspine.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.quality_dashboard, name="quality_dashboard"),
]
