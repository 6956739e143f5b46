from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import PortalAuthenticationForm, PortalPasswordResetForm

account_patterns = (
    [
        path("", views.account_list, name="list"),
        path("new/", views.account_create, name="create"),
        path("<int:pk>/active/", views.account_set_active, name="set-active"),
        path("<int:pk>/send-link/", views.account_send_link, name="send-link"),
    ],
    "accounts",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("users/", include(account_patterns)),
    path("registry/", include("models_registry.urls")),
    path("library/", include("models_registry.library_urls")),
    path("reports/", include("reports.urls")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PortalPasswordResetForm,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
