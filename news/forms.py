"""Admin forms: the rich-text editor's configuration, the photo upload field and the
forms of the editorial workflow."""

from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from . import images
from .concurrency import EditToken, find_conflict
from .models import Article, Photo, language_codes
from .services import display_name

# What editors may do in the body and the "To take note" box. The server-side allow-list in
# news/html.py is what counts (it runs on every save, whatever the browser sent); this only
# keeps the toolbar to what that allow-list keeps.
RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    "History": True,
}
RICH_TEXT_FIELDS = ("body", "note")


def rich_text_widget() -> AdminProseEditorWidget:
    return AdminProseEditorWidget(
        config={"extensions": RICH_TEXT_EXTENSIONS}, preset="configurable"
    )


class PhotoUploadField(forms.FileField):
    """A file field that accepts only what `images.clean_upload` accepts, and hands on the
    cleaned, re-encoded file under a random name instead of the upload."""

    ACCEPT = "image/jpeg,image/png,image/webp"

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = self.ACCEPT
        return attrs

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return images.clean_upload(upload).file


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "alt", "caption", "credit", "decorative"]
        field_classes = {"image": PhotoUploadField}


LANGUAGE_NAMES = dict(settings.LANGUAGES)


class ArticleAdminForm(forms.ModelForm):
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_overwrite = forms.BooleanField(
        label=_("Replace their changes with mine"),
        required=False,
        help_text=_(
            "Someone saved this article while you were editing it. Tick this to save your "
            "version over theirs; leave it and reload the page to start again from theirs."
        ),
    )
    major_update = forms.BooleanField(
        label=_("Major update"),
        required=False,
        help_text=_(
            "Shows “Updated:” with today’s date and the change note on the public page. Leave "
            "it unticked for corrections of typing errors and formatting."
        ),
    )
    change_note_ru = forms.CharField(
        label=_("Change note (Russian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed and why, in a sentence. Required for a major update."),
    )
    change_note_en = forms.CharField(
        label=_("Change note (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed and why, in a sentence. Required for a major update."),
    )

    class Meta:
        model = Article
        # The admin builds the real list from its fieldsets.
        fields = "__all__"  # noqa: DJ007

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_version = None
        self.conflict = None
        if self.instance.pk and not self.is_bound:
            self.initial["edit_token"] = EditToken.for_article(self.instance).dumps()

    @cached_property
    def changed_data(self):
        # The admin's "changed …" history message lists content, not the form's machinery.
        machinery = {"edit_token", "confirm_overwrite", "major_update"}
        return [name for name in super().changed_data if name not in machinery]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_for_a_conflict(cleaned)
        if cleaned.get("major_update"):
            for code in self._languages_after_edit(cleaned):
                if not (cleaned.get(f"change_note_{code}") or "").strip():
                    self.add_error(
                        f"change_note_{code}",
                        _("A major update needs a change note in every published language."),
                    )
        return cleaned

    def change_notes(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"change_note_{code}", "") for code in language_codes()}

    def _languages_after_edit(self, cleaned) -> list[str]:
        def value(name):
            return cleaned[name] if name in cleaned else getattr(self.instance, name)

        return [
            code
            for code in language_codes()
            if all(value(f"{field}_{code}") for field in Article.REQUIRED_TRANSLATED_FIELDS)
        ]

    def _check_for_a_conflict(self, cleaned) -> None:
        token = EditToken.loads(cleaned.get("edit_token"))
        if token is None:
            raise ValidationError(
                _("This form has expired or was altered. Open the article again to edit it."),
                code="edit_token",
            )
        conflict = find_conflict(token, self.instance)
        if conflict is not None:
            self.conflict = conflict
            # The form comes back with the user's text and a token for the version they
            # have now seen, so that a deliberate second save can replace it.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_token")] = conflict.current.dumps()
            raise ValidationError(self._conflict_message(conflict), code="conflict")
        if token.after_conflict and not cleaned.get("confirm_overwrite"):
            self.add_error(
                "confirm_overwrite",
                _("Tick this box to save your version over theirs, or reload the page."),
            )
        self.expected_version = token.version

    def _conflict_message(self, conflict):
        link = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:news_article_change", args=[self.instance.pk]),
            _("the current version (opens in a new tab)"),
        )
        params = {
            "names": ", ".join(display_name(user) for user in conflict.editors) or _("someone"),
            "time": date_format(timezone.localtime(self.instance.updated_at), "j E Y H:i:s"),
            "fields": ", ".join(conflict.changed_fields) or _("nothing in the text"),
            "link": link,
        }
        template = _(
            "%(names)s saved this article while you were editing it (last at %(time)s). "
            "Changed since you opened it: %(fields)s. Your changes have not been saved; they "
            "are still in the form below. Compare them with %(link)s, then reload the page to "
            "start from their version, or tick “Replace their changes with mine” and save again."
        )
        return mark_safe(  # the template and every value are escaped here
            escape(template) % {key: conditional_escape(value) for key, value in params.items()}
        )


