"""Article, body and session pages made for each request (the page cache off): fresh at
once after any change, and split by today's date."""

from datetime import timedelta

import pytest
import time_machine
from django.test.utils import override_script_prefix
from django.utils import timezone

from news import services
from news.models import Article
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    DelegationFactory,
    PersonFactory,
    SessionFactory,
)

# Every page is made for its request.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture
def linked():
    body = BodyFactory(name_en="Enforcement Committee", slug="enforcement-committee")
    session = SessionFactory(body=body, number=42)
    article = ArticleFactory(title_en="The 42nd session took place")
    article.bodies.add(body)
    article.sessions.add(session)
    return article, body, session


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    assert "X-Page-Cache" not in response  # made for this request
    return response.content.decode()


def urls(article, body, session):
    return [article.get_absolute_url("en"), f"/en/committees/{body.slug}/", session_url(session)]


def session_url(session):
    return f"/en/committees/{session.body.slug}/sessions/{session.number}/"


def test_an_edited_article_shows_at_once(client, linked, staff_user):
    article, body, _session = linked
    url = article.get_absolute_url("en")
    html(client, url)
    article.title_en = "The 42nd session, corrected"
    article.save()
    assert "The 42nd session, corrected" in html(client, url)

    body.name_en = "Enforcement Committee (renamed)"
    body.save()
    assert "Enforcement Committee (renamed)</a></li>" in html(client, url)  # its links box

    article.title_en = ""
    article.save()
    html(client, url, status=404)  # no longer in English
    article.refresh_from_db()
    article.title_en = "Back in English"
    article.save()
    assert "Back in English" in html(client, url)

    services.article_withdraw(
        article=article,
        user=staff_user,
        mode=Article.WithdrawalMode.NOTICE,
        reasons={"ru": "Ошибка в тексте", "en": "An error in the text"},
    )
    assert "An error in the text" in html(client, url)
    article.refresh_from_db()
    article.withdrawal_mode = Article.WithdrawalMode.GONE
    article.save()
    html(client, url, status=410)


def test_new_sessions_delegations_and_news_show_at_once(client, linked):
    _article, body, session = linked
    body_url = f"/en/committees/{body.slug}/"
    html(client, body_url)
    html(client, session_url(session))

    later = SessionFactory(body=body, number=43, venue_en="Brussels, the new building")
    assert "Brussels, the new building" in html(client, body_url)
    DelegationFactory(session=session, person=PersonFactory(name_en="Ivan Newcomer"))
    assert "Ivan Newcomer" in html(client, session_url(session))
    news = ArticleFactory(title_en="The 43rd session opens")
    news.sessions.add(later)  # a link alone, no row saved after it
    assert "The 43rd session opens" in html(client, body_url)
    assert "The 43rd session opens" in html(client, session_url(later))


def test_timeline_items_and_body_links_follow_each_change_and_language(client, linked):
    """The timeline and the body links follow each change, in each language."""
    _article, body, session = linked
    parent = BodyFactory(name_en="Policy Commission", name_ru="Политическая комиссия")
    body.reports_to.add(parent)
    child = BodyFactory(name_en="Working Group", name_ru="Рабочая группа", reports_to=[body])
    body_url = f"/en/committees/{body.slug}/"
    page = html(client, body_url)
    assert "Policy Commission</a></li>" in page and "Working Group</a></li>" in page
    assert "Рабочая группа" in html(client, f"/ru/committees/{body.slug}/")

    session.venue_en = "Tokyo"
    session.status = "postponed"
    session.save()
    child.name_en = "Working Group on E-Commerce"
    child.save()
    parent.name_en = "Policy Commission (renamed)"
    parent.save()
    page = html(client, body_url)
    assert "Tokyo · <strong>Postponed</strong></p>" in page
    assert "Working Group on E-Commerce</a></li>" in page
    assert "Policy Commission (renamed)</a></li>" in page
    ru_page = html(client, f"/ru/committees/{body.slug}/")
    assert "<strong>Перенесена</strong>" in ru_page and "Рабочая группа</a></li>" in ru_page
    assert "Working Group" not in ru_page


