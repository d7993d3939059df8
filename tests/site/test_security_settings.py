"""Production settings: `check --deploy`, security headers on every page, error pages."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ArticleFactory

ROOT = settings.BASE_DIR
YEAR = 365 * 24 * 3600


def documented_production_env() -> dict[str, str]:
    """The variables of .env.example, with a real-looking secret in place of the placeholder."""
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_check_deploy_is_clean_with_the_documented_production_environment():
    production = documented_production_env()
    assert production["DJANGO_DEBUG"] == "0"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_URL"))}
    env.update(production)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_new_setting_is_documented():
    example = (ROOT / ".env.example").read_text()
    for name in (
        "DJANGO_DB_STATEMENT_TIMEOUT_MS",
        "DJANGO_TRUSTED_PROXY_COUNT",
        "DJANGO_MAX_REQUEST_BODY_MB",
        "DJANGO_MAX_QUERY_STRING_BYTES",
        "DJANGO_HSTS_PRELOAD",
    ):
        assert f"{name}=" in example, name


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    assert response["Strict-Transport-Security"].startswith(f"max-age={YEAR}; includeSubDomains")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "no inline script without a nonce"
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for values in csp.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values


@pytest.fixture
def error_client(settings):
    settings.ROOT_URLCONF = "tests.site.error_urls"
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/ru/", 200),
        ("/en/news/", 200),
        ("/ru/no-such-page/", 404),
        ("/en/news/999999/", 404),
        ("/ru/test-errors/400/", 400),
        ("/ru/test-errors/403/", 403),
        ("/en/test-errors/500/", 500),
        ("/en/test-errors/503/", 503),
        ("/admin/login/", 200),
    ],
)
def test_security_headers_on_every_kind_of_response(error_client, path, status):
    ArticleFactory()
    response = error_client.get(path, secure=True)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response)


@pytest.mark.django_db
def test_hsts_is_sent_over_https_behind_the_proxy(settings, client):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/ru/", HTTP_X_FORWARDED_PROTO="https")
    assert_security_headers(response)


@pytest.mark.django_db
def test_security_headers_on_the_csrf_failure_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"}, secure=True)
    assert response.status_code == 403
    assert_security_headers(response)
    assert "Доступ запрещён" in response.content.decode()


@pytest.mark.django_db
def test_security_headers_on_the_bad_host_page():
    response = Client().get("/ru/", HTTP_HOST="evil.example", secure=True)
    assert response.status_code == 400
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "russian", "english"),
    [
        ("test-errors/400/", 400, "Неверный запрос", "Bad request"),
        ("test-errors/403/", 403, "Доступ запрещён", "Access denied"),
        ("no-such-page/", 404, "Страница не найдена", "Page not found"),
        ("test-errors/500/", 500, "Ошибка сервера", "Server error"),
        (
            "test-errors/503/",
            503,
            "Сервис временно недоступен",
            "Service temporarily unavailable",
        ),
        (
            "test-errors/503-interface/",
            503,
            "Сервис временно недоступен",
            "Service temporarily unavailable",
        ),
    ],
)
def test_error_pages_are_branded_and_translated(error_client, path, status, russian, english):
    for language, heading in (("ru", russian), ("en", english)):
        response = error_client.get(f"/{language}/{path}")
        assert response.status_code == status
        page = response.content.decode()
        assert f"<h1>{heading}</h1>" in page
        assert f'<html lang="{language}"' in page
        names = {"ru": "Федеральная таможенная служба", "en": "Federal customs service"}
        assert names[language] in page
        assert f'href="/{language}/"' in page
        if status == 503:
            assert response["Retry-After"].isdigit()


@pytest.mark.django_db
def test_the_500_and_503_pages_need_no_database(error_client, django_assert_num_queries):
    from fcs_site.caching import scheduled

    scheduled.note_next()  # the next publication's time is in the cache, as on a live site
    with django_assert_num_queries(0):
        assert error_client.get("/ru/test-errors/500/").status_code == 500
        assert error_client.get("/ru/test-errors/503/").status_code == 503


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_samesite(client, staff_user):
    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "correct-horse-battery-staple",
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    language = client.get("/i18n/switch/en/", secure=True).cookies[settings.LANGUAGE_COOKIE_NAME]
    for cookie in (csrf, session, language):
        assert cookie["secure"] is True, cookie.key
        assert cookie["httponly"] is True, cookie.key
        assert cookie["samesite"] == "Lax", cookie.key


def test_password_validators_demand_twelve_characters_and_more():
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    def problems(password):
        try:
            password_validation.validate_password(password)
        except ValidationError as error:
            return error.messages
        return []

    assert problems("Short1!")  # too short
    assert problems("password1234")  # common
    assert problems("123456789012345")  # numeric only
    assert problems("aaaaaaaaaaa")  # 11 characters
    assert not problems("customs-press-office-2026")
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "UserAttributeSimilarityValidator",
    } <= names


@pytest.mark.django_db
def test_an_over_long_query_string_gets_a_branded_414(client):
    response = client.get("/en/news/", {"q": "q" * 100_000}, secure=True)
    assert response.status_code == 414
    assert "<h1>Address too long</h1>" in response.content.decode()
    assert_security_headers(response)
    assert client.get("/ru/news/", {"q": "q" * 30_000}).status_code == 200


@pytest.mark.django_db
def test_deleting_in_the_admin_asks_for_confirmation_first(staff_client):
    from news.models import Article

    article = ArticleFactory()
    page = staff_client.get(f"/admin/news/article/{article.pk}/delete/")
    assert page.status_code == 200
    assert "Вы уверены" in page.content.decode()
    bulk = staff_client.post(
        "/admin/news/article/", {"action": "delete_selected", "_selected_action": [article.pk]}
    )
    assert bulk.status_code == 200
    assert "Вы уверены" in bulk.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_only_the_rich_text_form_relaxes_the_policy_and_only_for_what_the_editor_needs(
    staff_client,
):
    article = ArticleFactory()
    page = staff_client.get(f"/admin/news/article/{article.pk}/change/")
    csp = csp_directives(page)
    assert csp["script-src"][0] == "'self'"
    nonce = csp["script-src"][1].removeprefix("'nonce-").removesuffix("'")
    assert len(csp["script-src"]) == 2 and nonce
    assert f'<script type="importmap" nonce="{nonce}">' in page.content.decode()
    assert csp["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'"]  # style="" attributes stay blocked
    for other in ("/ru/", "/admin/news/rubric/add/", "/admin/news/article/"):
        csp = csp_directives(staff_client.get(other))
        assert csp["script-src"] == ["'self'"], other
        assert "style-src-elem" not in csp, other
