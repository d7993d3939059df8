"""The registry of WCO bodies, anchored on the Popolo data specification.

Body ~ popolo:Organization, Post ~ popolo:Post, Term ~ popolo:Membership of a person in a
post, Session ~ popolo:Event, Delegation ~ a person's attendance of an event for a member.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from . import dates, ordinals
from .addresses import reverse_in
from .content import ContentQuerySet, PublicContent

# Words that follow /committees/ in addresses and therefore cannot be a body's slug.
RESERVED_SLUGS = {"people", "sessions", "sessions.ics"}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def filled_in(fields, language: str) -> Q:
    """Rows whose `fields` all have text in `language` (`__gt=""` excludes NULL and "")."""
    if language not in language_codes():
        return Q(pk__in=[])
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}_{language}__gt": ""})
    return condition


class TranslatedAvailability:
    """An item exists in a language when its required fields are filled in it."""

    REQUIRED_TRANSLATED_FIELDS: tuple[str, ...] = ()

    def is_available_in(self, language: str) -> bool:
        return all(
            getattr(self, f"{field}_{language}", None) for field in self.REQUIRED_TRANSLATED_FIELDS
        )

    def available_languages(self) -> list[str]:
        return [code for code in language_codes() if self.is_available_in(code)]

    def first_filled(self, field: str) -> str:
        """`field` in the active language, or else in the first language that has it."""
        current = translation.get_language()
        for code in [current, *language_codes()]:
            value = getattr(self, f"{field}_{code}", "")
            if value:
                return value
        return ""


class Precision(models.TextChoices):
    YEAR = dates.YEAR, _("year")
    MONTH = dates.MONTH, _("month")
    DAY = dates.DAY, _("day")


PRECISION_HELP = _(
    "How much of the date is known: with “year”, enter any day of that year "
    "(1 January is usual); the site shows only the year."
)


class BodyQuerySet(ContentQuerySet):
    def available_in(self, language: str):
        return self.filter(filled_in(Body.REQUIRED_TRANSLATED_FIELDS, language))


class Body(PublicContent, TranslatedAvailability, models.Model):
    REQUIRED_TRANSLATED_FIELDS = ("name",)

    class Classification(models.TextChoices):
        COUNCIL = "council", _("Council")
        COMMISSION = "commission", _("Commission")
        COMMITTEE = "committee", _("Committee")
        SUB_COMMITTEE = "sub_committee", _("Sub-committee")
        WORKING_GROUP = "working_group", _("Working group")
        OTHER = "other", _("Other body")

    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Without “WCO”, which the site adds: “Enforcement Committee”."),
    )
    name_genitive = models.CharField(
        _("name in the genitive"),
        max_length=200,
        blank=True,
        help_text=_(
            "Russian: the name in the genitive case, as it reads in “41-я сессия Комитета по "
            "правоприменению ВТамО”. English: leave empty (the name is used)."
        ),
    )
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the body does, in plain text; an empty line starts a new paragraph."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_(
            "Stable English words used in the address, such as “enforcement-committee”. "
            "Changing it breaks existing links."
        ),
    )
    classification = models.CharField(
        _("classification"),
        max_length=20,
        choices=Classification.choices,
        default=Classification.COMMITTEE,
    )
    reports_to = models.ManyToManyField(
        "self",
        verbose_name=_("reports to"),
        symmetrical=False,
        blank=True,
        related_name="subordinates",
        help_text=_(
            "The bodies under whose direction this one works. A body may report to several; "
            "a body can never end up reporting to itself, directly or through others."
        ),
    )
    established_on = models.DateField(_("established"), null=True, blank=True)
    established_precision = models.CharField(
        _("precision of the establishment date"),
        max_length=5,
        choices=Precision.choices,
        default=Precision.YEAR,
        help_text=PRECISION_HELP,
    )
    dissolved_on = models.DateField(_("dissolved"), null=True, blank=True)
    dissolved_precision = models.CharField(
        _("precision of the dissolution date"),
        max_length=5,
        choices=Precision.choices,
        default=Precision.YEAR,
        help_text=PRECISION_HELP,
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order among bodies at the same level.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Derived for the site search, which fcs_site owns and keeps current after each save
    # (fcs_site/committees_index.py); never edited by hand.
    search_ru = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)
    search_text_ru = models.TextField(default="", editable=False)
    search_text_en = models.TextField(default="", editable=False)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=F("established_on")),
                name="committees_body_dissolved_after_established",
                violation_error_message=_("A body cannot be dissolved before it is established."),
            )
        ]

    def __str__(self) -> str:
        return self.first_filled("name") or self.slug

    def get_absolute_url(self, language: str | None = None) -> str:
        return reverse_in("committees:body_detail", language, slug=self.slug)

    def get_calendar_url(self, language: str | None = None) -> str:
        return reverse_in("committees:body_calendar", language, slug=self.slug)

    def clean(self):
        super().clean()
        errors = {}
        if not self.available_languages():
            errors["name_ru"] = _("Give the body's name in at least one language.")
        if self.name_ru and not self.name_genitive_ru:
            errors["name_genitive_ru"] = _(
                "Give the Russian name in the genitive case too: the site uses it in phrases "
                "such as “41-я сессия Комитета по правоприменению ВТамО”."
            )
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is a reserved word in addresses; choose another.") % {
                "slug": self.slug
            }
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            errors["dissolved_on"] = _("A body cannot be dissolved before it is established.")
        if errors:
            raise ValidationError(errors)

    @property
    def genitive(self) -> str:
        """The name as it follows "session of" (the genitive in Russian)."""
        return self.name_genitive or self.name

    @property
    def title(self) -> str:
        """The name with the organisation: "WCO Enforcement Committee"."""
        return gettext("WCO %(name)s") % {"name": self.name}

    def established_display(self, language: str | None = None) -> str:
        return dates.format_partial_date(self.established_on, self.established_precision, language)

    def dissolved_display(self, language: str | None = None) -> str:
        return dates.format_partial_date(self.dissolved_on, self.dissolved_precision, language)

    def reporting_cycle_error(self, parents) -> str | None:
        """Why reporting to `parents` would make a loop, or None when it would not."""
        parents = list(parents)
        if self.pk is None:
            return None
        if any(parent.pk == self.pk for parent in parents):
            return gettext("A body cannot report to itself.")
        links: dict[int, set[int]] = {}
        for child, parent in Body.reports_to.through.objects.values_list(
            "from_body_id", "to_body_id"
        ):
            links.setdefault(child, set()).add(parent)
        links[self.pk] = {parent.pk for parent in parents}
        seen: set[int] = set()
        stack = list(links[self.pk])
        while stack:
            current = stack.pop()
            if current == self.pk:
                return gettext(
                    "This would make a loop in the reporting lines: one of the chosen bodies "
                    "already reports, directly or through others, to “%(body)s”."
                ) % {"body": self}
            if current not in seen:
                seen.add(current)
                stack.extend(links.get(current, ()))
        return None


class SessionQuerySet(ContentQuerySet):
    def available_in(self, language: str):
        """Sessions whose body exists in `language`: a session has no required text of its own."""
        return self.filter(
            filled_in([f"body__{field}" for field in Body.REQUIRED_TRANSLATED_FIELDS], language)
        )

    def numbered(self):
        """Sessions proper, without the phases they were held in."""
        return self.filter(parent__isnull=True)

    def with_number(self, number: int):
        """The session that carries `number`, as its first or second number."""
        return self.filter(Q(number=number) | Q(second_number=number))


class Session(PublicContent, models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="sessions"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("phase of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phases",
        help_text=_(
            "For a session held in parts: each part is entered as a phase of the numbered "
            "session, with its own dates, format and venue, and no number."
        ),
    )
    number = models.PositiveIntegerField(
        _("number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("41 for the 41st session. Each number is used once per body."),
    )
    second_number = models.PositiveIntegerField(
        _("second number"),
        null=True,
        blank=True,
        help_text=_(
            "Only for one meeting that carries two numbers, such as the 139th/140th session: "
            "enter 139 and 140."
        ),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_(
            "What the session dealt with, in plain text; an empty line starts a paragraph."
        ),
    )
    report_approved_at = models.ForeignKey(
        "self",
        verbose_name=_("report approved at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_approved",
        help_text=_("The session of another body (usually the Council) that approved this report."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Derived for the site search, which fcs_site owns and keeps current after each save
    # (fcs_site/committees_index.py); never edited by hand.
    search_ru = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)
    search_text_ru = models.TextField(default="", editable=False)
    search_text_en = models.TextField(default="", editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "number", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "number"],
                name="committees_session_number_unique",
                violation_error_message=_("This body already has a session with this number."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="committees_session_end_not_before_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(second_number__isnull=True) | Q(second_number__gt=F("number")),
                name="committees_session_second_number_after_first",
                violation_error_message=_("The second number must be greater than the first."),
            ),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(number__isnull=False))
                | (
                    Q(parent__isnull=False) & Q(number__isnull=True) & Q(second_number__isnull=True)
                ),
                name="committees_session_numbered_unless_phase",
                violation_error_message=_(
                    "A session needs a number; a phase of a session has none of its own."
                ),
            ),
        ]
        indexes = [models.Index(fields=["body", "start_date"], name="committees_session_body_idx")]

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent} — {self.dates_display()}"
        if not self.body_id or self.number is None:
            return gettext("Session %(id)s") % {"id": self.pk or "—"}
        if self.body.name:
            return self.title()
        return f"{self.body}, {self.numbers_display()}"

    def get_absolute_url(self, language: str | None = None) -> str:
        if self.parent_id:
            return self.parent.get_absolute_url(language) + f"#phase-{self.pk}"
        return reverse_in(
            "committees:session_detail", language, slug=self.body.slug, number=self.number
        )

    def available_languages(self) -> list[str]:
        return self.body.available_languages()

    @property
    def is_phase(self) -> bool:
        return self.parent_id is not None

    @property
    def last_day_exclusive(self) -> date:
        return self.end_date + timedelta(days=1)

    def numbers_display(self, case: str = ordinals.NOMINATIVE, language: str | None = None) -> str:
        """Both numbers of a session as ordinals: 139th/140th, «139-я/140-я» (in `case`)."""
        session = self.parent if self.parent_id else self
        if session.number is None:
            return ""
        return ordinals.ordinal_pair(session.number, session.second_number, language, case)

    def short_title(self, case: str = ordinals.NOMINATIVE) -> str:
        """The session without its body: 41st session, «41-я сессия» (in `case`)."""
        numbers = self.numbers_display(case)
        return _SHORT_TITLES[case]() % {"ordinal": numbers}

    def title(self, case: str = ordinals.NOMINATIVE) -> str:
        """41st session of the WCO Enforcement Committee, «41-я сессия Комитета…» (in `case`)."""
        numbers = self.numbers_display(case)
        return _TITLES[case]() % {"ordinal": numbers, "body": self.body.genitive}

    @staticmethod
    def title_in(
        language: str, *, number: int, second_number: int | None, body_genitive: str
    ) -> str:
        """The nominative title in `language` from plain values (for search documents, which
        are also built from the historical models of migrations)."""
        with translation.override(language):
            numbers = ordinals.ordinal_pair(number, second_number, language)
            return _TITLES[ordinals.NOMINATIVE]() % {"ordinal": numbers, "body": body_genitive}

    def phase_title(self, position: int) -> str:
        """Part 1, «Часть 1»: the label of the `position`-th phase of a session."""
        return gettext("Part %(number)s") % {"number": position}

    def dates_display(self, language: str | None = None) -> str:
        return dates.format_date_range(self.start_date, self.end_date, language)

    def clean_fields(self, exclude=None):
        # A phase belongs to its session's body: fill it in before fields are checked.
        if self.body_id is None and self.parent is not None:
            self.body_id = self.parent.body_id
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        # The parent may be a session not saved yet (phases added on its admin page).
        parent = self.parent
        if parent is not None:
            if parent is self or (parent.pk is not None and parent.pk == self.pk):
                errors["parent"] = _("A session cannot be a phase of itself.")
            elif parent.parent_id:
                errors["parent"] = _("Choose the numbered session: a phase cannot have phases.")
            elif parent.body_id != self.body_id:
                errors["parent"] = _("A phase belongs to a session of the same body.")
            if self.number is not None or self.second_number is not None:
                errors["number"] = _(
                    "A phase has no number of its own: it is part of the numbered session."
                )
        elif self.number is None:
            errors["number"] = _("Give the session's number.")
        if (
            self.number is not None
            and self.second_number is not None
            and self.second_number <= self.number
        ):
            errors["second_number"] = _("The second number must be greater than the first.")
        if (
            self.report_approved_at_id
            and self.body_id
            and self.report_approved_at.body_id == self.body_id
        ):
            errors["report_approved_at"] = _(
                "A session's report is approved by another body: choose a session of the body "
                "this one reports to."
            )
        if "number" not in errors and "second_number" not in errors and self.body_id:
            clash = self.number_clash()
            if clash is not None:
                errors["number"] = _(
                    "This number is already taken: the body's %(session)s (%(dates)s) carries it."
                ) % {"session": clash.short_title(), "dates": clash.dates_display()}
        if errors:
            raise ValidationError(errors)

    def number_clash(self):
        """Another session of the body whose numbers overlap this one's, or None."""
        if self.number is None:
            return None
        last = self.second_number or self.number
        return (
            Session.objects.filter(body_id=self.body_id, number__isnull=False)
            .exclude(pk=self.pk)
            .annotate(last_number=Coalesce("second_number", "number"))
            .filter(number__lte=last, last_number__gte=self.number)
            .select_related("body")
            .first()
        )


