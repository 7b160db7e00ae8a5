from django.urls import path

from openspine.sci import views

app_name = "sci"
urlpatterns = [
    path("patients/<uuid:public_id>/exams/", views.exam_list, name="exam_list"),
    path("patients/<uuid:public_id>/exams/new/", views.exam_create, name="exam_create"),
    path("patients/<uuid:public_id>/exams/classify/", views.exam_classify, name="exam_classify"),
    path("patients/<uuid:public_id>/exams.csv", views.exam_export, name="exam_export"),
    path("patients/<uuid:public_id>/exams/import/", views.exam_import, name="exam_import"),
    path("exams/<uuid:public_id>/", views.exam_edit, name="exam_edit"),
]
