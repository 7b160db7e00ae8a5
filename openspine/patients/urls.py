from django.urls import path

from openspine.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("new/", views.patient_create, name="patient_create"),
    path("<uuid:public_id>/", views.patient_detail, name="patient_detail"),
    path("<uuid:public_id>/edit/", views.patient_edit, name="patient_edit"),
    path("<uuid:public_id>/consents/", views.consent_record, name="consent_record"),
    path("<uuid:public_id>/admissions/new/", views.admission_create, name="admission_create"),
    path("admissions/<uuid:public_id>/edit/", views.admission_edit, name="admission_edit"),
    path("<uuid:public_id>/diagnoses/new/", views.diagnosis_create, name="diagnosis_create"),
    path("diagnoses/<uuid:public_id>/edit/", views.diagnosis_edit, name="diagnosis_edit"),
]
