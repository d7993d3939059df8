"""Sending through the worker to a real SMTP server (aiosmtpd), reading what it received."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts import schedule, sending
from alerts.models import Delivery, Mailing, Subscriber, Subscription
from news import services
from tests.alerts.conftest import SubscriberFactory, SubscriptionFactory, free_port
from tests.factories import ArticleFactory, RubricFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def publisher():
    return UserFactory(username="chief", role="Editor")


def publish(article, user, at=None):
    article.refresh_from_db()
    return services.article_publish(
        article=article, user=user, at=at, reason="Published by the tests."
    )


def subscribers(count, **kwargs):
    people = SubscriberFactory.create_batch(count, **kwargs)
    for person in people:
        SubscriptionFactory(subscriber=person)
    return people


def test_a_published_article_reaches_its_subscribers_once_in_their_language(
    smtp, run_worker, publisher
):
    rubric = RubricFactory()
    russian = subscribers(3)
    english = subscribers(2, language="en")
    other_rubric = SubscriberFactory()
    SubscriptionFactory(
        subscriber=other_rubric, kind=Subscription.Kind.RUBRIC, rubric=RubricFactory()
    )
    article = ArticleFactory(draft=True, rubric=rubric, lead_en="The lead, in English.")

    publish(article, publisher)
    run_worker()

    received = smtp.recipients()
    assert sorted(received) == sorted(p.email for p in russian + english)
    message = smtp.to(english[0].email)[0]
    assert message["Subject"] == article.title_en
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://press.customs.example/en/alerts/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "The lead, in English." in text and "The lead, in English." in html
    assert f"https://press.customs.example{article.get_absolute_url('en')}" in text
    assert "/en/alerts/manage/" in text and "/en/alerts/manage/" in html
    russian_text = smtp.to(russian[0].email)[0].get_body(("plain",)).get_content()
    assert "Краткое изложение." in russian_text and "Читать на сайте" in russian_text

    mailing = Mailing.objects.get(article=article, language="en")
    assert mailing.finished_at is not None
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 5

    # Published again later (say after being taken back): nobody gets it twice.
    services.article_unpublish(article=article, user=publisher)
    publish(article, publisher)
    run_worker()
    assert len(smtp.recipients()) == 5


def test_subscriptions_match_rubric_topic_body_and_press_releases(smtp, run_worker, publisher):
    from tests.factories import BodyFactory

    rubric, topic, body = RubricFactory(), TopicFactory(), BodyFactory()
    wanted = {
        "rubric": {"kind": Subscription.Kind.RUBRIC, "rubric": rubric},
        "topic": {"kind": Subscription.Kind.TOPIC, "topic": topic},
        "body": {"kind": Subscription.Kind.BODY, "body": body},
        "press": {"kind": Subscription.Kind.PRESS_RELEASES},
    }
    people = {}
    for name, fields in wanted.items():
        people[name] = SubscriberFactory(email=f"{name}@example.test")
        SubscriptionFactory(subscriber=people[name], **fields)
    article = ArticleFactory(draft=True, kind="news", rubric=rubric)
    article.topics.add(topic)
    publish(article, publisher)
    other = ArticleFactory(draft=True, kind="press_release")
    other.bodies.add(body)
    publish(other, publisher)
    run_worker()

    assert sorted(smtp.recipients()) == sorted(
        ["rubric@example.test", "topic@example.test", "body@example.test", "press@example.test"]
    )


def test_a_scheduled_article_is_sent_at_its_time_and_a_withdrawn_one_never(
    smtp, run_worker, publisher
):
    subscribers(2)
    scheduled = ArticleFactory(draft=True)
    withdrawn = ArticleFactory(draft=True)
    at = timezone.now() + timedelta(hours=2)
    publish(scheduled, publisher, at=at)
    publish(withdrawn, publisher, at=at)
    queued = DBTaskResult.objects.filter(task_path="alerts.tasks.send_mailing")
    assert {task.run_after for task in queued} == {at}
    # Taken back before its time: back to drafts.
    services.article_unpublish(article=withdrawn, user=publisher)

    run_worker()
    assert smtp.recipients() == []

    with time_machine.travel(at + timedelta(seconds=1), tick=True):
        run_worker()
    assert len(smtp.recipients()) == 2
    subjects = {message["Subject"] for _tos, message in smtp.messages}
    assert subjects == {scheduled.title_ru}
    assert Mailing.objects.get(article=withdrawn, language="ru").finished_at is not None


def test_unconfirmed_and_suspended_addresses_get_nothing(smtp, run_worker, publisher):
    SubscriptionFactory(subscriber=SubscriberFactory(confirmed_at=None))
    SubscriptionFactory(subscriber=SubscriberFactory(suspended_at=timezone.now()))
    (reader,) = subscribers(1)
    publish(ArticleFactory(draft=True), publisher)
    run_worker()
    assert smtp.recipients() == [reader.email]


class WorkerKilled(BaseException):
    """What a worker process stopped in the middle of a batch amounts to."""


@pytest.fixture
def dies_after(monkeypatch):
    """The SMTP connection's process dies once `k` emails have been accepted."""

    def arm(k):
        real = EmailBackend.send_messages
        state = {"sent": 0}

        def send_messages(self, messages):
            if state["sent"] >= k:
                raise WorkerKilled
            state["sent"] += 1
            return real(self, messages)

        monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
        return lambda: monkeypatch.setattr(EmailBackend, "send_messages", real)

    return arm


