"""The site's URLs plus a page that shows only the press service's contacts."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from fcs_site.urls import urlpatterns as site_urlpatterns

PAGE = engines["django"].from_string('<main>{% include "includes/press_contacts.html" %}</main>')


def contacts_page(request):
    return HttpResponse(PAGE.render({}, request))


urlpatterns = [*site_urlpatterns, *i18n_patterns(path("contacts-only/", contacts_page))]
