from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FcsSiteConfig(AppConfig):
    name = "fcs_site"
    verbose_name = _("Site")

    def ready(self):
        from . import caching

        caching.connect()