@pytest.mark.parametrize("cleaned_up", [True, False], ids=["stopped", "killed"])
def test_a_worker_that_dies_mid_batch_is_resumed_and_sends_each_email_exactly_once(
    smtp, run_worker, publisher, settings, dies_after, monkeypatch, cleaned_up
):
    settings.FCS_ALERTS_BATCH_SIZE = 4
    people = subscribers(10)
    if not cleaned_up:
        # SIGKILL: the worker gives nothing back; its claims must expire.
        monkeypatch.setattr(sending, "release", lambda token, error="": 0)
    revive = dies_after(6)
    publish(ArticleFactory(draft=True, russian_only=True), publisher)

    run_worker()
    assert len(smtp.recipients()) == 6
    assert DBTaskResult.objects.get(task_path="alerts.tasks.send_mailing").status == "FAILED"
    held = Delivery.objects.filter(status=Delivery.Status.SENDING).count()
    assert held == (0 if cleaned_up else 2)  # the rest of the batch it was sending

    revive()
    # The sweep resumes what no worker has touched for a claim's length.
    later = timezone.now() + timedelta(seconds=settings.FCS_ALERTS_CLAIM_SECONDS + 1)
    with time_machine.travel(later, tick=True):
        assert schedule.sweep()["resumed"] == 1
        run_worker()

    received = smtp.recipients()
    assert sorted(received) == sorted(p.email for p in people)
    assert len(received) == len(set(received)) == 10
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 10
    assert not Mailing.objects.filter(finished_at=None).exists()


def test_hard_bounces_fail_the_delivery_and_the_third_in_a_row_suspends(
    smtp, run_worker, publisher
):
    bouncing, fine = subscribers(2)
    smtp.hard.add(bouncing.email)
    for _ in range(3):
        publish(ArticleFactory(draft=True), publisher)
        run_worker()
        bouncing.refresh_from_db()
    assert bouncing.bounce_count == 3
    assert bouncing.suspended_at is not None
    assert Delivery.objects.filter(subscriber=bouncing, status="failed").count() == 3
    assert "550" in Delivery.objects.filter(subscriber=bouncing).first().error
    assert len(smtp.to(fine.email)) == 3

    publish(ArticleFactory(draft=True), publisher)
    run_worker()
    assert not Delivery.objects.filter(subscriber=bouncing, status="pending").exists()
    assert Delivery.objects.filter(subscriber=bouncing).count() == 3
    assert len(smtp.to(fine.email)) == 4


def test_a_successful_delivery_resets_the_bounce_count(smtp, run_worker, publisher):
    (reader,) = subscribers(1)
    Subscriber.objects.filter(pk=reader.pk).update(bounce_count=2)
    publish(ArticleFactory(draft=True), publisher)
    run_worker()
    reader.refresh_from_db()
    assert reader.bounce_count == 0 and reader.suspended_at is None


