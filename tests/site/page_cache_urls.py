"""The site's URLs plus views that each try to leak something into the page cache."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.cache import cache_control

from fcs_site.urls import urlpatterns as site_urlpatterns


def sets_cookie(request):
    response = HttpResponse("a page that sets a cookie")
    response.set_cookie("tracking", "visitor-42")
    return response


def with_csrf_token(request):
    return HttpResponse(f'<form method="post"><input name="t" value="{get_token(request)}">')


@cache_control(private=True)
def private_page(request):
    return HttpResponse("private")


def who_am_i(request):
    name = request.user.username if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"signed in as {name}")


def with_nonce(request):
    request._csp_nonce = "n0nce"  # what django-csp sets when a template asks for a nonce
    return HttpResponse('<script nonce="n0nce"></script>')


def echo_query(request, **kwargs):
    return HttpResponse("query: " + request.GET.urlencode())


def varies_on_accept(request):
    response = HttpResponse("<p>html</p>")
    response["Vary"] = "Accept"
    return response


def not_found(request):
    return HttpResponse("gone", status=404)


urlpatterns = [
    *site_urlpatterns,
    path("leak/cookie/", sets_cookie),
    path("leak/csrf/", with_csrf_token),
    path("leak/private/", private_page),
    path("leak/user/", who_am_i),
    path("leak/nonce/", with_nonce),
    path("leak/vary/", varies_on_accept),
    path("leak/missing/", not_found),
    path("echo/", echo_query),
    path("news/preview/<str:token>/", echo_query),
]
