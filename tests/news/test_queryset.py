from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_articles():
    visible = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(status=Article.Status.IN_REVIEW)
    ArticleFactory(status=Article.Status.WITHDRAWN)

    assert list(Article.objects.published()) == [visible]


def test_scheduled_article_appears_when_its_time_comes_without_any_job():
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=5))

    assert not Article.objects.published().exists()
    later = timezone.now() + timedelta(minutes=6)
    assert list(Article.objects.published(now=later)) == [article]


def test_available_in_requires_title_and_body_in_that_language():
    both = ArticleFactory()
    russian = ArticleFactory(russian_only=True)
    english = ArticleFactory(english_only=True)
    headline_only = ArticleFactory(title_en="Headline only", body_en="")

    assert set(Article.objects.available_in("ru")) == {both, russian, headline_only}
    assert set(Article.objects.available_in("en")) == {both, english}


def test_available_in_unknown_language_is_empty():
    ArticleFactory()
    assert not Article.objects.available_in("de").exists()


def test_public_combines_both_rules():
    shown = ArticleFactory()
    ArticleFactory(russian_only=True)
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    assert list(Article.objects.public("en")) == [shown]


def test_published_article_without_date_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


def test_slug_is_made_from_the_title_in_each_language():
    article = ArticleFactory(title_ru="Сессия Совета ВТамО", title_en="WCO Council session")
    assert article.slug_ru == "sessiya-soveta-vtamo"
    assert article.slug_en == "wco-council-session"


def test_body_is_sanitised_on_save():
    article = ArticleFactory(body_en='<p onclick="alert(1)">Hi<script>alert(2)</script></p>')
    article.refresh_from_db()
    assert article.body_en == "<p>Hi</p>"
