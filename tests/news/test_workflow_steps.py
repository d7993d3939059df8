"""The steps of the workflow: who did what and when, second-person approval, scheduling,
withdrawal, and major versus minor updates as the public sees them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from news import services
from news.models import Article, ArticleEvent
from tests.factories import ArticleFactory

from .workflow_support import author_draft, change_form_data, make_user

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
Action = ArticleEvent.Action


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are checked in English; pages choose their language by address."""
    with translation.override("en"):
        yield


@pytest.fixture
def author():
    return make_user("Author", "anna")


@pytest.fixture
def editor():
    return make_user("Editor", "elena")


@pytest.fixture
def second_editor():
    return make_user("Editor", "pavel")


def test_draft_review_changes_fix_schedule_publish_records_every_step(author, editor):
    article = author_draft(author)
    services.article_submit(article=article, user=author, note="Ready.")
    services.article_request_changes(article=article, user=editor, note="Add the venue.")
    article.body_en = "<p>Held by videoconference.</p>"
    services.article_save(article=article, user=author)
    services.article_submit(article=article, user=author)
    when = timezone.now() + timedelta(hours=2)
    services.article_publish(article=article, user=editor, at=when)

    events = list(article.events.order_by("id").values_list("action", "user__username", "note"))
    assert events == [
        (Action.CREATED, "anna", ""),
        (Action.SUBMITTED, "anna", "Ready."),
        (Action.CHANGES_REQUESTED, "elena", "Add the venue."),
        (Action.EDITED, "anna", ""),
        (Action.SUBMITTED, "anna", ""),
        (Action.SCHEDULED, "elena", ""),
    ]
    scheduled = article.events.get(action=Action.SCHEDULED)
    assert scheduled.scheduled_for == when and not scheduled.self_approved
    assert article.is_scheduled()
    assert not Article.objects.published().exists()
    with time_machine.travel(when + timedelta(seconds=1)):
        assert list(Article.objects.published()) == [article]


def test_every_step_moves_the_version_and_a_stale_step_is_refused(author, editor):
    article = author_draft(author)
    seen = article.version
    services.article_submit(article=article, user=author)
    assert article.version == seen + 1
    stale = Article.objects.get(pk=article.pk)
    services.article_request_changes(article=article, user=editor, note="Shorter, please.")
    with pytest.raises(ValidationError, match="changed by"):
        services.article_publish(article=stale, user=editor, expected_version=stale.version)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publishing_needs_a_second_person(author, editor, second_editor):
    article = author_draft(author)
    services.article_submit(article=article, user=author)
    # The reviewer edits the text: now the reviewer is one of its authors too.
    article.title_en = "A sharper headline"
    services.article_save(article=article, user=editor)
    with pytest.raises(ValidationError, match="another editor must approve"):
        services.article_publish(article=article, user=editor)
    services.article_publish(article=article, user=second_editor)
    event = article.events.get(action=Action.PUBLISHED)
    assert event.user == second_editor and not event.self_approved


def test_an_editor_publishes_own_article_only_with_a_recorded_reason(editor):
    article = author_draft(editor)
    with pytest.raises(ValidationError):
        services.article_publish(article=article, user=editor, reason="   ")
    services.article_publish(article=article, user=editor, reason="Nobody else on duty tonight.")
    event = article.events.get(action=Action.PUBLISHED)
    assert event.self_approved and event.note == "Nobody else on duty tonight."


def test_an_author_cannot_publish_even_by_calling_the_service(author):
    article = author_draft(author)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=author, reason="I insist.")
    with pytest.raises(PermissionDenied):
        services.article_withdraw(
            article=article, user=author, mode="notice", reasons={"ru": "x", "en": "x"}
        )


