import sys

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.templatetags.static import static as static_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults, static
from django.views.decorators.http import require_safe


def safe_next_url(request, default: str) -> str:
    """The `next` parameter when it is a path on this site, `default` otherwise."""
    next_url = request.GET.get("next", "")
    if (
        next_url.startswith("/")
        and "\\" not in next_url
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None)
    ):
        return next_url
    return default


def switch_language(request, language):
    """Remember the visitor's language and go to the page they chose in it."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        home = reverse("home")
    response = HttpResponseRedirect(safe_next_url(request, default=home))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path="/",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: the branded 500 page, or 503 with Retry-After when the database is down.

    Django calls it inside its exception handler, so the exception is at hand. Neither page
    touches the database or the context processors.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return service_unavailable(request)
    return defaults.server_error(request)


def service_unavailable(request):
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def serve_media(request, path):
    """Uploaded media for local runs and tests (FCS_SERVE_MEDIA); production serves MEDIA_URL
    from the reverse proxy or the object store with the same headers (see README)."""
    if not settings.FCS_SERVE_MEDIA:
        raise Http404
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation as exc:  # a path leading out of MEDIA_ROOT
        raise Http404 from exc
    except OSError as exc:  # a name the file system refuses (too long, say)
        raise Http404 from exc
    response["X-Content-Type-Options"] = "nosniff"
    # Should a file ever be opened as a document, it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the emblem."""
    response = HttpResponseRedirect(static_url("img/favicon.svg"))
    # An hour: after a release the hashed name changes and the old file is gone.
    response["Cache-Control"] = "public, max-age=3600"
    return response