def test_a_recipient_deferred_with_4xx_is_tried_again_later(smtp, run_worker, publisher):
    (reader,) = subscribers(1)
    smtp.soft.add(reader.email)
    publish(ArticleFactory(draft=True), publisher)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and "452" in delivery.error
    assert smtp.recipients() == []

    smtp.soft.clear()
    with time_machine.travel(delivery.not_before + timedelta(seconds=1), tick=True):
        run_worker()
    assert smtp.recipients() == [reader.email]
    reader.refresh_from_db()
    assert reader.bounce_count == 0


def test_a_server_that_is_down_is_retried_with_backoff_and_nothing_is_lost(
    smtp, run_worker, publisher, settings
):
    people = subscribers(5)
    settings.EMAIL_PORT = free_port()  # nothing listens there
    publish(ArticleFactory(draft=True, russian_only=True), publisher)
    started = timezone.now()

    run_worker()
    assert not Delivery.objects.exclude(status=Delivery.Status.PENDING).exists()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {0}
    retry = DBTaskResult.objects.get(task_path="alerts.tasks.send_mailing", status="READY")
    first_wait = retry.run_after - started
    assert timedelta(seconds=55) < first_wait < timedelta(seconds=70)

    # Still down at the first retry: the next waits twice as long.
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=True):
        run_worker()
        again = DBTaskResult.objects.get(task_path="alerts.tasks.send_mailing", status="READY")
        assert again.run_after - timezone.now() > timedelta(seconds=110)

    settings.EMAIL_PORT = smtp.port  # the server is back
    with time_machine.travel(again.run_after + timedelta(seconds=1), tick=True):
        run_worker()
    assert sorted(smtp.recipients()) == sorted(p.email for p in people)
    assert not Mailing.objects.filter(finished_at=None).exists()


def test_a_server_that_drops_the_connection_mid_batch_loses_nothing(
    smtp, run_worker, publisher, monkeypatch
):
    people = subscribers(6)
    real = smtplib.SMTP.sendmail
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "sendmail", flaky)
    publish(ArticleFactory(draft=True, russian_only=True), publisher)
    run_worker()
    assert len(smtp.recipients()) == 3
    retry = DBTaskResult.objects.get(task_path="alerts.tasks.send_mailing", status="READY")
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=True):
        run_worker()
    received = smtp.recipients()
    assert sorted(received) == sorted(p.email for p in people)
    assert len(received) == 6


def test_the_daily_digest_sends_one_email_with_the_days_articles(smtp, run_worker, publisher):
    daily = SubscriberFactory(email="daily@example.test")
    SubscriptionFactory(subscriber=daily, frequency=Subscription.Frequency.DAILY)
    (instant,) = subscribers(1)
    first, second, withdrawn = (ArticleFactory(draft=True) for _ in range(3))
    for article in (first, second, withdrawn):
        publish(article, publisher)
    run_worker()
    assert smtp.recipients() == [instant.email] * 3
    services.article_withdraw(
        article=withdrawn,
        user=UserFactory(username="admin", role="Administrator"),
        mode="notice",
        reasons={"ru": "Ошибка.", "en": "A mistake."},
    )

    assert schedule.digest_enqueue()
    digest = DBTaskResult.objects.get(task_path="alerts.tasks.send_digests", status="READY")
    with time_machine.travel(digest.run_after + timedelta(seconds=1), tick=True):
        run_worker()
        # The next day's is waiting in the queue.
        assert DBTaskResult.objects.filter(
            task_path="alerts.tasks.send_digests", status="READY"
        ).exists()
    (message,) = smtp.to(daily.email)
    text = message.get_body(("plain",)).get_content()
    assert first.title_ru in text and second.title_ru in text
    assert withdrawn.title_ru not in text
    html = message.get_body(("html",)).get_content()
    assert first.title_ru in html and second.title_ru in html
    assert "/ru/alerts/manage/" in text and "/ru/alerts/manage/" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/ru/alerts/unsubscribe/" in message["List-Unsubscribe"]
    statuses = dict(Delivery.objects.filter(subscriber=daily).values_list("article_id", "status"))
    assert statuses == {first.pk: "sent", second.pk: "sent", withdrawn.pk: "cancelled"}


