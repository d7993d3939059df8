from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils import translation


class RequestSizeLimitMiddleware:
    """Refuse oversized requests before anything reads them.

    A query string longer than FCS_MAX_QUERY_STRING_BYTES gets 414 (front servers refuse
    such lines too; this keeps the answer the same without them), and a declared body
    larger than FCS_MAX_REQUEST_BODY_BYTES gets 413: Django bounds what it keeps in memory,
    but a multipart body would still be streamed to disk in full.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > settings.FCS_MAX_QUERY_STRING_BYTES:
            return self.refuse(request, "414.html", 414)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FCS_MAX_REQUEST_BODY_BYTES:
            return self.refuse(request, "413.html", 413)
        return self.get_response(request)

    @staticmethod
    def refuse(request, template_name, status):
        # This runs before LocaleMiddleware: take the language from the address.
        language = translation.get_language_from_path(request.path_info) or (
            translation.get_language_from_request(request)
        )
        with translation.override(language):
            content = loader.get_template(template_name).render()
        response = HttpResponse(content, status=status)
        # The length lets a client read the answer while its unread body is still pending.
        response["Content-Length"] = str(len(response.content))
        return response
