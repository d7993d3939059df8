"""Which tags a change bumps, connected to the signals the apps send.

`news` and `committees` know nothing of this package: it listens to Django's own model
signals (`post_init` to note what a page shows, `pre_save`, `post_save`, `pre_delete`,
`post_delete`, `m2m_changed`) and to `committees.content.rows_updated` for bulk updates.

A change bumps the tag of the row, and the tags of the lists the row enters or leaves:
- an article that is or was public: its lists (all news, its kind's, as the press
  releases, its rubric, topics, and the bodies, sessions and people it is linked to) when
  its visibility, date, kind, rubric or languages change; the search and the sitemap
  whenever it changes. A draft edited in the admin evicts nothing the public sees;
- a rubric, topic or photo: its row (every page that shows it carries it);
- anything in the WCO registry (bodies, sessions, people, posts, terms, delegations): its
  row and `list:committees`, which every registry page carries: those pages show each
  other's rows (timelines, the reporting tree, office holders);
- the press service's contacts (`fcs_site.PressContacts`): `site`, since the footer of
  every page shows them.

Tags are bumped at once and again when the transaction commits, so that no page made
from the old rows in between survives; purges for a proxy in front go after the commit.
"""

import threading

from django.apps import apps
from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone

from . import purge, recording, scheduled, tags

# The apps whose rows public pages show, and the models of theirs that no page shows.
PUBLIC_APPS = ("news", "committees")
PRIVATE_MODELS = {
    "news.articleevent",
    "news.previewlink",
    "news.pressreleasecounter",
}
# Rows shown only as part of another row: tagged as that row.
PART_OF = {
    "news.photorendition": ("news.photo", "photo_id"),
    "news.articlephoto": ("news.article", "article_id"),
}

ARTICLES = "list:articles"
SEARCH = "list:search"
SITEMAP = "list:sitemap"
COMMITTEES = "list:committees"
# Everything every page shows that is not a row: the header, the navigation, the footer.
SITE = "site"
# The site's own rows that every page shows (in the footer): a change bumps `site`.
SITE_MODELS = ("fcs_site.PressContacts",)

# The fields of an article whose change moves it in or out of its lists, or within them.
LIST_FIELDS = ("status", "published_at", "kind", "rubric_id", "withdrawn_at")
LINKS = {"topics": "topic", "bodies": "body", "sessions": "session", "people": "person"}


def row_tag(instance) -> str | None:
    label = instance._meta.label_lower
    if label in PART_OF:
        owner, attribute = PART_OF[label]
        owner_pk = getattr(instance, attribute, None)
        return None if owner_pk is None else f"{owner}:{owner_pk}"
    return None if instance.pk is None else f"{label}:{instance.pk}"


def list_tag(kind: str, pk=None) -> str:
    """`list:articles` (kind "all"), `list:articles:rubric:3`, `list:articles:body:5`..."""
    return ARTICLES if kind == "all" else f"{ARTICLES}:{kind}:{pk}"


# Changes wait here for their transaction to commit.
_pending = threading.local()


def changed(tag_set) -> None:
    """Bump `tag_set` now, and again (with a purge for a proxy) when the transaction commits."""
    tag_set = set(tag_set)
    if not tag_set:
        return
    tag_set |= {recording.model_tag(tag.rpartition(":")[0]) for tag in tag_set if _is_row(tag)}
    tags.bump(tag_set)
    waiting = getattr(_pending, "tags", None)
    if waiting is None:
        waiting = _pending.tags = set()
    waiting |= tag_set
    transaction.on_commit(_committed)


def _is_row(tag: str) -> bool:
    return not tag.startswith("list:") and not tag.endswith(":*") and tag != SITE


def _committed() -> None:
    waiting = getattr(_pending, "tags", None)
    if not waiting:
        return
    _pending.tags = set()
    tags.bump(waiting)
    purge.send(waiting)


# What pages show: noted while a page is recorded.


def _noted(sender, instance, **kwargs) -> None:
    current = recording._current.get()
    if current is not None:
        tag = row_tag(instance)
        if tag is not None:
            current.add(tag)


# Articles.


def article_state(article) -> dict:
    """What decides which lists an article is on, as the row stands in memory."""
    return {name: getattr(article, name) for name in LIST_FIELDS} | {
        "languages": tuple(article.available_languages())
    }


def _was_public(state: dict | None, now) -> bool:
    return bool(
        state
        and state["status"] == "published"
        and state["published_at"] is not None
        and state["published_at"] <= now
    )


def _linked_tags(article) -> set[str]:
    """The lists of the rows the article is linked to (one query per kind of link)."""
    found = set()
    for relation, kind in LINKS.items():
        pks = list(getattr(article, relation).values_list("pk", flat=True))
        found |= {list_tag(kind, pk) for pk in pks}
        if relation == "sessions" and pks:
            # A body's page lists the news about its sessions too.
            session_model = apps.get_model("committees", "Session")
            bodies = session_model.objects.filter(pk__in=pks).values_list("body_id", flat=True)
            found |= {list_tag("body", pk) for pk in bodies}
    return found


