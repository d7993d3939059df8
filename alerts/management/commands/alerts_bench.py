"""The alerts' benchmark: one article sent to N subscribers through a real worker process.

Fills N confirmed subscribers (addresses under bench.invalid, which no mail system
delivers), publishes one article to them, and runs `manage.py db_worker --batch` as a
child process against a local SMTP sink (aiosmtpd, in this process) that counts what it
accepts. Prints emails per second and the worker's peak memory, for each size asked, so
that memory can be seen to stay flat as the list grows. Its rows are deleted afterwards.

    DATABASE_URL=postgres://... manage.py alerts_bench --sizes 10000,100000
"""

import logging
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

DOMAIN = "bench.invalid"


class CountingSink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
        return "250 OK"


class Command(BaseCommand):
    help = "Send one article to N subscribers through the worker; print emails/s and memory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="100000",
            help="Comma-separated subscriber counts, one run each (default: 100000).",
        )
        parser.add_argument("--port", type=int, default=0, help="SMTP sink port (0: any).")

    def handle(self, *args, sizes, port, **options):
        try:
            from aiosmtpd.controller import Controller
        except ImportError as exc:
            raise CommandError("The benchmark needs aiosmtpd: pip install -e '.[test]'") from exc
        if connection.vendor != "postgresql":
            self.stderr.write("Note: not PostgreSQL; the figure is not the production one.")
        try:
            counts = [int(size) for size in sizes.split(",") if size.strip()]
        except ValueError as exc:
            raise CommandError("--sizes takes whole numbers, comma-separated") from exc
        # aiosmtpd logs every SMTP command at INFO, in this process: that would slow the sink.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sink = CountingSink()
        controller = Controller(sink, hostname="127.0.0.1", port=port or self._free_port())
        controller.start()
        self.stdout.write("Email alerts: one article through a worker process to N subscribers")
        results = []
        try:
            for count in counts:
                results.append((count, self._run(count, sink, controller.port)))
        finally:
            controller.stop()
            self._clean()
        if len(results) > 1:
            (small, low), (large, high) = results[0], results[-1]
            # Flat: the batches keep the worker's memory within a tenth of the small run's
            # (issue 22's target), however many more addresses there are.
            flat = high <= low * 1.10
            self.stdout.write(
                f"Worker peak memory: {low:.0f} MB for {small} subscribers, {high:.0f} MB for "
                f"{large} ({large / small:.0f}× as many): {high - low:+.0f} MB — "
                f"{'flat (target: within 10 %)' if flat else 'GROWS (target: within 10 %)'}"
            )

    @staticmethod
    def _free_port() -> int:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def _run(self, count: int, sink: CountingSink, port: int) -> float:
        """Fill, send, print the figures; return the worker's peak memory in MB."""
        from alerts.models import Subscriber, Subscription
        from alerts.services import article_published
        from news.models import Article

        self._clean()
        started = time.perf_counter()
        now = timezone.now()
        chunk = 5000
        for first in range(0, count, chunk):
            people = Subscriber.objects.bulk_create(
                [
                    Subscriber(
                        email=f"reader{n}@{DOMAIN}", language="ru", confirmed_at=now, consent_at=now
                    )
                    for n in range(first, min(first + chunk, count))
                ]
            )
            Subscription.objects.bulk_create(
                [Subscription(subscriber=person, kind=Subscription.Kind.ALL) for person in people]
            )
        article = Article.objects.create(
            title_ru=f"Тестовая рассылка {DOMAIN}",
            lead_ru="Проверка скорости рассылки.",
            body_ru="<p>Текст.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(seconds=1),
            kind=Article.Kind.NEWS,
        )
        self.stdout.write(f"{count} subscribers filled in {time.perf_counter() - started:.1f} s")
        article_published(article=article, languages=["ru"])  # enqueues (autocommit)
        before = sink.count
        environment = {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        started = time.perf_counter()
        worker = subprocess.Popen(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--queue-name",
                "default",
                "--verbosity",
                "0",
            ],
            env={**os.environ, **environment},
        )
        peak_kb = 0
        while worker.poll() is None:
            peak_kb = max(peak_kb, self._peak_kb(worker.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        sent = sink.count - before
        peak_mb = peak_kb / 1024
        if worker.returncode != 0:
            raise CommandError(f"The worker exited with {worker.returncode}")
        self.stdout.write(
            f"{count} subscribers: {sent} emails in {elapsed:.1f} s = {sent / elapsed:.0f} "
            f"emails/s; worker peak memory {peak_mb:.0f} MB"
        )
        if sent != count:
            raise CommandError(f"Expected {count} emails, the sink received {sent}.")
        return peak_mb

    @staticmethod
    def _peak_kb(pid: int) -> int:
        """The process's peak resident memory so far (Linux: VmHWM), in kB."""
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _clean(self) -> None:
        from alerts.models import Subscriber
        from news.models import Article

        Article.objects.filter(title_ru=f"Тестовая рассылка {DOMAIN}").delete()
        Subscriber.objects.filter(email__endswith=f"@{DOMAIN}").delete()
