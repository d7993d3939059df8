from pathlib import Path

import pytest
from django.conf import settings


def pytest_configure(config):
    # WhiteNoise looks for STATIC_ROOT when the first request builds the middleware.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Signing in staff is part of many tests; a slow hash there tests nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test uploads into a folder of its own, served by Django as in a local run."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.FCS_SERVE_MEDIA = True
    return root


@pytest.fixture(autouse=True)
def _small_demo_photos(monkeypatch):
    """The demo's illustrations are drawn at 480×270 (one rendition per format): tests load
    the demo many times, and full-size renditions take seconds. test_demo.py checks the
    full size once."""
    monkeypatch.setattr("news.demo_photos.SIZE", (480, 270))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Russian, the site's default; requests switch as their URL says."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """Pages are made for every request."""
    settings.FCS_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.test", "correct-horse-battery-staple"
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