# One entry per case, so that each carries its own Russian form of «сессия».
_TITLES = {
    ordinals.NOMINATIVE: lambda: pgettext(
        "session title, nominative", "%(ordinal)s session of the WCO %(body)s"
    ),
    ordinals.GENITIVE: lambda: pgettext(
        "session title, genitive", "%(ordinal)s session of the WCO %(body)s"
    ),
    ordinals.DATIVE: lambda: pgettext(
        "session title, dative", "%(ordinal)s session of the WCO %(body)s"
    ),
    ordinals.ACCUSATIVE: lambda: pgettext(
        "session title, accusative", "%(ordinal)s session of the WCO %(body)s"
    ),
    ordinals.INSTRUMENTAL: lambda: pgettext(
        "session title, instrumental", "%(ordinal)s session of the WCO %(body)s"
    ),
    ordinals.PREPOSITIONAL: lambda: pgettext(
        "session title, prepositional", "%(ordinal)s session of the WCO %(body)s"
    ),
}
_SHORT_TITLES = {
    ordinals.NOMINATIVE: lambda: pgettext("short session title, nominative", "%(ordinal)s session"),
    ordinals.GENITIVE: lambda: pgettext("short session title, genitive", "%(ordinal)s session"),
    ordinals.DATIVE: lambda: pgettext("short session title, dative", "%(ordinal)s session"),
    ordinals.ACCUSATIVE: lambda: pgettext("short session title, accusative", "%(ordinal)s session"),
    ordinals.INSTRUMENTAL: lambda: pgettext(
        "short session title, instrumental", "%(ordinal)s session"
    ),
    ordinals.PREPOSITIONAL: lambda: pgettext(
        "short session title, prepositional", "%(ordinal)s session"
    ),
}


