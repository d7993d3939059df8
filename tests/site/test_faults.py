"""Faults: the database stops or hangs, the cache server stops, a migration fails half-way."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ArticleFactory
from tests.site.tcp_proxy import TcpProxy

ROOT = Path(settings.BASE_DIR)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a PostgreSQL server to cut off"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App:
    """The site under gunicorn in a subprocess, spoken to over HTTP."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.log = ROOT / "test-artifacts" / f"fault-app-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
        self.env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "tests.site.fault_settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "fault-test-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONPATH": str(ROOT),
            **env,
        }

    def __enter__(self):
        self.output = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "fcs_site.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + self.log.read_text()[-2000:])

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.output.close()

    def get(self, path):
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, dict(response.getheaders()), body, time.perf_counter() - started


def database_url(port: int) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@127.0.0.1:{port}/{db['NAME']}"


def assert_branded_503(path, status, headers, body, elapsed):
    assert status == 503, (path, body[:500])
    assert int(headers["Retry-After"]) > 0
    assert "Сервис временно недоступен" in body or "Service temporarily" in body
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers
    assert elapsed < 1.0, (path, elapsed)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_outage_serves_cached_pages_answers_503_fast_and_recovers(capsys):
    article = ArticleFactory()
    # Pages a visitor has already seen (now in the page cache), and pages nobody has asked
    # for yet, which need the database.
    cached = ["/ru/", "/en/news/", article.get_absolute_url("en")]
    uncached = ["/en/", "/ru/news/", article.get_absolute_url("ru"), "/en/search/?q=customs"]
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)).start()
    connect_timeout = 1
    env = {
        "DATABASE_URL": database_url(proxy.port),
        "DJANGO_DB_CONN_MAX_AGE": "60",
        "DJANGO_DB_CONNECT_TIMEOUT": str(connect_timeout),
    }
    try:
        with App(env) as app:
            seen = {}
            for path in cached:
                assert app.get(path)[0] == 200, path
                status, headers, seen[path], _elapsed = app.get(path)
                assert (status, headers.get("X-Page-Cache")) == (200, "hit"), path

            proxy.cut()  # the database stops: its port refuses, open connections drop
            served_from_cache = 0
            outage_times = []
            for _round in range(2):
                for path in cached:
                    status, headers, body, elapsed = app.get(path)
                    assert status == 200, (path, body[:500])
                    assert headers["X-Page-Cache"] == "hit"
                    assert body == seen[path]  # the whole page, as before the outage
                    served_from_cache += 1
                for path in uncached:
                    status, headers, body, elapsed = app.get(path)
                    assert_branded_503(path, status, headers, body, elapsed)
                    outage_times.append(elapsed)

            proxy.restore()  # it is back: the very next request is served
            for path in uncached:
                status, _headers, body, _elapsed = app.get(path)
                assert status == 200, (path, body[:500])

            proxy.stall()  # it hangs: accepts connections, never answers
            status, headers, body, hung = app.get("/ru/search/?q=stall")
            assert status == 503
            # libpq counts the timeout in whole seconds: one second, plus the 503 page.
            assert hung < connect_timeout + 0.3, hung
            assert app.get("/ru/")[0] == 200  # the cache still answers meanwhile

            proxy.restore()
            assert app.get("/ru/search/?q=stall")[0] == 200
        with capsys.disabled():
            print(
                f"\ndatabase outage: {served_from_cache} cached pages answered 200; "
                f"{len(outage_times)} uncached pages answered 503 in at most "
                f"{max(outage_times):.3f} s; hung database: 503 in {hung:.2f} s; "
                "served again on the first request after each return"
            )
    finally:
        proxy.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_stuck_query_is_cancelled_by_the_statement_timeout():
    db = connection.settings_dict
    env = {
        "DATABASE_URL": database_url(int(db["PORT"] or 5432)),
        "DJANGO_DB_STATEMENT_TIMEOUT_MS": "300",
    }
    with App(env) as app:
        assert app.get("/ru/")[0] == 200  # warm: imports, templates, the connection
        status, headers, _body, elapsed = app.get("/ru/test-errors/slow-query/")
        assert status == 503
        assert "Retry-After" in headers
        assert elapsed < 1.0
        assert app.get("/ru/")[0] == 200


