from django.contrib.auth import views as auth_views
from django.urls import path

from openspine.accounts import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<uuid:public_id>/end/", views.session_end, name="session_end"),
    path("staff/", admin_views.staff_list, name="staff_list"),
    path("staff/<int:user_id>/", admin_views.staff_update, name="staff_update"),
    path("audit/", admin_views.audit_search, name="audit_search"),
    path("audit/export.csv", admin_views.audit_export, name="audit_export"),
]
