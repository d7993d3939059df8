"""Helpers shared by the editorial workflow tests: people in roles and admin form data."""

from django.utils import timezone

from news.concurrency import EditToken
from news.models import Article, ArticleEvent
from tests.factories import ArticleFactory, UserFactory

PASSWORD = "correct-horse-battery-staple"


def make_user(role: str | None, username: str):
    return UserFactory(username=username, role=role)


def author_draft(author, **kwargs) -> Article:
    """A bilingual draft written by `author`, with the history the admin would record."""
    article = ArticleFactory(draft=True, created_by=author, updated_by=author, **kwargs)
    ArticleEvent.objects.create(article=article, user=author, action=ArticleEvent.Action.CREATED)
    return article


def change_form_data(article: Article, refresh: bool = True, **overrides) -> dict:
    """What the admin change form posts for `article`, as loaded now."""
    if refresh:
        article.refresh_from_db()
    data = {}
    for code in ("ru", "en"):
        for field in ("title", "slug", "lead", "body", "note"):
            data[f"{field}_{code}"] = getattr(article, f"{field}_{code}") or ""
        data[f"change_note_{code}"] = ""
    data["kind"] = article.kind
    data["rubric"] = article.rubric_id or ""
    data["topics"] = [topic.pk for topic in article.topics.all()] if refresh else []
    if article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    else:
        data["published_at_0"] = data["published_at_1"] = ""
    data["edit_token"] = EditToken.for_article(article).dumps() if refresh else ""
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def new_article_data(**overrides) -> dict:
    data = {
        "title_ru": "Делегация ФТС России приняла участие в сессии Комитета",
        "title_en": "An FCS delegation took part in the Committee session",
        "slug_ru": "",
        "slug_en": "",
        "lead_ru": "Кратко о сессии.",
        "lead_en": "The session in brief.",
        "body_ru": "<p>Текст о сессии.</p>",
        "body_en": "<p>Text about the session.</p>",
        "note_ru": "",
        "note_en": "",
        "kind": Article.Kind.PRESS_RELEASE,
        "rubric": "",
    }
    data.update(overrides)
    return data
