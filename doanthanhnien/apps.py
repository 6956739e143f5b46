from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoanThanhNienConfig(AppConfig):
    name = "doanthanhnien"
    verbose_name = _("Union tree and accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .session_refresh import stamp_on_login

        user_logged_in.connect(stamp_on_login, dispatch_uid="session-refresh-stamp")
