"""Who may see what of the alerts in the admin. Addresses are personal data: a role of their
own ("Subscriber data") sees, suspends and deletes them; editors see each mailing's counts,
which name nobody."""

from django.db import migrations

from committees.roles import granting

SUBSCRIBER_DATA = [
    "alerts.view_subscriber_data",
    "alerts.view_subscriber",
    "alerts.change_subscriber",
    "alerts.delete_subscriber",
    "alerts.view_subscription",
    "alerts.change_subscription",
    "alerts.delete_subscription",
]
MAILINGS = ["alerts.view_mailing"]
ROLES = {"Subscriber data": SUBSCRIBER_DATA, "Editor": MAILINGS, "Administrator": MAILINGS}


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_subscriber_subscription_delivery"),
        ("news", "0006_editorial_roles"),
    ]

    operations = [granting(ROLES)]
