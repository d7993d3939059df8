import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from committees.content import VersionMemo, kept_items, version_of
from news.models import Article, language_codes

register = template.Library()

CARD_TEMPLATE = "includes/article_card.html"
# Each worker keeps the cards it shows most for the content version (about a kilobyte
# each); the others come from the shared cache, or are rendered.
CARDS = VersionMemo(size=4096)


def card_articles():
    """What a card shows: an article and its rubric, without body, note or search columns."""
    long_texts = [
        f"{name}{suffix}"
        for name in ("body", "note")
        for suffix in ("", *(f"_{code}" for code in language_codes()))
    ]
    return (
        Article.objects.select_related("rubric", "lead_photo")
        .prefetch_related("lead_photo__renditions")
        .defer(*long_texts)
        .without_search_columns()
    )


@register.simple_tag(takes_context=True)
def article_cards(context, articles, heading_level=2):
    """The list items of `articles`, each card rendered once per content version.

    The cards of a list come from this worker's memory (`CARDS`), else from the shared
    cache in one round trip; the articles whose card is missing are loaded in one query
    (`articles` need only their ids). Any change to published content (a new content
    version) renders every card afresh. Without a version (no page cache middleware)
    every card is loaded and rendered.
    """
    version = version_of(context.get("request"))
    # Articles may be given as ids, as rows with only their ids, or as card rows.
    articles = [(item, item) if isinstance(item, int) else (item.pk, item) for item in articles]
    language = get_language()
    # A card links under the script prefix (a site mounted at /press/): machines or workers
    # serving two prefixes keep their cards apart.
    prefix = get_script_prefix()
    place = hashlib.sha256(prefix.encode()).hexdigest()[:12] if prefix != "/" else "/"
    keys = [f"card:{version}:{language}:{heading_level}:{place}:{pk}" for pk, _item in articles]
    # The worker keeps its copy without the version in the key (VersionMemo checks it), so
    # the cards of an older version are replaced rather than left to fill the memo.
    urlconf = get_urlconf()
    local = {
        key: (language, heading_level, prefix, urlconf, pk)
        for key, (pk, _item) in zip(keys, articles, strict=True)
    }
    kept = CARDS.get_many(version, local.values())
    found = {key: kept[local[key]] for key in keys if local[key] in kept}
    shared = [key for key in keys if key not in found] if version is not None else []
    if shared:
        from_cache = cache.get_many(shared)
        CARDS.set_many(version, {local[key]: html for key, html in from_cache.items()})
        found.update(from_cache)
    # Those given as ids (or rows of ids) whose card is missing are loaded.
    missing = [
        pk
        for key, (pk, item) in zip(keys, articles, strict=True)
        if key not in found and (item is pk or "title" in item.get_deferred_fields())
    ]
    loaded = card_articles().in_bulk(missing) if missing else {}
    card = context.template.engine.get_template(CARD_TEMPLATE)
    parts, rendered = [], {}
    for key, (pk, item) in zip(keys, articles, strict=True):
        html = found.get(key)
        if html is None:
            article = loaded.get(pk, None if item is pk else item)
            if article is None:
                continue  # deleted since its id was read
            with context.push(article=article, heading_level=heading_level):
                html = rendered[key] = card.render(context)
        parts.append(f"<li>{html}</li>")
    if rendered and version is not None:
        cache.set_many(rendered, settings.FCS_NEWS_LIST_CACHE_SECONDS)
        CARDS.set_many(version, {local[key]: html for key, html in rendered.items()})
    return mark_safe("".join(parts))


def _linked(field: str, **lookup) -> Q:
    """Articles whose `field` links (a many-to-many) match `lookup`, as a semi-join on the
    link table: no DISTINCT over wide article rows, and the newest-first index stays usable."""
    links = getattr(Article, field).through.objects.filter(**lookup)
    return Q(pk__in=links.values("article_id"))


# The articles about each kind of committees object: a body's include those about its
# sessions.
ABOUT = {
    "body": lambda obj: _linked("bodies", body=obj) | _linked("sessions", session__body=obj),
    "session": lambda obj: _linked("sessions", session=obj),
    "person": lambda obj: _linked("people", person=obj),
}


# Each worker keeps, for the content version, which articles are about each object.
ABOUT_IDS = VersionMemo(size=1024)


@register.simple_tag(takes_context=True)
def articles_about(context, obj, limit=10):
    """The latest public articles in the page's language linked to a body, session or person,
    newest first, as `article_cards` takes them.

    {% articles_about body as articles %} — how committees pages list their news without
    the committees app knowing about news.

    Which articles those are (their ids) is kept by each worker for the content version:
    then the list costs no query, and `article_cards` takes the cards from its own store,
    loading just those whose card is missing. Without the list kept: one query loading
    the articles as cards need them (plus one for the renditions of their lead photos).
    """
    kind = getattr(getattr(obj, "_meta", None), "model_name", "")
    about = ABOUT.get(kind)
    if about is None or obj.pk is None:
        return []
    version = version_of(context.get("request"))
    key = (kind, obj.pk, get_language(), limit)
    kept = ABOUT_IDS.get_many(version, [key])
    if key in kept:
        return kept[key]
    articles = card_articles().public(get_language()).filter(about(obj))
    articles = list(articles.order_by("-published_at", "-pk")[:limit])
    ABOUT_IDS.set_many(version, {key: tuple(article.pk for article in articles)})
    return articles


def _body_link(body) -> str:
    return format_html('<li><a href="{}">{}</a></li>', body.get_absolute_url(), body.title)


def _session_link(session) -> str:
    return format_html(
        '<li><a href="{}">{}</a> ({})</li>',
        session.get_absolute_url(),
        session.title(),
        session.dates_display(),
    )


def _person_link(person) -> str:
    position = person.position
    return format_html(
        '<li><a href="{}">{}</a>{}</li>',
        person.get_absolute_url(),
        person.name,
        f", {position}" if position else "",
    )


@register.simple_tag(takes_context=True)
def committee_links(context, article):
    """The article's "WCO bodies in this article" box: the bodies, sessions and people it
    is linked to, or nothing when it has none.

    Written here rather than as an included template: the three related managers and the
    loops as template nodes cost a fifth of a millisecond on every article page. Each item
    is written once per content version (`kept_items`): many articles link the same ones.
    """
    related = [
        (name, _related(article, name), write)
        for name, write in (
            ("bodies", _body_link),
            ("sessions", _session_link),
            ("people", _person_link),
        )
    ]
    if not any(rows for _name, rows, _write in related):
        return ""
    items = [kept_items(context, f"article-{name}", rows, write) for name, rows, write in related]
    return format_html(
        '<aside class="article__links" aria-labelledby="committee-links-heading">'
        '<h2 id="committee-links-heading">{}</h2><ul class="plain-list">{}</ul></aside>',
        gettext("WCO bodies in this article"),
        mark_safe("".join(items)),
    )


def _related(article, name: str) -> list:
    """The rows of a many-to-many relation, as prefetched for the page (else read)."""
    prefetched = getattr(article, "_prefetched_objects_cache", {})
    if name in prefetched:
        return list(prefetched[name])
    return list(getattr(article, name).all())
