from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FcsSiteConfig(AppConfig):
    name = "fcs_site"
    verbose_name = _("Site")

    def ready(self):
        # The site search owns the search columns of the committees' rows (committees does
        # not know about the search): they are rewritten after every save.
        from .committees_index import connect_handlers

        connect_handlers()
