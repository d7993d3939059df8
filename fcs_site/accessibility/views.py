from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from fcs_site.views import safe_next_url

from .profile import SETTINGS_BY_KEY, Profile

PANEL_ANCHOR = "#a11y-panel"


@never_cache
def set_profile(request):
    """Apply the choices in the query string, remember them, and go back to the page.

    `?fs=150&next=/ru/news/` sets one choice; `?reset=1` forgets them all ("normal
    version"). Pages link here with plain GET forms, so the panel works without
    JavaScript; the panel's script asks for JSON instead of the redirect. This is the
    only response that sets the profile cookie.
    """
    if "reset" in request.GET:
        profile = Profile()
    else:
        choices = {key: request.GET[key] for key in SETTINGS_BY_KEY if key in request.GET}
        try:
            profile = request.accessibility.with_choices(choices)
        except ValueError:
            return TemplateResponse(
                request,
                "accessibility/invalid_choice.html",
                {"next_url": _next(request), "a11y_next": _next(request)},
                status=400,
            )
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {
                "classes": profile.css_class_list(),
                "choices": profile.as_dict(),
                "panelOpen": profile.panel_open,
            }
        )
    else:
        next_url = _next(request)
        if "#" not in next_url:
            # Back at the panel: the next Tab continues from it, not from the top.
            next_url += PANEL_ANCHOR
        response = HttpResponseRedirect(next_url)
    store_profile(response, profile)
    return response


def _next(request) -> str:
    return safe_next_url(request, default=reverse("home"))


def store_profile(response, profile: Profile) -> None:
    name = settings.FCS_A11Y_COOKIE_NAME
    if profile.is_default:
        response.delete_cookie(name, path="/", samesite="Lax")
        return
    response.set_cookie(
        name,
        profile.to_cookie(),
        max_age=settings.FCS_A11Y_COOKIE_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        # The panel's script learns the state from the set view's answer, never from
        # document.cookie, so scripts have no business reading it.
        httponly=True,
        samesite="Lax",
    )
