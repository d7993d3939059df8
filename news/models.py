from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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
        return self.filter(available_condition(language))

    def public(self, language: str):
        return self.published().available_in(language)

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


def available_condition(language: str) -> Q:
    """The required fields are filled in `language`; `__gt=""` excludes NULL and ""."""
    condition = Q()
    for field in Article.REQUIRED_TRANSLATED_FIELDS:
        condition &= Q(**{f"{field}_{language}__gt": ""})
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


class Article(models.Model):
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
            models.Index(fields=["status", "-published_at", "-id"], name="news_article_public_idx")
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
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "updated_at",
                *(f"text_changed_at_{code}" for code in changed_languages),
            }
        super().save(*args, **kwargs)
        self._loaded_texts = {name: getattr(self, name) for name in self._text_field_names()}

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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_texts = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if name in instance._text_field_names()
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

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="events"
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
