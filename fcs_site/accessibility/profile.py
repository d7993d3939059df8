"""The visitor's accessibility profile: a handful of allow-listed choices kept in one cookie.

The cookie holds the non-default choices as `key:value` pairs joined by `|`
(`fs:150|cs:white-on-black`), characters a cookie carries without quoting. Whatever
else arrives in it (junk, markup, an oversized value, an unknown key or value) is
ignored, field by field, and the default stands.
"""

import functools
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Longer than any valid value (every field at its longest), far shorter than a header.
MAX_COOKIE_LENGTH = 200


@dataclass(frozen=True)
class Setting:
    """One control of the panel: its cookie and query key, label and allowed values."""

    key: str
    field: str
    label: str
    choices: tuple[tuple[str, str], ...]

    @property
    def default(self) -> str:
        return self.choices[0][0]

    @functools.cached_property
    def values(self) -> frozenset[str]:
        return frozenset(value for value, _label in self.choices)

    def css_class(self, value: str) -> str:
        return f"a11y-{self.key}-{value.replace('.', '-')}"


# The first choice of each is the default. Order is the panel's order.
SETTINGS = (
    Setting(
        "fs",
        "font_size",
        _("Font size"),
        (("100", "100%"), ("125", "125%"), ("150", "150%"), ("175", "175%"), ("200", "200%")),
    ),
    Setting(
        "cs",
        "colour_scheme",
        _("Colour scheme"),
        (
            ("standard", pgettext_lazy("colour scheme", "Standard")),
            ("black-on-white", _("Black on white")),
            ("white-on-black", _("White on black")),
            ("blue", _("Dark blue on light blue")),
            ("brown", _("Brown on beige")),
            ("green-on-brown", _("Green on dark brown")),
        ),
    ),
    Setting(
        "img",
        "images",
        _("Images"),
        (
            ("on", pgettext_lazy("images", "Show")),
            ("off", pgettext_lazy("images", "Hide")),
            ("grey", _("Greyscale")),
        ),
    ),
    Setting(
        "ls",
        "letter_spacing",
        _("Letter spacing"),
        (
            ("normal", pgettext_lazy("letter spacing", "Normal")),
            ("larger", pgettext_lazy("letter spacing", "Larger")),
            ("largest", pgettext_lazy("letter spacing", "Largest")),
        ),
    ),
    Setting(
        "lh",
        "line_height",
        _("Line height"),
        (("1.5", _("1.5")), ("2", "2"), ("2.5", _("2.5"))),
    ),
    Setting(
        "ff",
        "font",
        _("Font"),
        (("sans", _("Sans serif")), ("serif", _("Serif"))),
    ),
    # Whether the panel is unfolded; not a look of the page, so it adds no class.
    Setting("panel", "panel", "", (("closed", ""), ("open", ""))),
)
SETTINGS_BY_KEY = {setting.key: setting for setting in SETTINGS}
STYLE_SETTINGS = tuple(setting for setting in SETTINGS if setting.key != "panel")


@dataclass(frozen=True)
class Profile:
    font_size: str = "100"
    colour_scheme: str = "standard"
    images: str = "on"
    letter_spacing: str = "normal"
    line_height: str = "1.5"
    font: str = "sans"
    panel: str = "closed"

    def __post_init__(self):
        for setting in SETTINGS:
            if getattr(self, setting.field) not in setting.values:
                raise ValueError(f"{setting.field} must be one of {sorted(setting.values)}")

    @classmethod
    def from_cookie(cls, value: str | None) -> "Profile":
        if not value or len(value) > MAX_COOKIE_LENGTH:
            return cls()
        return _parsed_cookie(cls, value)

    @classmethod
    def _parse(cls, value: str) -> "Profile":
        chosen = {}
        for pair in value.split("|"):
            key, _sep, choice = pair.partition(":")
            setting = SETTINGS_BY_KEY.get(key)
            if setting is not None and choice in setting.values:
                chosen[setting.field] = choice
        return cls(**chosen)

    def get(self, key: str) -> str:
        return getattr(self, SETTINGS_BY_KEY[key].field)

    def with_choices(self, choices: dict[str, str]) -> "Profile":
        """A copy with `choices` (query keys to values) applied; ValueError on a bad one."""
        changes = {}
        for key, value in choices.items():
            setting = SETTINGS_BY_KEY[key]
            if value not in setting.values:
                raise ValueError(f"{value!r} is not a choice of {key!r}")
            changes[setting.field] = value
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self == Profile()

    @property
    def is_styled(self) -> bool:
        """True when anything beyond the panel's own state differs from the default."""
        return replace(self, panel=Profile.panel) != Profile()

    @property
    def panel_open(self) -> bool:
        return self.panel == "open"

    def to_cookie(self) -> str:
        """The non-default choices, in a fixed order; empty for the default profile."""
        return "|".join(
            f"{setting.key}:{getattr(self, setting.field)}"
            for setting in SETTINGS
            if getattr(self, setting.field) != setting.default
        )

    def normalised(self) -> str:
        """Every choice in a fixed order: equal profiles give equal strings."""
        return self._normalised

    @functools.cached_property
    def _normalised(self) -> str:
        return "|".join(f"{setting.key}:{getattr(self, setting.field)}" for setting in SETTINGS)

    def cache_key_part(self) -> str:
        """The part of a page cache key that depends on the profile."""
        return f"a11y={self.normalised()}"

    def css_class_list(self) -> list[str]:
        """Classes for <html>: one per style choice that differs from the default."""
        return [
            setting.css_class(getattr(self, setting.field))
            for setting in STYLE_SETTINGS
            if getattr(self, setting.field) != setting.default
        ]

    def css_classes(self) -> str:
        return " ".join(self.css_class_list())

    def as_dict(self) -> dict[str, str]:
        return {setting.key: getattr(self, setting.field) for setting in SETTINGS}

    def controls(self) -> list[dict]:
        """The panel's groups of buttons, with the current choice of each marked."""
        return [
            {
                "key": setting.key,
                "label": setting.label,
                "options": [
                    {
                        "value": value,
                        "label": label,
                        "pressed": getattr(self, setting.field) == value,
                    }
                    for value, label in setting.choices
                ],
            }
            for setting in STYLE_SETTINGS
        ]


@functools.lru_cache(maxsize=1024)
def _parsed_cookie(cls, value: str) -> Profile:
    """Profiles are immutable, and visitors send few distinct cookies: parse each once."""
    return cls._parse(value)
