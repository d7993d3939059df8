from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .html import clean_html
from .slugs import make_slug


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def content_changed() -> None:
    """Tell the site that something the public sees has changed: cached pages go stale.

    Called at once, and again when the transaction commits so that no page rendered from
    the old rows in between survives. The function is named in settings
    (FCS_CONTENT_CHANGED), so this app imports nothing from the project.
    """
    changed = import_string(settings.FCS_CONTENT_CHANGED)
    changed()
    transaction.on_commit(changed)


class ContentQuerySet(models.QuerySet):
    """Bulk writes (`update()`, the admin's "delete selected") also mark content changed."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        content_changed()
        return rows

    def delete(self):
        deleted = super().delete()
        content_changed()
        return deleted


class PublicContent:
    """A model the public sees: saving or deleting a row makes cached pages stale."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        content_changed()
        return deleted


class Rubric(PublicContent, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Stable words used in the address.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("news:rubric", kwargs={"slug": self.slug})


class Topic(PublicContent, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Stable words used in the address.")
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("news:topic", kwargs={"slug": self.slug})


class ArticleQuerySet(ContentQuerySet):
    def published(self, now=None):
        """The one definition of what the public may see: published and due."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        """Published with a date still to come: these appear by themselves at that time."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def available_in(self, language: str):
        """Articles whose required fields are filled in `language` (no fallback)."""
        if language not in language_codes():
            return self.none()
        condition = Q()
        for field in Article.REQUIRED_TRANSLATED_FIELDS:
            # `__gt=""` excludes both NULL and the empty string.
            condition &= Q(**{f"{field}_{language}__gt": ""})
        return self.filter(condition)

    def public(self, language: str):
        return self.published().available_in(language)


class Article(PublicContent, models.Model):
    REQUIRED_TRANSLATED_FIELDS = ("title", "body")

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        NEWS = "news", _("News")
        ANNOUNCEMENT = "announcement", _("Announcement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("headline"), max_length=300, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        blank=True,
        help_text=_(
            "Words after the number in the address. Made from the headline when left "
            "empty; changing it later keeps old links working."
        ),
    )
    lead = models.TextField(
        _("lead"),
        blank=True,
        help_text=_("One or two sentences shown in lists, feeds and search results."),
    )
    body = models.TextField(_("body"), blank=True)
    note = models.TextField(
        _("“To take note” box"),
        blank=True,
        help_text=_("Background facts shown in a box under the body."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PRESS_RELEASE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date and time"),
        null=True,
        blank=True,
        help_text=_(
            "Moscow time. A published article with a date in the future stays hidden until then."
        ),
    )
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="articles"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="news_article_public_idx"),
            # Lists in one language, newest first: the condition is `public(language)` less
            # the date, so PostgreSQL reads these in order without opening article bodies,
            # and numbers a whole list from the index alone (see news/pagination.py).
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", title_ru__gt="", body_ru__gt=""),
                name="news_article_list_ru_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", title_en__gt="", body_en__gt=""),
                name="news_article_list_en_idx",
            ),
            models.Index(
                fields=["rubric", "-published_at", "-id"],
                condition=Q(status="published", title_ru__gt="", body_ru__gt=""),
                name="news_article_rubric_ru_idx",
            ),
            models.Index(
                fields=["rubric", "-published_at", "-id"],
                condition=Q(status="published", title_en__gt="", body_en__gt=""),
                name="news_article_rubric_en_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_article_published_has_date",
                violation_error_message=_("A published article needs a publication date and time."),
            )
        ]

    def __str__(self) -> str:
        for code in language_codes():
            title = getattr(self, f"title_{code}", "")
            if title:
                return title
        return _("Article %(id)s") % {"id": self.pk or "—"}

    def save(self, *args, **kwargs):
        for code in language_codes():
            for field in ("body", "note"):
                setattr(self, f"{field}_{code}", clean_html(getattr(self, f"{field}_{code}")))
            title = getattr(self, f"title_{code}") or ""
            if title and not getattr(self, f"slug_{code}"):
                setattr(self, f"slug_{code}", make_slug(title) or "article")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        language = language or translation.get_language()
        slug = getattr(self, f"slug_{language}", "") or ""
        with translation.override(language):
            if slug:
                try:
                    return reverse("news:article_detail", kwargs={"pk": self.pk, "slug": slug})
                except NoReverseMatch:
                    pass
            return reverse("news:article_detail_noslug", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.status == self.Status.PUBLISHED:
            if not self.published_at:
                raise ValidationError(
                    {"published_at": _("A published article needs a publication date and time.")}
                )
            if not self.available_languages():
                raise ValidationError(
                    _("To publish, fill in the headline and the body in at least one language.")
                )

    def is_available_in(self, language: str) -> bool:
        return all(
            getattr(self, f"{field}_{language}", None) for field in self.REQUIRED_TRANSLATED_FIELDS
        )

    def available_languages(self) -> list[str]:
        return [code for code in language_codes() if self.is_available_in(code)]

    def is_public(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )
