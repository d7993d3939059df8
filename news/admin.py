from dataclasses import dataclass
from typing import Any

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from js_asset import Media as NonceMedia
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import services, workflow
from .concurrency import EditToken, find_conflict
from .diff import compare_versions
from .forms import (
    RICH_TEXT_FIELDS,
    ArticleAdminForm,
    CompareForm,
    PhotoAdminForm,
    PreviewLinkForm,
    PublishForm,
    RecallForm,
    RequestChangesForm,
    SubmitForm,
    UnpublishForm,
    WithdrawForm,
    rich_text_widget,
)
from .models import (
    Article,
    ArticleEvent,
    ArticlePhoto,
    Photo,
    PressReleaseCounter,
    PreviewLink,
    Rubric,
    Topic,
    TranslationStatus,
    language_codes,
)
from .revisions import missing_references, workflow_field_names

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


LANGUAGE_NAMES = dict(settings.LANGUAGES)


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        choices = [("needed", _("Needs translation"))]
        for code in language_codes():
            name = LANGUAGE_NAMES[code]
            choices.append((f"missing_{code}", _("Missing in %(language)s") % {"language": name}))
            choices.append(
                (f"outdated_{code}", _("Out of date in %(language)s") % {"language": name})
            )
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == "needed":
            return queryset.needs_translation()
        for code in language_codes():
            if value == f"missing_{code}":
                return queryset.missing_in(code)
            if value == f"outdated_{code}":
                return queryset.outdated_in(code)
        return queryset


def translation_column(code: str):
    @admin.display(description=code.upper())
    def column(obj: Article):
        status = obj.translation_status(code)
        return format_html(
            '<span class="translation-status translation-status--{}">{}</span>',
            status,
            TranslationStatus(status).label,
        )

    column.__name__ = f"translation_{code}"
    return column


@dataclass(frozen=True)
class WorkflowStep:
    """One button of the workflow: who may press it, what it asks, what it does."""

    name: str
    label: Any
    allowed: Any
    form: type
    run: Any
    done: Any


# The permission each step needs, and the states it can be taken from: someone with the
# permission who follows a stale link is told what happened instead of being refused.
STEP_PERMISSIONS = {
    "submit": "news.change_article",
    "recall": "news.change_article",
    "request_changes": "news.review_article",
    "publish": "news.publish_article",
    "unpublish": "news.publish_article",
    "withdraw": "news.withdraw_article",
}
STEP_STATES = {
    "submit": lambda article: article.status == Article.Status.DRAFT,
    "recall": lambda article: article.status == Article.Status.IN_REVIEW,
    "request_changes": lambda article: article.status == Article.Status.IN_REVIEW,
    "publish": lambda article: article.status != Article.Status.PUBLISHED or article.is_scheduled(),
    "unpublish": lambda article: article.status != Article.Status.DRAFT,
    "withdraw": lambda article: article.is_public(),
}


def _run_publish(form, article, user):
    return services.article_publish(
        article=article,
        user=user,
        at=form.cleaned_data["at"],
        reason=form.cleaned_data.get("reason", ""),
        expected_version=form.cleaned_data["version"],
    )


WORKFLOW_STEPS = {
    step.name: step
    for step in [
        WorkflowStep(
            "submit",
            _("Submit for review"),
            workflow.can_submit,
            SubmitForm,
            lambda form, article, user: services.article_submit(
                article=article,
                user=user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            ),
            _("“%(article)s” was submitted for review."),
        ),
        WorkflowStep(
            "recall",
            _("Take back to draft"),
            workflow.can_recall,
            RecallForm,
            lambda form, article, user: services.article_recall(
                article=article, user=user, expected_version=form.cleaned_data["version"]
            ),
            _("“%(article)s” is a draft again."),
        ),
        WorkflowStep(
            "request_changes",
            _("Ask for changes"),
            workflow.can_request_changes,
            RequestChangesForm,
            lambda form, article, user: services.article_request_changes(
                article=article,
                user=user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            ),
            _("“%(article)s” was returned to its author with your note."),
        ),
        WorkflowStep(
            "publish",
            _("Publish or schedule"),
            workflow.can_publish,
            PublishForm,
            _run_publish,
            _("“%(article)s” was published or scheduled."),
        ),
        WorkflowStep(
            "unpublish",
            _("Return to drafts"),
            workflow.can_unpublish,
            UnpublishForm,
            lambda form, article, user: services.article_unpublish(
                article=article,
                user=user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            ),
            _("“%(article)s” was returned to drafts and is hidden from the public."),
        ),
        WorkflowStep(
            "withdraw",
            _("Withdraw"),
            workflow.can_withdraw,
            WithdrawForm,
            lambda form, article, user: services.article_withdraw(
                article=article,
                user=user,
                mode=form.cleaned_data["mode"],
                reasons=form.reasons(),
                expected_version=form.cleaned_data["version"],
            ),
            _("“%(article)s” was withdrawn."),
        ),
    ]
}


