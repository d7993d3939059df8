from django.conf import settings
from django.utils.cache import patch_vary_headers

from .profile import Profile


class AccessibilityMiddleware:
    """Reads the profile cookie into `request.accessibility`.

    Every page depends on that cookie, so every response says `Vary: Cookie`; a shared
    cache must not hand one visitor's large-print page to another.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            # Files are the same for everyone: no `Vary: Cookie`, so that proxies and CDNs
            # keep one copy of each.
            return self.get_response(request)
        request.accessibility = Profile.from_cookie(
            request.COOKIES.get(settings.FCS_A11Y_COOKIE_NAME)
        )
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response
