from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LogInMonitoringConfig(AxesAppConfig):
    """django-axes under a name the admin can show in Vietnamese (the package says "Axes")."""

    verbose_name = _("Log-in monitoring")
