"""The worker as it runs in production, a `manage.py db_worker` process of its own, killed
with SIGKILL in the middle of a batch and started again: every email arrives, none twice.

The SMTP server (aiosmtpd, in the test process) holds its answer to the email the worker
is sending when it is killed, so that email was not accepted and must be sent again. The
worker process reads the test database: on PostgreSQL the test database itself; on SQLite
(an in-memory test database, invisible to another process) a copy in a file, copied back
afterwards for the assertions.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from alerts import tokens
from alerts.models import Delivery, Mailing, Subscriber
from news import services
from tests.alerts.conftest import Sink, SubscriberFactory, SubscriptionFactory
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLAIM_SECONDS = 2


class HoldingSink(Sink):
    """Accepts `accept` emails, then holds its answer to the next until told to drop it."""

    def __init__(self, accept: int):
        super().__init__()
        self.accept = accept
        self.holding = threading.Event()
        self.drop = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if not self.drop.is_set() and len(self.messages) >= self.accept:
            self.holding.set()
            while not self.drop.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Connection lost before the answer"
        return await super().handle_DATA(server, session, envelope)


class WorkerDatabase:
    """Where a worker process finds the test database, and how to see what it wrote."""

    def __init__(self, tmp_path: Path):
        self.file = None
        if connection.vendor == "sqlite":
            self.file = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.file}"
        else:
            s = connection.settings_dict
            self.url = (
                f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
                f"{s['PORT'] or 5432}/{s['NAME']}"
            )

    def _raw(self):
        connection.ensure_connection()
        return connection.connection

    def publish(self) -> None:
        """Give the worker what this process wrote."""
        if self.file is not None:
            target = sqlite3.connect(self.file)
            self._raw().backup(target)
            target.close()

    def collect(self) -> None:
        """See here what the worker wrote."""
        if self.file is not None:
            source = sqlite3.connect(self.file)
            source.backup(self._raw())
            source.close()


def manage(database: WorkerDatabase, port: int, *args, **extra) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "FCS_SITE_URL": "https://press.customs.example",
        "FCS_ALERTS_BATCH_SIZE": "5",
        "FCS_ALERTS_CLAIM_SECONDS": str(CLAIM_SECONDS),
        **extra,
    }
    environment.pop("CACHE_URL", None)
    environment.pop("REDIS_URL", None)
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]
    return subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True)


def worker(database, port, *, batch=True, **extra) -> subprocess.Popen:
    """`manage.py db_worker`: with `batch`, it stops when the queue is empty (tests wait for
    it); without, it runs as a service does until it is stopped."""
    return manage(
        database,
        port,
        "db_worker",
        *(["--batch", "--interval", "0"] if batch else ["--interval", "0.2"]),
        "--no-reload",
        "--no-startup-delay",
        "--verbosity",
        "0",
        **extra,
    )


@pytest.fixture
def holding_smtp():
    from aiosmtpd.controller import Controller

    from tests.alerts.conftest import free_port

    sink = HoldingSink(accept=7)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    sink.drop.set()
    controller.stop()


def twelve_subscribers_and_a_publication(tmp_path):
    """Twelve addresses following all news, an article just published for them, and the
    database as a worker process will read it."""
    people = SubscriberFactory.create_batch(12)
    for person in people:
        SubscriptionFactory(subscriber=person)
    article = ArticleFactory(draft=True, russian_only=True)
    services.article_publish(
        article=article, user=UserFactory(username="chief", role="Editor"), reason="Tests."
    )
    database = WorkerDatabase(tmp_path)
    database.publish()
    return people, article, database


def stop(process) -> None:
    """SIGTERM, as a service manager stops a worker; SIGKILL if it does not stop in time."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise


def killed_mid_batch(process, smtp) -> None:
    """SIGKILL the worker while the SMTP server holds its answer to the 8th email (batches
    of 5: in the second batch); that email was not accepted."""
    held = smtp.holding.wait(timeout=60)
    process.send_signal(signal.SIGKILL)  # also when it sent nothing: no worker outlives us
    assert process.wait(timeout=10) == -signal.SIGKILL
    assert held, "the worker sent nothing"
    smtp.drop.set()
    assert len(smtp.recipients()) == 7


def each_sent_once(smtp, people, article, database) -> None:
    """Every address received the article once, and the database says so."""
    received = smtp.recipients()
    assert sorted(received) == sorted(person.email for person in people)
    assert len(received) == len(set(received)) == len(people)
    database.collect()
    sent = Delivery.objects.filter(status=Delivery.Status.SENT)
    assert sent.count() == len(people)
    assert Mailing.objects.get(article=article).finished_at is not None