def test_a_language_added_to_a_public_article_is_sent_in_it(smtp, run_worker, publisher):
    english = subscribers(1, language="en")[0]
    article = ArticleFactory(draft=True, russian_only=True)
    publish(article, publisher)
    run_worker()
    assert smtp.recipients() == []

    article.refresh_from_db()
    article.title_en, article.body_en = "Now in English", "<p>Text.</p>"
    services.article_save(article=article, user=publisher)
    run_worker()
    assert smtp.recipients() == [english.email]


def test_line_breaks_in_a_headline_start_no_header_of_their_own(smtp, run_worker, publisher):
    (reader,) = subscribers(1)
    article = ArticleFactory(
        draft=True, russian_only=True, title_ru="Первая строка\r\nBcc: victim@example.test"
    )
    publish(article, publisher)
    run_worker()
    (message,) = smtp.to(reader.email)
    assert smtp.recipients() == [reader.email]
    assert message["Subject"].strip() == "Первая строка Bcc: victim@example.test"
    assert message["Bcc"] is None


def test_several_tasks_share_one_mailing_and_send_each_email_once(
    smtp, run_worker, publisher, settings
):
    settings.FCS_ALERTS_TASKS_PER_MAILING = 3
    settings.FCS_ALERTS_BATCH_SIZE = 2
    people = subscribers(7)
    publish(ArticleFactory(draft=True, russian_only=True), publisher)
    run_worker()
    tasks = DBTaskResult.objects.filter(task_path="alerts.tasks.send_mailing")
    assert tasks.count() == 3 and set(tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
    received = smtp.recipients()
    assert sorted(received) == sorted(p.email for p in people)


def test_a_major_update_with_a_note_goes_as_an_update_to_those_who_had_the_article(
    smtp, run_worker, publisher
):
    (reader,) = subscribers(1)
    (english,) = subscribers(1, language="en")
    daily = SubscriberFactory(email="daily@example.test")
    SubscriptionFactory(subscriber=daily, frequency=Subscription.Frequency.DAILY)
    article = ArticleFactory(draft=True)
    publish(article, publisher)
    run_worker()
    assert sorted(smtp.recipients()) == sorted([reader.email, english.email])
    (late,) = subscribers(1)  # subscribed after the article went out

    # A minor edit sends nothing; a major one without a note in English is sent in Russian.
    article.refresh_from_db()
    services.article_save(article=article, user=publisher)
    assert schedule.sweep()["updates"] == 0
    article.refresh_from_db()
    services.article_save(
        article=article,
        user=publisher,
        major=True,
        change_notes={"ru": "Исправлена дата заседания.", "en": ""},
    )
    assert schedule.sweep()["updates"] == 1
    run_worker()

    first, update = smtp.to(reader.email)
    assert first["Subject"] == article.title_ru
    assert update["Subject"].strip() == f"Обновлено: {article.title_ru}"
    assert update["Message-ID"] != first["Message-ID"]
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in ("plain", "html"):
        body = update.get_body((part,)).get_content()
        assert "Обновлено:" in body and "Исправлена дата заседания." in body
        assert article.get_absolute_url("ru") in body
    assert len(smtp.to(english.email)) == 1
    assert smtp.to(late.email) == []

    # Planned once: the next sweeps send nothing more.
    assert schedule.sweep()["updates"] == 0
    run_worker()
    assert len(smtp.recipients()) == 3

    # The daily subscriber gets the article once in the digest (the sweep queued it), and
    # not the update on its own.
    digest = DBTaskResult.objects.get(task_path="alerts.tasks.send_digests", status="READY")
    with time_machine.travel(digest.run_after + timedelta(seconds=1), tick=True):
        run_worker()
    (message,) = smtp.to(daily.email)
    assert article.title_ru in message.get_body(("plain",)).get_content()


def test_an_update_of_a_withdrawn_article_is_not_sent(smtp, run_worker, publisher):
    (reader,) = subscribers(1)
    article = ArticleFactory(draft=True, russian_only=True)
    publish(article, publisher)
    run_worker()
    article.refresh_from_db()
    services.article_save(
        article=article, user=publisher, major=True, change_notes={"ru": "Уточнение."}
    )
    services.article_withdraw(
        article=article,
        user=UserFactory(username="admin", role="Administrator"),
        mode="notice",
        reasons={"ru": "Ошибка.", "en": "A mistake."},
    )
    assert schedule.sweep()["updates"] == 0
    run_worker()
    assert smtp.recipients() == [reader.email]


def test_a_server_refusing_our_sender_is_waited_for_and_nothing_is_lost(
    smtp, run_worker, publisher
):
    people = subscribers(3)
    smtp.refuse_sender = True
    publish(ArticleFactory(draft=True, russian_only=True), publisher)
    run_worker()
    assert smtp.recipients() == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    retry = DBTaskResult.objects.get(task_path="alerts.tasks.send_mailing", status="READY")

    smtp.refuse_sender = False  # the mail server's setup is fixed
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=True):
        run_worker()
    assert sorted(smtp.recipients()) == sorted(p.email for p in people)


