from django.urls import path

from openspine.teaching import views

app_name = "teaching"
urlpatterns = [
    path("log/", views.caselog_mine, name="caselog_mine"),
    path("log/export/", views.caselog_export, name="caselog_export"),
    path("log/handbook.xlsx", views.caselog_handbook, name="caselog_handbook"),
    path("log/handbook.pdf", views.caselog_handbook_pdf, name="caselog_handbook_pdf"),
    path("log/autonomy/", views.autonomy_chart, name="autonomy_chart"),
    path("log/autonomy/export/", views.autonomy_export, name="autonomy_export"),
    path("entries/<uuid:public_id>/rate/", views.entry_rate, name="entry_rate"),
    path("entries/<uuid:public_id>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("entries/<uuid:public_id>/dispute/", views.entry_dispute, name="entry_dispute"),
    path("confirmations/", views.confirmation_list, name="confirmation_list"),
    path("confirmations/day/", views.day_confirm, name="day_confirm"),
    path("cohort/", views.cohort, name="cohort"),
]
