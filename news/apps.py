from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from committees.content import watch_links

        from . import revisions
        from .models import Article

        revisions.register()
        watch_links(Article.topics, Article.bodies, Article.sessions, Article.people)