def test_asking_for_changes_needs_a_note_and_the_author_sees_it(client, author, editor):
    article = author_draft(author)
    services.article_submit(article=article, user=author)
    client.force_login(editor)
    url = f"/admin/news/article/{article.pk}/workflow/request_changes/"
    response = client.post(url, {"version": article.version, "note": ""})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    client.post(url, {"version": article.version, "note": "Give the session's dates."})

    client.force_login(author)
    page = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert "Give the session&#x27;s dates." in page or "Give the session's dates." in page
    assert "elena" in page.lower() or "Staff" in page


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"when": "later", "publish_date": "2020-01-01", "publish_time": "10:00"}, "future"),
        ({"when": "later", "publish_date": "not a date", "publish_time": "10:00"}, "date"),
        ({"when": "later", "publish_date": "2030-01-01", "publish_time": "25:99"}, "time"),
        ({"when": "sometime"}, "valid choice"),
    ],
)
def test_bad_schedules_are_refused_with_a_clear_error(client, editor, author, when, message):
    article = author_draft(author)
    client.force_login(editor)
    response = client.post(
        f"/admin/news/article/{article.pk}/workflow/publish/",
        {"version": article.version, **when},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("version", ["", "abc", "-1", "0"])
def test_bad_version_in_a_step_is_a_form_error(client, editor, author, version):
    article = author_draft(author)
    client.force_login(editor)
    response = client.post(
        f"/admin/news/article/{article.pk}/workflow/publish/", {"version": version, "when": "now"}
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_scheduled_article_can_be_rescheduled_or_cancelled(editor, author):
    article = author_draft(author)
    services.article_publish(article=article, user=editor, at=timezone.now() + timedelta(days=2))
    services.article_publish(article=article, user=editor, at=timezone.now() + timedelta(days=1))
    assert article.is_scheduled()
    services.article_unpublish(article=article, user=editor)
    assert article.status == Article.Status.DRAFT
    assert list(article.events.order_by("id").values_list("action", flat=True))[-3:] == [
        Action.SCHEDULED,
        Action.SCHEDULED,
        Action.UNPUBLISHED,
    ]


@pytest.fixture
def live(author, editor):
    article = author_draft(
        author,
        title_en="Customs statistics for March",
        title_ru="Таможенная статистика за март",
    )
    # Published by an editor who did not write it, on a fixed date in the past.
    with time_machine.travel(datetime(2025, 3, 10, 11, 0, tzinfo=MSK), tick=False):
        services.article_publish(article=article, user=editor)
    return article


def test_withdrawn_with_notice_stays_online_dated_with_its_reason_but_leaves_lists(
    client, live, editor
):
    with time_machine.travel(datetime(2025, 5, 4, 12, 30, tzinfo=MSK), tick=False):
        services.article_withdraw(
            article=live,
            user=editor,
            mode=Article.WithdrawalMode.NOTICE,
            reasons={"ru": "Данные пересмотрены.", "en": "The figures were revised."},
        )
    en = client.get(live.get_absolute_url("en"))
    ru = client.get(live.get_absolute_url("ru"))
    assert en.status_code == ru.status_code == 200
    assert "This article has been withdrawn" in en.content.decode()
    assert "4 May 2025 12:30" in en.content.decode()
    assert "The figures were revised." in en.content.decode()
    assert "Статья отозвана" in ru.content.decode() and "4 мая 2025 12:30" in ru.content.decode()
    assert "Данные пересмотрены." in ru.content.decode()
    for page in ("/en/", "/en/news/", "/ru/", "/ru/news/"):
        assert live.title_en not in client.get(page).content.decode()
        assert live.title_ru not in client.get(page).content.decode()
    event = live.events.get(action=Action.WITHDRAWN)
    assert event.user == editor and "figures were revised" in event.note


def test_withdrawn_as_gone_answers_410_with_a_branded_page(client, live, editor):
    services.article_withdraw(
        article=live,
        user=editor,
        mode=Article.WithdrawalMode.GONE,
        reasons={"ru": "Ошибочная публикация.", "en": ""},
    )
    for language in ("en", "ru"):
        response = client.get(live.get_absolute_url(language))
        html = response.content.decode()
        assert response.status_code == 410
        assert "<h1>" in html and 'class="site-header"' in html
        assert live.title_en not in html and live.title_ru not in html
        assert "Ошибочная" not in html
    assert (
        "This article has been withdrawn"
        in client.get(live.get_absolute_url("en")).content.decode()
    )


def test_withdrawal_with_notice_needs_the_reason_in_every_published_language(live, editor):
    with pytest.raises(ValidationError, match="every language"):
        services.article_withdraw(
            article=live, user=editor, mode="notice", reasons={"ru": "Причина.", "en": ""}
        )
    with pytest.raises(ValidationError):
        services.article_withdraw(article=live, user=editor, mode="vanish", reasons={"ru": "x"})
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_only_public_articles_can_be_withdrawn(author, editor):
    scheduled = author_draft(author)
    services.article_publish(article=scheduled, user=editor, at=timezone.now() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.article_withdraw(
            article=scheduled, user=editor, mode="notice", reasons={"ru": "x", "en": "x"}
        )


def test_republishing_a_withdrawn_article_clears_the_notice(client, live, editor):
    services.article_withdraw(
        article=live, user=editor, mode="notice", reasons={"ru": "Причина.", "en": "Reason."}
    )
    services.article_publish(article=live, user=make_user("Editor", "oleg"))
    html = client.get(live.get_absolute_url("en")).content.decode()
    assert "withdrawn" not in html
    assert live.title_en in client.get("/en/news/").content.decode()


def test_major_update_shows_updated_date_and_change_note_in_each_language(client, live, editor):
    client.force_login(editor)
    with time_machine.travel(datetime(2025, 6, 1, 9, 15, tzinfo=MSK), tick=False):
        response = client.post(
            f"/admin/news/article/{live.pk}/change/",
            change_form_data(
                live,
                body_en="<p>Revised figures.</p>",
                major_update="on",
                change_note_ru="Уточнены данные за март.",
                change_note_en="The March figures were corrected.",
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    en = client.get(live.get_absolute_url("en")).content.decode()
    ru = client.get(live.get_absolute_url("ru")).content.decode()
    assert "Updated: <time" in en and "1 June 2025 09:15" in en
    assert "The March figures were corrected." in en
    assert "Обновлено: <time" in ru and "1 июня 2025 09:15" in ru
    assert "Уточнены данные за март." in ru
    event = live.events.get(action=Action.EDITED)
    assert event.major and "corrected" in event.note


def test_minor_update_is_recorded_but_not_shown(client, live, editor):
    client.force_login(editor)
    response = client.post(
        f"/admin/news/article/{live.pk}/change/",
        change_form_data(live, title_en="Customs statistics for March 2026", change_note_en="Typo"),
    )
    assert response.status_code == 302
    html = client.get(live.get_absolute_url("en")).content.decode()
    assert "Customs statistics for March 2026" in html
    assert "Updated:" not in html and "Typo" not in html
    event = live.events.get(action=Action.EDITED)
    assert not event.major and "Typo" in event.note


def test_major_update_without_a_note_is_refused(client, live, editor):
    client.force_login(editor)
    response = client.post(
        f"/admin/news/article/{live.pk}/change/",
        change_form_data(live, major_update="on", change_note_ru="Уточнение."),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "needs a change note" in response.content.decode()
    live.refresh_from_db()
    assert live.major_updated_at is None


def test_update_note_fields_appear_only_for_public_articles(client, author, live, editor):
    client.force_login(editor)
    draft = author_draft(author)
    assert (
        'name="major_update"'
        not in client.get(f"/admin/news/article/{draft.pk}/change/").content.decode()
    )
    assert (
        'name="major_update"'
        in client.get(f"/admin/news/article/{live.pk}/change/").content.decode()
    )


def test_bulk_publish_refuses_an_editors_own_article_without_a_reason(client, editor):
    own = author_draft(editor)
    other = ArticleFactory(draft=True)
    client.force_login(editor)
    response = client.post(
        "/admin/news/article/",
        {"action": "publish", "_selected_action": [own.pk, other.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == Article.Status.DRAFT
    assert other.status == Article.Status.PUBLISHED
    assert "another editor must approve" in response.content.decode()


def test_a_step_chosen_on_a_text_that_changed_since_is_refused(client, author, editor):
    """The editor opens an article in review; meanwhile the author takes it back, rewrites
    the headline and submits it again. The editor's "Publish" must not publish the new
    text unread: the step page says it changed, and submitting it is refused."""
    import re

    article = author_draft(author)
    services.article_submit(article=article, user=author)
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin's messages, in English
    page = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    publish = re.search(r'href="([^"]*/workflow/publish/\?version=\d+)"', page).group(1)
    publish = publish.replace("&amp;", "&")

    article.refresh_from_db()
    services.article_recall(article=article, user=author)
    article.title_en = "A headline the editor never read"
    services.article_save(article=article, user=author)
    services.article_submit(article=article, user=author)

    step = client.get(publish)
    assert step.status_code == 200
    assert "has changed since you opened it" in step.content.decode()
    seen = re.search(r'name="version" value="(\d+)"', step.content.decode()).group(1)
    response = client.post(publish, {"version": seen, "when": "now", "reason": ""})
    assert response.status_code == 200  # the form again, with the refusal
    assert "after you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert not article.events.filter(action=Action.PUBLISHED).exists()

    # Opened afresh from the article, the step goes through.
    page = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    publish = re.search(r'href="([^"]*/workflow/publish/\?version=\d+)"', page).group(1)
    step = client.get(publish)
    assert "has changed since you opened it" not in step.content.decode()
    seen = re.search(r'name="version" value="(\d+)"', step.content.decode()).group(1)
    assert client.post(publish, {"version": seen, "when": "now", "reason": ""}).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_changing_a_scheduled_article_sends_it_back_to_review(client, editor, second_editor):
    """Elena writes, Pavel approves and schedules it; then Elena rewrites the text in the
    change form. The rewritten text must not go live unapproved at the scheduled time."""
    article = author_draft(editor)
    services.article_submit(article=article, user=editor)
    when = timezone.now() + timedelta(hours=3)
    services.article_publish(article=article, user=second_editor, at=when)
    article.refresh_from_db()
    assert article.is_scheduled()

    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = change_form_data(article, title_en="A headline nobody approved")
    response = client.post(f"/admin/news/article/{article.pk}/change/", data, follow=True)
    assert response.status_code == 200
    assert "cancelled the schedule" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.title_en == "A headline nobody approved"
    last = article.events.order_by("-id").first()
    assert (last.action, last.user) == (Action.SUBMITTED, editor)
    with time_machine.travel(when + timedelta(minutes=5), tick=False):
        assert client.get(article.get_absolute_url("en")).status_code == 404
    # Elena cannot now publish it herself without a reason; Pavel can, having read it.
    with pytest.raises(ValidationError):
        services.article_publish(article=article, user=editor, at=when)
    services.article_publish(article=article, user=second_editor, at=when)
    article.refresh_from_db()
    assert article.is_scheduled()


def test_moving_a_scheduled_time_in_the_change_form_needs_review_too(client, editor, second_editor):
    article = author_draft(editor)
    services.article_submit(article=article, user=editor)
    services.article_publish(
        article=article, user=second_editor, at=timezone.now() + timedelta(days=2)
    )
    client.force_login(editor)
    data = change_form_data(article)
    now = timezone.localtime()
    data["published_at_0"] = now.strftime("%Y-%m-%d")
    data["published_at_1"] = (now - timedelta(minutes=1)).strftime("%H:%M:%S")
    client.post(f"/admin/news/article/{article.pk}/change/", data)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert not article.is_public()


def test_other_changes_to_a_scheduled_article_keep_its_schedule(editor, second_editor):
    article = author_draft(editor)
    services.article_submit(article=article, user=editor)
    when = timezone.now() + timedelta(hours=3)
    services.article_publish(article=article, user=second_editor, at=when)
    article.refresh_from_db()
    article.topics.set([])
    services.article_save(article=article, user=second_editor)
    article.refresh_from_db()
    assert article.is_scheduled()


def test_editing_a_public_article_keeps_it_public(editor, second_editor):
    article = author_draft(editor)
    services.article_submit(article=article, user=editor)
    services.article_publish(article=article, user=second_editor)
    article.refresh_from_db()
    article.body_en = "<p>A corrected figure.</p>"
    services.article_save(article=article, user=editor)
    article.refresh_from_db()
    assert article.is_public()


def test_saving_a_scheduled_article_unchanged_in_the_form_keeps_its_schedule(
    client, editor, second_editor
):
    """The change form shows the time to the second: saving it as it is (a topic changed,
    say) is not a new time, even when the schedule was set to the microsecond."""
    article = author_draft(editor)
    services.article_submit(article=article, user=editor)
    when = timezone.now() + timedelta(hours=3, microseconds=123456)
    services.article_publish(article=article, user=second_editor, at=when)
    client.force_login(second_editor)
    data = change_form_data(article)
    data["topics"] = []
    response = client.post(f"/admin/news/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.is_scheduled()


def test_restoring_an_older_text_onto_a_scheduled_article_sends_it_back_to_review(
    client, editor, second_editor
):
    """A restored revision is written before the form is saved, so its text looked
    unchanged: restoring a text nobody approved kept the schedule."""
    import re

    from reversion.models import Version

    article = author_draft(editor, title_en="A headline nobody approved")
    services.article_save(article=article, user=editor, expected_version=article.version)
    unapproved = Version.objects.get_for_object(article).order_by("pk").last()
    article.title_en = "The approved headline"
    services.article_save(article=article, user=editor, expected_version=article.version)
    services.article_submit(article=article, user=editor)
    services.article_publish(
        article=article, user=second_editor, at=timezone.now() + timedelta(hours=3)
    )
    client.force_login(editor)
    url = f"/admin/news/article/{article.pk}/history/{unapproved.pk}/"
    page = client.get(url).content.decode()
    data = change_form_data(article, title_en="A headline nobody approved")
    data["edit_token"] = re.search(r'name="edit_token" value="([^"]+)"', page).group(1)
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "A headline nobody approved"
    assert article.status == Article.Status.IN_REVIEW
