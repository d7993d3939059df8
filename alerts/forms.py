import re

from django import forms
from django.conf import settings
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from .models import Subscription
from .services import target_model

# What a link to the subscribe page may name, besides all news and press releases:
# ?rubric=<slug>, ?topic=<slug> or ?body=<slug>.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
TARGET_PARAMETERS = {
    Subscription.Kind.RUBRIC: "rubric",
    Subscription.Kind.TOPIC: "topic",
    Subscription.Kind.BODY: "body",
}


def target_from_query(query) -> tuple[str | None, object]:
    """The rubric, topic or body a link names (its kind and row), or (None, None).
    An unknown or malformed one is (kind, None)."""
    for kind, parameter in TARGET_PARAMETERS.items():
        slug = query.get(parameter)
        if slug is None:
            continue
        if not SLUG.fullmatch(slug):
            return kind, None
        row = target_model(kind).objects.filter(slug=slug).first()
        if row is not None and not str(row.name or ""):
            # No name in this language: not offered in it (no fallback), as on its page.
            row = None
        return kind, row
    return None, None


class SingleLineEmailField(forms.EmailField):
    """An email address on one line, 254 characters at most (RFC 5321's limit)."""

    default_error_messages = {
        "invalid": _("Enter a valid email address, such as name@example.com."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, EmailValidator)]
        self.validators.append(EmailValidator(message=self.error_messages["invalid"]))

    def to_python(self, value):
        # EmailField strips the value, which would accept a trailing line break.
        if value and any(char in value for char in "\r\n\x00"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SubscribeForm(forms.Form):
    email = SingleLineEmailField(
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": _("Enter your email address.")},
    )
    kind = forms.ChoiceField(label=_("What to receive"), widget=forms.RadioSelect)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my email address by the Federal Customs Service to "
            "send me the news I chose, as described above."
        ),
        error_messages={
            "required": _("To receive emails, agree to the processing of your address.")
        },
    )

    def __init__(self, *args, target_kind=None, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_kind = target_kind
        self.target = target
        choices = [
            (Subscription.Kind.ALL, Subscription.Kind.ALL.label),
            (Subscription.Kind.PRESS_RELEASES, Subscription.Kind.PRESS_RELEASES.label),
        ]
        if target is not None:
            labels = {
                Subscription.Kind.RUBRIC: _("News in the rubric “%(name)s”"),
                Subscription.Kind.TOPIC: _("News on the topic “%(name)s”"),
                Subscription.Kind.BODY: _("News on the WCO body “%(name)s”"),
            }
            choices.insert(0, (target_kind, labels[target_kind] % {"name": target.name}))
        self.fields["kind"].choices = choices
        self.fields["kind"].initial = choices[0][0]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data["target"] = self.target if kind == self.target_kind else None
        return data


class PreferencesForm(forms.Form):
    """The address's language, each subscription's frequency, and which to remove."""

    language = forms.ChoiceField(label=_("Language of the emails"), choices=settings.LANGUAGES)

    def __init__(self, *args, subscriber, **kwargs):
        super().__init__(*args, **kwargs)
        self.subscriber = subscriber
        self.subscriptions = list(
            subscriber.subscriptions.select_related("rubric", "topic", "body")
        )
        self.fields["language"].initial = subscriber.language
        for subscription in self.subscriptions:
            self.fields[f"frequency_{subscription.pk}"] = forms.ChoiceField(
                label=_("How often"),
                choices=Subscription.Frequency.choices,
                initial=subscription.frequency,
                widget=forms.RadioSelect,
            )
            self.fields[f"remove_{subscription.pk}"] = forms.BooleanField(
                label=_("Stop these emails"), required=False
            )

    def rows(self):
        for subscription in self.subscriptions:
            yield (
                subscription,
                self[f"frequency_{subscription.pk}"],
                self[f"remove_{subscription.pk}"],
            )

    def frequencies(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data[f"frequency_{s.pk}"] for s in self.subscriptions}

    def removed(self) -> set[int]:
        return {s.pk for s in self.subscriptions if self.cleaned_data[f"remove_{s.pk}"]}