@admin.register(Article)
class ArticleAdmin(CspNonceMediaMixin, VersionAdmin, TabbedTranslationAdmin):
    form = ArticleAdminForm
    list_display = ["title", "kind", "status", "published_at", "languages", "rubric"]
    list_filter = ["status", "kind", LanguageAvailabilityFilter, "rubric", "topics"]
    list_select_related = ["rubric"]
    search_fields = ["title_ru", "title_en", "lead_ru", "lead_en"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug_ru": ("title_ru",), "slug_en": ("title_en",)}
    autocomplete_fields = ["rubric", "lead_photo", "bodies", "sessions", "people"]
    filter_horizontal = ["topics"]
    inlines = [ArticlePhotoInline]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    actions = ["publish", "unpublish"]
    object_history_template = "admin/news/article/object_history.html"
    change_list_template = "admin/news/article/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "note"]}),
        (_("Publication"), {"fields": ["kind", "status", "published_at", "rubric", "topics"]}),
        (_("Photos"), {"fields": ["lead_photo"]}),
        (_("WCO bodies"), {"fields": ["bodies", "sessions", "people"]}),
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

    class Media:
        css = {"all": ["css/admin-workflow.css"]}

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return ", ".join(code.upper() for code in obj.available_languages()) or "—"

    @admin.display(description=_("press release number"))
    def press_release_number(self, obj):
        return obj.press_release_number or "—"

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        at = columns.index("languages") + 1 if "languages" in columns else len(columns)
        columns[at:at] = [translation_column(code) for code in language_codes()]
        return columns

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        at = filters.index(LanguageAvailabilityFilter) + 1
        filters.insert(at, TranslationStatusFilter)
        return filters

    # Permissions: the model permissions of the roles, narrowed by news/workflow.py.

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("news.publish_article")

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "status", "press_release_number"]
        if not request.user.has_perm("news.publish_article"):
            fields.append("published_at")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": list(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        for _name, options in fieldsets:
            if "published_at" in options["fields"]:
                at = options["fields"].index("published_at") + 1
                options["fields"].insert(at, "press_release_number")
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        first = fieldsets[0][1]["fields"]
        if self._conflict_shown(request, obj):
            first.insert(0, "confirm_overwrite")
        first.append("edit_token")
        if obj.is_public():
            fieldsets.insert(
                2,
                (
                    _("Update note"),
                    {
                        "fields": ["major_update", "change_note_ru", "change_note_en"],
                        "description": _(
                            "This article is public. Say what you changed: the note of a "
                            "major update is shown on the article’s page."
                        ),
                    },
                ),
            )
        return fieldsets

    def _conflict_shown(self, request, obj) -> bool:
        """Whether this save comes back with the “replace their changes” checkbox."""
        if request.method != "POST":
            return False
        token = EditToken.loads(request.POST.get("edit_token"))
        return token is not None and (token.after_conflict or find_conflict(token, obj) is not None)

    # Saving: every edit goes through services.article_save.

    def save_model(self, request, obj, form, change):
        restored = getattr(request, "_article_restored_from", None)
        services.article_save(
            article=obj,
            user=request.user,
            expected_version=form.expected_version,
            change_notes=form.change_notes(),
            major=form.cleaned_data.get("major_update", False),
            restored_from=restored,
        )
        if getattr(obj, "schedule_cancelled", False):
            messages.warning(
                request,
                gettext(
                    "“%(article)s” was scheduled. Your change cancelled the schedule and sent "
                    "it back to review: another editor publishes it again."
                )
                % {"article": obj},
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        snapshot = getattr(request, "_article_workflow_snapshot", None)
        if snapshot is not None and object_id:
            # A revert restores the text of a revision, never its workflow state.
            Article.objects.filter(pk=unquote(object_id)).update(**snapshot)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ArticleEditConflict:
            # Someone saved between our check and our write: the form's check now sees it
            # and shows the conflict with everything the user typed.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = (
            Article.objects.filter(pk=unquote(object_id)).values(*workflow_field_names()).first()
        )
        if current is not None:
            request._article_workflow_snapshot = current
        version = Version.objects.filter(pk=version_id).select_related("revision").first()
        if version is not None:
            if self._unrestorable(request, version):
                return HttpResponseRedirect(
                    reverse("admin:news_article_history", args=[unquote(object_id)])
                )
            request._article_restored_from = version.revision.date_created
        return super().revision_view(request, object_id, version_id, extra_context)

    def _unrestorable(self, request, version, *, workflow: bool = False) -> bool:
        """Whether the revision links to rows deleted since (said to the person if so)."""
        missing = missing_references(version.revision, workflow=workflow)
        if missing:
            messages.error(
                request,
                gettext(
                    "This revision cannot be restored: it links to what has been deleted "
                    "since (%(missing)s). Compare it with the current version and copy what "
                    "you need by hand."
                )
                % {"missing": ", ".join(missing)},
            )
        return bool(missing)

    # Only those who may delete articles may bring deleted ones back.

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def changelist_view(self, request, extra_context=None):
        context = {"can_recover": self.has_delete_permission(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        version = Version.objects.filter(pk=version_id).select_related("revision").first()
        if version is not None:
            if self._unrestorable(request, version, workflow=True):
                return HttpResponseRedirect(reverse("admin:news_article_recoverlist"))
            request._article_restored_from = version.revision.date_created
        return super().recover_view(request, version_id, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit_for_review" in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_change(request, obj)

    def _submit_after_save(self, request, obj):
        try:
            services.article_submit(article=obj, user=request.user, expected_version=obj.version)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message_of(error))
        else:
            messages.success(
                request, gettext("“%(article)s” was submitted for review.") % {"article": obj}
            )
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[obj.pk]))

    # The change form: the workflow panel, preview links and the history of steps.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow"] = self._workflow_context(request, obj)
        if obj is None or not obj.pk:
            context["can_submit_on_save"] = self.has_add_permission(request)
        else:
            context["can_submit_on_save"] = self.has_change_permission(
                request, obj
            ) and workflow.can_submit(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, article):
        user = request.user
        steps = [
            # The step carries the version shown here: a reviewer acts on the text they read.
            {
                "label": step.label,
                "url": f"{self._url('workflow', article.pk, step.name)}?version={article.version}",
            }
            for step in WORKFLOW_STEPS.values()
            if step.allowed(user, article)
        ]
        events = list(
            ArticleEvent.objects.filter(article=article).select_related("user").order_by("-id")
        )
        last_review = next(
            (
                event
                for event in events
                if event.action
                in {ArticleEvent.Action.CHANGES_REQUESTED, ArticleEvent.Action.SUBMITTED}
            ),
            None,
        )
        return {
            "article": article,
            "status": _status_sentence(article),
            "steps": steps,
            "events": events,
            "changes_requested": (
                last_review
                if last_review
                and last_review.action == ArticleEvent.Action.CHANGES_REQUESTED
                and article.status == Article.Status.DRAFT
                else None
            ),
            "translations": [
                {
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                    "status": article.translation_status(code),
                    "label": TranslationStatus(article.translation_status(code)).label,
                }
                for code in language_codes()
            ],
            "previews": [
                {
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                    "url": _staff_preview_url(article, code),
                }
                for code in article.available_languages()
            ],
            "can_share_preview": workflow.can_share_preview(user, article),
            "preview_links_url": self._url("preview_links", article.pk),
            "active_preview_links": article.preview_links.active().count(),
            "compare_url": reverse("admin:news_article_history", args=[article.pk]),
        }

    def _url(self, name, *args):
        return reverse(f"admin:news_article_{name}", args=args)

    # Extra pages: workflow steps, preview links, comparing revisions.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/workflow/<slug:step>/",
                view(self.workflow_view),
                name="news_article_workflow",
            ),
            path(
                "<path:object_id>/preview-links/",
                view(self.preview_links_view),
                name="news_article_preview_links",
            ),
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="news_article_compare",
            ),
            *super().get_urls(),
        ]

    def _get_article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise Http404
        return article

    def _page(self, request, article, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                "title": title,
                "change_url": reverse("admin:news_article_change", args=[article.pk]),
                **context,
            },
        )

    def workflow_view(self, request, object_id, step):
        step = WORKFLOW_STEPS.get(step)
        if step is None:
            raise Http404
        article = self._get_article_or_404(request, object_id)
        if not step.allowed(request.user, article):
            if request.user.has_perm(STEP_PERMISSIONS[step.name]) and not STEP_STATES[step.name](
                article
            ):
                messages.warning(
                    request,
                    gettext("“%(step)s” is not possible now. %(status)s")
                    % {"step": step.label, "status": _status_sentence(article)},
                )
                return HttpResponseRedirect(reverse("admin:news_article_change", args=[article.pk]))
            raise PermissionDenied
        kwargs = {"article": article, "user": request.user}
        if step.form is PublishForm:
            kwargs["own_article"] = request.user.pk in workflow.authors_of_current_text(article)
        if request.method == "POST":
            form = step.form(request.POST, **kwargs)
            if form.is_valid():
                try:
                    step.run(form, article, request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, str(step.done) % {"article": article})
                    return HttpResponseRedirect(
                        reverse("admin:news_article_change", args=[article.pk])
                    )
        else:
            # The version of the page the step was chosen on, if any: when the article has
            # changed since (taken back, rewritten, submitted again), the step would act on
            # a text the person did not read. It is refused on submission; say so now.
            seen = _int_or_none(request.GET.get("version"))
            if seen is not None and seen != article.version:
                messages.warning(
                    request,
                    gettext(
                        "“%(article)s” has changed since you opened it. Go back to the article "
                        "and read the current text first."
                    )
                    % {"article": article},
                )
            else:
                seen = article.version
            form = step.form(initial={"version": seen}, **kwargs)
        return self._page(
            request,
            article,
            "admin/news/article/workflow_step.html",
            step.label,
            form=form,
            step=step,
            status=_status_sentence(article),
        )

    def preview_links_view(self, request, object_id):
        article = self._get_article_or_404(request, object_id)
        can_share = workflow.can_share_preview(request.user, article)
        form = PreviewLinkForm()
        new_link = None
        if request.method == "POST":
            if not can_share:
                raise PermissionDenied
            if "revoke" in request.POST:
                link = article.preview_links.filter(pk=_int_or_none(request.POST["revoke"])).first()
                if link is None:
                    raise Http404
                services.preview_link_revoke(link=link, user=request.user)
                messages.success(request, gettext("The preview link was revoked."))
                return HttpResponseRedirect(self._url("preview_links", article.pk))
            form = PreviewLinkForm(request.POST)
            if form.is_valid():
                link, token = services.preview_link_create(
                    article=article,
                    user=request.user,
                    hours=form.cleaned_data["hours"],
                    label=form.cleaned_data["label"],
                )
                language = (article.available_languages() or [settings.LANGUAGE_CODE])[0]
                with translation.override(language):
                    new_link = request.build_absolute_uri(
                        reverse("news:shared_preview", kwargs={"token": token})
                    )
                form = PreviewLinkForm()
        return self._page(
            request,
            article,
            "admin/news/article/preview_links.html",
            _("Preview links"),
            form=form,
            can_share=can_share,
            new_link=new_link,
            links=article.preview_links.select_related("created_by", "revoked_by"),
            now=timezone.now(),
        )

    def compare_view(self, request, object_id):
        article = self._get_article_or_404(request, object_id)
        form = CompareForm(request.GET)
        if not form.is_valid():
            raise Http404
        versions = Version.objects.get_for_object(article).select_related(
            "revision", "revision__user"
        )
        old = versions.filter(pk=form.cleaned_data["old"]).first()
        new = versions.filter(pk=form.cleaned_data["new"]).first()
        if old is None or new is None:
            raise Http404
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        return self._page(
            request,
            article,
            "admin/news/article/compare.html",
            _("Compare revisions"),
            old=old,
            new=new,
            changes=compare_versions(old, new),
            history_url=reverse("admin:news_article_history", args=[article.pk]),
            revert_url=reverse("admin:news_article_revision", args=[article.pk, old.pk]),
        )

    def history_view(self, request, object_id, extra_context=None):
        # Reversion's own history list, with each version's id for choosing two to compare.
        versions = self._reversion_order_version_queryset(
            request,
            Version.objects.get_for_object_reference(Article, unquote(object_id)).select_related(
                "revision", "revision__user"
            ),
        )
        context = {
            "action_list": [
                {
                    "revision": version.revision,
                    "version_id": version.pk,
                    "url": reverse(
                        "admin:news_article_revision", args=[quote(version.object_id), version.pk]
                    ),
                }
                for version in versions
            ],
            "compare_url": reverse("admin:news_article_compare", args=[unquote(object_id)]),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    # Changelist actions.

    @admin.action(description=_("Publish the selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        done = 0
        for article in queryset:
            try:
                services.article_publish(article=article, user=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _message_of(error, article), messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d article published.", "%(count)d articles published.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(~Q(status=Article.Status.DRAFT)):
            try:
                services.article_unpublish(article=article, user=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _message_of(error, article), messages.ERROR)
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


def _message_of(error, article=None) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    text = str(error) or gettext("You are not allowed to do this.")
    return f"“{article}”: {text}" if article is not None else text


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _staff_preview_url(article, language):
    with translation.override(language):
        return reverse("news:staff_preview", kwargs={"pk": article.pk})


def _when(value) -> str:
    return date_format(timezone.localtime(value), "j E Y H:i")


def _status_sentence(article: Article) -> str:
    status = article.Status
    if article.status == status.IN_REVIEW:
        return gettext("In review, submitted by %(user)s.") % {
            "user": services.display_name(article.submitted_by)
        }
    if article.is_scheduled():
        return gettext("Scheduled: it appears on the site on %(when)s (Moscow time).") % {
            "when": _when(article.published_at)
        }
    if article.status == status.PUBLISHED:
        return gettext("Published on %(when)s.") % {"when": _when(article.published_at)}
    if article.status == status.WITHDRAWN:
        return gettext("Withdrawn on %(when)s.") % {"when": _when(article.withdrawn_at)}
    return gettext("Draft: only the editorial staff can see it.")


@admin.register(Rubric)
class RubricAdmin(VersionAdmin, TabbedTranslationAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name_ru", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Topic)
class TopicAdmin(VersionAdmin, TabbedTranslationAdmin):
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
        # Each edit keeps a revision (who changed the alt text, and from what), but the admin
        # offers no revert or recovery: a replaced or deleted photo's files are gone.
        with reversion.create_revision():
            reversion.set_user(request.user)
            super().save_model(request, obj, form, change)
        services.photo_files_changed(photo=obj, replaced=replaced)

    def delete_model(self, request, obj):
        services.photo_delete(photo=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            services.photo_delete(photo=photo)


@admin.register(PressReleaseCounter)
class PressReleaseCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj is not None else []


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Every shared preview in one place, to find and revoke what is still open."""

    list_display = ["article", "label", "created_by", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["article", "created_by"]
    list_filter = ["revoked_at", "expires_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return workflow.can_share_preview(request.user)

    @admin.action(description=_("Revoke the selected preview links"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for link in queryset.filter(revoked_at__isnull=True).select_related("article"):
            services.preview_link_revoke(link=link, user=request.user)
        self.message_user(request, gettext("The selected preview links were revoked."))
