from django.urls import path

from openspine.interop import views

app_name = "interop"
urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/upload/", views.batch_upload, name="batch_upload"),
    path("batches/<uuid:public_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<uuid:public_id>/commit/", views.batch_commit, name="batch_commit"),
    path("mapping/", views.mapping_edit, name="mapping_edit"),
    path("merges/", views.merge_list, name="merge_list"),
    path("merges/<uuid:public_id>/undo/", views.merge_undo, name="merge_undo"),
    path("hl7/messages/", views.message_list, name="message_list"),
    path("hl7/messages/<uuid:public_id>/reprocess/", views.message_reprocess, name="message_reprocess"),
]
