"""Two app processes, one PostgreSQL database and one Redis: a site on several machines.

An editor publishes through one process; a visitor of the other sees the article at
once, though both had the news pages in their (shared) cache.
"""

import http.cookiejar
import os
import re
import runpy
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import global_settings, settings
from django.db import connection

from fcs_site.bench.database import database_url
from fcs_site.bench.run import Server
from tests.factories import ArticleFactory
from tests.site.redis_support import delete_keys, require_redis

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two processes need one database server; the SQLite test database is private",
    ),
    pytest.mark.django_db(transaction=True),
]

REDIS_URL = os.environ.get("FCS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    return root


@pytest.fixture
def two_sites(static_root, tmp_path, settings, monkeypatch):
    redis = require_redis(REDIS_URL)
    prefix = f"fcs-test-{uuid.uuid4().hex}"
    # This process writes content too (the factories): it shares the sites' cache, as
    # every machine of a deployment does.
    monkeypatch.setenv("CACHE_URL", REDIS_URL)
    monkeypatch.setenv("DJANGO_CACHE_PREFIX", prefix)
    settings.CACHES = runpy.run_path(str(settings.BASE_DIR / "fcs_site" / "settings.py"))["CACHES"]
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "DJANGO_DB_CONN_MAX_AGE": "0",
        "CACHE_URL": REDIS_URL,
        "DJANGO_CACHE_PREFIX": prefix,  # this test's own key space in the shared Redis
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    servers = [Server(env=env, workers=1, log=tmp_path / f"site-{n}.log") for n in "ab"]
    try:
        for server in servers:
            server.wait_ready("/en/")
        yield servers
    finally:
        for server in servers:
            server.stop()
        delete_keys(redis, prefix)


class Browser:
    def __init__(self, server):
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        try:
            with self.opener.open(self.server.url(path), timeout=20) as answer:
                return answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(self.server.url(path), data=body, timeout=20) as answer:
            return answer.status, answer.read().decode()


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_an_article_published_through_one_process_shows_at_once_on_the_other(
    two_sites, django_user_model, settings
):
    site_a, site_b = two_sites
    # The sites check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    django_user_model.objects.create_superuser("editor", "editor@example.test", PASSWORD)
    ArticleFactory(title_en="Already on the site")
    draft = ArticleFactory(draft=True, title_en="Released through site A")

    visitors = [Browser(site_a), Browser(site_b)]
    for visitor in visitors:
        for path in ("/en/", "/en/news/"):
            visitor.get(path)
            status, headers, html = visitor.get(path)
            assert status == 200
            assert headers["X-Page-Cache"] == "hit"
            assert "Already on the site" in html
            assert "Released through site A" not in html

    editor = Browser(site_a)
    _status, _headers, login = editor.get("/admin/login/?next=/admin/")
    editor.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login)},
    )
    _status, _headers, changelist = editor.get("/admin/news/article/")
    assert "/admin/logout/" in changelist, "the editor is not signed in"
    assert draft.title_ru in changelist
    status, _html = editor.post(
        "/admin/news/article/",
        {
            "action": "publish",
            "_selected_action": [draft.pk],
            "csrfmiddlewaretoken": csrf_token(changelist),
        },
    )
    assert status == 200

    for visitor in reversed(visitors):  # site B first: it did nothing but serve its cache
        for path in ("/en/", "/en/news/"):
            status, headers, html = visitor.get(path)
            assert status == 200
            assert "Released through site A" in html, path
            assert headers["X-Page-Cache"] == "miss"
        status, _headers, html = visitor.get(f"/en/news/{draft.pk}/")
        assert status == 200
        assert "Released through site A" in html