class PersonQuerySet(ContentQuerySet):
    def available_in(self, language: str):
        return self.filter(filled_in(Person.REQUIRED_TRANSLATED_FIELDS, language))


class Person(PublicContent, TranslatedAvailability, models.Model):
    REQUIRED_TRANSLATED_FIELDS = ("name",)

    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    name = models.CharField(
        _("name as shown"),
        max_length=200,
        blank=True,
        help_text=_(
            "How the site names the person: “Oleg Bakanov”, «Олег Баканов». The person "
            "appears in a language only when this is filled in it."
        ),
    )
    position = models.CharField(_("position"), max_length=300, blank=True)
    organisation = models.CharField(_("department or organisation"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        blank=True,
        help_text=_(
            "Words after the number in the address; made from the English name when empty. "
            "Changing it keeps old links working."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Derived for the site search, which fcs_site owns and keeps current after each save
    # (fcs_site/committees_index.py); never edited by hand.
    search_ru = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)
    search_text_ru = models.TextField(default="", editable=False)
    search_text_en = models.TextField(default="", editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.first_filled("name") or gettext("Person %(id)s") % {"id": self.pk or "—"}

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name_en or "")[:100].strip("-") or "person"
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        return reverse_in(
            "committees:person_detail", language, pk=self.pk, slug=self.slug or "person"
        )

    def clean(self):
        super().clean()
        if not self.available_languages():
            raise ValidationError({"name_ru": _("Give the name in at least one language.")})


class Post(PublicContent, models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-Chair")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="posts"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    max_holders = models.PositiveSmallIntegerField(
        _("holders at a time"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many people may hold the post at once: 1 for a Chair, 3 for Vice-Chairs."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Bulk deletes (the admin's "delete selected") mark content changed, as for the others.
    objects = ContentQuerySet.as_manager()

    class Meta:
        # Pages list posts by `rank` (sorted in Python); an expression here would be
        # inherited by every query that orders by post.
        ordering = ["body", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "role"],
                name="committees_post_role_unique",
                violation_error_message=_("This body already has this post."),
            ),
            models.CheckConstraint(
                condition=Q(max_holders__gte=1),
                name="committees_post_max_holders_positive",
                violation_error_message=_("At least one person must be able to hold the post."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_role_display()}, {self.body}" if self.body_id else self.get_role_display()
        )

    def clean(self):
        super().clean()
        if self.pk and self.max_holders:
            busiest = most_concurrent(list(self.terms.all()))
            if busiest > self.max_holders:
                raise ValidationError(
                    {
                        "max_holders": _(
                            "%(count)s people hold this post at the same time in the recorded "
                            "terms; end some terms before lowering the number."
                        )
                        % {"count": busiest}
                    }
                )

    @property
    def rank(self) -> int:
        """Where pages list the post: Chair first, then Vice-Chairs, then the rest."""
        return POST_RANKS.get(self.role, 2)


POST_RANKS = {Post.Role.CHAIR: 0, Post.Role.VICE_CHAIR: 1}


def _changes(terms, start=None, end=None):
    """(day, +1/-1) for each term beginning and ending, clipped to [start, end)."""
    changes = []
    for term in terms:
        begins, ends = term.start_date, term.end_date
        if start is not None:
            if ends is not None and ends <= start:
                continue
            begins = max(begins, start)
        if end is not None:
            if begins >= end:
                continue
            ends = end if ends is None else min(ends, end)
        changes.append((begins, 1))
        if ends is not None:
            changes.append((ends, -1))
    # Half-open terms: on a day when one term ends and another begins, the ending comes
    # first, so an office changing hands that day is never held twice.
    return sorted(changes)


def most_concurrent(terms) -> int:
    """The largest number of `terms` in force on any one day."""
    busiest = current = 0
    for _day, change in _changes(terms):
        current += change
        busiest = max(busiest, current)
    return busiest


def first_overflow_day(terms, limit: int, start=None, end=None):
    """The first day in [start, end) with more than `limit` of `terms` in force, or None."""
    current = 0
    for day, change in _changes(terms, start, end):
        current += change
        if current > limit:
            return day
    return None


class TermQuerySet(ContentQuerySet):
    def overlapping(self, start: date, end: date | None):
        """Terms in force on at least one day of [start, end)."""
        query = Q(end_date__isnull=True) | Q(end_date__gt=start)
        if end is not None:
            query &= Q(start_date__lt=end)
        return self.filter(query)

    def current(self, on: date | None = None):
        return self.overlapping(
            on or timezone.localdate(), (on or timezone.localdate()) + timedelta(days=1)
        )


class Term(PublicContent, models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="terms"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="terms"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_(
            "The day the successor takes over (that day is no longer part of this term). "
            "Empty while the person is in office."
        ),
    )
    elected_at = models.ForeignKey(
        Session,
        verbose_name=_("elected at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="elections",
        help_text=_("The session of the same body that elected the person."),
    )
    acting = models.BooleanField(
        _("acting"), default=False, help_text=_("Holds the post in an acting capacity.")
    )
    seat = models.PositiveSmallIntegerField(
        _("seat"),
        editable=False,
        help_text=_("Assigned automatically: which of the post's places the term takes."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("term of office")
        verbose_name_plural = _("terms of office")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="committees_term_ends_after_start",
                violation_error_message=_("A term ends after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(seat__gte=1),
                name="committees_term_seat_positive",
                violation_error_message=_("Seats are numbered from 1."),
            ),
        ]
        # On PostgreSQL the migration `0002_postgresql_exclusion_constraints` also adds
        # committees_term_seat_no_overlap: no two terms in the same seat of a post overlap.

    def __str__(self) -> str:
        end = f"{self.end_date:%Y-%m-%d}" if self.end_date else "…"
        start = f"{self.start_date:%Y-%m-%d}" if self.start_date else "…"
        return f"{self.person} — {self.post} ({start} – {end})"

    def save(self, *args, **kwargs):
        if not self.seat:
            # A derived field of this row: the first free seat, or seat 1 when none is free
            # (the database then refuses the overlap on PostgreSQL). services.term_save()
            # re-arranges seats when the terms fit but their seats do not.
            self.seat = self.free_seat() or 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)

    def dates_display(self, language: str | None = None) -> str:
        start = dates.format_day(self.start_date, language)
        if self.end_date is None:
            return gettext("since %(date)s") % {"date": start}
        return f"{start} – {dates.format_day(self.end_date, language)}"

    def others_in_force(self):
        """Other terms of the same post that share at least one day with this one."""
        return (
            Term.objects.filter(post_id=self.post_id)
            .exclude(pk=self.pk)
            .overlapping(self.start_date, self.end_date)
        )

    def free_seat(self, others=None) -> int | None:
        """This term's seat if still free, else the lowest free seat, else None."""
        others = list(self.others_in_force()) if others is None else others
        taken = {other.seat for other in others}
        if self.seat and self.seat <= self.post.max_holders and self.seat not in taken:
            return self.seat
        for seat in range(1, self.post.max_holders + 1):
            if seat not in taken:
                return seat
        return None

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _(
                "The term must end after it starts: “until” is the day the successor takes over."
            )
        if self.post_id and self.elected_at_id and self.elected_at.body_id != self.post.body_id:
            errors["elected_at"] = _(
                "The election must be at a session of the same body as the post (%(body)s)."
            ) % {"body": self.post.body}
        if errors or not (self.post_id and self.start_date):
            if errors:
                raise ValidationError(errors)
            return
        others = list(self.others_in_force().select_related("person"))
        if self.person_id and any(other.person_id == self.person_id for other in others):
            raise ValidationError(
                _("%(person)s already holds this post during some of these dates.")
                % {"person": self.person}
            )
        overflow = first_overflow_day(
            [*others, self], self.post.max_holders, self.start_date, self.end_date
        )
        if overflow is not None:
            raise ValidationError(
                _(
                    "Too many holders: the post “%(post)s” may be held by %(max)s at a time, "
                    "and on %(date)s this term would make %(count)s."
                )
                % {
                    "post": self.post,
                    "max": self.post.max_holders,
                    "date": dates.format_day(overflow),
                    "count": self.post.max_holders + 1,
                }
            )
        self.seat = self.free_seat(others)


class DelegationQuerySet(ContentQuerySet):
    def available_in(self, language: str):
        return self.filter(
            filled_in(["member"], language)
            & filled_in([f"person__{f}" for f in Person.REQUIRED_TRANSLATED_FIELDS], language)
        )


class Delegation(PublicContent, models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        MEMBER = "member", _("Member of delegation")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="delegations"
    )
    member = models.CharField(
        _("member"),
        max_length=200,
        blank=True,
        help_text=_("The WCO Member or organisation represented: “Russian Federation”."),
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="delegations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["session", "member", "role", "pk"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="committees_delegation_person_once",
                violation_error_message=_("This person is already listed for this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.member or '—'} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        members = [getattr(self, f"member_{code}") for code in language_codes()]
        if not any(members):
            raise ValidationError({"member_ru": _("Name the member in at least one language.")})
        if self.role == self.Role.HEAD and self.session_id:
            same_member = Q()
            for code in language_codes():
                value = getattr(self, f"member_{code}")
                if value:
                    same_member |= Q(**{f"member_{code}": value})
            if (
                Delegation.objects.filter(session_id=self.session_id, role=self.Role.HEAD)
                .filter(same_member)
                .exclude(pk=self.pk)
                .exists()
            ):
                raise ValidationError(
                    {"role": _("This member's delegation already has a head at this session.")}
                )
