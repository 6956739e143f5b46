from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = _("Support models")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The workflow specs register themselves when their modules load.
        from doanthanhnien import extensions

        from . import recognition_services, report_services, services  # noqa: F401
        from .demo import seed_programme
        from .library_demo import seed_library
        from .views import home_panel_context, unit_panel_context

        extensions.register_home_panel(
            template="models_registry/_home_panels.html", context=home_panel_context
        )
        extensions.register_unit_panel(
            template="models_registry/_unit_programme.html", context=unit_panel_context
        )
        extensions.register_demo_seeder(seed_programme)
        # After the programme: it recognises models of the reports seeded there.
        extensions.register_demo_seeder(seed_library)
