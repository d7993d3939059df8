"""The site's URLconf plus views that fail on purpose, for the error-page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.urls import path

from fcs_site.urls import handler500
from fcs_site.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("test")


def broken(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


def database_gone(request):
    raise InterfaceError("connection already closed")


def slow_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(10)")
    return HttpResponse("finished")


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(
        path("test-errors/403/", forbidden),
        path("test-errors/400/", suspicious),
        path("test-errors/500/", broken),
        path("test-errors/503/", database_down),
        path("test-errors/503-interface/", database_gone),
        path("test-errors/slow-query/", slow_query),
    ),
]
