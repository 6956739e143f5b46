from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoanThanhNienConfig(AppConfig):
    name = "doanthanhnien"
    verbose_name = _("Union tree and accounts")
    default_auto_field = "django.db.models.BigAutoField"
