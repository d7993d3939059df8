from django import template
from django.db.models import Q
from django.utils.translation import get_language

from news.models import Article
from news.signals import list_shown

register = template.Library()


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


@register.simple_tag
def articles_about(obj, limit=10):
    """The latest public articles in the page's language linked to a body, session or
    person, newest first, ready for their cards.

    {% articles_about body as articles %}: how committees pages list their news without
    the committees app knowing about news.
    """
    kind = getattr(getattr(obj, "_meta", None), "model_name", "")
    about = ABOUT.get(kind)
    if about is None or obj.pk is None:
        return []
    list_shown.send(sender=Article, kind=kind, pk=obj.pk)
    articles = Article.objects.public(get_language()).for_cards().filter(about(obj))
    return list(articles.order_by("-published_at", "-pk")[:limit])


@register.simple_tag
def related_articles(article, limit=3):
    """The latest other public articles in the page's language that share a topic or the
    rubric with `article`, newest first, ready for their cards (one query):
    {% related_articles article as related %}."""
    topics = related_rows(article, "topics")
    about = Q()
    for topic in topics:
        list_shown.send(sender=Article, kind="topic", pk=topic.pk)
    if topics:
        about |= _linked("topics", topic__in=[topic.pk for topic in topics])
    if article.rubric_id:
        list_shown.send(sender=Article, kind="rubric", pk=article.rubric_id)
        about |= Q(rubric_id=article.rubric_id)
    if not about:
        return []
    articles = Article.objects.public(get_language()).for_cards().filter(about)
    return list(articles.exclude(pk=article.pk).order_by("-published_at", "-pk")[:limit])


@register.filter
def lead_first(articles, within=5):
    """The front page's order: the newest article with a photo among the first `within`
    leads (a front page opens on a picture), the others keep their order:
    {% with articles=articles|lead_first %}. With none, the order is unchanged."""
    articles = list(articles)
    for index, article in enumerate(articles[: int(within)]):
        if article.lead_photo_id:
            return [article, *articles[:index], *articles[index + 1 :]]
    return articles


@register.simple_tag
def related_rows(article, name: str) -> list:
    """The rows of one of the article's many-to-many relations, as prefetched for its page
    (else read): {% related_rows article "bodies" as bodies %}."""
    prefetched = getattr(article, "_prefetched_objects_cache", {})
    if name in prefetched:
        return list(prefetched[name])
    return list(getattr(article, name).all())
