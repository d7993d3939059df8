"""Subscribing, confirming, managing and leaving, in both languages; and bad input."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts import schedule, tokens
from alerts.models import Subscriber, Subscription
from tests.alerts.conftest import SubscriberFactory, SubscriptionFactory
from tests.factories import BodyFactory, RubricFactory, TopicFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = {"ru": "/ru/alerts/subscribe/", "en": "/en/alerts/subscribe/"}


def form_data(**overrides):
    data = {
        "email": "Reader@Example.test",
        "kind": "all",
        "frequency": "immediate",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def send_queued_confirmations():
    """What the worker does with the queued confirmation emails (locmem outbox here)."""
    for result in DBTaskResult.objects.filter(
        task_path="alerts.tasks.send_confirmation", status="READY"
    ):
        schedule.confirmation_send(result.args_kwargs["args"][0])
        result.delete()


def confirm_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/(ru|en)/alerts/confirm/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def subscribe(client, language="ru", query="", capture=None, **data):
    with capture(execute=True):
        response = client.post(SUBSCRIBE[language] + query, form_data(**data))
    send_queued_confirmations()
    return response


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_subscribe_page_in_both_languages_is_never_cached(client, language):
    response = client.get(SUBSCRIBE[language])
    assert response.status_code == 200
    page = response.content.decode()
    heading = {"ru": "Получать новости по почте", "en": "Get email alerts"}[language]
    assert f"<h1>{heading}</h1>" in page
    consent = {"ru": "персональные данные", "en": "personal data"}[language]
    assert consent in page.lower()
    # The consent text itself, in the page's language, and its required checkbox.
    processes = {
        "ru": "Федеральная таможенная служба обрабатывает ваш адрес электронной почты",
        "en": "The Federal Customs Service processes your email address",
    }[language]
    assert processes in " ".join(page.split())
    assert 'type="checkbox" name="consent"' in page and "required" in page
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize(
    ("parameter", "make", "label"),
    [
        ("rubric", RubricFactory, "Новости рубрики «{}»"),
        ("topic", TopicFactory, "Новости по теме «{}»"),
        ("body", BodyFactory, "Новости об органе ВТамО «{}»"),
    ],
)
def test_a_link_from_a_rubric_topic_or_body_offers_it(client, parameter, make, label):
    target = make()
    page = client.get(SUBSCRIBE["ru"], {parameter: target.slug}).content.decode()
    assert label.format(target.name_ru) in page
    assert client.get(SUBSCRIBE["ru"], {parameter: "no-such-slug"}).status_code == 404


def test_double_opt_in(client, django_capture_on_commit_callbacks):
    rubric = RubricFactory()
    response = subscribe(
        client,
        "en",
        query=f"?rubric={rubric.slug}",
        capture=django_capture_on_commit_callbacks,
        kind="rubric",
        frequency="daily",
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru/alerts/subscribe/requested/".replace("/ru/", "/en/")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.test"
    assert subscriber.confirmed_at is None and not subscriber.subscriptions.exists()

    (message,) = mail.outbox
    assert message.to == ["reader@example.test"]
    assert "Confirm your subscription" in message.subject
    link = confirm_link(message)
    assert link.startswith("/en/alerts/confirm/")
    # Opening the link (as mail scanners do) confirms nothing; the button does.
    assert client.get(link).status_code == 200
    assert Subscriber.objects.get().confirmed_at is None
    response = client.post(link)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None and subscriber.consent_at is not None
    assert subscriber.language == "en"
    subscription = subscriber.subscriptions.get()
    assert (subscription.kind, subscription.rubric, subscription.frequency) == (
        "rubric",
        rubric,
        "daily",
    )
    assert "/en/alerts/manage/" in response.content.decode()


def test_a_second_request_within_the_hour_sends_nothing_and_answers_the_same(
    client, django_capture_on_commit_callbacks
):
    first = subscribe(client, capture=django_capture_on_commit_callbacks)
    second = subscribe(
        client, capture=django_capture_on_commit_callbacks, email="reader@example.test"
    )
    assert len(mail.outbox) == 1
    unknown = subscribe(
        client, capture=django_capture_on_commit_callbacks, email="new@example.test"
    )
    assert first["Location"] == second["Location"] == unknown["Location"]
    assert len(mail.outbox) == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        subscribe(client, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def test_a_known_address_answers_as_an_unknown_one(client, django_capture_on_commit_callbacks):
    SubscriptionFactory(subscriber=SubscriberFactory(email="known@example.test"))
    known = subscribe(
        client, capture=django_capture_on_commit_callbacks, email="known@example.test"
    )
    unknown = subscribe(
        client, capture=django_capture_on_commit_callbacks, email="else@example.test"
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content


def test_confirming_adds_to_a_known_address_without_a_second_one(
    client, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="known@example.test")
    SubscriptionFactory(subscriber=subscriber)
    topic = TopicFactory()
    subscribe(
        client,
        query=f"?topic={topic.slug}",
        capture=django_capture_on_commit_callbacks,
        email="KNOWN@example.test",
        kind="topic",
    )
    client.post(confirm_link(mail.outbox[0]))
    assert Subscriber.objects.count() == 1
    assert sorted(subscriber.subscriptions.values_list("kind", flat=True)) == ["all", "topic"]


@pytest.mark.parametrize(
    "email",
    [
        "not-an-address",
        "a@b",
        "x" * 250 + "@example.test",
        "reader@example.test\r\nBcc: victim@example.test",
        "reader@example.test\nBcc: victim@example.test",
        "reader@example.test\n",
        "reader@exa\x00mple.test",
        "",
    ],
)
def test_bad_addresses_get_a_form_error_and_nothing_is_saved(client, email):
    response = client.post(SUBSCRIBE["en"], form_data(email=email))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the errors below." in page
    assert not Subscriber.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"consent": None},
        {"kind": "rubric"},  # no rubric named by the link
        {"kind": "all\r\nX-Injected: 1"},
        {"frequency": "hourly"},
        {"frequency": "immediate\nBcc: x@example.test"},
    ],
)
def test_other_bad_fields_get_a_form_error(client, overrides):
    response = client.post(SUBSCRIBE["en"], form_data(**overrides))
    assert response.status_code == 200
    assert "Please correct the errors below." in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "query", ["?rubric=%0D%0ABcc:x", "?topic=" + "a" * 500, "?body=%00", "?rubric=ру"]
)
def test_a_malformed_target_is_a_404_page(client, query):
    response = client.get(SUBSCRIBE["en"] + query)
    assert response.status_code == 404


def test_floods_from_one_address_are_throttled(client, settings):
    settings.FCS_ALERTS_REQUESTS_PER_HOUR = 3
    for n in range(3):
        response = client.post(SUBSCRIBE["en"], form_data(email=f"r{n}@example.test"))
        assert response.status_code == 302
    response = client.post(SUBSCRIBE["en"], form_data(email="more@example.test"))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests" in response.content.decode()
    assert Subscriber.objects.count() == 3
    # Another address is not held back.
    other = client.post(
        SUBSCRIBE["en"], form_data(email="other@example.test"), REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302


def _request_token(subscriber, **overrides):
    fields = {
        "subscriber_id": subscriber.pk,
        "key": subscriber.token_key,
        "language": "en",
        "kind": "all",
        "target_id": None,
        "frequency": "immediate",
    }
    fields.update(overrides)
    return tokens.confirmation_token(tokens.Request(**fields))


def test_tampered_and_expired_confirmation_links(client, settings):
    subscriber = SubscriberFactory(confirmed_at=None)
    token = _request_token(subscriber)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in [tampered, "nonsense", "x" * 2000, token[:20]]:
        for method in (client.get, client.post):
            response = method(f"/en/alerts/confirm/{bad}/")
            assert response.status_code == 404
            assert "This link does not work" in response.content.decode()
    later = timezone.now() + timedelta(hours=settings.FCS_ALERTS_CONFIRM_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.post(f"/en/alerts/confirm/{token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_a_signed_link_with_a_forged_payload_is_refused(client):
    subscriber = SubscriberFactory(confirmed_at=None)
    # Signed with our key, but not a request we made (a wrong shape, a foreign key).
    for payload in ["hello", [subscriber.pk], [subscriber.pk, "k", "en", "all", None, "x"]]:
        forged = signing.dumps(payload, salt=tokens.CONFIRM_SALT, compress=True)
        assert client.post(f"/en/alerts/confirm/{forged}/").status_code in {404, 400}
    wrong_kind = _request_token(subscriber, kind="everything")
    assert client.post(f"/en/alerts/confirm/{wrong_kind}/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None and not subscriber.subscriptions.exists()


def test_manage_preferences_by_signed_link(client):
    subscriber = SubscriberFactory(email="me@example.test")
    everything = SubscriptionFactory(subscriber=subscriber)
    rubric = SubscriptionFactory(subscriber=subscriber, kind="rubric", rubric=RubricFactory())
    url = f"/ru/alerts/manage/{tokens.manage_token(subscriber)}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "me@example.test" in response.content.decode()

    response = client.post(
        url,
        {
            "language": "en",
            f"frequency_{everything.pk}": "daily",
            f"frequency_{rubric.pk}": "immediate",
            f"remove_{rubric.pk}": "on",
        },
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.language == "en"
    assert list(subscriber.subscriptions.values_list("kind", "frequency")) == [("all", "daily")]

    bad = client.post(url, {"language": "de", f"frequency_{everything.pk}": "daily"})
    assert bad.status_code == 200
    assert "Исправьте ошибки ниже." in bad.content.decode()

    # Removing the last subscription deletes the address.
    response = client.post(
        url,
        {"language": "en", f"frequency_{everything.pk}": "daily", f"remove_{everything.pk}": "on"},
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert client.get(url).status_code == 404


def test_one_click_unsubscribe_from_a_mail_client(client):
    """RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`, without cookies or a
    CSRF token."""
    csrf_client = client.__class__(enforce_csrf_checks=True)
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber)
    url = f"/en/alerts/unsubscribe/{tokens.manage_token(subscriber)}/"
    # Opening it asks first.
    assert csrf_client.get(url).status_code == 200
    assert Subscriber.objects.exists()
    response = csrf_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()
    # Pressed again: still fine.
    again = csrf_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert again.status_code == 200


def test_an_unsubscribe_link_of_an_address_that_left_and_came_back_is_void(client):
    subscriber = SubscriberFactory(email="back@example.test")
    old = tokens.manage_token(subscriber)
    subscriber.delete()
    SubscriberFactory(email="back@example.test")
    client.post(f"/en/alerts/unsubscribe/{old}/")
    assert Subscriber.objects.filter(email="back@example.test").exists()
    assert client.get(f"/en/alerts/manage/{old}/").status_code == 404
    assert client.get("/en/alerts/manage/garbage/").status_code == 404


def test_unconfirmed_addresses_are_forgotten_when_their_link_expires(settings):
    stale = SubscriberFactory(confirmed_at=None, confirmation_sent_at=timezone.now())
    later = timezone.now() + timedelta(hours=settings.FCS_ALERTS_CONFIRM_HOURS, minutes=1)
    fresh = SubscriberFactory(confirmed_at=None, confirmation_sent_at=later)
    confirmed = SubscriberFactory(confirmation_sent_at=timezone.now())
    with time_machine.travel(later, tick=False):
        assert schedule.sweep()["forgotten"] == 1
    assert set(Subscriber.objects.all()) == {fresh, confirmed}
    assert not Subscriber.objects.filter(pk=stale.pk).exists()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_lists_rubrics_topics_and_bodies_link_to_the_subscribe_page_and_stay_cacheable(
    client, language
):
    from django.utils import translation

    rubric, topic, body = RubricFactory(), TopicFactory(), BodyFactory()
    subscribe = f"/{language}/alerts/subscribe/"
    with translation.override(language):
        pages = {
            f"/{language}/news/": f'href="{subscribe}"',
            rubric.get_absolute_url(): f"{subscribe}?rubric={rubric.slug}",
            topic.get_absolute_url(): f"{subscribe}?topic={topic.slug}",
            body.get_absolute_url(): f"{subscribe}?body={body.slug}",
        }
    label = {"ru": "Получать новости по почте", "en": "Get email alerts"}[language]
    for url, link in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert link in page and label in page, url
        assert "csrfmiddlewaretoken" not in page
        assert not response.cookies, url
        assert "private" not in response.get("Cache-Control", ""), url


KIND_LABELS = {
    "ru": {
        "all": "Все новости",
        "press_releases": "Только пресс-релизы",
        "rubric": "Новости рубрики «{}»",
        "topic": "Новости по теме «{}»",
        "body": "Новости об органе ВТамО «{}»",
    },
    "en": {
        "all": "All news",
        "press_releases": "Press releases only",
        "rubric": "News in the rubric “{}”",
        "topic": "News on the topic “{}”",
        "body": "News on the WCO body “{}”",
    },
}


@pytest.mark.parametrize("frequency", ["immediate", "daily"])
@pytest.mark.parametrize("kind", ["all", "press_releases", "rubric", "topic", "body"])
@pytest.mark.parametrize("language", ["ru", "en"])
def test_subscribing_from_its_page_in_either_language(
    client, django_capture_on_commit_callbacks, language, kind, frequency
):
    """From the news list, a rubric's, a topic's or a body's page: follow the link, choose,
    confirm from the email; the subscription is what was chosen, in the page's language."""
    from django.utils import translation

    targets = {"rubric": RubricFactory, "topic": TopicFactory, "body": BodyFactory}
    target = targets[kind]() if kind in targets else None
    with translation.override(language):
        start = target.get_absolute_url() if target else f"/{language}/news/"
    page = client.get(start).content.decode()
    links = re.findall(rf'href="(/{language}/alerts/subscribe/[^"]*)"', page)
    link = next(href for href in links if "?" in href) if target else links[0]
    form_page = client.get(link.replace("&amp;", "&"))
    assert form_page.status_code == 200
    label = KIND_LABELS[language][kind]
    if target is not None:
        label = label.format(getattr(target, f"name_{language}"))
    assert label in form_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link.replace("&amp;", "&"),
            form_data(email=f"{kind}.{frequency}@example.test", kind=kind, frequency=frequency),
        )
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/alerts/subscribe/requested/"
    send_queued_confirmations()
    (message,) = mail.outbox
    assert "\n" not in message.subject
    expected_subject = {"ru": "Подтвердите подписку", "en": "Confirm your subscription"}
    assert expected_subject[language] in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert not Subscription.objects.exists()  # nothing until confirmed

    confirmed = client.post(confirm_link(message))
    assert confirmed.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.kind == kind and subscription.frequency == frequency
    assert subscription.target == target
    assert subscription.subscriber.language == language
    assert subscription.subscriber.email == f"{kind}.{frequency}@example.test"


@pytest.mark.parametrize(
    "overrides",
    [
        {"language": "en\r\nBcc: victim@example.test"},
        {"frequency": "daily\nX-Injected: 1"},
        {"frequency": "x" * 5000},
    ],
)
def test_header_injection_on_the_preferences_page_is_a_form_error_and_changes_nothing(
    client, overrides
):
    subscriber = SubscriberFactory(language="ru")
    subscription = SubscriptionFactory(subscriber=subscriber)
    url = f"/en/alerts/manage/{tokens.manage_token(subscriber)}/"
    data = {"language": "en", f"frequency_{subscription.pk}": "daily"}
    if "frequency" in overrides:
        data[f"frequency_{subscription.pk}"] = overrides["frequency"]
    else:
        data.update(overrides)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Please correct the errors below." in response.content.decode()
    subscriber.refresh_from_db()
    subscription.refresh_from_db()
    assert subscriber.language == "ru" and subscription.frequency == "immediate"


def test_tampered_manage_and_unsubscribe_links_change_nothing(client, settings):
    """A preferences or unsubscribe link that was edited, cut short, signed for something
    else, or of an address whose key has changed, is a clear 'does not work' page, and the
    address and its subscriptions stay as they were."""
    settings.FCS_ALERTS_BAD_LINKS_PER_HOUR = 100  # 20 bad links here: none throttled
    subscriber = SubscriberFactory(email="keep@example.test")
    SubscriptionFactory(subscriber=subscriber)
    good = tokens.manage_token(subscriber)
    stale_key = signing.dumps([subscriber.pk, "not-its-key"], salt=tokens.MANAGE_SALT)
    other_salt = signing.dumps([subscriber.pk, subscriber.token_key], salt=tokens.CONFIRM_SALT)
    bad_links = [
        good[:-2] + ("zz" if not good.endswith("zz") else "yy"),
        good[:15],
        "%00",
        "é" * 300,
    ]
    for page in ("manage", "unsubscribe"):
        for bad in [*bad_links, other_salt] + ([stale_key] if page == "manage" else []):
            for method in (client.get, client.post):
                response = method(f"/en/alerts/{page}/{bad}/", {"List-Unsubscribe": "One-Click"})
                assert response.status_code == 404, (page, bad)
                assert "This link does not work" in response.content.decode()
    # An unsubscribe link whose address has already left (its key is not the address's
    # now) says "unsubscribed" again, and deletes nothing.
    for method in (client.get, client.post):
        response = method(f"/en/alerts/unsubscribe/{stale_key}/")
        assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.subscriptions.count() == 1
    # The real link still works.
    assert client.get(f"/en/alerts/manage/{good}/").status_code == 200


def test_opening_link_after_link_that_does_not_work_is_throttled(client, settings):
    settings.FCS_ALERTS_BAD_LINKS_PER_HOUR = 3
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber)
    good = tokens.manage_token(subscriber)
    for n in range(3):
        assert client.get(f"/en/alerts/manage/guess{n}/").status_code == 404
    for page in ("manage", "unsubscribe", "confirm"):
        response = client.post(f"/en/alerts/{page}/guess-more/")
        assert response.status_code == 429
        assert response["Retry-After"] == "3600"
        assert "Too many links that do not work" in response.content.decode()
    # A link that works is never held back (a mail provider's one-click unsubscribe comes
    # from addresses shared by many), and another client address is not either.
    assert client.get(f"/en/alerts/manage/{good}/").status_code == 200
    other = client.get("/ru/alerts/manage/guess/", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 404
    assert "Ссылка недействительна" in other.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_the_press_releases_page_offers_press_releases_only_already_chosen(client):
    from tests.factories import ArticleFactory

    ArticleFactory(kind="press_release")
    page = client.get("/en/news/press-releases/").content.decode()
    link = re.search(r'<p class="alerts-link"><a href="([^"]+)">', page).group(1)
    assert link == "/en/alerts/subscribe/?kind=press_releases"
    form = client.get(link).content.decode()
    checked = re.search(r'<input type="radio" name="kind" value="([a-z_]+)"[^>]* checked', form)
    assert checked and checked.group(1) == "press_releases"
    # The plain page starts on all news.
    plain = client.get(SUBSCRIBE["en"]).content.decode()
    checked = re.search(r'<input type="radio" name="kind" value="([a-z_]+)"[^>]* checked', plain)
    assert checked.group(1) == "all"
    for bad in ("everything", "", "press_releases%0A", "rubric"):
        assert client.get(f"{SUBSCRIBE['en']}?kind={bad}").status_code == 404
    response = client.post(link, form_data(kind="press_releases"))
    assert response.status_code == 302
