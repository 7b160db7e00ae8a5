from django.urls import path

from openspine.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("step/<int:number>/", views.question, name="question"),
    path("review/", views.review, name="review"),
    path("thanks/", views.thanks, name="thanks"),
    path("language/", views.language_switch, name="language"),
    path("text-size/", views.text_size, name="text_size"),
    # Last, so that the fixed paths above can never be taken for a token.
    path("<str:token>/", views.link_open, name="link_open"),
]
