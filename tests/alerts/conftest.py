"""A real SMTP server (aiosmtpd) on a free port, the worker run in this process, and
factories for subscribers."""

import logging
import socket
import threading
from email import message_from_bytes, policy

import factory
import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from alerts.models import Subscriber, Subscription

# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """Keeps every message it accepted; refuses the recipients it is told to refuse."""

    def __init__(self):
        self.messages = []
        self.hard = set()  # 550: no such mailbox
        self.soft = set()  # 452: try again later
        self.refuse_sender = False  # 553: our sender address is not allowed
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return "553 5.7.1 Sender address rejected: not owned by user"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.hard:
            return "550 5.1.1 No such mailbox"
        if address in self.soft:
            return "452 4.2.2 Mailbox full, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        with self.lock:
            return [to for tos, _message in self.messages for to in tos]

    def to(self, address: str):
        with self.lock:
            return [message for tos, message in self.messages if address in tos]


@pytest.fixture
def smtp_server():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """Django's SMTP backend, pointed at the real server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "press@customs.example"
    settings.FCS_SITE_URL = "https://press.customs.example"
    return smtp_server


@pytest.fixture
def run_worker():
    """Run `manage.py db_worker --batch` here: every task that is due, then return."""

    def run():
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
        )

    return run


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.test")
    language = "ru"
    confirmed_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    kind = Subscription.Kind.ALL
    frequency = Subscription.Frequency.IMMEDIATE