def article_lists(article, state: dict) -> set[str]:
    found = {ARTICLES, SEARCH, SITEMAP, list_tag("kind", state["kind"])} | _linked_tags(article)
    if state.get("rubric_id"):
        found.add(list_tag("rubric", state["rubric_id"]))
    return found


def _article_before(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._caching_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._caching_before = article_state(old) if old is not None else None


def _article_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_caching_before", None)
    after = article_state(instance)
    now = timezone.now()
    found = {row_tag(instance)}
    if _was_public(before, now) or _was_public(after, now) or _is_withdrawn(after):
        moved = before is None or any(
            before[name] != after[name] for name in (*LIST_FIELDS, "languages")
        )
        if moved:
            found |= article_lists(instance, after)
            if before and before.get("rubric_id"):
                found.add(list_tag("rubric", before["rubric_id"]))
            if before:
                found.add(list_tag("kind", before["kind"]))
        else:
            found |= {SEARCH, SITEMAP}
    changed(found)
    scheduled.note_next()


def _is_withdrawn(state: dict) -> bool:
    return state["status"] == "withdrawn"


def _article_deleting(sender, instance, **kwargs) -> None:
    # Before the links go: the lists it was on.
    instance._caching_lists = article_lists(instance, article_state(instance))


def _article_links_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    article_model = apps.get_model("news", "Article")
    if reverse:
        # From the other side (`session.articles.add(...)`): the articles named.
        articles = article_model._base_manager.filter(pk__in=pk_set or ())
        if action == "pre_clear" or action == "post_clear":
            return
        for article in articles:
            changed({row_tag(article)} | article_lists(article, article_state(article)))
        return
    found = {row_tag(instance), SEARCH, SITEMAP}
    kind = model._meta.model_name
    if action == "pre_clear":
        found |= article_lists(instance, article_state(instance))
    for pk in pk_set or ():
        found.add(list_tag(kind, pk))
        if kind == "session":
            body_pk = model._base_manager.filter(pk=pk).values_list("body_id", flat=True).first()
            if body_pk:
                found.add(list_tag("body", body_pk))
    if _was_public(article_state(instance), timezone.now()):
        found.add(ARTICLES)
    changed(found)


# Every other public row.


def _row_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    _row_changed(instance)


def _row_changed(instance) -> None:
    # The sitemap lists rubrics, topics and the registry's pages by their addresses.
    found = {row_tag(instance), SEARCH, SITEMAP}
    if instance._meta.app_label == "committees":
        found.add(COMMITTEES)
    changed(found)


def _article_deleted(sender, instance, **kwargs) -> None:
    changed({row_tag(instance)} | getattr(instance, "_caching_lists", {ARTICLES}))
    scheduled.note_next()


def _rows_updated(sender, pks, **kwargs) -> None:
    """A bulk `update()` (an admin action): each row as if saved."""
    if sender._meta.label_lower == "news.article":
        for article in sender._base_manager.filter(pk__in=pks):
            changed({row_tag(article)} | article_lists(article, article_state(article)))
        return
    found = {f"{sender._meta.label_lower}:{pk}" for pk in pks} | {SEARCH, SITEMAP}
    if sender._meta.app_label == "committees":
        found.add(COMMITTEES)
    changed(found)


def _site_row_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        changed({SITE})


def _links_between_bodies(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        changed({COMMITTEES, SEARCH})


def public_models():
    for label in PUBLIC_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in PRIVATE_MODELS:
                yield model


def connect() -> None:
    from committees.content import rows_updated

    article = apps.get_model("news", "Article")
    for model in public_models():
        uid = f"fcs-caching-{model._meta.label_lower}"
        post_init.connect(_noted, sender=model, dispatch_uid=uid)
        if model is article:
            pre_save.connect(_article_before, sender=model, dispatch_uid=uid)
            post_save.connect(_article_saved, sender=model, dispatch_uid=uid)
            pre_delete.connect(_article_deleting, sender=model, dispatch_uid=uid)
            post_delete.connect(_article_deleted, sender=model, dispatch_uid=uid)
        else:
            post_save.connect(_row_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(
                lambda sender, instance, **kw: _row_changed(instance),
                sender=model,
                weak=False,
                dispatch_uid=uid,
            )
    for relation in LINKS:
        through = getattr(article, relation).through
        m2m_changed.connect(_article_links_changed, sender=through, dispatch_uid="fcs-caching")
    body = apps.get_model("committees", "Body")
    m2m_changed.connect(
        _links_between_bodies, sender=body.reports_to.through, dispatch_uid="fcs-caching"
    )
    rows_updated.connect(_rows_updated, dispatch_uid="fcs-caching")
    for label in SITE_MODELS:
        model = apps.get_model(label)
        uid = f"fcs-caching-{model._meta.label_lower}"
        post_save.connect(_site_row_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_site_row_changed, sender=model, dispatch_uid=uid)
