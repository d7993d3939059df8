import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import images, search_index
from .html import clean_html
from .slugs import make_slug


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Rubric(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Stable words used in the address.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("news:rubric", kwargs={"slug": self.slug})


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Stable words used in the address.")
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("news:topic", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The one definition of what the public may see: published and due."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

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

    def with_lead_photo(self):
        """Fetch each lead photo and its renditions in a fixed number of queries."""
        return self.select_related("lead_photo").prefetch_related("lead_photo__renditions")

    def with_gallery(self):
        items = ArticlePhoto.objects.select_related("photo").prefetch_related("photo__renditions")
        return self.prefetch_related(Prefetch("gallery_items", queryset=items))


class Article(models.Model):
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
    lead_photo = models.ForeignKey(
        "Photo",
        verbose_name=_("lead photo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of_articles",
        help_text=_(
            "Shown at the top of the article, small in news lists, and in feeds and link "
            "previews. Pick an uploaded photo or add a new one with the plus sign."
        ),
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
    # Derived on save for the site search (news/search_index.py); never edited by hand.
    search_ru = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)
    search_text_ru = models.TextField(default="", editable=False)
    search_text_en = models.TextField(default="", editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="news_article_public_idx"),
            search_index.PostgresOnlyGinIndex(fields=["search_ru"], name="news_article_search_ru"),
            search_index.PostgresOnlyGinIndex(fields=["search_en"], name="news_article_search_en"),
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
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        index = search_index.index_values(
            search_index.article_documents(self), connections[using].vendor
        )
        for name, value in index.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at", *index}
        super().save(*args, **kwargs)
        for name in search_index.CONFIGS:
            # The tsvector was an SQL expression; read back from the database when asked for.
            self.__dict__.pop(f"search_{name}", None)

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
        if self.status == self.Status.PUBLISHED and self.lead_photo_id:
            self.validate_lead_photo_alt_text()

    def is_available_in(self, language: str) -> bool:
        return all(
            getattr(self, f"{field}_{language}", None) for field in self.REQUIRED_TRANSLATED_FIELDS
        )

    def available_languages(self) -> list[str]:
        return [code for code in language_codes() if self.is_available_in(code)]

    def gallery_photos(self) -> list["Photo"]:
        """The gallery in its order, without the lead photo (it is shown above)."""
        return [
            item.photo for item in self.gallery_items.all() if item.photo_id != self.lead_photo_id
        ]

    def photos(self) -> list["Photo"]:
        """The lead photo, then the gallery: every photo the article shows."""
        lead = [self.lead_photo] if self.lead_photo_id else []
        return lead + self.gallery_photos()

    def alt_text_errors(self, photos) -> list[str]:
        """What stops `photos` from being shown with this article: missing alternative text
        in a language the article is available in (decorative photos need none)."""
        messages = []
        for photo in photos:
            for language in self.available_languages():
                if photo.lacks_alt_in(language):
                    messages.append(photo.missing_alt_message(language))
        return messages

    def validate_lead_photo_alt_text(self):
        if errors := self.alt_text_errors([self.lead_photo]):
            raise ValidationError(errors)

    def lead_photo_rendition(self, width: int = 1200, format: str | None = None, request=None):
        """The lead photo as one image for feeds and link previews, or None.

        Gives the rendition closest to `width` pixels wide (at least that wide when one
        exists) in `format` ("jpeg", "png", "webp"; the uploaded format by default), with
        its URL (absolute when `request` is given), width, height, MIME type and the
        alternative text in the active language.
        """
        if not self.lead_photo_id:
            return None
        return self.lead_photo.rendition(width, format=format, request=request)

    def is_public(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )


def photo_upload_to(instance, filename: str) -> str:
    """A random name under the year: nothing of the uploader's file name or path is kept."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")
    if extension not in images.EXTENSIONS.values():
        extension = "bin"
    return f"photos/{timezone.now():%Y}/{secrets.token_hex(16)}.{extension}"


@dataclass(frozen=True)
class PhotoImage:
    """One file of a photo, ready for an <img>, a feed enclosure or an og:image tag."""

    url: str
    width: int
    height: int
    mime_type: str
    alt: str
    file_name: str = ""

    @property
    def size(self) -> int:
        """Bytes of the file in storage (a storage call: for feeds, which are cached)."""
        from django.core.files.storage import default_storage

        try:
            return default_storage.size(self.file_name) if self.file_name else 0
        except OSError:
            return 0


class Photo(models.Model):
    """A press photo. The stored file is the cleaned upload; renditions are made from it."""

    image = models.ImageField(
        _("image file"),
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        max_length=255,
        help_text=_(
            "JPEG, PNG or WebP, at most 10 MB and 40 megapixels. The photo is turned upright "
            "and its EXIF, GPS and other metadata are removed."
        ),
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the photo shows, for people who cannot see it, in one or two sentences. "
            "Needed in every language of the articles that show the photo, unless the photo "
            "is decorative."
        ),
    )
    caption = models.CharField(
        _("caption"),
        max_length=500,
        blank=True,
        help_text=_("Shown under the photo."),
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("The photographer or source, shown after the caption."),
    )
    decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_(
            "Tick only when the photo adds nothing to the text (an ornament, a mood picture): "
            "screen readers then skip it and no alternative text is needed."
        ),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        current = translation.get_language()
        codes = [current, *(code for code in language_codes() if code != current)]
        for field in ("alt", "caption"):
            for code in codes:
                text = getattr(self, f"{field}_{code}", "") or ""
                if text:
                    return text if len(text) <= 80 else text[:79] + "…"
        return _("Photo %(id)s") % {"id": self.pk or "—"}

    @property
    def format(self) -> str:
        """The uploaded format: "jpeg", "png" or "webp" (the stored name is ours)."""
        extension = PurePosixPath(self.image.name or "").suffix.lstrip(".")
        return {"jpg": "jpeg", "png": "png", "webp": "webp"}.get(extension, "jpeg")

    @property
    def text_alternative(self) -> str:
        """The alt attribute in the active language: empty for a decorative photo."""
        return "" if self.decorative else self.alt

    def lacks_alt_in(self, language: str) -> bool:
        return not self.decorative and not (getattr(self, f"alt_{language}", "") or "").strip()

    def missing_alt_message(self, language: str) -> str:
        messages = {
            "ru": _(
                "Photo “%(photo)s” has no alternative text in Russian. Write it, or mark the "
                "photo as decorative if it adds nothing to the text."
            ),
            "en": _(
                "Photo “%(photo)s” has no alternative text in English. Write it, or mark the "
                "photo as decorative if it adds nothing to the text."
            ),
        }
        return messages[language] % {"photo": self}

    def _renditions(self, format: str) -> list["PhotoRendition"]:
        # Filtered in Python so that a prefetched `renditions` costs no query.
        return sorted(
            (r for r in self.renditions.all() if r.format == format), key=lambda r: r.width
        )

    def srcset(self, format: str) -> str:
        return ", ".join(f"{r.file.url} {r.width}w" for r in self._renditions(format))

    @property
    def srcset_original(self) -> str:
        return self.srcset(self.format)

    @property
    def srcset_webp(self) -> str:
        """The WebP candidates, when the upload was not WebP already (else empty)."""
        return "" if self.format == PhotoRendition.Format.WEBP else self.srcset("webp")

    def rendition(self, width: int, format: str | None = None, request=None) -> PhotoImage:
        """The smallest rendition at least `width` wide (else the widest) in `format`.

        Falls back to the stored file itself while no renditions exist.
        """
        format = format or self.format
        candidates = self._renditions(format)
        chosen = next((r for r in candidates if r.width >= width), None) or (
            candidates[-1] if candidates else None
        )
        if chosen:
            url, w, h, name = chosen.file.url, chosen.width, chosen.height, chosen.file.name
        else:
            url, w, h, format = self.image.url, self.width, self.height, self.format
            name = self.image.name
        if request is not None:
            url = request.build_absolute_uri(url)
        mime_type = images.MIME_TYPES[format]
        return PhotoImage(
            url=url,
            width=w,
            height=h,
            mime_type=mime_type,
            alt=self.text_alternative,
            file_name=name,
        )

    @property
    def fallback(self) -> PhotoImage:
        """The `src` of the <img>: a mid-sized rendition in the uploaded format."""
        return self.rendition(800)


class PhotoRendition(models.Model):
    """One resized copy of a photo, made once on upload by `services.photo_make_renditions`."""

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"

    photo = models.ForeignKey(
        Photo, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="renditions"
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    file = models.FileField(_("file"), max_length=255)
    source = models.CharField(
        _("made from"), max_length=255, help_text=_("The stored photo file this was made from.")
    )

    class Meta:
        ordering = ["photo", "format", "width"]
        verbose_name = _("photo rendition")
        verbose_name_plural = _("photo renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "format", "width"], name="news_photorendition_unique_size"
            ),
            models.CheckConstraint(
                condition=Q(width__gt=0) & Q(height__gt=0),
                name="news_photorendition_has_size",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file.name} ({self.width}×{self.height})"


class ArticlePhoto(models.Model):
    """A photo in an article's gallery, in the editors' order."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="gallery_items"
    )
    photo = models.ForeignKey(
        Photo, verbose_name=_("photo"), on_delete=models.PROTECT, related_name="gallery_items"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "photo"], name="news_articlephoto_unique_photo"
            )
        ]

    def __str__(self) -> str:
        return str(self.photo)
