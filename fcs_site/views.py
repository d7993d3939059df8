from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import static


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


def serve_media(request, path):
    """Uploaded media for local runs and tests (FCS_SERVE_MEDIA); production serves MEDIA_URL
    from the reverse proxy or the object store with the same headers (see README)."""
    if not settings.FCS_SERVE_MEDIA:
        raise Http404
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation as exc:  # a path leading out of MEDIA_ROOT
        raise Http404 from exc
    response["X-Content-Type-Options"] = "nosniff"
    # Should a file ever be opened as a document, it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
