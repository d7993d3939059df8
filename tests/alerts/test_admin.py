"""The admin: addresses only for the data role, counts per mailing for editors, a CSV
export a spreadsheet cannot run."""

import csv
import io

import pytest
from django.utils import timezone

from alerts.admin import safe_cell
from alerts.models import Delivery, Mailing, Subscriber
from tests.alerts.conftest import SubscriberFactory, SubscriptionFactory
from tests.factories import ArticleFactory, RubricFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(username="editor1", role="Editor"))
    return client


@pytest.fixture
def data_client(client):
    client.force_login(UserFactory(username="dpo", role="Subscriber data"))
    return client


def test_editors_see_no_subscriber_and_no_address(editor_client):
    subscriber = SubscriberFactory(email="secret@example.test")
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/alerts/subscriber/" not in index
    assert editor_client.get("/admin/alerts/subscriber/").status_code == 403
    change = f"/admin/alerts/subscriber/{subscriber.pk}/change/"
    assert editor_client.get(change).status_code == 403
    assert editor_client.get("/admin/alerts/subscription/").status_code == 404


def test_the_data_role_sees_subscribers_and_their_subscriptions(data_client):
    rubric = RubricFactory(name_ru="Таможенная статистика")
    subscriber = SubscriberFactory(email="reader@example.test")
    SubscriptionFactory(subscriber=subscriber, kind="rubric", rubric=rubric)
    listing = data_client.get("/admin/alerts/subscriber/")
    assert listing.status_code == 200
    assert "reader@example.test" in listing.content.decode()
    page = data_client.get(f"/admin/alerts/subscriber/{subscriber.pk}/change/").content.decode()
    assert "Таможенная статистика" in page
    # Suspending by hand; the address itself cannot be edited.
    response = data_client.post(
        f"/admin/alerts/subscriber/{subscriber.pk}/change/",
        {
            "suspended_at_0": timezone.localdate().isoformat(),
            "suspended_at_1": "10:00:00",
            "subscriptions-TOTAL_FORMS": "1",
            "subscriptions-INITIAL_FORMS": "1",
            "subscriptions-0-id": str(subscriber.subscriptions.get().pk),
            "subscriptions-0-subscriber": str(subscriber.pk),
            "subscriptions-0-frequency": "daily",
            "email": "someone-else@example.test",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscriber.refresh_from_db()
    assert subscriber.suspended_at is not None
    assert subscriber.email == "reader@example.test"
    assert subscriber.subscriptions.get().frequency == "daily"


def test_mailings_show_sent_to_n_failed_m_per_article(editor_client):
    article = ArticleFactory(title_ru="Итоги года")
    Mailing.objects.create(article=article, language="ru", due_at=timezone.now())
    people = SubscriberFactory.create_batch(5)
    statuses = ["sent", "sent", "sent", "failed", "pending"]
    for person, status in zip(people, statuses, strict=True):
        Delivery.objects.create(article=article, subscriber=person, language="ru", status=status)
    page = editor_client.get("/admin/alerts/mailing/").content.decode()
    assert "Итоги года" in page
    assert '<td class="field-sent_count">3</td>' in page
    assert '<td class="field-failed_count">1</td>' in page
    assert '<td class="field-waiting_count">1</td>' in page
    assert "@example.test" not in page


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain@example.test", "plain@example.test"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_quoted(value, cell):
    assert safe_cell(value) == cell


def test_csv_export_of_the_selected_subscribers(data_client):
    dangerous = SubscriberFactory(email="=cmd|'/c calc'!a0@example.test")
    SubscriptionFactory(subscriber=dangerous)
    plain = SubscriberFactory(email="plain@example.test", language="en")
    response = data_client.post(
        "/admin/alerts/subscriber/",
        {"action": "export_csv", "_selected_action": [dangerous.pk, plain.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="subscribers-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["email", "language"]
    emails = {row[0] for row in rows[1:]}
    assert emails == {"'=cmd|'/c calc'!a0@example.test", "plain@example.test"}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_editors_cannot_export(editor_client):
    subscriber = SubscriberFactory()
    response = editor_client.post(
        "/admin/alerts/subscriber/", {"action": "export_csv", "_selected_action": [subscriber.pk]}
    )
    assert response.status_code == 403
    assert Subscriber.objects.count() == 1
