"""Settings for an app process started by the fault tests: the site's own settings, with
static files served without a collectstatic manifest and the error-test URLs added."""

from fcs_site.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "tests.site.error_urls"