def test_an_email_that_cannot_be_made_fails_alone(smtp, run_worker, publisher, monkeypatch):
    from alerts import emails

    broken, *fine = subscribers(3)
    real = emails.ArticleEmail.message

    def message(self, subscriber):
        if subscriber.pk == broken.pk:
            raise ValueError("a broken template")
        return real(self, subscriber)

    monkeypatch.setattr(emails.ArticleEmail, "message", message)
    publish(ArticleFactory(draft=True, russian_only=True), publisher)
    run_worker()
    assert sorted(smtp.recipients()) == sorted(p.email for p in fine)
    failed = Delivery.objects.get(subscriber=broken)
    assert failed.status == "failed" and "broken template" in failed.error
    assert not Mailing.objects.filter(finished_at=None).exists()


CONSENT = {"kind": "all", "frequency": "immediate", "consent": "on"}


def test_the_confirmation_goes_through_the_worker_and_waits_for_a_server_that_is_down(
    client, smtp, run_worker, settings
):
    settings.EMAIL_PORT = free_port()  # down
    response = client.post("/en/alerts/subscribe/", {"email": "new@example.test", **CONSENT})
    assert response.status_code == 302
    run_worker()
    assert smtp.recipients() == []
    retry = DBTaskResult.objects.get(task_path="alerts.tasks.send_confirmation", status="READY")
    settings.EMAIL_PORT = smtp.port
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=True):
        run_worker()
    (message,) = smtp.to("new@example.test")
    assert "Confirm your subscription" in message["Subject"]
    assert "/en/alerts/confirm/" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe"] is None  # not a mailing: nothing to leave yet


def test_a_confirmation_refused_for_its_address_forgets_the_address(client, smtp, run_worker):
    smtp.hard.add("nobody@example.test")
    client.post("/en/alerts/subscribe/", {"email": "nobody@example.test", **CONSENT})
    run_worker()
    assert smtp.recipients() == []
    assert not Subscriber.objects.exists()


def test_the_unsubscribe_button_of_a_received_email_removes_the_address(
    smtp, run_worker, publisher
):
    """The mail client's button: RFC 8058's POST to the address in the email's own
    List-Unsubscribe header, without cookies or a CSRF token."""
    from urllib.parse import urlsplit

    from django.test import Client

    leaving, staying = subscribers(2)
    publish(ArticleFactory(draft=True), publisher)
    run_worker()
    (message,) = smtp.to(leaving.email)
    header = message["List-Unsubscribe"].strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(header).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert list(Subscriber.objects.all()) == [staying]
    # The manage link of the same email now leads nowhere.
    text = message.get_body(("plain",)).get_content()
    manage = next(word for word in text.split() if "/alerts/manage/" in word)
    assert Client().get(urlsplit(manage).path).status_code in (404, 410)


def test_an_article_withdrawn_before_the_worker_runs_is_not_sent(smtp, run_worker, publisher):
    subscribers(3)
    article = ArticleFactory(draft=True)
    publish(article, publisher)
    article.refresh_from_db()
    services.article_withdraw(
        article=article,
        user=UserFactory(username="admin", role="Administrator"),
        mode="notice",
        reasons={"ru": "Ошибка.", "en": "A mistake."},
    )
    run_worker()
    assert smtp.recipients() == []
    assert not Delivery.objects.filter(status=Delivery.Status.SENT).exists()