class WorkflowForm(forms.Form):
    """Every step carries the version the person saw, so nobody acts on a text they
    have not read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, article: Article, user, **kwargs):
        self.article = article
        self.user = user
        super().__init__(*args, **kwargs)


class SubmitForm(WorkflowForm):
    note = forms.CharField(
        label=_("Note for the reviewer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecallForm(WorkflowForm):
    pass


class RequestChangesForm(WorkflowForm):
    note = forms.CharField(
        label=_("What should be changed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The author sees this note at the top of the article."),
    )


class PublishForm(WorkflowForm):
    NOW, LATER = "now", "later"
    when = forms.ChoiceField(
        label=_("When"),
        choices=[(NOW, _("Publish now")), (LATER, _("Schedule for a date and time"))],
        widget=forms.RadioSelect,
        initial=NOW,
    )
    publish_date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    publish_time = forms.TimeField(
        label=_("Time (Moscow)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 1}, format="%H:%M:%S"),
    )
    reason = forms.CharField(
        label=_("Reason for publishing without a second person’s approval"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you wrote, changed or submitted this article yourself."),
    )

    def __init__(self, *args, own_article: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_article = own_article
        self.fields["reason"].required = own_article
        scheduled = self.article.published_at
        if self.article.is_scheduled() and scheduled:
            local = timezone.localtime(scheduled)
            self.initial.setdefault("when", self.LATER)
            self.initial.setdefault("publish_date", local.date())
            self.initial.setdefault("publish_time", local.time().replace(microsecond=0))

    def clean(self):
        cleaned = super().clean()
        cleaned["at"] = None
        if cleaned.get("when") == self.LATER:
            day, time = cleaned.get("publish_date"), cleaned.get("publish_time")
            if day is None or time is None:
                raise ValidationError(_("Give the date and the time of publication."))
            at = timezone.make_aware(datetime.combine(day, time))
            if at <= timezone.now():
                self.add_error("publish_time", _("Choose a time in the future, or publish now."))
            cleaned["at"] = at
        return cleaned


class UnpublishForm(WorkflowForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(WorkflowForm):
    mode = forms.ChoiceField(
        label=_("After withdrawal"),
        choices=Article.WithdrawalMode.choices,
        widget=forms.RadioSelect,
        initial=Article.WithdrawalMode.NOTICE,
    )
    reason_ru = forms.CharField(
        label=_("Reason (Russian)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason_en = forms.CharField(
        label=_("Reason (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def reasons(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"reason_{code}", "") for code in language_codes()}


class PreviewLinkForm(forms.Form):
    hours = forms.IntegerField(
        label=_("Valid for (hours)"),
        min_value=1,
        max_value=24 * 14,
        initial=settings.FCS_PREVIEW_LINK_HOURS,
    )
    label = forms.CharField(
        label=_("Shared with"),
        required=False,
        max_length=200,
        help_text=_("Who the link is for, as a reminder (for example, a ministry's press office)."),
    )


class CompareForm(forms.Form):
    old = forms.IntegerField(min_value=1)
    new = forms.IntegerField(min_value=1)
