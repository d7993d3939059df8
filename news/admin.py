from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from js_asset import Media as NonceMedia
from modeltranslation.admin import TabbedTranslationAdmin

from . import services
from .forms import RICH_TEXT_FIELDS, PhotoAdminForm, rich_text_widget
from .models import Article, ArticlePhoto, Photo, Rubric, Topic, language_codes

THUMBNAIL_WIDTH = 120


def photo_thumbnail(photo):
    if photo is None or not photo.image:
        return "—"
    image = photo.rendition(THUMBNAIL_WIDTH)
    height = round(THUMBNAIL_WIDTH * image.height / image.width) if image.width else ""
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" class="photo-thumbnail">',
        image.url,
        THUMBNAIL_WIDTH,
        height,
    )


class ArticlePhotoFormSet(BaseInlineFormSet):
    def __init__(self, data=None, *args, prefix=None, **kwargs):
        # A POST without the gallery's management form (a script, an older form) leaves the
        # gallery as it is instead of failing the whole article form.
        prefix = prefix or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        super().__init__(data, *args, prefix=prefix, **kwargs)

    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED:
            return
        photos = [
            form.cleaned_data["photo"]
            for form in self.forms
            if form.cleaned_data.get("photo") and not form.cleaned_data.get("DELETE")
        ]
        if errors := article.alt_text_errors(photos):
            raise ValidationError(errors)


class ArticlePhotoInline(admin.TabularInline):
    model = ArticlePhoto
    formset = ArticlePhotoFormSet
    fields = ["photo", "thumbnail", "position"]
    readonly_fields = ["thumbnail"]
    autocomplete_fields = ["photo"]
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("photo")
            .prefetch_related("photo__renditions")
        )

    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        return photo_thumbnail(obj.photo if obj.photo_id else None)


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


class CspNonceMediaMixin:
    """Lets the rich-text editor run under the Content-Security-Policy on this form only.

    Its import map is an inline script: it gets the page's nonce. Its editor (TipTap) adds
    a <style> element of its own: inline style *elements* are allowed on this page, style
    attributes and every script without the nonce stay blocked.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None and "media" in context:
            context["media"] = NonceMedia.from_media(context["media"], nonce=str(nonce))
        response = super().render_change_form(request, context, *args, **kwargs)
        response._csp_update = {"style-src-elem": ["'self'", "'unsafe-inline'"]}
        return response


@admin.register(Article)
class ArticleAdmin(CspNonceMediaMixin, TabbedTranslationAdmin):
    list_display = ["title", "kind", "status", "published_at", "languages", "rubric"]
    list_filter = ["status", "kind", LanguageAvailabilityFilter, "rubric", "topics"]
    list_select_related = ["rubric"]
    search_fields = ["title_ru", "title_en", "lead_ru", "lead_en"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug_ru": ("title_ru",), "slug_en": ("title_en",)}
    autocomplete_fields = ["rubric", "lead_photo"]
    filter_horizontal = ["topics"]
    inlines = [ArticlePhotoInline]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "note"]}),
        (_("Publication"), {"fields": ["kind", "status", "published_at", "rubric", "topics"]}),
        (_("Photos"), {"fields": ["lead_photo"]}),
        (
            _("History"),
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # modeltranslation copies the widget of `body` to body_ru/body_en (same for `note`).
        if db_field.name in RICH_TEXT_FIELDS:
            kwargs["widget"] = rich_text_widget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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


@admin.register(Photo)
class PhotoAdmin(TabbedTranslationAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "__str__", "credit", "decorative", "dimensions", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["decorative"]
    search_fields = ["alt_ru", "alt_en", "caption_ru", "caption_en", "credit_ru", "credit_en"]
    readonly_fields = ["thumbnail", "dimensions", "created_at", "uploaded_by"]
    fieldsets = [
        (None, {"fields": ["image", "thumbnail", "alt", "decorative", "caption", "credit"]}),
        (
            _("File"),
            {"fields": ["dimensions", "created_at", "uploaded_by"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        return photo_thumbnail(obj if obj.pk else None)

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    def save_model(self, request, obj, form, change):
        replaced = None
        if change and "image" in form.changed_data:
            replaced = Photo.objects.filter(pk=obj.pk).values_list("image", flat=True).first()
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        services.photo_files_changed(photo=obj, replaced=replaced)

    def delete_model(self, request, obj):
        services.photo_delete(photo=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            services.photo_delete(photo=photo)
