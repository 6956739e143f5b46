from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = _("Support models")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The workflow specs register themselves when their modules load.
        from . import report_services, services  # noqa: F401
