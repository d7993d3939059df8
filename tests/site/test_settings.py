import os
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR


def run_manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_start_up_refuses_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "0"}, drop=["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_start_up_refuses_without_allowed_hosts_when_debug_is_off():
    result = run_manage(
        "check",
        env_overrides={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50},
        drop=["DJANGO_ALLOWED_HOSTS"],
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_debug_run_starts_without_a_secret_key():
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "1"}, drop=["DJANGO_SECRET_KEY"])
    assert result.returncode == 0, result.stderr


def test_no_migrations_are_pending():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_code_only_commands_run_without_the_deployments_secrets():
    """A build or CI machine checks migrations without a secret key or host list; serving
    (and `check`) still refuses, as above."""
    result = run_manage(
        "makemigrations",
        "--check",
        "--dry-run",
        env_overrides={"DJANGO_DEBUG": "0"},
        drop=["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Europe/Moscow"
    assert settings.USE_TZ is True
    assert [code for code, _ in settings.LANGUAGES] == ["ru", "en"]
    assert settings.LANGUAGE_CODE == "ru"


def test_postgres_url_goes_through_psycopg2():
    code = (
        "import os; os.environ['DATABASE_URL']='postgres://u:p@db.example:5432/fcs';"
        "os.environ['DJANGO_DEBUG']='1';"
        "import django; from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fcs_site.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "fcs"]