@postgres_only
@pytest.mark.django_db
def test_postgresql_connections_carry_the_timeouts():
    options = connection.settings_dict["OPTIONS"]
    assert options["connect_timeout"] == 1
    assert "statement_timeout=5000" in options["options"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"


# --- The cache server --------------------------------------------------------------------


def settings_in_subprocess(code: str, **env) -> str:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fcs_site.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }


def test_a_redis_cache_url_gives_a_cache_that_ignores_a_dead_server():
    out = settings_in_subprocess(
        "import time\n"
        "from django.conf import settings\n"
        "from django.core.cache import cache\n"
        "options = settings.CACHES['default']['OPTIONS']\n"
        "cache.get('warm-up: imports the client')\n"
        "started = time.monotonic()\n"
        "cache.set('key', 1)\n"
        "value = cache.get('key')\n"
        "print(settings.CACHES['default']['BACKEND'], options['IGNORE_EXCEPTIONS'], value,"
        " round(time.monotonic() - started, 2) < 1)",
        CACHE_URL="redis://127.0.0.1:1/0",
    )
    assert out.splitlines()[-1] == "django_redis.cache.RedisCache True None True"


@pytest.mark.django_db
def test_pages_are_served_when_the_cache_server_is_unreachable(settings, client, staff_user):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")
    article = ArticleFactory()
    for path in ("/ru/", "/en/news/", article.get_absolute_url("ru"), "/admin/news/article/"):
        client.force_login(staff_user)
        assert client.get(path).status_code == 200, path
    from django.core.cache import cache

    assert cache.get_or_set("computed", lambda: 42) == 42


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")
@pytest.mark.django_db
def test_the_cache_server_stops_and_returns(settings, client, tmp_path):
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0")
        from django.core.cache import cache

        deadline = time.monotonic() + 10
        while cache.get("ping") is None and time.monotonic() < deadline:
            cache.set("ping", "pong")
            time.sleep(0.1)
        assert cache.get("ping") == "pong"
        article = ArticleFactory()
        assert client.get(article.get_absolute_url("en")).status_code == 200

        server.terminate()
        server.wait(timeout=10)
        started = time.monotonic()
        assert cache.get("ping") is None
        for path in ("/ru/", "/en/news/", article.get_absolute_url("en")):
            assert client.get(path).status_code == 200
        assert time.monotonic() - started < 3

        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while cache.get("ping") != "pong" and time.monotonic() < deadline:
            cache.set("ping", "pong")
            time.sleep(0.1)
        assert cache.get("ping") == "pong"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- A migration that fails half-way ----------------------------------------------------


def failing_migration():
    def fail(apps, schema_editor):
        raise RuntimeError("the last step of this migration fails")

    operations = [
        migrations.CreateModel(
            "HalfwayProbe",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("label", models.CharField(max_length=20)),
            ],
        ),
        migrations.AddField("article", "halfway_flag", models.BooleanField(default=False)),
        migrations.RunSQL("UPDATE news_article SET halfway_flag = TRUE"),
        migrations.RunPython(fail, migrations.RunPython.noop),
    ]
    return type("Migration", (migrations.Migration,), {"operations": operations})(
        "9999_halfway_probe", "news"
    )


def schema_snapshot():
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        columns = [
            col.name
            for col in connection.introspection.get_table_description(cursor, "news_article")
        ]
    return tables, columns


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_fails_half_way_changes_nothing():
    """PostgreSQL and SQLite both roll DDL back, and Django runs each migration atomically."""
    assert connection.features.can_rollback_ddl
    ArticleFactory.create_batch(2)
    before = schema_snapshot()
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state()
    with pytest.raises(RuntimeError, match="last step"):
        executor.apply_migration(state, failing_migration())
    assert schema_snapshot() == before
    assert "news_halfwayprobe" not in before[0]
    assert "halfway_flag" not in before[1]
    applied = executor.recorder.applied_migrations()
    assert ("news", "9999_halfway_probe") not in applied
    from news.models import Article

    assert Article.objects.count() == 2
