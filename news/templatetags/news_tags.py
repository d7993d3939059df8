from django import template
from django.db.models import Q
from django.utils.translation import get_language

from news.models import Article

register = template.Library()

# The articles about each kind of committees object: a body's include those about its
# sessions.
ABOUT = {
    "body": lambda obj: Q(bodies=obj) | Q(sessions__body=obj),
    "session": lambda obj: Q(sessions=obj),
    "person": lambda obj: Q(people=obj),
}


@register.simple_tag
def articles_about(obj, limit=10):
    """The latest public articles in the page's language linked to a body, session or person.

    {% articles_about body as articles %} — how committees pages list their news without
    the committees app knowing about news.
    """
    about = ABOUT.get(getattr(getattr(obj, "_meta", None), "model_name", ""))
    if about is None or obj.pk is None:
        return Article.objects.none()
    articles = Article.objects.public(get_language()).filter(about(obj))
    if about is ABOUT["body"]:
        articles = articles.distinct()
    return articles.select_related("rubric").with_lead_photo()[:limit]
