import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import F, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from committees.addresses import reverse_in
from committees.content import ContentQuerySet, PublicContent

from . import images, lookups, search_index  # noqa: F401  (lookups: __filled)
from .html import clean_html
from .slugs import make_slug


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


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
        return reverse_in("news:rubric", slug=self.slug)


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
        return reverse_in("news:topic", slug=self.slug)


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
        return self.filter(available_condition(language))

    def public(self, language: str, now=None):
        return self.published(now).available_in(language)

    def without_search_columns(self):
        """Leave out the derived search columns (kilobytes a row), which no page shows."""
        return self.defer(*search_index.column_names())

    def for_cards(self):
        """What an article card shows, and nothing more: its headline, lead, date and
        address, its rubric's name and its lead photo with the photo's renditions (the
        wide translated rows cost more to compile and read than the cards that show them)."""
        from committees.columns import columns, narrow

        return narrow(
            self.select_related("rubric", "lead_photo").prefetch_related("lead_photo__renditions"),
            *columns(Article, CARD_FIELDS),
            *columns(Rubric, ("name", "slug"), "rubric"),
        )

    def with_lead_photo(self):
        """Fetch each lead photo and its renditions in a fixed number of queries."""
        return self.select_related("lead_photo").prefetch_related("lead_photo__renditions")

    def with_gallery(self):
        items = ArticlePhoto.objects.select_related("photo").prefetch_related("photo__renditions")
        return self.prefetch_related(Prefetch("gallery_items", queryset=items))

    def withdrawn(self, now=None):
        """Articles that were public and have been withdrawn: served only by their own address,
        with a notice or as 410 Gone, never listed."""
        return self.filter(
            status=Article.Status.WITHDRAWN,
            published_at__lte=now or timezone.now(),
            withdrawn_at__isnull=False,
        )

    def missing_in(self, language: str):
        return self.filter(missing_condition(language))

    def outdated_in(self, language: str):
        return self.filter(outdated_condition(language))

    def needs_translation(self):
        condition = Q(pk__in=[])
        for code in language_codes():
            condition |= missing_condition(code) | outdated_condition(code)
        return self.filter(condition)


# The columns of an article that its card shows.
CARD_FIELDS = ("title", "slug", "lead", "published_at", "status", "kind", "rubric", "lead_photo")


def available_condition(language: str) -> Q:
    """The required fields are filled in `language`: neither NULL nor "" (news/lookups.py)."""
    condition = Q()
    for field in Article.REQUIRED_TRANSLATED_FIELDS:
        condition &= Q(**{f"{field}_{language}__filled": True})
    return condition


def missing_condition(language: str) -> Q:
    return ~available_condition(language)


def outdated_condition(language: str) -> Q:
    """Available in `language`, but another language's text was edited after this one's."""
    newer_elsewhere = Q(pk__in=[])
    for other in language_codes():
        if other != language:
            newer_elsewhere |= available_condition(other) & Q(
                **{f"text_changed_at_{other}__gt": F(f"text_changed_at_{language}")}
            )
    return available_condition(language) & newer_elsewhere


class WithdrawalMode(models.TextChoices):
    NOTICE = "notice", _("Stays online with a withdrawal notice")
    GONE = "gone", _("Removed: the address answers “410 Gone”")


