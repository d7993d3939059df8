"""Previews: the staff see any article as the public will; shareable links carry a token
that expires and can be revoked, and show an embargo banner."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from news import services
from news.models import Article, PreviewLink
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def editor():
    return UserFactory(username="elena", role="Editor")


@pytest.fixture
def scheduled():
    return ArticleFactory(
        title_ru="Итоги сессии Совета ВТамО",
        title_en="Outcome of the WCO Council session",
        kind=Article.Kind.PRESS_RELEASE,
        published_at=datetime(2031, 6, 26, 12, 0, tzinfo=MSK),
    )


def assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_staff_preview_of_a_draft_uses_the_public_page(client, editor, language):
    draft = ArticleFactory(draft=True, title_en="Draft headline", title_ru="Черновик")
    client.force_login(editor)
    response = client.get(f"/{language}/news/preview/{draft.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_private(response)
    names = [template.name for template in response.templates]
    assert "news/article_detail.html" in names and "base.html" in names
    assert html.count("<h1") == 1
    assert (draft.title_en if language == "en" else draft.title_ru) in html
    assert 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert f'<html lang="{language}"' in html
    other = "ru" if language == "en" else "en"
    assert f"/{other}/news/preview/{draft.pk}/" in html


def test_staff_preview_in_a_missing_language_links_to_the_one_that_exists(client, editor):
    draft = ArticleFactory(draft=True, russian_only=True)
    client.force_login(editor)
    response = client.get(f"/en/news/preview/{draft.pk}/")
    assert response.status_code == 404
    assert f"/ru/news/preview/{draft.pk}/" in response.content.decode()
    assert_private(response)


def test_staff_preview_needs_a_staff_account_with_access(client):
    draft = ArticleFactory(draft=True)
    url = f"/ru/news/preview/{draft.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(UserFactory(username="nobody", role=None))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(username="outsider", role="Editor", is_staff=False))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(username="author", role="Author"))
    assert client.get(url).status_code == 200
    assert client.get("/ru/news/preview/99999999/").status_code == 404


def share(client, editor, article, **data):
    client.force_login(editor)
    response = client.post(
        f"/admin/news/article/{article.pk}/preview-links/",
        {"hours": 48, "label": "Press office of the ministry", **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    client.logout()
    html = response.content.decode()
    return re.search(r'id="new-preview-link" type="text" readonly value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(("language", "banner"), [("en", "Embargoed until"), ("ru", "Эмбарго до")])
def test_shared_link_shows_the_article_with_an_embargo_banner(
    client, editor, scheduled, language, banner
):
    link = share(client, editor, scheduled)
    token = link.rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/{language}/news/preview/shared/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_private(response)
    assert response["Referrer-Policy"] == "no-referrer"
    assert banner in html
    assert ("26 June 2031 12:00" if language == "en" else "26 июня 2031 12:00") in html
    assert (scheduled.title_en if language == "en" else scheduled.title_ru) in html
    assert "/admin/" not in html.split('class="preview-banner"')[1].split("</div>")[0]


def test_the_token_is_not_stored_and_is_shown_only_once(client, editor, scheduled):
    link = share(client, editor, scheduled)
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = PreviewLink.objects.get()
    assert token not in stored.token_hash and len(token) >= 40
    client.force_login(editor)
    page = client.get(f"/admin/news/article/{scheduled.pk}/preview-links/").content.decode()
    assert token not in page and "Press office of the ministry" in page


def test_a_link_expires_after_48_hours_by_default(client, editor, scheduled):
    with time_machine.travel(datetime(2031, 6, 1, 9, 0, tzinfo=MSK), tick=False):
        link = share(client, editor, scheduled)
        assert PreviewLink.objects.get().expires_at == timezone.now() + timedelta(hours=48)
    path = link.split("testserver", 1)[1]
    with time_machine.travel(datetime(2031, 6, 3, 8, 59, tzinfo=MSK), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(datetime(2031, 6, 3, 9, 0, 1, tzinfo=MSK), tick=False):
        response = client.get(path)
    assert response.status_code == 410
    assert "This preview link has expired" in response.content.decode() or "истёк" in (
        response.content.decode()
    )
    assert scheduled.title_ru not in response.content.decode()
    assert_private(response)


def test_a_revoked_link_stops_working(client, editor, scheduled):
    link = share(client, editor, scheduled)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    client.force_login(editor)
    stored = PreviewLink.objects.get()
    response = client.post(
        f"/admin/news/article/{scheduled.pk}/preview-links/", {"revoke": stored.pk}
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(path).status_code == 410
    stored.refresh_from_db()
    assert stored.revoked_by == editor
    assert scheduled.events.filter(action="preview_revoked").exists()


def test_links_can_be_revoked_in_bulk_from_their_own_list(client, editor, scheduled):
    share(client, editor, scheduled)
    share(client, editor, scheduled)
    client.force_login(editor)
    response = client.post(
        "/admin/news/previewlink/",
        {
            "action": "revoke",
            "_selected_action": list(PreviewLink.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert not PreviewLink.objects.active().exists()


def test_once_public_the_link_leads_to_the_public_page(client, editor, scheduled):
    with time_machine.travel(scheduled.published_at - timedelta(hours=1), tick=False):
        link = share(client, editor, scheduled)
    path = link.split("testserver", 1)[1]
    with time_machine.travel(scheduled.published_at + timedelta(minutes=1), tick=False):
        response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == scheduled.get_absolute_url(path.split("/")[1])


@pytest.mark.parametrize("token", ["nothing", "a" * 43, "a" * 300, "-_-"])
def test_unknown_tokens_answer_404(client, token):
    response = client.get(f"/ru/news/preview/shared/{token}/")
    assert response.status_code == 404
    assert_private(response)


@pytest.mark.parametrize("token", ["..%2F..%2Fadmin", "%D0%B4%D0%B0", "a.b", "%00"])
def test_malformed_tokens_answer_404(client, token):
    assert client.get(f"/ru/news/preview/shared/{token}/").status_code == 404


@pytest.mark.parametrize("hours", ["0", "-5", "abc", "100000", ""])
def test_bad_link_lifetimes_are_refused(client, editor, scheduled, hours):
    client.force_login(editor)
    response = client.post(
        f"/admin/news/article/{scheduled.pk}/preview-links/", {"hours": hours, "label": ""}
    )
    assert response.status_code == 200
    assert not PreviewLink.objects.exists()


def test_revoking_an_unknown_link_answers_404(client, editor, scheduled):
    client.force_login(editor)
    for value in ("999999", "abc"):
        response = client.post(
            f"/admin/news/article/{scheduled.pk}/preview-links/", {"revoke": value}
        )
        assert response.status_code == 404


def test_the_service_refuses_people_who_may_not_share(scheduled):
    author = UserFactory(username="anna", role="Author")
    with pytest.raises(services.PermissionDenied):
        services.preview_link_create(article=scheduled, user=author)


@pytest.mark.parametrize("mode", ["gone", "notice"])
def test_withdrawing_an_article_stops_its_shared_links(client, editor, scheduled, mode):
    """A link shared before publication used to show the full text after the article was
    withdrawn, even as gone (410 on its public address)."""
    with time_machine.travel(scheduled.published_at - timedelta(hours=1), tick=False):
        link = share(client, editor, scheduled)
    path = link.split("testserver", 1)[1]
    with time_machine.travel(scheduled.published_at + timedelta(hours=1), tick=False):
        scheduled.refresh_from_db()
        services.article_withdraw(
            article=scheduled,
            user=editor,
            mode=mode,
            reasons={"ru": "Ошибка в тексте", "en": "An error in the text"},
        )
        client.logout()
        response = client.get(path)
        assert response.status_code == 410
        assert scheduled.title_ru not in response.content.decode()
    stored = PreviewLink.objects.get()
    assert stored.revoked_by == editor and stored.revoked_at is not None
    assert scheduled.events.filter(action="preview_revoked").exists()


def test_returning_an_article_to_drafts_stops_its_shared_links(client, editor, scheduled):
    link = share(client, editor, scheduled)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    scheduled.refresh_from_db()
    services.article_unpublish(article=scheduled, user=editor)
    assert client.get(path).status_code == 410
    assert not PreviewLink.objects.active().exists()


def test_a_link_from_before_a_withdrawal_stops_even_if_it_was_not_revoked(
    client, editor, scheduled
):
    """Links made before revoking on withdrawal existed: the date decides."""
    with time_machine.travel(scheduled.published_at - timedelta(hours=1), tick=False):
        link = share(client, editor, scheduled)
    path = link.split("testserver", 1)[1]
    Article.objects.filter(pk=scheduled.pk).update(
        status=Article.Status.WITHDRAWN,
        withdrawn_at=scheduled.published_at + timedelta(hours=1),
        withdrawal_mode="gone",
    )
    with time_machine.travel(scheduled.published_at + timedelta(hours=2), tick=False):
        assert client.get(path).status_code == 410
