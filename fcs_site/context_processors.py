from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject


def resolve_link(target: str) -> str:
    """An address as it is, or a URL name of this site reversed in the current language."""
    if target.startswith(("http://", "https://", "/")):
        return target
    return reverse(target)


def site(request):
    def default_alternates():
        path = request.get_full_path()
        return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}

    return {
        "site_name": settings.FCS_SITE_NAME,
        "service_links": [(label, resolve_link(url)) for label, url in settings.FCS_SERVICE_LINKS],
        # Views that know better (an article in one language only) pass their own.
        "alternates": SimpleLazyObject(default_alternates),
    }