def test_a_site_mounted_under_a_path_links_under_it(client, linked):
    """One worker answering at / and behind a proxy at /press/ (SCRIPT_NAME) links the
    timeline, the body links and the news cards of each under its own prefix."""
    article, body, session = linked
    BodyFactory(name_en="Working Group", reports_to=[body])
    body_url = f"/en/committees/{body.slug}/"
    session_href = f'href="{session_url(session)}"'
    article_href = f'href="{article.get_absolute_url("en")}"'
    plain = html(client, body_url)
    assert session_href in plain and article_href in plain

    # The test client passes SCRIPT_NAME on but leaves the prefix to the WSGI handler.
    with override_script_prefix("/press/"):
        response = client.get(body_url, SCRIPT_NAME="/press")
    assert response.status_code == 200
    mounted = response.content.decode()
    assert f'href="/press{session_url(session)}"' in mounted  # the timeline
    assert f'href="/press{article.get_absolute_url("en")}"' in mounted  # a news card
    assert 'href="/press/en/committees/' in mounted.split("Working Group")[0][-200:]
    assert session_href not in mounted and article_href not in mounted
    assert html(client, body_url) == plain


def test_a_session_moves_to_the_past_when_its_day_is_over_without_any_change(client):
    body = BodyFactory(slug="council")
    today = timezone.localdate()
    SessionFactory(body=body, number=7, start_date=today, end_date=today + timedelta(days=1))
    url = "/en/committees/council/"

    page = html(client, url)
    assert "No sessions are planned." not in page
    assert "<h3>Past</h3>" not in page
    with time_machine.travel(today + timedelta(days=3), tick=False):
        page = html(client, url)
    assert "No sessions are planned." in page
    assert "<h3>Past</h3>" in page


def test_an_address_that_was_404_shows_its_page_once_it_exists(client, linked):
    _article, body, _session = linked
    html(client, "/en/committees/new-body/", status=404)
    html(client, f"/en/committees/{body.slug}/sessions/99/", status=404)
    BodyFactory(slug="new-body", name_en="A new body")
    SessionFactory(body=body, number=99, venue_en="Geneva")
    assert "A new body" in html(client, "/en/committees/new-body/")
    assert "Geneva" in html(client, f"/en/committees/{body.slug}/sessions/99/")


def test_links_added_or_removed_alone_show_at_once(client, linked):
    article, body, _session = linked
    body_url = f"/en/committees/{body.slug}/"
    assert "The 42nd session took place" in html(client, body_url)
    article.bodies.remove(body)
    article.sessions.clear()
    assert "The 42nd session took place" not in html(client, body_url)
    article.bodies.add(body)
    assert "The 42nd session took place" in html(client, body_url)
    parent = BodyFactory(name_en="World Customs Council")
    body.reports_to.add(parent)
    assert "World Customs Council" in html(client, body_url)


def test_a_stale_address_still_redirects(client, linked):
    article, _body, _session = linked
    html(client, article.get_absolute_url("en"))
    response = client.get(f"/en/news/{article.pk}-an-old-slug/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url("en")


def test_a_renamed_body_shows_at_once_in_both_languages(client, linked):
    article, body, _session = linked
    russian = article.get_absolute_url("ru")
    english = article.get_absolute_url("en")
    html(client, russian)
    html(client, english)
    body.name_ru = "Комитет по правоприменению (новое название)"
    body.name_en = "Enforcement Committee (new name)"
    body.save()
    assert "Комитет по правоприменению (новое название)" in html(client, russian)
    assert "Enforcement Committee (new name)" in html(client, english)
    assert "(новое название)" in html(client, f"/ru/committees/{body.slug}/")
