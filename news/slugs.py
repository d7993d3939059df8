"""URL slugs from Russian or English titles: ASCII, as the admin's prepopulated slug does."""

from django.utils.text import slugify

# Transliteration of the Russian alphabet, matching Django admin's URLify.js table so that a
# slug typed in the admin and one made on the server agree.
_RUSSIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip


def make_slug(text: str, max_length: int = 80) -> str:
    translated = "".join(_RUSSIAN.get(ch, ch) for ch in (text or "").lower())
    slug = slugify(translated)[:max_length].strip("-")
    return slug
