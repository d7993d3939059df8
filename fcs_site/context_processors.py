from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject


def site(request):
    def default_alternates():
        path = request.get_full_path()
        return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}

    return {
        "site_name": settings.FCS_SITE_NAME,
        "service_links": settings.FCS_SERVICE_LINKS,
        # Views that know better (an article in one language only) pass their own.
        "alternates": SimpleLazyObject(default_alternates),
    }
