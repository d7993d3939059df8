import reversion
from django import forms
from django.contrib import admin
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion.admin import VersionAdmin

from . import services
from .concurrency import RefusesStaleSaves
from .models import Body, Delegation, Person, Post, Session, Term, language_codes


class BodyAdminForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["reports_to"]  # the admin adds the rest from its fieldsets

    def clean(self):
        cleaned_data = super().clean()
        parents = cleaned_data.get("reports_to")
        if parents is not None:
            error = self.instance.reporting_cycle_error(parents)
            if error:
                self.add_error("reports_to", error)
        return cleaned_data


class PostInline(admin.TabularInline):
    model = Post
    fields = ["role", "max_holders"]
    extra = 0


class SessionInlineFormSet(BaseInlineFormSet):
    """Two new rows of one form can clash with each other before either is in the database."""

    def clean(self):
        super().clean()
        seen = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if self._should_delete_form(form) or data.get("number") is None:
                continue
            first = data["number"]
            last = data.get("second_number") or first
            if any(first <= other_last and other_first <= last for other_first, other_last in seen):
                form.add_error("number", _("Another row of this form already carries this number."))
            seen.append((first, last))


class SessionInline(TranslationTabularInline):
    model = Session
    fk_name = "body"
    formset = SessionInlineFormSet
    fields = ["number", "second_number", "start_date", "end_date", "format", "status", "venue"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("sessions (phases are edited on the session's page)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)


# A deleted body can be brought back ("Recover deleted WCO bodies" in its list): with its
# posts and their office terms, which go with it, and its place among the bodies.
reversion.register(Term)
reversion.register(Post, follow=["terms"])
reversion.register(Body, follow=["posts"])


def keep_revision_of(request, bodies) -> None:
    """A revision of each body as it is now, before it is deleted: a body written only
    outside the admin (the demo, an import) would otherwise have none to recover from."""
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(gettext("Deleted"))
        for body in bodies:
            reversion.add_to_revision(body)


@admin.register(Body)
class BodyAdmin(RefusesStaleSaves, VersionAdmin, TabbedTranslationAdmin):
    form = BodyAdminForm
    list_display = ["name", "abbreviation", "classification", "established", "slug"]
    list_filter = ["classification", "reports_to"]
    search_fields = ["name_ru", "name_en", "abbreviation_ru", "abbreviation_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ["reports_to"]
    inlines = [PostInline, SessionInline]
    fieldsets = [
        (None, {"fields": ["name", "name_genitive", "abbreviation", "slug", "description"]}),
        (
            _("Place among the WCO bodies"),
            {"fields": ["classification", "reports_to", "position"]},
        ),
        (
            _("Dates"),
            {
                "fields": [
                    ("established_on", "established_precision"),
                    ("dissolved_on", "dissolved_precision"),
                ]
            },
        ),
    ]

    @admin.display(description=_("established"), ordering="established_on")
    def established(self, obj):
        return obj.established_display() or "—"

    def delete_model(self, request, obj):
        keep_revision_of(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        keep_revision_of(request, queryset)
        super().delete_queryset(request, queryset)


class PhaseInlineFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # A phase belongs to its session's body; the session may not be saved yet.
        form.instance.body_id = self.instance.body_id
        return form


class PhaseInline(TranslationTabularInline):
    model = Session
    fk_name = "parent"
    formset = PhaseInlineFormSet
    fields = ["start_date", "end_date", "format", "status", "venue"]
    extra = 0
    verbose_name = _("phase")
    verbose_name_plural = _("phases (for a session held in parts)")


class DelegationInlineFormSet(BaseInlineFormSet):
    """Two rows of one form can both name a head for the same member."""

    def clean(self):
        super().clean()
        heads = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if self._should_delete_form(form) or data.get("role") != Delegation.Role.HEAD:
                continue
            members = {
                (code, data.get(f"member_{code}"))
                for code in language_codes()
                if data.get(f"member_{code}")
            }
            if members & heads:
                form.add_error(
                    "role", _("This member's delegation already has a head at this session.")
                )
            heads |= members


class DelegationInline(TranslationTabularInline):
    model = Delegation
    formset = DelegationInlineFormSet
    fields = ["member", "person", "role"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Session)
class SessionAdmin(RefusesStaleSaves, VersionAdmin, TabbedTranslationAdmin):
    list_display = ["__str__", "body", "start_date", "end_date", "format", "status"]
    list_filter = ["body", "format", "status"]
    list_select_related = ["body", "parent__body"]
    search_fields = [
        "body__name_ru",
        "body__name_en",
        "body__abbreviation_ru",
        "body__abbreviation_en",
    ]
    autocomplete_fields = ["body", "parent", "report_approved_at"]
    date_hierarchy = "start_date"
    inlines = [PhaseInline, DelegationInline]
    fieldsets = [
        (None, {"fields": ["body", ("number", "second_number"), "parent"]}),
        (
            _("When and where"),
            {"fields": [("start_date", "end_date"), "format", "venue", "status"]},
        ),
        (_("Outcome"), {"fields": ["summary", "report_approved_at"]}),
    ]

    def get_queryset(self, request):
        # Each row and autocomplete result names its body (and, for a phase, its session).
        return super().get_queryset(request).select_related("body", "parent__body")

    def get_search_results(self, request, queryset, search_term):
        """Words match the body's names; numbers match the session's numbers ("EC 41")."""
        words = search_term.split()
        numbers = [int(word) for word in words if word.isdigit() and len(word) < 10]
        text = " ".join(word for word in words if not word.isdigit())
        queryset, may_have_duplicates = super().get_search_results(request, queryset, text)
        for number in numbers:
            queryset = queryset.filter(
                Q(number=number) | Q(second_number=number) | Q(parent__number=number)
            )
        return queryset, may_have_duplicates


@admin.register(Person)
class PersonAdmin(RefusesStaleSaves, VersionAdmin, TabbedTranslationAdmin):
    list_display = ["name", "position", "organisation", "country"]
    search_fields = [
        "name_ru",
        "name_en",
        "family_name_ru",
        "family_name_en",
        "given_name_ru",
        "given_name_en",
        "organisation_ru",
        "organisation_en",
    ]
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = [
        (None, {"fields": ["given_name", "patronymic", "family_name", "name", "slug"]}),
        (_("Position"), {"fields": ["position", "organisation", "country"]}),
    ]


@admin.register(Post)
class PostAdmin(RefusesStaleSaves, VersionAdmin, admin.ModelAdmin):
    list_display = ["__str__", "body", "role", "max_holders"]
    list_filter = ["role", "body"]
    list_select_related = ["body"]
    search_fields = [
        "body__name_ru",
        "body__name_en",
        "body__abbreviation_ru",
        "body__abbreviation_en",
    ]
    autocomplete_fields = ["body"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("body")


@admin.register(Term)
class TermAdmin(RefusesStaleSaves, VersionAdmin, admin.ModelAdmin):
    list_display = ["person", "post", "start_date", "end_date", "acting", "elected_at", "seat"]
    list_filter = ["post__body", "post__role", "acting"]
    list_select_related = ["person", "post__body", "elected_at__body"]
    search_fields = [
        "person__name_ru",
        "person__name_en",
        "person__family_name_ru",
        "person__family_name_en",
    ]
    autocomplete_fields = ["person", "post", "elected_at"]
    date_hierarchy = "start_date"
    fields = ["person", "post", ("start_date", "end_date"), "elected_at", "acting", "seat"]
    readonly_fields = ["seat"]

    def save_model(self, request, obj, form, change):
        services.term_save(term=obj)
