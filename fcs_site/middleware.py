from django.conf import settings
from django.http import HttpResponse
from django.template import loader


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than the site ever accepts (413).

    Django bounds what it keeps in memory, but a multipart body would still be streamed
    to disk in full; this answers before anything reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FCS_MAX_REQUEST_BODY_BYTES:
            response = HttpResponse(loader.get_template("413.html").render(), status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)
