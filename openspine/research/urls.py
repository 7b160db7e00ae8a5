from django.urls import path

from openspine.research import views

app_name = "research"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("projects/<uuid:public_id>/approvals/", views.approval_add, name="approval_add"),
    path("projects/<uuid:public_id>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("projects/<uuid:public_id>/count/", views.cohort_count, name="cohort_count"),
    path("cohorts/<uuid:public_id>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<uuid:public_id>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<uuid:public_id>/exports/", views.export_create, name="export_create"),
    path("exports/<uuid:public_id>/", views.export_status, name="export_status"),
    path("exports/<uuid:public_id>/cancel/", views.export_cancel, name="export_cancel"),
    path("exports/<uuid:public_id>/download/", views.export_download, name="export_download"),
]
