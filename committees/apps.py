from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("WCO bodies")

    def ready(self):
        from .content import watch_links
        from .models import Body

        watch_links(Body.reports_to)
