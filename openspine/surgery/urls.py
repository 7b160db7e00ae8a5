from django.urls import path

from openspine.surgery import views

app_name = "surgery"
urlpatterns = [
    path("patients/<uuid:public_id>/operations/new/", views.operation_create, name="operation_create"),
    path("operations/<uuid:public_id>/", views.operation_detail, name="operation_detail"),
    path("operations/<uuid:public_id>/edit/", views.operation_edit, name="operation_edit"),
    path("operations/<uuid:public_id>/sign/", views.operation_sign, name="operation_sign"),
    path(
        "operations/<uuid:public_id>/complications/new/",
        views.complication_create,
        name="complication_create",
    ),
    path("complications/<uuid:public_id>/edit/", views.complication_edit, name="complication_edit"),
    path("complications/<uuid:public_id>/resolve/", views.complication_resolve, name="complication_resolve"),
]
