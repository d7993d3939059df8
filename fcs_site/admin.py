"""Admin pieces that join the apps, and the site's own rows.

`committees` does not know about `news`, so the reverse side of Article's links is added
here: the committees admins are registered again with an inline of linked articles.
The press service's contacts are one row, edited in both languages.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin

from committees.admin import BodyAdmin, PersonAdmin, SessionAdmin
from committees.models import Body, Person, Session
from news.models import Article

from .models import PressContacts


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


@admin.register(PressContacts)
class PressContactsAdmin(VersionAdmin, TabbedTranslationAdmin):
    """One row: the list leads straight to it, and no second one can be added."""

    fieldsets = [
        (None, {"fields": ["name", "address", "phones", "email"]}),
        (_("For journalists"), {"fields": ["hours", "accreditation"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PressContacts.objects.exists()

    def changelist_view(self, request, extra_context=None):
        row = PressContacts.objects.first()
        info = self.opts.app_label, self.opts.model_name
        if row is not None and self.has_view_or_change_permission(request, row):
            return redirect(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
        if row is None and self.has_add_permission(request):
            return redirect(reverse("admin:{}_{}_add".format(*info)))
        return super().changelist_view(request, extra_context)
