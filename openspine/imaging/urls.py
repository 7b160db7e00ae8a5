from django.urls import path

from openspine.imaging import views

app_name = "imaging"
urlpatterns = [
    path("patients/<uuid:public_id>/films/", views.film_list, name="film_list"),
    path("patients/<uuid:public_id>/films/new/", views.film_upload, name="film_upload"),
    path("films/<uuid:public_id>/", views.film_viewer, name="film_viewer"),
    path("films/<uuid:public_id>/image.png", views.film_image, name="film_image"),
    path("films/<uuid:public_id>/compute/", views.film_compute, name="film_compute"),
    path("films/<uuid:public_id>/measurement/", views.film_measure, name="film_measure"),
    path("films/<uuid:public_id>/burned-in/", views.film_burned_in, name="film_burned_in"),
    path("agreement/", views.agreement_page, name="agreement"),
]
