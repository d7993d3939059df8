"""Press-release numbering: a yearly sequence, assigned at first publication, unique even
when several editors publish at the same moment."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, connections, models, transaction

from news import services
from news.models import Article, PressReleaseCounter
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 5, 12, 15, 0, tzinfo=MSK)


@pytest.fixture
def editor():
    return UserFactory(username="elena", role="Editor")


def press_release(**kwargs):
    return ArticleFactory(draft=True, kind=Article.Kind.PRESS_RELEASE, **kwargs)


def test_press_releases_are_numbered_in_order_of_publication_each_year(editor):
    with time_machine.travel(NOW, tick=False):
        first, second = press_release(), press_release()
        news = ArticleFactory(draft=True, kind=Article.Kind.NEWS)
        services.article_publish(article=second, user=editor)
        services.article_publish(article=news, user=editor)
        services.article_publish(article=first, user=editor)
    assert (second.press_year, second.press_number) == (2026, 1)
    assert (first.press_year, first.press_number) == (2026, 2)
    assert news.press_number is None


@pytest.mark.parametrize(("language", "text"), [("en", "No. 57/2026"), ("ru", "№ 57/2026")])
def test_the_number_is_shown_on_the_page(client, editor, language, text):
    PressReleaseCounter.objects.create(year=2026, last_number=56)
    article = press_release()
    with time_machine.travel(NOW, tick=False):
        services.article_publish(article=article, user=editor)
        html = client.get(article.get_absolute_url(language)).content.decode()
    assert text in html


def test_the_number_stays_when_unpublished_rescheduled_or_republished(editor):
    article = press_release()
    with time_machine.travel(NOW, tick=False):
        services.article_publish(article=article, user=editor)
        services.article_unpublish(article=article, user=editor)
        services.article_publish(article=article, user=editor)
    assert article.press_release_number == "1/2026"
    assert PressReleaseCounter.objects.get(year=2026).last_number == 1


def test_the_year_is_the_moscow_year_of_publication(editor):
    article = press_release()
    new_year_in_moscow = datetime(2027, 1, 1, 0, 30, tzinfo=MSK)  # still 2026 in UTC
    with time_machine.travel(datetime(2026, 12, 20, 12, 0, tzinfo=MSK), tick=False):
        services.article_publish(article=article, user=editor, at=new_year_in_moscow)
    assert article.press_release_number == "1/2027"


def test_a_lost_race_to_create_the_years_counter_counts_on(editor, monkeypatch):
    """Two first releases of a year: the other one created the counter row just before us."""
    PressReleaseCounter.objects.create(year=2030, last_number=4)
    real_update = models.QuerySet.update
    calls = []

    def update(queryset, **kwargs):
        calls.append(queryset.model)
        if queryset.model is PressReleaseCounter and len(calls) == 1:
            return 0  # as if the row did not exist yet when we looked
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(models.QuerySet, "update", update)
    with transaction.atomic():
        assert services.next_press_release_number(2030) == 5


def test_the_database_refuses_a_duplicate_number():
    ArticleFactory(press_year=2026, press_number=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(press_year=2026, press_number=7)


def test_a_number_needs_its_year():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(press_year=None, press_number=7)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_publishing_gives_unique_consecutive_numbers():
    editors = [UserFactory(username=f"editor{i}", role="Editor") for i in range(6)]
    articles = [press_release() for _ in editors]
    barrier = threading.Barrier(len(editors))
    errors = []

    def publish(article, user):
        try:
            barrier.wait(timeout=10)
            services.article_publish(article=Article.objects.get(pk=article.pk), user=user)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=publish, args=pair) for pair in zip(articles, editors, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    numbers = sorted(Article.objects.values_list("press_number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert PressReleaseCounter.objects.get().last_number == 6
