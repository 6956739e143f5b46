from axes.apps import AppConfig as AxesAppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LogInMonitoringConfig(AxesAppConfig):
    """django-axes under a name the admin can show in Vietnamese (the package says "Axes")."""

    verbose_name = _("Log-in monitoring")


def attempt_username(request, credentials=None):
    """The username django-axes records for a log-in attempt (AXES_USERNAME_CALLABLE): what it
    would take itself, cut to the length of its column. A longer one — no account has one, but
    anybody can type it on the admin's log-in page — failed the insert, a 500 on PostgreSQL."""
    from axes.models import AccessAttempt

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