def test_a_worker_killed_mid_batch_and_restarted_sends_every_email_once(holding_smtp, tmp_path):
    smtp = holding_smtp
    people, article, database = twelve_subscribers_and_a_publication(tmp_path)

    # Batches of 5: the second batch is being sent when the worker is killed.
    first = worker(database, smtp.port)
    killed_mid_batch(first, smtp)

    # Started again: once the dead worker's claims have expired, the sweep gives its
    # mailing to the new worker.
    time.sleep(CLAIM_SECONDS + 0.5)
    sweep = manage(database, smtp.port, "alerts_sweep")
    output, _errors = sweep.communicate(timeout=60)
    assert sweep.returncode == 0 and "mailings resumed: 1" in output, output
    second = worker(database, smtp.port)
    assert second.wait(timeout=120) == 0

    each_sent_once(smtp, people, article, database)
    # The emails the new worker sent carry links this site reads.
    last = smtp.to(people[-1].email)[0]
    link = last["List-Unsubscribe"].strip().strip("<>")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Subscriber.objects.get(pk=tokens.read_manage(token)[0]) == people[-1]


def test_after_a_crash_the_sweep_chain_resumes_the_mailing_with_no_one_at_the_keyboard(
    holding_smtp, tmp_path
):
    """As in production: `alerts_schedule` ran at deployment, a worker dies mid-batch, a
    worker is started again as a service and nobody runs anything by hand. The sweep that
    was waiting in the queue comes due, gives the dead worker's mailing to the new worker
    and enqueues the next sweep; every email arrives once."""
    from django_tasks_db.models import DBTaskResult

    smtp = holding_smtp
    people, article, database = twelve_subscribers_and_a_publication(tmp_path)
    often = {"FCS_ALERTS_SWEEP_SECONDS": "1"}
    scheduled = manage(database, smtp.port, "alerts_schedule", **often)
    output, _errors = scheduled.communicate(timeout=60)
    assert scheduled.returncode == 0 and "sweep: enqueued" in output, output

    first = worker(database, smtp.port, **often)
    killed_mid_batch(first, smtp)

    service = worker(database, smtp.port, batch=False, **often)
    try:
        deadline = time.monotonic() + 90
        while len(smtp.recipients()) < 12 and time.monotonic() < deadline:
            assert service.poll() is None, "the worker stopped"
            time.sleep(0.2)
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        stop(service)

    each_sent_once(smtp, people, article, database)
    # The chain goes on: a next sweep is waiting.
    assert DBTaskResult.objects.filter(task_path="alerts.tasks.sweep", status="READY").exists()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the benchmark's worker process reads the database the command fills",
)
def test_the_benchmark_prints_emails_per_second_and_the_workers_memory(
    tmp_path, monkeypatch, settings
):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("DATABASE_URL", WorkerDatabase(tmp_path).url)
    monkeypatch.setenv("DJANGO_SECRET_KEY", settings.SECRET_KEY)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "localhost")
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    output = StringIO()
    call_command("alerts_bench", sizes="20,60", stdout=output)
    text = output.getvalue()
    assert "20 subscribers: 20 emails in" in text and "60 subscribers: 60 emails in" in text
    assert "emails/s; worker peak memory" in text
    assert "Worker peak memory:" in text and "(3× as many)" in text
    assert "— flat (target: within 10 %)" in text  # 20 or 60 addresses: the same batches
    assert not Subscriber.objects.exists()  # its rows are deleted afterwards


class SlowSink(Sink):
    """Takes a moment over each email, so that workers running together overlap."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="several workers share a mailing through PostgreSQL's row locks (SKIP LOCKED)",
)
def test_three_workers_at_once_share_a_mailing_and_send_each_email_once(tmp_path):
    from aiosmtpd.controller import Controller

    from tests.alerts.conftest import free_port

    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        people = SubscriberFactory.create_batch(60)
        for person in people:
            SubscriptionFactory(subscriber=person)
        article = ArticleFactory(draft=True, russian_only=True)
        services.article_publish(
            article=article, user=UserFactory(username="chief", role="Editor"), reason="Tests."
        )
        database = WorkerDatabase(tmp_path)
        extra = {"FCS_ALERTS_TASKS_PER_MAILING": "3"}
        workers = [worker(database, controller.port, **extra) for _ in range(3)]
        for process in workers:
            assert process.wait(timeout=180) == 0
    finally:
        controller.stop()

    received = sink.recipients()
    assert sorted(received) == sorted(person.email for person in people)
    assert len(received) == len(set(received)) == 60
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 60
    assert Mailing.objects.get(article=article).finished_at is not None
