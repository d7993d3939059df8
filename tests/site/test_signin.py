"""Sign-in throttling (django-axes), identical answers for known and unknown users, logging."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password, address="203.0.113.7", language="ru"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def without_csrf_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_five_failures_lock_the_username_and_address_pair_for_fifteen_minutes(client, staff_user):
    for _attempt in range(4):
        assert sign_in(client, "editor", "wrong password").status_code == 200
    # The fifth failure locks at once; then even the right password is refused.
    assert sign_in(client, "editor", "wrong password").status_code == 429
    locked = sign_in(client, "editor", PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "<h1>Вход временно заблокирован</h1>" in page
    assert "15 минут" in page
    assert "Федеральная таможенная служба" in page

    # Another address, or another name from this address, is not locked.
    assert sign_in(client, "editor", PASSWORD, address="198.51.100.1").status_code == 302
    client.logout()
    assert sign_in(client, "someone-else", "wrong password").status_code == 200

    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=16)):
        assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_an_attempt_during_the_lock_starts_the_fifteen_minutes_again(client, staff_user):
    for _attempt in range(5):
        sign_in(client, "editor", "wrong password")
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=14)):
        assert sign_in(client, "editor", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14 + 14)):
        assert sign_in(client, "editor", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14 + 14 + 16)):
        assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_the_lockout_page_is_translated(client, staff_user):
    for _attempt in range(5):
        sign_in(client, "editor", "wrong password", language="en")
    locked = sign_in(client, "editor", "wrong password", language="en")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "<h1>Sign-in temporarily blocked</h1>" in page
    assert '<html lang="en"' in page


def test_known_and_unknown_usernames_get_identical_answers(client, staff_user):
    for _attempt in range(6):
        known = sign_in(client, "editor", "wrong password")
        unknown = sign_in(client, "nobody-here", "wrong password")
        assert known.status_code == unknown.status_code
        known_page = without_csrf_token(known.content.decode()).replace("editor", "NAME")
        unknown_page = without_csrf_token(unknown.content.decode()).replace("nobody-here", "NAME")
        assert known_page == unknown_page
        assert {k for k, _v in known.items()} == {k for k, _v in unknown.items()}
    assert known.status_code == 429


def test_sign_ins_and_failures_are_logged_with_name_and_address(client, staff_user, caplog):
    with caplog.at_level(logging.INFO):
        sign_in(client, "editor", "wrong password", address="192.0.2.44")
        sign_in(client, "editor", PASSWORD, address="192.0.2.44")
    failures = [r.getMessage() for r in caplog.records if "failure" in r.getMessage().lower()]
    successes = [r.getMessage() for r in caplog.records if "Successful login" in r.getMessage()]
    assert any("editor" in m and "192.0.2.44" in m for m in failures), failures
    assert any("editor" in m and "192.0.2.44" in m for m in successes), successes
    assert not any(PASSWORD in r.getMessage() for r in caplog.records)


def test_the_address_behind_our_own_proxy_is_the_last_forwarded_one(settings, client, staff_user):
    settings.FCS_TRUSTED_PROXY_COUNT = 1
    for _attempt in range(5):
        client.post(
            LOGIN,
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        )
    # A forged left-most entry does not reset the count: the right-most address is locked.
    forged = client.post(
        LOGIN,
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.9",
    )
    assert forged.status_code == 429
    other = client.post(
        LOGIN,
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 302
