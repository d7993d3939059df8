"""Admin pieces that join the apps: the articles linked to a body, session or person.

`committees` does not know about `news`, so the reverse side of Article's links is added
here: the committees admins are registered again with an inline of linked articles.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from committees.admin import BodyAdmin, PersonAdmin, SessionAdmin
from committees.models import Body, Person, Session
from news.models import Article


class LinkedArticlesInline(admin.TabularInline):
    autocomplete_fields = ["article"]
    extra = 0
    verbose_name = _("linked article")
    verbose_name_plural = _("linked articles")


class BodyArticlesInline(LinkedArticlesInline):
    model = Article.bodies.through


class SessionArticlesInline(LinkedArticlesInline):
    model = Article.sessions.through


class PersonArticlesInline(LinkedArticlesInline):
    model = Article.people.through


class BodyWithArticlesAdmin(BodyAdmin):
    inlines = [*BodyAdmin.inlines, BodyArticlesInline]


class SessionWithArticlesAdmin(SessionAdmin):
    inlines = [*SessionAdmin.inlines, SessionArticlesInline]


class PersonWithArticlesAdmin(PersonAdmin):
    inlines = [*PersonAdmin.inlines, PersonArticlesInline]


for model, model_admin in (
    (Body, BodyWithArticlesAdmin),
    (Session, SessionWithArticlesAdmin),
    (Person, PersonWithArticlesAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