class Article(PublicContent, models.Model):
    REQUIRED_TRANSLATED_FIELDS = ("title", "body")
    # A change to any of these in a language marks that language's text as changed.
    TEXT_FIELDS = ("title", "lead", "body", "note")
    WithdrawalMode = WithdrawalMode

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
    bodies = models.ManyToManyField(
        "committees.Body",
        verbose_name=_("WCO bodies"),
        blank=True,
        related_name="articles",
        help_text=_("The bodies the article reports on; it is then listed on their pages."),
    )
    sessions = models.ManyToManyField(
        "committees.Session",
        verbose_name=_("sessions"),
        blank=True,
        related_name="articles",
        help_text=_("The sessions the article reports on; it is then listed on their pages."),
    )
    people = models.ManyToManyField(
        "committees.Person",
        verbose_name=_("people"),
        blank=True,
        related_name="articles",
        help_text=_("The people the article names; it is then listed on their pages."),
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

    # The editorial workflow: see news/services.py for the steps that change these.
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Grows by one with every save; two people editing at once are told apart."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted for review by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_mode = models.CharField(
        _("after withdrawal"),
        max_length=10,
        choices=WithdrawalMode.choices,
        blank=True,
        editable=False,
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    major_updated_at = models.DateTimeField(
        _("last major update"), null=True, blank=True, editable=False
    )
    update_note = models.TextField(_("note on the last major update"), blank=True, editable=False)
    press_year = models.PositiveSmallIntegerField(
        _("press release year"), null=True, blank=True, editable=False
    )
    press_number = models.PositiveIntegerField(
        _("press release number"), null=True, blank=True, editable=False
    )
    # Translated (news/translation.py): when the text in each language last changed.
    text_changed_at = models.DateTimeField(
        _("text last changed"), null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="news_article_public_idx"),
            search_index.PostgresOnlyGinIndex(fields=["search_ru"], name="news_article_search_ru"),
            search_index.PostgresOnlyGinIndex(fields=["search_en"], name="news_article_search_en"),
            # Lists in one language, newest first: the condition is `public(language)` less
            # the date, so PostgreSQL reads these in order without opening article bodies,
            # and numbers a whole list from the index alone (see news/pagination.py).
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", title_ru__filled=True, body_ru__filled=True),
                name="news_article_list_ru_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", title_en__filled=True, body_en__filled=True),
                name="news_article_list_en_idx",
            ),
            models.Index(
                fields=["rubric", "-published_at", "-id"],
                condition=Q(status="published", title_ru__filled=True, body_ru__filled=True),
                name="news_article_rubric_ru_idx",
            ),
            models.Index(
                fields=["rubric", "-published_at", "-id"],
                condition=Q(status="published", title_en__filled=True, body_en__filled=True),
                name="news_article_rubric_en_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_article_published_has_date",
                violation_error_message=_("A published article needs a publication date and time."),
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="news_article_withdrawn_has_date",
            ),
            models.UniqueConstraint(
                fields=["press_year", "press_number"], name="news_article_press_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(press_year__isnull=True, press_number__isnull=True)
                | Q(press_year__isnull=False, press_number__isnull=False),
                name="news_article_press_number_has_year",
            ),
        ]
        permissions = [
            ("change_any_article", _("Can edit other people's articles and published articles")),
            ("review_article", _("Can review articles and ask for changes")),
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("withdraw_article", _("Can withdraw published articles")),
            ("preview_article", _("Can share preview links")),
        ]

    def __str__(self) -> str:
        for code in language_codes():
            title = getattr(self, f"title_{code}", "")
            if title:
                return title
        return _("Article %(id)s") % {"id": self.pk or "—"}

    def save(self, *args, **kwargs):
        for code in language_codes():
            for field in self.TEXT_FIELDS:
                # Browsers send line breaks as CRLF: keep one form, so that saving an
                # unchanged text never counts as changing it.
                value = getattr(self, f"{field}_{code}")
                if value and "\r" in value:
                    setattr(
                        self, f"{field}_{code}", value.replace("\r\n", "\n").replace("\r", "\n")
                    )
            for field in ("body", "note"):
                setattr(self, f"{field}_{code}", clean_html(getattr(self, f"{field}_{code}")))
            title = getattr(self, f"title_{code}") or ""
            if title and not getattr(self, f"slug_{code}"):
                setattr(self, f"slug_{code}", make_slug(title) or "article")
        changed_languages = self._changed_text_languages()
        for code, when in self._text_change_times(changed_languages).items():
            setattr(self, f"text_changed_at_{code}", when)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        index = search_index.index_values(
            search_index.article_documents(self), connections[using].vendor
        )
        for name, value in index.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "updated_at",
                *index,
                *(f"text_changed_at_{code}" for code in changed_languages),
            }
        super().save(*args, **kwargs)
        for name in search_index.CONFIGS:
            # The tsvector was an SQL expression; read back from the database when asked for.
            self.__dict__.pop(f"search_{name}", None)
        self._loaded_texts = {name: getattr(self, name) for name in self._text_field_names()}

    def get_absolute_url(self, language: str | None = None) -> str:
        language = language or translation.get_language()
        slug = getattr(self, f"slug_{language}", "") or ""
        if slug:
            try:
                return reverse_in("news:article_detail", language, pk=self.pk, slug=slug)
            except NoReverseMatch:
                pass
        return reverse_in("news:article_detail_noslug", language, pk=self.pk)

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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        texts = cls._text_field_names()
        instance._loaded_texts = {
            name: value for name, value in zip(field_names, values, strict=True) if name in texts
        }
        return instance

    @classmethod
    def _text_field_names(cls, language: str | None = None) -> set[str]:
        codes = [language] if language else language_codes()
        return {f"{field}_{code}" for field in cls.TEXT_FIELDS for code in codes}

    def _changed_text_languages(self) -> list[str]:
        loaded = getattr(self, "_loaded_texts", None)
        changed = []
        for code in language_codes():
            names = self._text_field_names(code)
            if self._state.adding or loaded is None:
                edited = any(getattr(self, name) for name in names)
            else:
                edited = any(
                    name in loaded and (loaded[name] or "") != (getattr(self, name) or "")
                    for name in names
                )
            if edited:
                changed.append(code)
        return changed

    def _was_available_in(self, language: str) -> bool:
        loaded = getattr(self, "_loaded_texts", None)
        if self._state.adding or loaded is None:
            return False
        return all(loaded.get(f"{field}_{language}") for field in self.REQUIRED_TRANSLATED_FIELDS)

    def _text_change_times(self, changed: list[str]) -> dict:
        """When each edited language's text counts as changed.

        An edit of a language that was up to date is new text: it is dated now, and the
        other languages become out of date. An edit of a language that was missing or out
        of date is taken as catching up with the others: it is dated like the newest of
        them, so that translating never makes the source language look out of date.
        """
        now = timezone.now()
        before = {code: getattr(self, f"text_changed_at_{code}") for code in language_codes()}
        times = {}
        for code in changed:
            others = [
                before[other]
                for other in language_codes()
                if other not in changed and before[other] and self.is_available_in(other)
            ]
            behind = not self._was_available_in(code) or (
                before[code] is not None and any(other > before[code] for other in others)
            )
            times[code] = max(others) if others and behind else now
        return times

    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    def is_scheduled(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > (now or timezone.now())
        )

    def translation_status(self, language: str) -> str:
        """ "complete", "missing" or "outdated" (another language was edited after this one)."""
        if not self.is_available_in(language):
            return TranslationStatus.MISSING
        mine = getattr(self, f"text_changed_at_{language}", None)
        for other in self.available_languages():
            theirs = getattr(self, f"text_changed_at_{other}", None)
            if other != language and theirs and mine and theirs > mine:
                return TranslationStatus.OUTDATED
        return TranslationStatus.COMPLETE

    @property
    def press_release_number(self) -> str:
        if self.press_number is None:
            return ""
        return f"{self.press_number}/{self.press_year}"


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


