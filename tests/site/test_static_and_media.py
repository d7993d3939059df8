"""Static files hashed, compressed and cached for years; media on object storage by env."""

import re
import runpy

import pytest
from django.conf import global_settings
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings
from storages.backends.s3 import S3Storage

TEN_YEARS = 315360000


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.staticfiles.storage import staticfiles_storage

    return tmp_path, staticfiles_storage


def test_hashed_static_files_are_compressed_and_immutable(collected):
    root, storage = collected
    url = storage.url("css/site.css")
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", url)
    assert (root / f"{url.removeprefix('/static/')}.gz").exists()

    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert f"max-age={TEN_YEARS}" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]
    # The same file for everyone: proxies and CDNs keep one copy, whatever the cookies.
    assert "Cookie" not in response["Vary"]


def test_unhashed_static_files_get_the_short_lifetime(collected, settings):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert f"max-age={settings.WHITENOISE_MAX_AGE}" in response["Cache-Control"]
    assert "immutable" not in response["Cache-Control"]


def settings_from(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(django_settings.BASE_DIR / "fcs_site" / "settings.py"))


S3_ENV = {
    "FCS_MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "press-media",
    "AWS_S3_ENDPOINT_URL": "https://objects.example.test",
    "AWS_S3_REGION_NAME": "ru-central1",
    "AWS_ACCESS_KEY_ID": "test-key-id",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
}


def test_media_go_to_object_storage_when_the_environment_says_so(monkeypatch):
    loaded = settings_from(monkeypatch, **S3_ENV)
    default = loaded["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    with override_settings(STORAGES={**django_settings.STORAGES, "default": default}):
        from django.core.files.storage import storages

        storage = storages["default"]
        assert isinstance(storage, S3Storage)
        assert storage.bucket_name == "press-media"
        assert storage.location == "media"
        # A plain address, built without a network call: pages can be cached with it.
        assert storage.url("photos/a.jpg") == (
            "https://objects.example.test/press-media/media/photos/a.jpg"
        )


def test_with_object_storage_nothing_is_kept_on_local_disk(monkeypatch):
    loaded = settings_from(monkeypatch, **S3_ENV, CACHE_URL="redis://127.0.0.1:6379/3")
    assert "FileSystemStorage" not in loaded["STORAGES"]["default"]["BACKEND"]
    session_engine = loaded.get("SESSION_ENGINE", global_settings.SESSION_ENGINE)
    assert session_engine in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.cached_db",
        "django.contrib.sessions.backends.signed_cookies",
    }
    assert "FileBasedCache" not in loaded["CACHES"]["default"]["BACKEND"]
    assert "redis" in loaded["CACHES"]["default"]["BACKEND"].lower()


def test_the_local_disk_is_the_default_for_media(monkeypatch):
    monkeypatch.delenv("FCS_MEDIA_STORAGE", raising=False)
    loaded = settings_from(monkeypatch)
    assert loaded["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"FCS_MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": ""}, "AWS_STORAGE_BUCKET_NAME"),
        ({"FCS_MEDIA_STORAGE": "ftp"}, "filesystem or s3"),
    ],
)
def test_a_wrong_media_configuration_stops_start_up_clearly(monkeypatch, environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_from(monkeypatch, **environment)
