"""A real Varnish (Debian's varnishd with varnish-modules' xkey) in front of the app.

The VCL is deploy/varnish/default.vcl with its backend pointed at the test server. The
app tags each page (`Surrogate-Key`) and purges the tags of every edit after it commits
(FCS_CACHE_PURGE_BACKEND=varnish).
"""

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache

from fcs_site.caching import purge
from tests.factories import ArticleFactory, BodyFactory

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "default.vcl"
XKEY = next(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so"), None)

pytestmark = pytest.mark.django_db(transaction=True)


def _missing() -> str | None:
    if not shutil.which("varnishd"):
        return "varnishd is not installed (Debian: apt-get install varnish varnish-modules)"
    if XKEY is None:
        return "vmod xkey is not installed (Debian: apt-get install varnish-modules)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Varnish:
    def __init__(self, backend_port: int, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.vcl = workdir / "test.vcl"
        self.vcl.write_text(VCL.read_text().replace('"8000"', f'"{backend_port}"'))
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "varnishd", "-F", "-a", f"127.0.0.1:{self.port}", "-f", str(self.vcl),
                "-n", str(self.workdir / "instance"), "-s", "malloc,32m", "-T", "none",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.1)
        raise RuntimeError("varnishd did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, cookie: str | None = None):
        request = urllib.request.Request(self.url + path)
        if cookie:
            request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@pytest.fixture
def varnish(live_server, settings):
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing + " CI is set, so this is a failure, not a skip.")
        pytest.skip(missing)
    # varnishd reads the VCL as its own unprivileged user: not from pytest's private tmp.
    workdir = Path(tempfile.mkdtemp(prefix="fcs-varnish-"))
    workdir.chmod(0o755)
    proxy = Varnish(int(live_server.url.rsplit(":", 1)[1]), workdir)
    proxy.vcl.chmod(0o644)
    proxy.start()
    settings.FCS_CACHE_PURGE_BACKEND = "varnish"
    settings.FCS_VARNISH_PURGE_URLS = [proxy.url + "/"]
    yield proxy
    proxy.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def twice(varnish, path, cookie=None):
    return varnish.get(path, cookie), varnish.get(path, cookie)


def x_cache(answer) -> str:
    return answer[1]["X-Cache"]


def test_the_second_request_is_a_hit_with_the_same_page(varnish):
    article = ArticleFactory(title_en="Through the proxy")
    first, second = twice(varnish, article.get_absolute_url("en"))
    assert (first[0], x_cache(first), x_cache(second)) == (200, "MISS", "HIT")
    assert second[2] == first[2]
    assert b"Through the proxy" in second[2]
    assert "Surrogate-Key" not in second[1]  # the tags stay between the app and the proxy


def test_an_edit_purges_the_pages_that_show_it_and_no_others(varnish):
    edited = ArticleFactory(title_en="Before the edit")
    other = ArticleFactory(title_en="Not edited")
    body = BodyFactory(slug="council", name_en="Council")
    paths = {
        "edited": edited.get_absolute_url("en"),
        "list": "/en/news/",
        "home": "/en/",
        "other": other.get_absolute_url("en"),
        "body": body.get_absolute_url("en"),
    }
    for path in paths.values():
        twice(varnish, path)
    edited.title_en = "After the edit"
    edited.save()
    after = {name: varnish.get(path) for name, path in paths.items()}
    assert {name for name, answer in after.items() if x_cache(answer) == "MISS"} == {
        "edited",
        "list",
        "home",
    }
    for name in ("edited", "list", "home"):
        assert b"After the edit" in after[name][2], name


@pytest.mark.parametrize("cookie", ["sessionid=abc", "csrftoken=abc", "messages=abc"])
def test_requests_with_a_session_or_csrf_cookie_are_never_stored(varnish, cookie):
    article = ArticleFactory()
    path = article.get_absolute_url("en")
    first, second = twice(varnish, path, cookie)
    assert (x_cache(first), x_cache(second)) == ("MISS", "MISS")
    # Nor did they leave a copy for anonymous visitors.
    assert x_cache(varnish.get(path)) == "MISS"


@pytest.mark.parametrize("path", ["/leak/private/", "/leak/cookie/", "/leak/csrf/"])
def test_private_answers_and_answers_with_cookies_are_never_stored(varnish, settings, path):
    settings.ROOT_URLCONF = "tests.site.page_cache_urls"
    first, second = twice(varnish, path)
    assert first[0] == 200
    assert (x_cache(first), x_cache(second)) == ("MISS", "MISS")


def test_languages_and_accessibility_profiles_get_copies_of_their_own(varnish):
    ArticleFactory(title_en="English headline", title_ru="Русский заголовок")
    english, russian = twice(varnish, "/en/news/")[1], twice(varnish, "/ru/news/")[1]
    assert x_cache(english) == x_cache(russian) == "HIT"
    assert "English headline" in english[2].decode()
    assert "Русский заголовок" in russian[2].decode()
    large = "a11y=fs:200|cs:white-on-black"
    first = varnish.get("/en/news/", large)
    assert x_cache(first) == "MISS"  # another profile: not the default copy
    assert 'class="' in first[2].decode() and first[2] != english[2]
    assert x_cache(varnish.get("/en/news/", large)) == "HIT"
    # An analytics cookie changes nothing: the default copy.
    assert x_cache(varnish.get("/en/news/", "_ga=GA1.2.3")) == "HIT"


def test_with_varnish_down_saves_succeed_and_the_purge_is_sent_later(varnish, settings, caplog):
    article = ArticleFactory(title_en="Before the outage")
    path = article.get_absolute_url("en")
    twice(varnish, path)
    settings.FCS_VARNISH_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]  # unreachable
    with caplog.at_level(logging.WARNING, logger="fcs_site.caching.purge"):
        article.title_en = "Edited while the proxy was unreachable"
        article.save()  # the editor's save goes through
    assert "kept to retry" in caplog.text
    assert f"news.article:{article.pk}" in cache.get(purge.PENDING_KEY)
    assert x_cache(varnish.get(path)) == "HIT"  # the proxy still has the old page
    settings.FCS_VARNISH_PURGE_URLS = [varnish.url + "/"]
    assert purge.send(())  # the retry (also sent with the next purge)
    assert cache.get(purge.PENDING_KEY) is None
    fresh = varnish.get(path)
    assert x_cache(fresh) == "MISS"
    assert b"Edited while the proxy was unreachable" in fresh[2]


def test_purges_from_elsewhere_are_refused(varnish):
    # The ACL admits this machine only; a purge without tags is refused.
    request = urllib.request.Request(varnish.url + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