class TranslationStatus(models.TextChoices):
    COMPLETE = "complete", _("complete")
    MISSING = "missing", _("missing")
    OUTDATED = "outdated", _("out of date")


class ArticleEvent(models.Model):
    """One step of an article's editorial history: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        RECALLED = "recalled", _("Taken back by the author")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        UNPUBLISHED = "unpublished", _("Returned to drafts")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESTORED = "restored", _("Earlier revision restored")
        PREVIEW_SHARED = "preview_shared", _("Preview link shared")
        PREVIEW_REVOKED = "preview_revoked", _("Preview link revoked")

    # The history outlives the article: deleting an article keeps the record of who wrote,
    # approved and published it, and a recovered article (same id) finds it again.
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    self_approved = models.BooleanField(
        _("published by one of its authors"),
        default=False,
        help_text=_("Published without a second person's approval; the note says why."),
    )
    major = models.BooleanField(_("major update"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        indexes = [models.Index(fields=["article", "-at"], name="news_articleevent_article_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.article}"

    def get_absolute_url(self) -> str:
        return reverse("admin:news_article_change", args=[self.article_id])


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class PreviewLink(models.Model):
    """A shareable address that shows an unpublished article to whoever holds it.

    Only a hash of the token is kept: the address is shown once, when it is made.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="preview_links"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    label = models.CharField(
        _("shared with"),
        max_length=200,
        blank=True,
        help_text=_("Who the link is for, as a reminder (for example, a ministry's press office)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self) -> str:
        return _("Preview of “%(article)s”") % {"article": self.article}

    def get_absolute_url(self) -> str:
        return reverse("admin:news_article_preview_links", args=[self.article_id])

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class PressReleaseCounter(models.Model):
    """The last press-release number issued in a year; the next publication takes the next."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(
        _("last number issued"),
        default=0,
        help_text=_(
            "The next press release published this year gets this number plus one. Set it "
            "when numbering continues from releases issued outside this site."
        ),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("press release counter")
        verbose_name_plural = _("press release counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    def get_absolute_url(self) -> str:
        return reverse("admin:news_pressreleasecounter_change", args=[self.pk])
