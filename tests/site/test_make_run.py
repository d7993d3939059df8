"""`make run`, the README's first command, as a newcomer runs it: the demo site comes up,
and the email worker it starts beside the server writes the mail to files (README,
"Email alerts"), here a confirmation email for a subscription made through the page.

It runs on a database and an address of its own (RUN_DB_URL, RUN_ADDR), so a developer's
var/db.sqlite3 and port 8000 are left alone.
"""

import email
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.alerts.conftest import free_port

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(check, timeout, what, process, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if process.poll() is not None:
            output = log.read_text()[-3000:]
            pytest.fail(f"make run stopped ({process.returncode}) before {what}:\n{output}")
        time.sleep(0.5)
    pytest.fail(f"make run: no {what} after {timeout} s")


def mail_texts(folder: Path) -> list[str]:
    """The text of every email the file backend wrote (one file per connection, emails
    separated by a line of dashes)."""
    texts = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for raw in path.read_text().split("-" * 79):
            if not raw.strip():
                continue
            message = email.message_from_string(raw.strip())
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    texts.append(part.get_payload(decode=True).decode())
    return texts


def test_make_run_serves_the_demo_and_its_worker_writes_the_mail_to_files(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mail = tmp_path / "mail"
    environment = {
        **os.environ,
        "DJANGO_EMAIL_FILE_PATH": str(mail),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    for name in (
        "DATABASE_URL",
        "CACHE_URL",
        "REDIS_URL",
        "FCS_TEST_REDIS_CACHE_URL",
        "DJANGO_EMAIL_BACKEND",
    ):
        environment.pop(name, None)
    log_path = tmp_path / "make-run.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            "make",
            "run",
            f"RUN_DB_URL=sqlite:///{tmp_path}/db.sqlite3",
            f"RUN_ADDR=127.0.0.1:{port}",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def get(path):
        try:
            with browser.open(base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except (urllib.error.URLError, ConnectionError):
            return None, ""

    try:
        status, home = wait_for(
            lambda: (found := get("/en/"))[0] == 200 and found, 300, "the site", process, log_path
        )
        # The demo content, with its photos.
        assert "The 45th session of the WCO Enforcement Committee took place" in home
        assert re.search(r'<img [^>]*src="/media/', home), "the demo front page has no photo"

        status, page = get("/en/alerts/subscribe/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {
            "csrfmiddlewaretoken": token,
            "email": "newcomer@example.test",
            "kind": "all",
            "frequency": "immediate",
            "consent": "on",
        }
        request = urllib.request.Request(
            base + "/en/alerts/subscribe/", data=urllib.parse.urlencode(form).encode()
        )
        try:
            browser.open(request, timeout=10)
            answered = 200
        except urllib.error.HTTPError as error:
            answered = error.code
        assert answered == 302, "the subscription was not accepted"

        texts = wait_for(
            lambda: [text for text in mail_texts(mail) if "/alerts/confirm/" in text],
            60,
            "confirmation email in the mail folder",
            process,
            log_path,
        )
        link = re.search(r"https?://\S+(/en/alerts/confirm/[^\s/]+/)", texts[0]).group(1)
        status, page = get(link)
        assert status == 200 and "Confirm your subscription" in page
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
