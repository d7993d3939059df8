from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from . import services
from .models import Article, Rubric, Topic, language_codes


class LanguageAvailabilityFilter(admin.SimpleListFilter):
    title = _("languages")
    parameter_name = "languages"

    def lookups(self, request, model_admin):
        return [
            ("ru", _("Available in Russian")),
            ("en", _("Available in English")),
            ("ru_only", _("Russian only")),
            ("en_only", _("English only")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in language_codes():
            return queryset.available_in(value)
        if value in {"ru_only", "en_only"}:
            have, lack = ("ru", "en") if value == "ru_only" else ("en", "ru")
            return queryset.available_in(have).exclude(
                pk__in=Article.objects.available_in(lack).values("pk")
            )
        return queryset


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ["title", "kind", "status", "published_at", "languages", "rubric"]
    list_filter = ["status", "kind", LanguageAvailabilityFilter, "rubric", "topics"]
    list_select_related = ["rubric"]
    search_fields = ["title_ru", "title_en", "lead_ru", "lead_en"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug_ru": ("title_ru",), "slug_en": ("title_en",)}
    autocomplete_fields = ["rubric", "bodies", "sessions", "people"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "note"]}),
        (_("Publication"), {"fields": ["kind", "status", "published_at", "rubric", "topics"]}),
        (_("WCO bodies"), {"fields": ["bodies", "sessions", "people"]}),
        (
            _("History"),
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return ", ".join(code.upper() for code in obj.available_languages()) or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        done = 0
        for article in queryset:
            try:
                services.article_publish(article=article, user=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d article published.", "%(count)d articles published.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(~Q(status=Article.Status.DRAFT)):
            services.article_unpublish(article=article, user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d article returned to drafts.",
                "%(count)d articles returned to drafts.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Rubric)
class RubricAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name_ru", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Topic)
class TopicAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_ru", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
