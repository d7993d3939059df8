"""Subscribing and managing alerts without an account. None of these pages is cached (they
are private to one visitor, and several carry a CSRF cookie): `never_cache`, and /alerts/
is in FCS_PAGE_CACHE_EXCLUDED_PREFIXES."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services, throttle, tokens
from .forms import PreferencesForm, SubscribeForm, target_from_query
from .models import Subscription


def _throttled(request, *, bad_links: bool = False):
    response = render(request, "alerts/throttled.html", {"bad_links": bad_links}, status=429)
    response["Retry-After"] = "3600"
    return response


def _link_problem(request, *, expired: bool = False, gone: bool = False):
    """A link that was tampered with or cut short (404), has expired (410) or whose address
    has left (404): a page that says which, never an error. A client address that keeps
    opening links that do not work is guessing or flooding: past
    FCS_ALERTS_BAD_LINKS_PER_HOUR those are answered 429. Links that work still work, so a
    mail provider's one-click unsubscribe is never held back by someone else's flood."""
    limit = settings.FCS_ALERTS_BAD_LINKS_PER_HOUR
    if not expired and not gone and not throttle.allow(request, "bad-link", limit):
        return _throttled(request, bad_links=True)
    status = 410 if expired else 404
    context = {"expired": expired, "gone": gone}
    return render(request, "alerts/link_problem.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    target_kind, target = target_from_query(request.GET)
    if target_kind is not None and target is None:
        raise Http404("No such rubric, topic or body.")
    # The press releases page links here with ?kind=press_releases: that choice is made.
    preset = request.GET.get("kind")
    if preset is not None and preset != Subscription.Kind.PRESS_RELEASES:
        raise Http404("No such choice.")
    if request.method == "POST":
        if not throttle.allow(request, "subscribe", settings.FCS_ALERTS_REQUESTS_PER_HOUR):
            return _throttled(request)
        form = SubscribeForm(request.POST, target_kind=target_kind, target=target)
        if form.is_valid():
            data = form.cleaned_data
            services.subscription_request(
                email=data["email"],
                language=get_language(),
                kind=data["kind"],
                target=data["target"],
                frequency=data["frequency"],
            )
            # The same answer whether or not the address was known, or asked within the hour.
            return HttpResponseRedirect(reverse("alerts:requested"))
    else:
        initial = {"kind": preset} if preset else None
        form = SubscribeForm(initial=initial, target_kind=target_kind, target=target)
    context = {"form": form, "target": target, "hours": settings.FCS_ALERTS_CONFIRM_HOURS}
    return render(request, "alerts/subscribe.html", context)


@never_cache
def requested(request):
    return render(request, "alerts/requested.html", {"hours": settings.FCS_ALERTS_CONFIRM_HOURS})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows what is confirmed and a button: mail scanners that open every link in an
    email must not confirm on someone's behalf. POST confirms."""
    try:
        subscription_request = tokens.read_confirmation(token)
    except tokens.LinkExpired:
        return _link_problem(request, expired=True)
    except tokens.LinkInvalid:
        return _link_problem(request)
    if request.method == "POST":
        try:
            subscription = services.subscription_confirm(request=subscription_request)
        except tokens.LinkInvalid:
            return _link_problem(request)
        except services.RequestGone:
            return _link_problem(request, gone=True)
        manage_url = reverse(
            "alerts:manage", kwargs={"token": tokens.manage_token(subscription.subscriber)}
        )
        return render(
            request,
            "alerts/confirmed.html",
            {"subscription": subscription, "manage_url": manage_url},
        )
    return render(request, "alerts/confirm.html", {"token": token})


def _subscriber_or_problem(request, token):
    try:
        subscriber = services.subscriber_for_link(token)
    except tokens.LinkInvalid:
        return None, _link_problem(request)
    if subscriber is None:
        return None, _link_problem(request, gone=True)
    return subscriber, None


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    subscriber, problem = _subscriber_or_problem(request, token)
    if problem:
        return problem
    if request.method == "POST":
        form = PreferencesForm(request.POST, subscriber=subscriber)
        if form.is_valid():
            services.preferences_update(
                subscriber=subscriber,
                language=form.cleaned_data["language"],
                frequencies=form.frequencies(),
                removed=form.removed(),
            )
            if subscriber.pk is None:  # nothing left: the address was deleted
                return render(request, "alerts/unsubscribed.html")
            return HttpResponseRedirect(f"{request.path}?saved=1")
    else:
        form = PreferencesForm(subscriber=subscriber)
    context = {
        "form": form,
        "subscriber": subscriber,
        "token": token,
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "alerts/manage.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in every email and its List-Unsubscribe header. GET asks; POST unsubscribes:
    from the page's button, or from a mail client's one-click button (RFC 8058: a POST with
    `List-Unsubscribe=One-Click`, no cookie, no CSRF token). The signed link is what proves
    the request; the address and its subscriptions are deleted."""
    try:
        subscriber = services.subscriber_for_link(token)
    except tokens.LinkInvalid:
        return _link_problem(request)
    if request.method == "POST":
        if subscriber is not None:
            services.subscriber_delete(subscriber=subscriber)
        return render(request, "alerts/unsubscribed.html")
    if subscriber is None:
        return render(request, "alerts/unsubscribed.html")
    return render(request, "alerts/unsubscribe.html", {"subscriber": subscriber})
