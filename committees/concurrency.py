"""Two people editing the same row of the registry: the second save must not silently undo
the first. The form remembers when the row was last saved as it was loaded; a save of a
row saved since is refused with a message, keeping everything the person typed, and
saving again deliberately replaces the other person's changes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

FIELD = "loaded_at"


def _stamp(value) -> str:
    return value.isoformat() if value else ""


def _checked_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        self.fields[FIELD].initial = _stamp(getattr(self.instance, "updated_at", None))

    def clean(self):
        cleaned = base.clean(self)
        instance = self.instance
        if instance.pk is None:
            return cleaned
        current = (
            type(instance)
            ._base_manager.filter(pk=instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        seen = self.data.get(self.add_prefix(FIELD), "")
        if current is not None and seen and seen != _stamp(current):
            # Shown again with the current stamp: saving again is a deliberate choice.
            data = self.data.copy()
            data[self.add_prefix(FIELD)] = _stamp(current)
            self.data = data
            raise ValidationError(
                gettext(
                    "Someone saved this at %(time)s, after you opened it. Open it in a new "
                    "tab to see their changes; saving again replaces them with yours."
                )
                % {"time": timezone.localtime(current).strftime("%H:%M:%S")},
                code="stale",
            )
        return cleaned

    attrs = {
        FIELD: forms.CharField(widget=forms.HiddenInput, required=False),
        "__init__": __init__,
        "clean": clean,
        "__module__": base.__module__,
    }
    return type(base.__name__, (base,), attrs)


class RefusesStaleSaves:
    """A ModelAdmin mixin for models with `updated_at` (see the module's docstring)."""

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = _checked_form(kwargs.get("form", self.form))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any(FIELD in _names(options.get("fields", ())) for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], FIELD]}), *rest]


def _names(fields):
    for field in fields:
        if isinstance(field, list | tuple):
            yield from field
        else:
            yield field
