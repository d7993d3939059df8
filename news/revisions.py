"""What a revision of an article keeps (django-reversion).

An article's own row holds both languages, its rubric and its topic links (the ids of
foreign keys and many-to-many relations are part of its serialized data), so reverting
restores them. Rubrics and topics are shared by many articles and keep revisions of
their own; they are not followed, so reverting one article never renames a rubric.

Objects that belong to one article (photos, links to committee bodies and sessions kept
in their own rows) are followed: add the name of the relation from Article to them to
ARTICLE_FOLLOW in the change that adds them, and their state is saved with every
revision of the article and restored with it.
"""

import reversion

from . import search_index
from .models import Article, ArticlePhoto, Photo, Rubric, Topic

# The gallery rows belong to the article; the photos themselves are shared and keep
# revisions of their own.
ARTICLE_FOLLOW: list[str] = ["gallery_items"]

# Derived columns: recomputed by Article.save() after a revert, so not worth storing.
ARTICLE_EXCLUDE = [
    f"{prefix}_{name}" for name in search_index.CONFIGS for prefix in ("search", "search_text")
]

# Fields of the workflow, not of the text: a revert never changes them (see ArticleAdmin).
WORKFLOW_FIELDS = [
    "status",
    "published_at",
    "version",
    "submitted_by",
    "withdrawn_at",
    "withdrawal_mode",
    "major_updated_at",
    "press_year",
    "press_number",
    "created_at",
    "created_by",
]


def workflow_field_names() -> list[str]:
    """WORKFLOW_FIELDS plus the per-language columns of the translated workflow fields."""
    names = list(WORKFLOW_FIELDS)
    for field in Article._meta.concrete_fields:
        if field.name.startswith(("withdrawal_reason_", "update_note_")):
            names.append(field.name)
    return names


def register() -> None:
    for model in (Rubric, Topic, Photo, ArticlePhoto):
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Article):
        reversion.register(Article, follow=ARTICLE_FOLLOW, exclude=ARTICLE_EXCLUDE)


def missing_references(revision, *, workflow: bool = False) -> list[str]:
    """What `revision` links to that has been deleted since: each as "model “name”" (or its
    id). Reverting it would link the article to rows that no longer exist (a gallery photo,
    a topic), which the database refuses.

    Rows the revision itself brings back (a deleted article's gallery rows) count as there.
    Restoring a revision keeps the article's workflow fields, so their links (its author,
    say) are looked at only with `workflow` (recovering a deleted article restores them).
    """
    versions = list(revision.version_set.all())
    restored = {
        (version.content_type.model_class(), str(version.object_id)) for version in versions
    }
    missing = []
    for version in versions:
        model = version.content_type.model_class()
        if model is None:
            continue
        try:
            data = version.field_dict
        except Exception:  # a version older than the model's fields: reversion refuses it too
            continue
        skipped = set(workflow_field_names()) if model is Article and not workflow else set()
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.name in skipped:
                continue
            target = field.related_model
            if target is None or not (field.many_to_one or field.one_to_one or field.many_to_many):
                continue
            if field.many_to_many:
                ids = {str(pk) for pk in data.get(field.name) or ()}
            else:
                value = data.get(field.attname)
                ids = {str(value)} if value is not None else set()
            ids -= {pk for kept_model, pk in restored if kept_model is target}
            if not ids:
                continue
            present = {
                str(pk)
                for pk in target._base_manager.filter(pk__in=ids).values_list("pk", flat=True)
            }
            for pk in sorted(ids - present):
                missing.append(f"{target._meta.verbose_name} {pk}")
    return missing
