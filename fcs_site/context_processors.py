from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject


def resolve_link(target: str) -> str:
    """An address as it is, or a URL name of this site reversed in the current language."""
    if target.startswith(("http://", "https://", "/")):
        return target
    return reverse(target)


def site_path(path: str) -> str:
    """`path` as an address on this site. A path sent with leading slashes (`//evil.example/…`,
    `//[`) would otherwise read as another host when made absolute, or not parse at all."""
    return "/" + path.lstrip("/") if path.startswith("//") else path


def page_alternates(path: str) -> dict[str, str]:
    """The address of the page at `path` in every language."""
    try:
        return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    except ValueError:  # an address urlsplit cannot read: the page in its own language only
        return {code: path for code, _name in settings.LANGUAGES}


def site(request):
    return {
        # Translated once here rather than at each of the places a page shows it.
        "site_name": str(settings.FCS_SITE_NAME),
        "service_links": SimpleLazyObject(
            lambda: [(label, resolve_link(url)) for label, url in settings.FCS_SERVICE_LINKS]
        ),
        # Views that know better (an article in one language only) pass their own.
        "alternates": SimpleLazyObject(lambda: page_alternates(site_path(request.get_full_path()))),
    }
