"""Two people editing one article: the edit token that tells what changed under whom.

The change form carries a signed token made when the form was loaded: the article's
`version`, a short hash of every tracked field's value, and the last history event.
At save, a token that no longer matches the article means someone saved in between;
the hashes say which fields they changed and the events after the token's say who.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core import signing
from django.db import models
from django.utils.text import capfirst
from modeltranslation.translator import translator

from .models import Article, ArticleEvent

SALT = "news.article.edit-token"
# Bookkeeping, not content: nobody's change to these is a conflict (nor to the derived
# text_changed_at_* and search_* columns, which follow the text).
UNTRACKED = {"id", "version", "created_at", "created_by", "updated_at", "updated_by"}


def tracked_fields() -> list[models.Field]:
    translated_bases = set(translator.get_options_for_model(Article).fields)
    fields = [
        f
        for f in Article._meta.concrete_fields
        if f.name not in UNTRACKED
        and f.name not in translated_bases
        and not f.name.startswith(("text_changed_at", "search_"))
    ]
    return fields + list(Article._meta.many_to_many)


def field_label(model_field: models.Field) -> str:
    return capfirst(str(model_field.verbose_name))


def _value(article: Article, model_field: models.Field):
    if model_field.many_to_many:
        if article.pk is None:
            return []
        return sorted(getattr(article, model_field.name).values_list("pk", flat=True))
    value = model_field.value_from_object(article)
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        # The form keeps whole seconds: a save that only drops microseconds changes nothing.
        value = value.replace(microsecond=0)
    return value.isoformat() if hasattr(value, "isoformat") else value


def field_hashes(article: Article) -> dict[str, str]:
    hashes = {}
    for model_field in tracked_fields():
        encoded = json.dumps(_value(article, model_field), default=str, ensure_ascii=False)
        hashes[model_field.name] = hashlib.sha256(encoded.encode()).hexdigest()[:12]
    return hashes


@dataclass
class EditToken:
    version: int
    hashes: dict[str, str] = field(default_factory=dict)
    last_event: int = 0
    after_conflict: bool = False

    def dumps(self) -> str:
        return signing.dumps(
            {"v": self.version, "h": self.hashes, "e": self.last_event, "c": self.after_conflict},
            salt=SALT,
            compress=True,
        )

    @classmethod
    def loads(cls, value: str | None) -> "EditToken | None":
        if not value:
            return None
        try:
            data = signing.loads(value, salt=SALT)
            return cls(
                version=int(data["v"]),
                hashes=dict(data["h"]),
                last_event=int(data["e"]),
                after_conflict=bool(data["c"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None

    @classmethod
    def for_article(cls, article: Article, after_conflict: bool = False) -> "EditToken":
        last_event = (
            ArticleEvent.objects.filter(article=article)
            .order_by("-id")
            .values_list("id", flat=True)
        ).first()
        return cls(
            version=article.version,
            hashes=field_hashes(article),
            last_event=last_event or 0,
            after_conflict=after_conflict,
        )


@dataclass
class Conflict:
    changed_fields: list[str]
    editors: list
    current: EditToken


def find_conflict(token: EditToken, article: Article) -> Conflict | None:
    """What changed in `article` since `token` was made, or None when nothing did."""
    hashes = field_hashes(article)
    changed = [
        field_label(model_field)
        for model_field in tracked_fields()
        if token.hashes.get(model_field.name) != hashes[model_field.name]
    ]
    if token.version == article.version and not changed:
        return None
    later = (
        ArticleEvent.objects.filter(article=article, id__gt=token.last_event)
        .exclude(user=None)
        .exclude(
            action__in=[ArticleEvent.Action.PREVIEW_SHARED, ArticleEvent.Action.PREVIEW_REVOKED]
        )
        .select_related("user")
        .order_by("id")
    )
    editors = []
    for event in later:
        if event.user not in editors:
            editors.append(event.user)
    if not editors and article.updated_by_id:
        editors.append(article.updated_by)
    return Conflict(
        changed_fields=changed,
        editors=editors,
        current=EditToken.for_article(article, after_conflict=True),
    )
